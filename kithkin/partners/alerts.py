"""What the reminder worker sends a partner, and when: plain functions.

The worker (kithkin/nudges) decides when to look and how to deliver; these
functions say whether an alert is due and what the words are. The conditions
take plain dates and numbers, so they are tested by hand; the texts read only
what `sharing.shared_summary` returns, so an email never says more than the
partner's page shows. Nothing here ever includes a check-in note.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kithkin.partners import sharing
from kithkin.partners.models import Partnership
from kithkin.wellbeing import scoring

NO_CHECKIN = "no_checkin"
LOW_MOOD = "low_mood"
REASONS = (NO_CHECKIN, LOW_MOOD)

NO_CHECKIN_DAYS = (2, 14)  # the choice offered, inclusive
LOW_MOOD_DAYS = (2, 7)


def no_checkin_alert_due(last_checkin_day: date | None, today: date, days: int) -> bool:
    """Whether `days` whole days have gone by with no check-in.

    Whole days are the days after the last check-in and before today (today
    isn't over, so it doesn't count yet). With the last check-in on Monday and
    days=2, Tuesday and Wednesday are the two whole days: due from Thursday.
    No check-in at all (None) is never due; pass the day alerts were turned on
    instead, so a person who turns them on isn't alerted about the past.
    """
    if last_checkin_day is None or days < 1:
        return False
    return (today - last_checkin_day).days - 1 >= days


def low_mood_alert_due(recent_moods_by_day: Mapping[date, int], today: date, days: int) -> bool:
    """Whether the mood was at the lowest level (Mood.VERY_LOW, 1) on each of the
    last `days` days, consecutively, ending today or yesterday.

    1. The latest check-in on or before today must be today or yesterday
       (otherwise the stretch is old news: the no-check-in alert covers silence).
    2. That day and the `days - 1` calendar days before it must each have a
       check-in, each at the lowest mood. A day without a check-in breaks the run.
    A better day today ends the run even if yesterday was the lowest.
    """
    if days < 1:
        return False
    return scoring.hard_stretch(recent_moods_by_day, today, days)


def alert_reason(
    partnership: Partnership,
    last_checkin_day: date | None,
    recent_moods_by_day: Mapping[date, int],
    today: date,
    consent_day: date,
) -> str | None:
    """Which alert is due for a partnership today, if any: LOW_MOOD, NO_CHECKIN or None.

    `consent_day` is the person's local day of `alert_consent_at`: silence is
    counted from then at the earliest, and low days from before it don't count.
    """
    if partnership.revoked_at is not None or partnership.alert_consent_at is None:
        return None
    if partnership.alert_low_mood_days:
        since = {d: m for d, m in recent_moods_by_day.items() if d >= consent_day}
        if low_mood_alert_due(since, today, partnership.alert_low_mood_days):
            return LOW_MOOD
    if partnership.alert_no_checkin_days:
        counted_from = max(last_checkin_day or consent_day, consent_day)
        if no_checkin_alert_due(counted_from, today, partnership.alert_no_checkin_days):
            return NO_CHECKIN
    return None


def _language(partnership: Partnership) -> str:
    """The partner's language when they have an account here, else the person's."""
    partner = partnership.partner
    return (partner.locale if partner is not None else partnership.owner.locale) or "en"


def alert_subject(partnership: Partnership, reason: str) -> str:
    with translation.override(_language(partnership)):
        return _("A note about %(person)s") % {"person": sharing.person_name(partnership.owner)}


def alert_text(partnership: Partnership, reason: str) -> str:
    """The short note a partner gets: what happened, a suggestion to reach out, nothing else."""
    if reason not in REASONS:
        raise ValueError(f"Unknown alert reason: {reason!r}")
    with translation.override(_language(partnership)):
        names = {"partner": partnership.name, "person": sharing.person_name(partnership.owner)}
        if reason == NO_CHECKIN:
            days = partnership.alert_no_checkin_days or 0
            # "In the last N days", not "for N days": the worker tells the partner
            # again three days later if there is still no check-in, and by then
            # "for N days" would no longer be true.
            what = ngettext(
                "%(person)s hasn't checked in on Kithkin in the last day.",
                "%(person)s hasn't checked in on Kithkin in the last %(days)s days.",
                days,
            ) % {**names, "days": days}
            nudge = _(
                "It may just be a busy or quiet stretch. If you'd like, reach out — a short "
                "hello is plenty, and there's no need to mention Kithkin."
            )
        else:
            days = partnership.alert_low_mood_days or 0
            what = ngettext(
                "%(person)s has noted their mood as very low on their latest check-in.",
                "%(person)s has noted their mood as very low on each of the last %(days)s "
                "days they checked in.",
                days,
            ) % {**names, "days": days}
            nudge = _(
                "You don't need to fix anything. A kind message, a call or an offer of "
                "company can mean a lot. If you ever think they're in danger, call your "
                "local emergency number."
            )
        why = (
            _(
                "%(person)s asked Kithkin to let you know about this, and nothing else. "
                "They can turn it off at any time."
            )
            % names
        )
        return "\n\n".join([_("Hi %(partner)s,") % names, what, nudge, why]) + "\n"


def weekly_summary_subject(partnership: Partnership) -> str:
    with translation.override(_language(partnership)):
        return _("%(person)s's week on Kithkin") % {
            "person": sharing.person_name(partnership.owner)
        }


def _day(value: date) -> str:
    return formats.date_format(value, "D j M")


def _when(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "D j M, H:i")


def _checkin_line(day: dict[str, Any]) -> str:
    parts = []
    if "mood" in day:
        parts.append(_("mood: %(v)s") % {"v": day["mood"].lower()})
    if day.get("energy"):
        parts.append(_("energy: %(v)s") % {"v": day["energy"].lower()})
    if day.get("sleep_hours"):
        parts.append(_("slept %(v)s hours") % {"v": day["sleep_hours"]})
    if day.get("rested"):
        parts.append(_("rested: %(v)s") % {"v": day["rested"].lower()})
    if day.get("meaningful") is True:
        parts.append(_("did something meaningful"))
    if day.get("connected"):
        parts.append(_("felt connected: %(v)s") % {"v": day["connected"].lower()})
    return f"- {_day(day['date'])}: {'; '.join(parts) or _('checked in')}"


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """The shared items of a `sharing.shared_summary`, as plain-text paragraphs."""
    out = []
    if "checkins" in summary:
        days = summary["checkins"]
        if days:
            out.append(
                "\n".join(
                    [
                        ngettext("Check-ins (%(n)s day):", "Check-ins (%(n)s days):", len(days))
                        % {"n": len(days)},
                        *(_checkin_line(d) for d in days),
                    ]
                )
            )
        else:
            out.append(_("No check-ins this week."))
    if "goals" in summary:
        goals = summary["goals"]
        lines = [
            _("- %(title)s (%(rhythm)s): %(words)s, %(this_period)s")
            % {
                "title": g["title"],
                "rhythm": g["rhythm"].lower(),
                "words": g["strength_words"],
                "this_period": g["this_period"],
            }
            for g in goals
        ]
        out.append("\n".join([_("Gentle goals:"), *lines]) if lines else _("No goals right now."))
    if "measures" in summary:
        lines = [
            _("- %(label)s, %(day)s: %(range)s")
            % {"label": m["label"], "day": _day(m["taken_on"]), "range": m["range"]}
            for m in summary["measures"]
        ]
        out.append(
            "\n".join([_("Questionnaires (latest):"), *lines])
            if lines
            else _("No questionnaire results yet.")
        )
    if "plans" in summary:
        lines = [f"- {_when(p['starts_at'])}: {p['title']}" for p in summary["plans"]]
        out.append(
            "\n".join([_("Plans in the coming week:"), *lines])
            if lines
            else _("No plans in the coming week.")
        )
    return out


def weekly_summary_text(partnership: Partnership, today: date) -> str:
    """The weekly email body for a partner: the shared items of the last week only,
    and how to stop receiving it. Never the person's notes."""
    with translation.override(_language(partnership)), timezone.override(partnership.owner.zone):
        summary = sharing.shared_summary(partnership, today, days=sharing.SUMMARY_DAYS)
        names = {"partner": partnership.name, "person": summary["person"]}
        body = summary_lines(summary)
        if not summary["items"]:
            body = [_("%(person)s isn't sharing anything at the moment.") % names]
        paragraphs = [
            _("Hi %(partner)s,") % names,
            _("Here is what %(person)s chose to share with you from the last week on Kithkin.")
            % names,
            *body,
            _(
                "A short hello is always welcome — there's no need to mention this email. "
                "You get it because %(person)s asked Kithkin to send it; to stop receiving "
                "it, ask %(person)s to turn it off."
            )
            % names,
        ]
        return "\n\n".join(paragraphs) + "\n"


__all__ = [
    "LOW_MOOD",
    "NO_CHECKIN",
    "alert_reason",
    "alert_subject",
    "alert_text",
    "low_mood_alert_due",
    "no_checkin_alert_due",
    "weekly_summary_subject",
    "weekly_summary_text",
]
