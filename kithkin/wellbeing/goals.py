"""Gentle goals: what counts, how often it happened, and the forgiving score.

`count_days` and `skip_days` read the database in a fixed number of queries for
any number of goals (one for contacts, one for contacts with one person, one for
check-ins, one for days set aside); everything after that is pure.

No streaks: progress is Loop Habit Tracker's forgiving strength score, counts per
week, and a brief word when this period's target is reached.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from kithkin.circle.models import Channel, Initiator, Interaction, InteractionPerson
from kithkin.wellbeing import charts, scoring
from kithkin.wellbeing.models import CheckIn, Goal, GoalMeasure, GoalSkip

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from kithkin.accounts.models import User

ONE_DAY = timedelta(days=1)
WEEK = 7
SPARK_DAYS = 12 * WEEK  # the sparkline: the last 12 weeks
# Drawn by charts.line_chart, then cropped to its plot area (286 x 48).
SPARK_WIDTH, SPARK_HEIGHT = 320, 76
WEEKS_SHOWN = 8  # weekly counts: the last 8 weeks
SKIP_AHEAD_DAYS = 14  # rest can be planned up to two weeks ahead
MAX_TIMES = 14
PER_DAYS_CHOICES = (7, 14, 30)

INTERACTION_MEASURES = frozenset(
    {
        GoalMeasure.CONTACT,
        GoalMeasure.REACH_OUT,
        GoalMeasure.CALL,
        GoalMeasure.IN_PERSON,
        GoalMeasure.GATHERING,
    }
)
CHECKIN_MEASURES = frozenset({GoalMeasure.CHECKIN, GoalMeasure.MEANINGFUL})


@dataclass(frozen=True)
class Preset:
    slug: str
    title: _StrPromise
    measure: str
    times: int
    per_days: int


PRESETS: tuple[Preset, ...] = (
    Preset("weekly-call", gettext_lazy("A call with someone each week"), GoalMeasure.CALL, 1, 7),
    Preset(
        "monthly-gathering", gettext_lazy("One gathering a month"), GoalMeasure.GATHERING, 1, 30
    ),
    Preset(
        "routine-walk",
        gettext_lazy("Invite one person to a routine walk"),
        GoalMeasure.IN_PERSON,
        1,
        14,
    ),
    Preset("checkins", gettext_lazy("Check in three days a week"), GoalMeasure.CHECKIN, 3, 7),
    Preset("reach-out", gettext_lazy("Reach out first once a week"), GoalMeasure.REACH_OUT, 1, 7),
)
PRESETS_BY_SLUG = {p.slug: p for p in PRESETS}

# What counts, in a line, for the goal pages.
MEASURE_HELP: dict[str, _StrPromise] = {
    GoalMeasure.CONTACT: gettext_lazy("Any contact you log, with anyone."),
    GoalMeasure.REACH_OUT: gettext_lazy("Contacts where you reached out first."),
    GoalMeasure.CALL: gettext_lazy("Calls and video calls."),
    GoalMeasure.IN_PERSON: gettext_lazy("Time together in person."),
    GoalMeasure.GATHERING: gettext_lazy("Meeting in person with two or more people."),
    GoalMeasure.CHECKIN: gettext_lazy("A day you check in."),
    GoalMeasure.MEANINGFUL: gettext_lazy("A check-in where you say you did something meaningful."),
}

# The thing a goal counts, once ("this week's call") and with a number ("3 calls").
_ONE: dict[str, _StrPromise] = {
    GoalMeasure.CONTACT: gettext_lazy("contact"),
    GoalMeasure.REACH_OUT: gettext_lazy("reach-out"),
    GoalMeasure.CALL: gettext_lazy("call"),
    GoalMeasure.IN_PERSON: gettext_lazy("time together"),
    GoalMeasure.GATHERING: gettext_lazy("gathering"),
    GoalMeasure.CHECKIN: gettext_lazy("check-in"),
    GoalMeasure.MEANINGFUL: gettext_lazy("meaningful moment"),
}
_SOME: dict[str, _StrPromise] = {
    GoalMeasure.CONTACT: ngettext_lazy("%(n)s contact", "%(n)s contacts", "n"),
    GoalMeasure.REACH_OUT: ngettext_lazy("%(n)s reach-out", "%(n)s reach-outs", "n"),
    GoalMeasure.CALL: ngettext_lazy("%(n)s call", "%(n)s calls", "n"),
    GoalMeasure.IN_PERSON: ngettext_lazy(
        "%(n)s time together in person", "%(n)s times together in person", "n"
    ),
    GoalMeasure.GATHERING: ngettext_lazy("%(n)s gathering", "%(n)s gatherings", "n"),
    GoalMeasure.CHECKIN: ngettext_lazy("%(n)s check-in", "%(n)s check-ins", "n"),
    GoalMeasure.MEANINGFUL: ngettext_lazy(
        "%(n)s meaningful moment", "%(n)s meaningful moments", "n"
    ),
}


def thing(measure: str, n: int) -> str:
    """ "call" for one, "3 calls" for more."""
    if n == 1:
        return str(_ONE.get(measure, _ONE[GoalMeasure.CONTACT]))
    return str(_SOME.get(measure, _SOME[GoalMeasure.CONTACT]) % {"n": n})


def rhythm(times: int, per_days: int) -> str:
    """ "Once a week", "3 times every two weeks", "Twice a month"..."""
    if per_days == 7:
        return ngettext("Once a week", "%(n)s times a week", times) % {"n": times}
    if per_days == 14:
        return ngettext("Once every two weeks", "%(n)s times every two weeks", times) % {"n": times}
    if per_days == 30:
        return ngettext("Once a month", "%(n)s times a month", times) % {"n": times}
    return ngettext("Once every %(days)s days", "%(n)s times every %(days)s days", times) % {
        "n": times,
        "days": per_days,
    }


# --- Days -----------------------------------------------------------------------------


def first_weekday() -> int:
    """The first day of the week in the active language, as date.weekday() counts
    (0 = Monday): Sunday for US English, Monday for British English."""
    django_first = int(formats.get_format("FIRST_DAY_OF_WEEK"))  # 0 = Sunday
    return (django_first - 1) % 7


def week_start(day: date, first: int) -> date:
    return day - timedelta(days=(day.weekday() - first) % 7)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def start_day(goal: Goal, zone: ZoneInfo) -> date:
    """The local day a goal began: things count from then."""
    return timezone.localtime(goal.created_at, zone).date()


def end_day(goal: Goal, zone: ZoneInfo, today: date) -> date:
    """Today, or the day it was set aside: a set-aside goal keeps its score."""
    if goal.archived_at is None:
        return today
    return min(today, timezone.localtime(goal.archived_at, zone).date())


# --- Reading what counts (a fixed number of queries) -----------------------------------


def _interaction_filters(prefix: str, crowd: Any) -> dict[str, Q]:
    """What each measure counts, as filters on Interaction (prefix "") or on
    InteractionPerson (prefix "interaction__"). `crowd`: ids of contacts with two
    or more people."""
    own_id = "interaction_id" if prefix else "pk"
    return {
        GoalMeasure.REACH_OUT: Q(**{f"{prefix}initiated_by": Initiator.ME}),
        GoalMeasure.CALL: Q(**{f"{prefix}channel__in": [Channel.CALL, Channel.VIDEO]}),
        GoalMeasure.IN_PERSON: Q(**{f"{prefix}channel": Channel.IN_PERSON}),
        GoalMeasure.GATHERING: Q(**{f"{prefix}channel": Channel.IN_PERSON, f"{own_id}__in": crowd}),
    }


def _aggregates(measures: Iterable[str], prefix: str, crowd: Any) -> dict[str, Count]:
    filters = _interaction_filters(prefix, crowd)
    return {
        m: Count("pk") if m == GoalMeasure.CONTACT else Count("pk", filter=filters[m])
        for m in sorted(set(measures))
    }


def count_days(owner: User, goals: Sequence[Goal], until: date) -> dict[int, dict[date, int]]:
    """For each goal, how many things that count happened on each local day, from
    the day it began to `until`. At most three queries, however many goals."""
    zone = owner.zone
    out: dict[int, dict[date, int]] = {g.pk: {} for g in goals}
    starts = {g.pk: start_day(g, zone) for g in goals}
    end_at = local_midnight(until + ONE_DAY, zone)

    def add(goal: Goal, day: date, n: int) -> None:
        if n and starts[goal.pk] <= day <= until:
            counts = out[goal.pk]
            counts[day] = counts.get(day, 0) + n

    def crowd(since: datetime) -> Any:
        return (
            InteractionPerson.objects.filter(
                owner=owner, happened_at__gte=since, happened_at__lt=end_at
            )
            .order_by()
            .values("interaction")
            .annotate(n=Count("pk"))
            .filter(n__gte=2)
            .values("interaction")
        )

    daily = [g for g in goals if g.measure in CHECKIN_MEASURES]
    contacts = [g for g in goals if g.measure in INTERACTION_MEASURES]
    anyone = [g for g in contacts if g.person_id is None]
    with_one = [g for g in contacts if g.person_id is not None]

    if anyone:
        since = local_midnight(min(starts[g.pk] for g in anyone), zone)
        rows = (
            Interaction.objects.live()
            .filter(owner=owner, happened_at__gte=since, happened_at__lt=end_at)
            .annotate(day=TruncDate("happened_at", tzinfo=zone))
            .order_by()
            .values("day")
            .annotate(**_aggregates((g.measure for g in anyone), "", crowd(since)))
        )
        for row in rows:
            for g in anyone:
                add(g, row["day"], row[g.measure])

    if with_one:
        since = local_midnight(min(starts[g.pk] for g in with_one), zone)
        person_rows = (
            InteractionPerson.objects.filter(
                owner=owner,
                person_id__in={g.person_id for g in with_one},
                interaction__deleted_at__isnull=True,
                happened_at__gte=since,
                happened_at__lt=end_at,
            )
            .annotate(day=TruncDate("happened_at", tzinfo=zone))
            .order_by()
            .values("person_id", "day")
            .annotate(**_aggregates((g.measure for g in with_one), "interaction__", crowd(since)))
        )
        for row in person_rows:
            for g in with_one:
                if g.person_id == row["person_id"]:
                    add(g, row["day"], row[g.measure])

    if daily:
        since_day = min(starts[g.pk] for g in daily)
        for day, meaningful in CheckIn.objects.filter(
            owner=owner, day__gte=since_day, day__lte=until
        ).values_list("day", "meaningful"):
            for g in daily:
                add(g, day, 1 if g.measure == GoalMeasure.CHECKIN or meaningful else 0)
    return out


def skip_days(owner: User, goals: Sequence[Goal]) -> dict[int, set[date]]:
    """The days set aside for each goal, in one query."""
    out: dict[int, set[date]] = {g.pk: set() for g in goals}
    if goals:
        for goal_id, day in GoalSkip.objects.filter(
            owner=owner, goal__in=[g.pk for g in goals]
        ).values_list("goal_id", "day"):
            out[goal_id].add(day)
    return out


@dataclass(frozen=True)
class SkipRun:
    """Days set aside in a row, shown as one line ("3-7 June")."""

    first_pk: int
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def skip_runs(skips: Iterable[tuple[int, date]]) -> list[SkipRun]:
    """Consecutive days grouped into runs, the latest first."""
    out: list[SkipRun] = []
    for pk, day in sorted(skips, key=lambda s: s[1]):
        if out and day == out[-1].end + ONE_DAY:
            out[-1] = SkipRun(out[-1].first_pk, out[-1].start, day)
        else:
            out.append(SkipRun(pk, day, day))
    out.reverse()
    return out


def set_aside_days(archived_on: date, today: date) -> list[date]:
    """The whole days a goal spent set aside: after the day it was set aside (its
    score was read up to then) up to yesterday. Bringing it back marks them as
    days of rest, so the score is as it was."""
    return [archived_on + timedelta(days=i) for i in range(1, (today - archived_on).days)]


# --- Progress (pure) --------------------------------------------------------------------


def sparkline(series: Sequence[float], last: date) -> charts.LineChart | None:
    """The score day by day up to `last`, drawn by charts.line_chart (0 to 1)."""
    if not series:
        return None
    first = last - timedelta(days=len(series) - 1)
    points = [(first + timedelta(days=i), v) for i, v in enumerate(series)]
    return charts.line_chart(
        points, 0.0, 1.0, start=first, end=last, width=SPARK_WIDTH, height=SPARK_HEIGHT
    )


def plot_box(chart: charts.Frame) -> str:
    """A view box around the plot area only: a sparkline has no labels to make room for."""
    return f"{chart.left:g} {chart.top:g} {chart.right - chart.left:g} {chart.bottom - chart.top:g}"


@dataclass(frozen=True)
class Period:
    """The stretch of days this goal's target is for: this week, these two weeks,
    this month (or the last N days for an unusual rhythm)."""

    start: date
    end: date
    label: str  # "this week"
    done: int
    target: int

    @property
    def reached(self) -> bool:
        return self.done >= self.target


def current_period(
    per_days: int, times: int, counts: Mapping[date, int], began: date, today: date, first: int
) -> Period:
    if per_days == 7:
        start = week_start(today, first)
        end = start + timedelta(days=6)
        label = _("this week")
    elif per_days == 14:
        anchor = week_start(began, first)
        start = anchor + timedelta(days=14 * ((today - anchor).days // 14))
        end = start + timedelta(days=13)
        label = _("these two weeks")
    elif per_days == 30:
        start = today.replace(day=1)
        end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        label = _("this month")
    else:
        start, end = today - timedelta(days=per_days - 1), today
        label = _("in the last %(days)s days") % {"days": per_days}
    done = sum(n for d, n in counts.items() if start <= d <= min(end, today))
    return Period(start, end, label, done, times)


def win_message(measure: str, period: Period, per_days: int) -> str:
    """A brief word when this period's target is reached."""
    what = thing(measure, period.target)
    if per_days == 7:
        return _("That's this week's %(thing)s — well done.") % {"thing": what}
    if per_days == 14:
        return _("That's these two weeks' %(thing)s — well done.") % {"thing": what}
    if per_days == 30:
        return _("That's this month's %(thing)s — well done.") % {"thing": what}
    return _("That's the %(thing)s for these %(days)s days — well done.") % {
        "thing": what,
        "days": per_days,
    }


def so_far(period: Period) -> str:
    """Where this period stands, without any loss framing."""
    if period.done == 0:
        return _("None yet %(period)s — whenever you're ready.") % {"period": period.label}
    return _("%(done)s of %(target)s %(period)s") % {
        "done": period.done,
        "target": period.target,
        "period": period.label,
    }


@dataclass(frozen=True)
class WeekCount:
    start: date
    count: int
    ago: int  # 0 = this week, 1 = last week...


def weekly_counts(
    counts: Mapping[date, int], began: date, today: date, first: int, weeks: int = WEEKS_SHOWN
) -> list[WeekCount]:
    """Things done in each of the last `weeks` weeks up to `today` (the day a
    set-aside goal was set aside), that week first; only the weeks since the goal
    began. Days after `today` in `counts` are left out."""
    this_week = week_start(today, first)
    out = []
    for ago in range(weeks):
        start = this_week - timedelta(days=WEEK * ago)
        end = start + timedelta(days=WEEK - 1)
        if end < began:
            break
        last = min(end, today)
        out.append(WeekCount(start, sum(n for d, n in counts.items() if start <= d <= last), ago))
    return out


@dataclass(frozen=True)
class Progress:
    goal: Goal
    began: date
    end: date  # today, or the day it was set aside
    strength: float  # 0..1
    series: list[float]  # the last 12 weeks, oldest first
    weeks: list[WeekCount]
    period: Period
    skips: frozenset[date]

    @property
    def percent(self) -> int:
        return round(self.strength * 100)

    @cached_property
    def chart(self) -> charts.LineChart | None:
        return sparkline(self.series, self.end)

    @property
    def spark_box(self) -> str:
        return plot_box(self.chart) if self.chart else ""

    @property
    def reached(self) -> bool:
        return self.period.reached and self.goal.archived_at is None

    @property
    def win(self) -> str:
        return win_message(self.goal.measure, self.period, self.goal.per_days)

    @property
    def so_far(self) -> str:
        return so_far(self.period)

    @property
    def rhythm(self) -> str:
        return rhythm(self.goal.times, self.goal.per_days)

    @property
    def counts_as(self) -> str:
        return str(MEASURE_HELP.get(self.goal.measure, ""))


def progress(
    goal: Goal,
    counts: Mapping[date, int],
    skips: Collection[date],
    began: date,
    end: date,
    first: int,
) -> Progress:
    """A goal's progress on `end` from what counted each day since it began."""
    series = scoring.strength_series(counts, began, end, goal.times, goal.per_days, skips)
    return Progress(
        goal=goal,
        began=began,
        end=end,
        strength=scoring.strength(counts, began, end, goal.times, goal.per_days, skips),
        series=series[-SPARK_DAYS:],
        weeks=weekly_counts(counts, began, end, first),
        period=current_period(goal.per_days, goal.times, counts, began, end, first),
        skips=frozenset(skips),
    )


def progress_for(owner: User, goals: Sequence[Goal], today: date, first: int) -> list[Progress]:
    """Progress for each goal, in the order given, in a fixed number of queries."""
    zone = owner.zone
    counts = count_days(owner, goals, today)
    skips = skip_days(owner, goals)
    return [
        progress(g, counts[g.pk], skips[g.pk], start_day(g, zone), end_day(g, zone, today), first)
        for g in goals
    ]
