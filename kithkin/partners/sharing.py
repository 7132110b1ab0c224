"""What a partner sees: only the items the person ticked, and nothing else.

`shared_summary` is the one place that reads the person's data for a partner.
The partner's page, the API and the weekly email all call it, so the three
can't disagree about what is shared. An item that isn't ticked is never
queried, and check-in notes and tags are never read at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kithkin.partners.models import Partnership, ShareItem
from kithkin.plans.models import Plan
from kithkin.plans.recurrence import Series
from kithkin.today.models import Energy
from kithkin.wellbeing import goals as goal_progress
from kithkin.wellbeing.checkin_rules import format_hours
from kithkin.wellbeing.models import CheckIn, Connected, Goal, Measure, MeasureKind, Mood, Rested
from kithkin.wellbeing.summary import measure_result

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from kithkin.accounts.models import User

CHECKIN_DAYS = 14  # the partner's page: the last two weeks
SUMMARY_DAYS = 7  # the weekly email: the last week
PLAN_DAYS = 7  # plans: today and the six days after
MAX_PLANS = 30  # a busy week, listed; more would be noise for a partner

# The check-in fields behind each shared item. Notes and tags are not here on purpose.
CHECKIN_FIELDS: dict[str, tuple[str, ...]] = {
    ShareItem.MOOD: ("mood",),
    ShareItem.ENERGY: ("energy",),
    ShareItem.SLEEP: ("sleep_hours", "rested"),
    ShareItem.MEANINGFUL: ("meaningful",),
    ShareItem.CONNECTED: ("connected",),
}

# Exactly what the partner sees for each item, in the person's words.
SHARE_WORDS: dict[str, _StrPromise] = {
    ShareItem.MOOD: gettext_lazy(
        "Your mood on each day you checked in (very low to very good), for the last two weeks."
    ),
    ShareItem.ENERGY: gettext_lazy(
        "Your energy on each day you checked in (running low, some or good)."
    ),
    ShareItem.SLEEP: gettext_lazy("Your hours of sleep and how rested you felt, day by day."),
    ShareItem.MEANINGFUL: gettext_lazy(
        "Whether you did something meaningful each day: yes or not this time."
    ),
    ShareItem.CONNECTED: gettext_lazy("How connected you felt each day, in words."),
    ShareItem.GOALS: gettext_lazy(
        "Each gentle goal's title, how often it's meant to happen, and its strength."
    ),
    ShareItem.MEASURES: gettext_lazy(
        "Your latest loneliness and wellbeing results, as a range in words (no answers)."
    ),
    ShareItem.PLANS: gettext_lazy(
        "The titles and times of your plans in the coming week (no places, notes or people)."
    ),
}
NEVER_SHARED = gettext_lazy(
    "Never shared: your check-in notes and tags, the people in your circle, and anything "
    "you don't tick."
)

# A few words for a goal's strength score, so a partner reads more than a number.
STRENGTH_WORDS: tuple[tuple[int, _StrPromise], ...] = (
    (75, gettext_lazy("strong")),
    (50, gettext_lazy("taking root")),
    (25, gettext_lazy("growing")),
    (0, gettext_lazy("just beginning")),
)


def shared_items(partnership: Partnership) -> list[str]:
    """The ticked items that still exist, in the order the choices are listed."""
    ticked = set(partnership.shares or [])
    return [item for item in ShareItem.values if item in ticked]


def clean_shares(values: Iterable[str]) -> list[str]:
    """Known items only, without repeats, in the order the choices are listed."""
    chosen = set(values)
    return [item for item in ShareItem.values if item in chosen]


def _join(words: list[str]) -> str:
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return _("%(some)s and %(last)s") % {"some": ", ".join(words[:-1]), "last": words[-1]}


def shares_in_words(partnership: Partnership) -> str:
    """ "Mood from check-ins and How your gentle goals are going", or "Nothing yet"."""
    labels = [str(ShareItem(item).label) for item in shared_items(partnership)]
    return _join(labels) or _("Nothing yet")


def person_name(user: User) -> str:
    return user.first_name or user.username


def strength_words(percent: int) -> str:
    for floor, words in STRENGTH_WORDS:
        if percent >= floor:
            return str(words)
    return str(STRENGTH_WORDS[-1][1])


# --- Reading (only what is ticked) ---------------------------------------------------------


def _checkin_days(owner: User, items: list[str], today: date, days: int) -> list[dict[str, Any]]:
    fields = [f for item in items for f in CHECKIN_FIELDS.get(item, ())]
    if not fields:
        return []
    rows = (
        CheckIn.objects.filter(owner=owner, day__gt=today - timedelta(days=days), day__lte=today)
        .order_by("-day")
        .values("day", *fields)
    )
    mood_words = dict(Mood.choices)
    energy_words = dict(Energy.choices)
    rested_words = dict(Rested.choices)
    connected_words = dict(Connected.choices)
    out = []
    for row in rows:
        day: dict[str, Any] = {"date": row["day"]}
        if "mood" in row:
            day["mood"] = str(mood_words.get(row["mood"], ""))
        if "energy" in row:
            day["energy"] = str(energy_words[row["energy"]]) if row["energy"] else None
        if "sleep_hours" in row:
            day["sleep_hours"] = format_hours(row["sleep_hours"]) or None
            day["rested"] = str(rested_words[row["rested"]]) if row["rested"] else None
        if "meaningful" in row:
            day["meaningful"] = row["meaningful"]
        if "connected" in row:
            day["connected"] = str(connected_words[row["connected"]]) if row["connected"] else None
        out.append(day)
    return out


def _goals(owner: User, today: date) -> list[dict[str, Any]]:
    live = list(Goal.objects.filter(owner=owner, archived_at__isnull=True))
    first = goal_progress.first_weekday()
    out = []
    for p in goal_progress.progress_for(owner, live, today, first):
        out.append(
            {
                "title": p.goal.title,
                "rhythm": p.rhythm,
                "strength": p.percent,
                "strength_words": strength_words(p.percent),
                "this_period": _("%(done)s of %(target)s %(period)s")
                % {"done": p.period.done, "target": p.period.target, "period": p.period.label},
            }
        )
    return out


def _measures(owner: User) -> list[dict[str, Any]]:
    out = []
    for kind in (MeasureKind.UCLA3, MeasureKind.WHO5):
        latest = (
            Measure.objects.filter(owner=owner, kind=kind)
            .order_by("-taken_on", "-pk")
            .values("taken_on", "score")
            .first()
        )
        if latest is not None:
            # The same range wording as the person's own summary; no score, no answers.
            result = measure_result(kind, latest["taken_on"], latest["score"], None)
            out.append(
                {
                    "kind": str(kind),
                    "label": result.label,
                    "taken_on": latest["taken_on"],
                    "range": result.range_text,
                }
            )
    return out


def _plans(owner: User, today: date) -> list[dict[str, Any]]:
    zone = owner.zone
    start = datetime.combine(today, time.min, tzinfo=zone)
    end = datetime.combine(today + timedelta(days=PLAN_DAYS), time.min, tzinfo=zone)
    found = []
    for plan in Plan.objects.filter(owner=owner, ended_at__isnull=True).only(
        "title", "rrule", "start_date", "start_time", "timezone", "exdates"
    ):
        for at in Series.of(plan).between(start, end, limit=MAX_PLANS):
            found.append({"title": plan.title, "starts_at": at})
    found.sort(key=lambda p: (p["starts_at"], p["title"]))
    return found[:MAX_PLANS]


def shared_summary(
    partnership: Partnership, today: date, days: int = CHECKIN_DAYS
) -> dict[str, Any]:
    """Only the ticked items of the person's last `days` days, reduced to words.

    Keys appear only for what is shared: "checkins" (a list of days, newest
    first, each with only the ticked fields), "goals", "measures", "plans".
    `today` is the person's own day. Reads nothing for items not ticked.
    """
    owner = partnership.owner
    items = shared_items(partnership)
    out: dict[str, Any] = {
        "person": person_name(owner),
        "items": items,
        "days": days,
    }
    if any(item in CHECKIN_FIELDS for item in items):
        out["checkins"] = _checkin_days(owner, items, today, days)
    if ShareItem.GOALS in items:
        out["goals"] = _goals(owner, today)
    if ShareItem.MEASURES in items:
        out["measures"] = _measures(owner)
    if ShareItem.PLANS in items:
        out["plans"] = _plans(owner, today)
    return out


def share_choices() -> list[tuple[str, str, str]]:
    """(value, label, what the partner sees) for the sharing form."""
    return [(item.value, str(item.label), str(SHARE_WORDS[item])) for item in ShareItem]
