from __future__ import annotations

from django import template
from django.contrib.messages.storage.base import Message

register = template.Library()


@register.filter
def message_action(message: Message) -> dict[str, object] | None:
    """A follow-up a message offers, from its extra tags: "undo:12" or "logged:12"."""
    for tag in (message.extra_tags or "").split():
        kind, _sep, pk = tag.partition(":")
        if kind in {"undo", "logged"} and pk.isdigit():
            return {"kind": kind, "pk": int(pk)}
    return None
