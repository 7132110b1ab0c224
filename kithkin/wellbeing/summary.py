"""A printable summary of a stretch of days, to bring to a therapist or doctor.

Mood week by week, energy and sleep, the questionnaires taken (as ranges, never a
diagnosis), the connections made, the goals, and only the notes the person picks.
A fixed number of queries however long the stretch is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kithkin.accounts.decorators import onboarded_required
from kithkin.circle.models import Channel, Feeling, Initiator, Interaction, InteractionPerson
from kithkin.lib.http import request_owner as _owner
from kithkin.lib.limits import EARLIEST, as_id
from kithkin.today.models import Energy
from kithkin.wellbeing import charts, scoring
from kithkin.wellbeing import goals as goal_progress
from kithkin.wellbeing.models import CheckIn, Goal, Measure, MeasureKind

if TYPE_CHECKING:
    from kithkin.accounts.models import User

DEFAULT_DAYS = 30
MAX_DAYS = 731  # two years at a time
MOOD_LOW, MOOD_HIGH = 1, 5


# --- The period ---------------------------------------------------------------------------


def _parse(text: str) -> date | None:
    text = text.strip()
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_period(start_text: str, end_text: str, today: date) -> tuple[date, date, str]:
    """The dates asked for, or the last 30 days with a plain word about why."""
    default = (today - timedelta(days=DEFAULT_DAYS - 1), today, "")
    if not start_text.strip() and not end_text.strip():
        return default
    end = _parse(end_text) if end_text.strip() else today
    start = _parse(start_text) if start_text.strip() else None
    if start is None and not start_text.strip() and end is not None:
        # Thirty days back from an end in year 1 can't be counted; before 1900 is
        # refused below either way.
        start = end - timedelta(days=DEFAULT_DAYS - 1) if end >= EARLIEST.date() else end
    problem = ""
    if start is None or end is None:
        problem = _("Those dates couldn't be read (they look like 2025-03-31).")
    elif start > end:
        problem = _("The start date is after the end date.")
    elif start < EARLIEST.date():
        problem = _("That's before 1900; is the year right?")
    elif end > today:
        problem = _("The end date is in the future.")
    elif (end - start).days + 1 > MAX_DAYS:
        problem = _("A summary covers up to two years at a time.")
    if problem or start is None or end is None:
        return (
            default[0],
            default[1],
            _("%(why)s Here are the last 30 days instead.") % {"why": problem},
        )
    return start, end, ""


def parse_note_ids(values: Sequence[str]) -> list[int]:
    """The note ids asked for that can be database ids; anything else is left out."""
    return [pk for pk in map(as_id, values) if pk is not None]


# --- What goes in it ------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekMood:
    start: date
    end: date
    checkins: int
    mood: float | None  # the average, 1 (very low) to 5 (very good)


@dataclass(frozen=True)
class MeasureResult:
    kind: str
    taken_on: date
    score: int
    range_text: str
    direct_text: str = ""

    @property
    def label(self) -> str:
        return str(MeasureKind(self.kind).label) if self.kind in MeasureKind.values else self.kind

    @property
    def out_of(self) -> int:
        return 9 if self.kind == MeasureKind.UCLA3 else 100


@dataclass(frozen=True)
class ChannelCount:
    label: str
    contacts: int
    lifted: int


@dataclass(frozen=True)
class GoalLine:
    goal: Goal
    rhythm: str
    percent: int
    in_period: int


@dataclass(frozen=True)
class Note:
    pk: int
    day: date
    mood: int
    text: str


@dataclass
class Summary:
    start: date
    end: date
    checkins: int = 0
    weeks: list[WeekMood] = field(default_factory=list)
    mood: float | None = None
    energy: list[tuple[str, int]] = field(default_factory=list)
    sleep_hours: float | None = None
    sleep_nights: int = 0
    rested: float | None = None
    connected: float | None = None
    meaningful_days: int = 0
    measures: list[MeasureResult] = field(default_factory=list)
    who5_change: str = ""
    contacts: int = 0
    people: int = 0
    reached_out: int = 0
    felt: int = 0
    lifted: int = 0
    channels: list[ChannelCount] = field(default_factory=list)
    goals: list[GoalLine] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    chosen: list[Note] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def lifted_percent(self) -> int | None:
        return round(100 * self.lifted / self.felt) if self.felt else None

    @cached_property
    def mood_chart(self) -> charts.LineChart:
        """Weekly average mood, each week at its first day; a week without check-ins
        breaks the line."""
        return charts.line_chart(
            [(w.start, w.mood) for w in self.weeks],
            MOOD_LOW,
            MOOD_HIGH,
            start=self.start,
            end=self.end,
            y_ticks=range(MOOD_LOW, MOOD_HIGH + 1),
        )

    @property
    def label_x(self) -> float:
        """Where the value labels end, just left of the plot."""
        return self.mood_chart.left - 4

    @property
    def label_y(self) -> float:
        """Where the month labels sit, just below the plot."""
        return self.mood_chart.bottom + 14


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def weekly_moods(moods: dict[date, int], start: date, end: date, first: int) -> list[WeekMood]:
    """The average mood for each week (cut to the period at either end)."""
    out = []
    week = goal_progress.week_start(start, first)
    while week <= end:
        lo, hi = max(week, start), min(week + timedelta(days=6), end)
        values = [m for d, m in moods.items() if lo <= d <= hi]
        out.append(WeekMood(lo, hi, len(values), _mean(values)))
        week += timedelta(days=7)
    return out


def _ons(answer: int | None) -> str:
    labels = {
        scoring.ONS_NEVER: _("never"),
        scoring.ONS_HARDLY_EVER: _("hardly ever"),
        scoring.ONS_OCCASIONALLY: _("occasionally"),
        scoring.ONS_SOME_OF_THE_TIME: _("some of the time"),
        scoring.ONS_OFTEN: _("often or always"),
    }
    if answer not in labels:
        return ""
    return _("How often you feel lonely, asked directly: %(answer)s.") % {"answer": labels[answer]}


def measure_result(kind: str, taken_on: date, score: int, direct: int | None) -> MeasureResult:
    """A questionnaire result worded as a range, never a diagnosis."""
    try:
        if kind == MeasureKind.UCLA3:
            text = (
                _("In the range often called lonely (6 to 9).")
                if scoring.ucla3_range(score) == "lonely"
                else _("Below the range often called lonely (6 to 9).")
            )
            return MeasureResult(kind, taken_on, score, text, _ons(direct))
        text = (
            _("In the range often linked with low wellbeing (50 or below).")
            if scoring.who5_range(score) == "low"
            else _("Above the range often linked with low wellbeing (50 or below).")
        )
        return MeasureResult(kind, taken_on, score, text)
    except scoring.ScoreError:
        return MeasureResult(kind, taken_on, score, _("Outside the usual scale."))


def who5_change(scores: Sequence[int]) -> str:
    """How WHO-5 moved from the first to the last time in the period."""
    if len(scores) < 2:
        return ""
    first, last = scores[0], scores[-1]
    change = scoring.who5_change(first, last)
    if change == "up":
        return _("WHO-5 went up by %(n)s points over the period.") % {"n": last - first}
    if change == "down":
        return _("WHO-5 went down by %(n)s points over the period.") % {"n": first - last}
    return _("WHO-5 stayed within 10 points over the period.")


def build(owner: User, start: date, end: date, chosen: Collection[int], first: int) -> Summary:
    """Everything on the summary, in a fixed number of queries."""
    zone = owner.zone
    s = Summary(start, end)
    since = goal_progress.local_midnight(start, zone)
    until = goal_progress.local_midnight(end + timedelta(days=1), zone)

    # Check-ins: mood, energy, sleep and the notes.
    rows = list(
        CheckIn.objects.filter(owner=owner, day__gte=start, day__lte=end)
        .order_by("day")
        .values_list(
            "pk",
            "day",
            "mood",
            "energy",
            "sleep_hours",
            "rested",
            "connected",
            "meaningful",
            "note",
        )
    )
    s.checkins = len(rows)
    moods = {r[1]: r[2] for r in rows}
    s.weeks = weekly_moods(moods, start, end, first)
    s.mood = _mean(list(moods.values()))
    energy = Counter(r[3] for r in rows if r[3])
    s.energy = [(str(label), energy[value]) for value, label in Energy.choices]
    sleep = [float(r[4]) for r in rows if isinstance(r[4], Decimal | float | int)]
    s.sleep_hours, s.sleep_nights = _mean(sleep), len(sleep)
    s.rested = _mean([r[5] for r in rows if r[5] is not None])
    s.connected = _mean([r[6] for r in rows if r[6] is not None])
    s.meaningful_days = sum(1 for r in rows if r[7])
    s.notes = [Note(r[0], r[1], r[2], r[8]) for r in rows if r[8].strip()]
    wanted = set(chosen)
    s.chosen = [n for n in s.notes if n.pk in wanted]

    # The questionnaires.
    measures = list(
        Measure.objects.filter(owner=owner, taken_on__gte=start, taken_on__lte=end)
        .order_by("taken_on", "pk")
        .values_list("kind", "taken_on", "score", "direct")
    )
    s.measures = [measure_result(*m) for m in measures]
    s.who5_change = who5_change([m[2] for m in measures if m[0] == MeasureKind.WHO5])

    # Connections made.
    labels = dict(Channel.choices)
    by_channel = (
        Interaction.objects.live()
        .filter(owner=owner, happened_at__gte=since, happened_at__lt=until)
        .order_by()
        .values("channel")
        .annotate(
            n=Count("pk"),
            mine=Count("pk", filter=Q(initiated_by=Initiator.ME)),
            felt=Count("pk", filter=~Q(feeling_after="")),
            lifted=Count("pk", filter=Q(feeling_after=Feeling.LIFTED)),
        )
    )
    for row in by_channel:
        s.contacts += row["n"]
        s.reached_out += row["mine"]
        s.felt += row["felt"]
        s.lifted += row["lifted"]
        s.channels.append(
            ChannelCount(str(labels.get(row["channel"], row["channel"])), row["n"], row["lifted"])
        )
    s.channels.sort(key=lambda c: (-c.contacts, c.label))
    s.people = (
        InteractionPerson.objects.filter(
            owner=owner,
            happened_at__gte=since,
            happened_at__lt=until,
            interaction__deleted_at__isnull=True,
        )
        .values("person")
        .distinct()
        .count()
    )

    # Goals that were running during the period, with their strength at its end.
    goals = list(
        Goal.objects.filter(owner=owner, created_at__lt=until)
        .filter(Q(archived_at__isnull=True) | Q(archived_at__gte=since))
        .select_related("person")
    )
    counts = goal_progress.count_days(owner, goals, end)
    skips = goal_progress.skip_days(owner, goals)
    for g in goals:
        began = goal_progress.start_day(g, zone)
        last = goal_progress.end_day(g, zone, end)
        strength = scoring.strength(counts[g.pk], began, last, g.times, g.per_days, skips[g.pk])
        s.goals.append(
            GoalLine(
                g,
                goal_progress.rhythm(g.times, g.per_days),
                round(strength * 100),
                sum(n for d, n in counts[g.pk].items() if start <= d <= last),
            )
        )
    return s


# --- The page -----------------------------------------------------------------------------


@onboarded_required
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    today = timezone.localdate()
    start, end, problem = parse_period(
        request.GET.get("start", ""), request.GET.get("end", ""), today
    )
    chosen = parse_note_ids(request.GET.getlist("note"))
    ctx: dict[str, Any] = {
        "s": build(owner, start, end, chosen, goal_progress.first_weekday()),
        "problem": problem,
        "today": today,
        "chosen_ids": set(chosen),
    }
    return render(request, "wellbeing/summary.html", ctx)
