from __future__ import annotations

from datetime import datetime

from django import template
from django.contrib.messages.storage.base import Message
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext

from kithkin.lib.limits import as_id

register = template.Library()


@register.filter
def message_action(message: Message) -> dict[str, object] | None:
    """A follow-up a message offers, from its extra tags: "undo:12" or "logged:12"."""
    for tag in (message.extra_tags or "").split():
        kind, _sep, pk = tag.partition(":")
        if kind in {"undo", "logged"} and (number := as_id(pk)) is not None:
            return {"kind": kind, "pk": number}
    return None


@register.filter
def since(value: datetime | None, now: datetime | None = None) -> str:
    """Time since, in its largest unit only ("3 days", "2 months"): easy to read."""
    if value is None:
        return ""
    return timesince(value, now, depth=1)


@register.filter
def ago(value: datetime | None, now: datetime | None = None) -> str:
    """ "3 days ago", or "just now" inside the first minute (never "0 minutes ago")."""
    if value is None:
        return ""
    if ((now or timezone.now()) - value).total_seconds() < 60:
        return gettext("just now")
    return gettext("%(when)s ago") % {"when": since(value, now)}
