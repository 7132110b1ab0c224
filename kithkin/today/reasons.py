"""The engine's reasons, in plain words for the person."""

from __future__ import annotations

from datetime import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from kithkin.circle.models import Person
from kithkin.today.drafts import gap_words


def _when(moment: datetime, now: datetime) -> str:
    """When, in words: "on Tuesday" within the last week, otherwise "on March 3"."""
    local = moment.astimezone(now.tzinfo)
    days = (now.date() - local.date()).days
    if days == 0:
        return _("earlier today")
    if days == 1:
        return _("yesterday")
    if days < 7:
        return _("on %(day)s") % {"day": formats.date_format(local, "l")}
    return _("on %(date)s") % {"date": formats.date_format(local, "MONTH_DAY_FORMAT")}


def describe(reason: dict[str, object], person: Person | None, now: datetime) -> str:
    code = str(reason.get("code", ""))
    data = reason.get("data") or {}
    assert isinstance(data, dict)  # noqa: S101 - written by today.actions
    name = person.short_name if person else ""
    if code == "reply_owed":
        since = datetime.fromisoformat(str(data["since"]))
        return _("%(name)s reached out %(when)s.") % {"name": name, "when": _when(since, now)}
    if code == "been_a_while":
        if not data.get("since"):
            return _("You haven't logged anything with %(name)s yet.") % {"name": name}
        since = datetime.fromisoformat(str(data["since"]))
        gap = gap_words((now - since.astimezone(now.tzinfo)).days)
        return _("It's been %(gap)s.") % {"gap": gap}
    if code == "not_logged_yet":
        return _("Nothing logged with %(name)s yet: a small hello is a good start.") % {
            "name": name
        }
    if code == "lifts_you":
        return _("You usually feel lifted after time with %(name)s.") % {"name": name}
    if code == "fits_energy":
        effort, energy = data.get("effort"), data.get("energy")
        if energy == "low":
            return _("A tiny step, for a running-low day.")
        if effort == "main" and energy == "good":
            return _("You have some energy today: something a little bigger could be lovely.")
        if effort == "tiny":
            return _("Quick and light.")
        return _("Small enough for today.")
    if code == "waiting_on_replies":
        return _(
            "You're waiting to hear back from people. Replies are often slow for ordinary "
            "reasons, so here's something kind for you instead."
        )
    if code == "target_self":
        return _("Connecting with yourself counts too.")
    if code == "target_stranger":
        return _(
            "People who chat with a stranger usually enjoy it more than they expected "
            "(Epley & Schroeder, 2014)."
        )
    if code == "target_community":
        return _("Being where people share an interest makes it easier to belong.")
    return ""
