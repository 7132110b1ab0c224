"""What the Insights page shows, read with a fixed number of queries.

Everything is scoped to one owner and, except for the circle map, connection
strength and the past week, to the period chosen (3 months, 12 months, all).

Where the rows are many (contacts), the database does the counting: contacts
per local day and channel; contact-person links per person, feeling, who
reached out and quarter; contacts per person and local day for the few people
whose connection strength is shown. Check-ins (one a day at most), measures and
done suggestions are few and are read as they are.

The local day of a contact is computed in SQL (`local_date`): on PostgreSQL
with Django's TruncDate; on SQLite, where TruncDate calls back into Python for
every row, as a CASE over the zone's UTC offsets in the period and SQLite's own
date(), which gives the same days much faster.

The scores come from wellbeing.scoring (lift_drain, associations, strength);
this module only gathers their input and words the results.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache
from typing import Any, ClassVar, Generic, TypeVar
from zoneinfo import ZoneInfo

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import Case, CharField, Count, Func, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import TruncDate
from django.utils import dateformat, formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kithkin.accounts.models import User
from kithkin.circle.models import (
    RING_SLUGS,
    Channel,
    Interaction,
    InteractionPerson,
    Person,
    Ring,
)
from kithkin.plans.models import Occurrence
from kithkin.today.models import Outcome, Suggestion
from kithkin.wellbeing import charts, scoring
from kithkin.wellbeing.circle_map import CircleMap, MapPerson, circle_map
from kithkin.wellbeing.circle_map import svg as circle_svg
from kithkin.wellbeing.models import CheckIn, Measure, MeasureKind

ONE_DAY = timedelta(days=1)
ONE_WEEK = timedelta(days=7)


# --- The period ---------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str
    label: Any  # a lazy translation
    days: int | None  # None: everything


PERIODS = (
    Period("3m", _("Last 3 months"), 91),
    Period("12m", _("Last 12 months"), 365),
    Period("all", _("All time"), None),
)
PERIOD_BY_KEY = {p.key: p for p in PERIODS}
DEFAULT_PERIOD = "12m"


def period_for(key: str | None) -> Period:
    return PERIOD_BY_KEY.get(key or "", PERIOD_BY_KEY[DEFAULT_PERIOD])


# --- The local day of a datetime, in SQL ---------------------------------------------


def utc_offsets(zone: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """The zone's UTC offset (seconds) from start to end, as [(from, offset)] in
    UTC: the first entry starts at `start`, each next one where the offset changes
    (found to the second)."""

    def offset(at: datetime) -> int:
        delta = at.astimezone(zone).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    # Arithmetic in UTC: in a zone with summer time, "an hour later" on a
    # zone-aware datetime is wall-clock time.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    out = [(start, offset(start))]
    at = start
    while at < end:
        following = min(at + ONE_DAY, end)
        if offset(following) != out[-1][1]:
            lo, hi = at, following  # the change is after lo, at or before hi
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if offset(mid) == out[-1][1]:
                    lo = mid
                else:
                    hi = mid
            out.append((hi.replace(microsecond=0), offset(hi)))
        at = following
    return out


class _SqliteLocalDate(Func):
    """SQLite: CASE WHEN t < <change> THEN date(t, '+3600 seconds') ... END.

    Its values are left as SQLite gives them ('2026-03-18'): Django's date
    converter costs more than the query itself over thousands of rows."""

    output_field = CharField()

    def __init__(self, expression: Combinable | str, offsets: list[tuple[datetime, int]]):
        super().__init__(expression)
        self.offsets = offsets

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        column, column_params = compiler.compile(self.source_expressions[0])
        if len(self.offsets) == 1:
            return f"date({column}, %s)", [*column_params, f"{self.offsets[0][1]:+d} seconds"]
        sql, params = ["CASE"], []
        for (_since, seconds), (until, _next) in zip(self.offsets, self.offsets[1:], strict=False):
            sql.append(f"WHEN {column} < %s THEN date({column}, %s)")
            params += [*column_params, _stored(until), *column_params, f"{seconds:+d} seconds"]
        sql.append(f"ELSE date({column}, %s) END")
        params += [*column_params, f"{self.offsets[-1][1]:+d} seconds"]
        return " ".join(sql), params


def _stored(at: datetime) -> str:
    """A datetime as Django keeps it in SQLite (UTC, no zone), for comparing."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def local_date(field_name: str, zone: ZoneInfo, start: datetime, end: datetime) -> Func:
    """The calendar day of `field_name` in `zone`, for rows between start and end.

    Same days as TruncDate(field_name, tzinfo=zone); on SQLite without a
    call into Python per row. Rows outside start..end get the offset of the
    nearest end, so filter the query to the period too. The values are dates
    (PostgreSQL) or ISO date strings (SQLite): read them with `Days`.
    """
    if connection.vendor == "sqlite":
        return _SqliteLocalDate(field_name, utc_offsets(zone, start, end))
    return TruncDate(field_name, tzinfo=zone)


class Days:
    """Turns what `local_date` gives into dates, each distinct day parsed once."""

    def __init__(self) -> None:
        self.seen: dict[str, date] = {}

    def __call__(self, value: date | str) -> date:
        if isinstance(value, date):
            return value
        day = self.seen.get(value)
        if day is None:
            day = self.seen[value] = date.fromisoformat(value)
        return day


def counted(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list() query of counts, as the database gives them.

    Django converts every value of every row on the way out (an int() for each
    count); over the thousands of rows of a long period that costs more than
    reading them. Use only where the columns are ids, counts and `local_date`
    days, in the order the query selects them (model fields, then annotations
    in the order added)."""
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # e.g. an empty `__in`: Django asks nothing either
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def quarter_of(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _quarters_back(day: date, n: int) -> list[date]:
    """The first days of this quarter and the n-1 before it, oldest first."""
    q = quarter_of(day)
    out = [q]
    while len(out) < n:
        q = quarter_of(q - ONE_DAY)
        out.append(q)
    return out[::-1]


# --- Gathering -------------------------------------------------------------------------


ENERGY_LEVEL = {"low": 1, "some": 2, "good": 3}
LOW_MOOD = 2  # mood or connectedness at or below this is a harder check-in
ENOUGH_LOW_CHECKINS = 5
ENOUGH_MOODS = 10  # check-ins in the period before "what helps" says anything
SHOWN_ASSOCIATION = 0.2  # the smallest lift in mean mood worth a sentence
EARLY_DAYS = 10  # fewer days than this on either side: "an early sign"
MAX_HELPS = 6
MAX_PEOPLE_LISTED = 12
STRENGTH_RINGS = (Ring.INNER, Ring.CLOSE)
MAX_STRENGTH = 40
# History older than this share of its weight moves a strength score too little
# to matter: contacts before the window are left out.
STRENGTH_FORGOTTEN = 0.02
RECIPROCITY_QUARTERS = 4
RECIPROCITY_MIN = 4  # contacts with someone in the period before their row is shown
MEASURE_GAP = timedelta(days=62)  # monthly measures further apart are not joined


@dataclass(frozen=True)
class Someone:
    """The few fields of a Person this page reads: a couple of thousand model
    instances cost more to make than the query that reads them. The rules
    (their rhythm, past it or not) are the model's own."""

    FIELDS: ClassVar[tuple[str, ...]] = (
        "pk",
        "name",
        "ring",
        "cadence_days",
        "min_days_between",
        "next_due_at",
        "created_at",
    )

    pk: int
    name: str
    ring: int
    cadence_days: int | None
    min_days_between: int | None
    next_due_at: datetime | None
    created_at: datetime

    @property
    def effective_cadence_days(self) -> int:
        rhythm: property = Person.effective_cadence_days  # type: ignore[assignment]
        return int(rhythm.fget(self))  # type: ignore[misc]

    def is_past_cadence(self, now: datetime) -> bool:
        return Person.is_past_cadence(self, now)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Week:
    start: date
    mood: float | None
    energy: float | None
    connected: float | None
    checkins: int

    @property
    def row(self) -> tuple[str, str, str, str, str]:
        """The week as the table shows it, formatted here: a year of weeks is
        cheaper to write in Python than in the template."""
        return (
            _day(self.start),
            _number(self.mood),
            _number(self.energy),
            _number(self.connected),
            _number(self.checkins),
        )


Chart = TypeVar("Chart", charts.LineChart, charts.BarChart)


@dataclass(frozen=True)
class ChartBlock(Generic[Chart]):
    """A chart, the name a screen reader hears, its summary in words, and the
    chart drawn as SVG (safe to put in a page: every text in it is escaped)."""

    chart: Chart
    title: str
    summary: str
    svg: str


def _month(d: date) -> str:
    return dateformat.format(d, "Y" if d.month == 1 else "M")


@lru_cache(maxsize=4096)
def _day_in(d: date, language: str | None) -> str:
    return dateformat.format(d, "j M Y")


def _day(d: date) -> str:
    """ "18 Mar 2026" in the active language (the same weeks recur in every chart)."""
    return _day_in(d, get_language())


@lru_cache(maxsize=4096)
def _number_in(value: float, language: str | None) -> str:
    if value == int(value):
        return formats.number_format(int(value))
    return formats.number_format(value, decimal_pos=1)


def _number(value: float | None) -> str:
    """A number as the active language writes it, to one decimal; a dash for none."""
    if value is None:
        return "\u2013"
    return _number_in(round(value, 1), get_language())


def draw(
    chart: Chart,
    chart_id: str,
    title: Any,
    summary: str,
    y_suffix: str = "",
) -> ChartBlock[Chart]:
    """A chart drawn with the dates in the active language."""
    if isinstance(chart, charts.BarChart):
        svg = charts.svg_bars(
            chart,
            chart_id=chart_id,
            title=str(title),
            desc=summary,
            month=_month,
            day=_day,
            y_suffix=y_suffix,
            axis_suffix="",  # "100%" is too wide for the axis: the title says "%"
        )
    else:
        svg = charts.svg_line(
            chart,
            chart_id=chart_id,
            title=str(title),
            desc=summary,
            month=_month,
            day=_day,
            y_suffix=y_suffix,
        )
    return ChartBlock(chart, str(title), summary, mark_safe(svg))  # noqa: S308 - escaped in charts


@dataclass(frozen=True)
class MeasureRow:
    taken_on: date
    score: int
    in_range: bool  # in the range often called lonely (UCLA-3) / low (WHO-5)


@dataclass(frozen=True)
class PersonFeelings:
    pk: int
    name: str
    counts: scoring.LiftDrain

    @property
    def lifted_pct(self) -> int:
        return round(100 * self.counts.share("lifted"))

    @property
    def neutral_pct(self) -> int:
        return round(100 * self.counts.share("neutral"))

    @property
    def drained_pct(self) -> int:
        return round(100 * self.counts.share("drained"))

    @property
    def bar(self) -> list[tuple[str, float, float]]:
        """(class, x, width) of a 100-wide stacked bar: lifted, neutral, drained."""
        out, x = [], 0.0
        for which in ("lifted", "neutral", "drained"):
            width = round(100 * self.counts.share(which), 1)
            if width:
                out.append((which, round(x, 1), width))
            x += width
        return out

    @property
    def bar_svg(self) -> str:
        """The bar as a small SVG, hidden from screen readers: the numbers beside
        it say the same in words."""
        rects = "".join(
            f'<rect class="share-{which}" x="{x:g}" y="0" width="{width:g}" height="8"/>'
            for which, x, width in self.bar
        )
        return mark_safe(  # noqa: S308 - only numbers and fixed class names
            '<svg class="share-bar" viewBox="0 0 100 8" preserveAspectRatio="none" '
            f'aria-hidden="true" focusable="false">{rects}</svg>'
        )


@dataclass
class PersonCounts:
    lifted: int
    neutral: int
    drained: int
    me: int  # contacts the owner reached out first
    them: int
    quarters: list[tuple[int, int]]  # (me, them) in each quarter shown

    @property
    def feelings(self) -> scoring.LiftDrain:
        return scoring.LiftDrain(self.lifted, self.neutral, self.drained)


@dataclass(frozen=True)
class FeelingGroup:
    leaning: str  # "lifts", "mixed" or "drains"
    people: list[PersonFeelings]
    more: int  # leaning this way too, not listed


@dataclass(frozen=True)
class Help:
    factor: str
    label: str
    lag: int
    days: int  # check-in days with it (or the day after it, for lag 1)
    days_without: int
    mean_with: float
    mean_without: float

    @property
    def early(self) -> bool:
        return min(self.days, self.days_without) < EARLY_DAYS


@dataclass(frozen=True)
class ChannelWeek:
    start: date
    in_person: int
    other: int

    @property
    def total(self) -> int:
        return self.in_person + self.other

    @property
    def share(self) -> int:
        return round(100 * self.in_person / self.total) if self.total else 0

    @property
    def row(self) -> tuple[str, str, str, str]:
        return (
            _day(self.start),
            _number(self.in_person),
            _number(self.other),
            _number(self.share),
        )


@dataclass(frozen=True)
class Reciprocity:
    pk: int
    name: str
    me: int
    them: int
    quarters: list[tuple[int, int]]  # (me, them) per shown quarter

    @property
    def total(self) -> int:
        return self.me + self.them


@dataclass(frozen=True)
class Strength:
    pk: int
    name: str
    ring_label: str
    score: float
    every_days: int

    @property
    def percent(self) -> int:
        return round(100 * self.score)

    @property
    def word(self) -> str:
        if self.score >= 0.7:
            return str(_("strong"))
        if self.score >= 0.4:
            return str(_("steady"))
        if self.score > 0.1:
            return str(_("a little quieter"))
        return str(_("quiet for now"))


@dataclass(frozen=True)
class RingList:
    ring: int
    label: str
    slug: str
    count: int
    people: list[MapPerson]

    @property
    def more(self) -> int:
        return self.count - len(self.people)


@dataclass(frozen=True)
class WeekWins:
    contacts: int
    people: int
    lifted: int
    in_person: int
    checkins: int
    meaningful: int
    suggestions: int

    @property
    def quiet(self) -> bool:
        return not (self.contacts or self.checkins or self.suggestions)


@dataclass(frozen=True)
class Pattern:
    low_checkins: int
    by_weekday: list[tuple[str, int]]
    by_part: list[tuple[str, int]]
    top_weekdays: str  # "Sundays", "Sundays and Mondays", or "" when none stands out
    top_part: str | None
    timed: int  # how many had an hour to read (written on the day itself)


@dataclass
class Insights:
    period: Period
    start: date
    end: date
    has_checkins: bool
    weeks: list[Week]
    week_rows: list[tuple[str, str, str, str, str]]
    mood: ChartBlock[charts.LineChart]
    energy: ChartBlock[charts.LineChart]
    connected: ChartBlock[charts.LineChart]
    ucla3: ChartBlock[charts.LineChart]
    ucla3_rows: list[MeasureRow]
    who5: ChartBlock[charts.LineChart]
    who5_rows: list[MeasureRow]
    feelings: list[FeelingGroup]
    not_enough_feelings: int
    helps: list[Help]
    moods_counted: int
    channel_weeks: list[ChannelWeek]
    channel_rows: list[tuple[str, str, str, str]]
    face_to_face: ChartBlock[charts.BarChart]
    face_to_face_share: int | None
    reciprocity: list[Reciprocity]
    quarters: list[date]
    strength: list[Strength]
    strength_more: int
    circle: CircleMap
    circle_svg: str
    ring_lists: list[RingList]
    week: WeekWins
    pattern: Pattern | None
    people_count: int


# --- What goes with better mood: where the factors come from -------------------------------


# A factor source reads what happened on each day of the window, as factor names.
# To add one (e.g. plans, when they are logged): write a function from a Window to
# {day: {names}}, give its names words in factor_label, and add it to FACTOR_SOURCES.
FactorSource = Callable[["Window"], Mapping[date, Iterable[str]]]

IN_PERSON = Channel.IN_PERSON.value
ANY_CONTACT = "contact"
PLAN_KEPT = "plan"

IDEA_KINDS = {
    "message": _("sending a message"),
    "voice": _("sending a voice note"),
    "call": _("a call from Today's ideas"),
    "together": _("doing something together"),
    "invite": _("inviting someone"),
    "accept": _("saying yes to an invitation"),
    "share": _("sharing something"),
    "compliment": _("giving a compliment"),
    "reply": _("replying to someone"),
    "check_in": _("checking in on someone"),
    "gratitude": _("saying thank you"),
    "community": _("time with a community"),
    "stranger": _("a word with someone new"),
    "place": _("going somewhere with people around"),
    "self": _("time for yourself"),
}

CHANNEL_FACTORS = {
    "text": _("a text"),
    "voice": _("a voice message"),
    "call": _("a call"),
    "video": _("a video call"),
    "in_person": _("time in person"),
    "social": _("a social comment"),
    "letter": _("a letter or gift"),
    "other": _("another kind of contact"),
}


def factor_label(factor: str) -> str:
    kind, _sep, name = factor.partition(":")
    if kind == "channel":
        return str(CHANNEL_FACTORS.get(name, name))
    if kind == "idea":
        return str(IDEA_KINDS.get(name, name.replace("_", " ")))
    if factor == ANY_CONTACT:
        return str(_("any contact with someone"))
    if factor == PLAN_KEPT:
        return str(_("a plan that went ahead"))
    return factor


def channels_by_day(window: Window) -> dict[date, set[str]]:
    return {
        day: {ANY_CONTACT, *(f"channel:{c}" for c in channels)}
        for day, channels in window.contacts_by_day.items()
    }


def idea_kinds_by_day(window: Window) -> dict[date, set[str]]:
    out: dict[date, set[str]] = defaultdict(set)
    for day, kind in window.done_suggestions:
        out[day].add(f"idea:{kind}")
    return out


def plans_by_day(window: Window) -> dict[date, set[str]]:
    return {day: {PLAN_KEPT} for day in window.plans_kept}


FACTOR_SOURCES: list[FactorSource] = [channels_by_day, idea_kinds_by_day, plans_by_day]


# --- The window: each thing read once -----------------------------------------------------


class Window:
    """One owner's data for one period, each query run at most once."""

    def __init__(self, owner: User, period: Period, now: datetime | None = None) -> None:
        self.owner = owner
        self.zone = owner.zone
        self.now = now or timezone.now()
        self.today = timezone.localtime(self.now, self.zone).date()
        self.period = period
        if period.days is not None:
            self.start = self.today - timedelta(days=period.days - 1)
        else:
            self.start = self.first_day or self.today
        self.since = self.midnight(self.start)
        self.week_start = self.today - timedelta(days=6)

    def midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(), self.zone)

    @cached_property
    def first_day(self) -> date | None:
        """The earliest check-in, measure or contact, for "all time"."""
        firsts = []
        checkin = (
            CheckIn.objects.filter(owner=self.owner).order_by("day").values_list("day").first()
        )
        if checkin:
            firsts.append(checkin[0])
        contact = (
            Interaction.objects.live()
            .filter(owner=self.owner)
            .order_by("happened_at")
            .values_list("happened_at")
            .first()
        )
        if contact:
            firsts.append(timezone.localtime(contact[0], self.zone).date())
        measure = (
            Measure.objects.filter(owner=self.owner)
            .order_by("taken_on")
            .values_list("taken_on")
            .first()
        )
        if measure:
            firsts.append(measure[0])
        return min(firsts) if firsts else None

    def live_contacts(self) -> Any:
        return Interaction.objects.live().filter(owner=self.owner, happened_at__gte=self.since)

    @cached_property
    def checkins(self) -> list[tuple[date, int, str, int | None, bool | None, datetime]]:
        return list(
            CheckIn.objects.filter(owner=self.owner, day__gte=self.start, day__lte=self.today)
            .order_by("day")
            .values_list("day", "mood", "energy", "connected", "meaningful", "created_at")
        )

    @cached_property
    def measures(self) -> list[tuple[str, date, int]]:
        return list(
            Measure.objects.filter(owner=self.owner, taken_on__gte=self.start)
            .order_by("taken_on", "pk")
            .values_list("kind", "taken_on", "score")
        )

    @cached_property
    def done_suggestions(self) -> list[tuple[date, str]]:
        return list(
            Suggestion.objects.filter(
                owner=self.owner, outcome=Outcome.DONE, day__gte=self.start, day__lte=self.today
            ).values_list("day", "idea__kind")
        )

    @cached_property
    def plans_kept(self) -> set[date]:
        """Local days on which an occurrence of a plan was marked as having happened."""
        starts = Occurrence.objects.filter(
            owner=self.owner,
            done_at__isnull=False,
            starts_at__gte=self.since,
            starts_at__lte=self.now,
        ).values_list("starts_at", flat=True)
        return {timezone.localtime(at, self.zone).date() for at in starts}

    @cached_property
    def people(self) -> list[Someone]:
        """Everyone in the circle now (not set aside), by ring and name."""
        return [
            Someone(*row)
            for row in Person.objects.active()
            .filter(owner=self.owner)
            .order_by("ring", "name", "pk")
            .values_list(*Someone.FIELDS)
        ]

    @cached_property
    def contacts_by_day(self) -> dict[date, dict[str, int]]:
        """{local day: {channel: contacts}} in the period, channels with none left out.

        Grouped by day alone with a count per channel: far fewer groups (and
        rows to read) than grouping by day and channel."""
        channels = [c.value for c in Channel]
        rows = counted(
            self.live_contacts()
            .annotate(on=local_date("happened_at", self.zone, self.since, self.now))
            .values("on")
            .annotate(**{c: Count("id", filter=Q(channel=c)) for c in channels})
            .order_by()
            .values_list("on", *channels)
        )
        day = Days()
        return {
            day(on): {c: n for c, n in zip(channels, counts, strict=True) if n}
            for on, *counts in rows
        }

    @cached_property
    def quarters(self) -> list[date]:
        """The quarters shown for reciprocity, oldest first, none before the period."""
        return [
            q
            for q in _quarters_back(self.today, RECIPROCITY_QUARTERS)
            if q >= quarter_of(self.start)
        ]

    @cached_property
    def per_person(self) -> dict[int, PersonCounts]:
        """Per person, in the period: feelings after contacts, who reached out
        first, and who reached out first in each quarter shown. One pass over the
        period's contacts, counted by the database."""
        counts = {
            "lifted": Count("id", filter=Q(feeling_after="lifted")),
            "neutral": Count("id", filter=Q(feeling_after="neutral")),
            "drained": Count("id", filter=Q(feeling_after="drained")),
            "me": Count("id", filter=Q(initiated_by="me")),
            "them": Count("id", filter=Q(initiated_by="them")),
        }
        # Which quarter shown a contact falls in: -1 before the first, then 0, 1...
        # (grouping by it is cheaper than counting each quarter apart).
        quarter = Case(
            *(
                When(happened_at__lt=self.midnight(q), then=Value(n - 1))
                for n, q in enumerate(self.quarters)
            ),
            default=Value(len(self.quarters) - 1),
        )
        links = Q(interactionperson__person__isnull=False)
        if connection.vendor == "postgresql":
            # The links carry a copy of the time: filtering them too lets
            # PostgreSQL's hash join probe a fifth of them. (SQLite reads each
            # link through an index without the time, so it is better off without.)
            # One filter() call, so both conditions are on the same link.
            links &= Q(interactionperson__happened_at__gte=self.since)
        contacts = self.live_contacts().filter(links)
        rows = counted(
            contacts.annotate(q=quarter)
            .values("interactionperson__person_id", "q")
            .annotate(**counts)
            .order_by()
            .values_list("interactionperson__person_id", "q", *counts)
        )
        shown = len(self.quarters)
        out: dict[int, PersonCounts] = {}
        for pk, q, lifted, neutral, drained, me, them in rows:
            c = out.get(pk)
            if c is None:
                c = out[pk] = PersonCounts(0, 0, 0, 0, 0, [(0, 0)] * shown)
            c.lifted += lifted
            c.neutral += neutral
            c.drained += drained
            c.me += me
            c.them += them
            if 0 <= q < shown:
                c.quarters[q] = (me, them)
        return out

    def strength_window(self, person: Someone) -> date:
        """Contacts before this day move the score by less than STRENGTH_FORGOTTEN."""
        m = scoring.multiplier(1, person.effective_cadence_days)
        horizon = math.ceil(math.log(STRENGTH_FORGOTTEN) / math.log(m))
        return self.today - timedelta(days=horizon)

    def strength_start(self, person: Someone, days: Iterable[date]) -> date:
        """Where the score starts from zero, as Loop's does when a habit is made:
        when they were added, or the first contact logged with them if earlier
        (a contact can be back-dated), but not before the window."""
        added = timezone.localtime(person.created_at, self.zone).date()
        return max(self.strength_window(person), min([added, *days]))

    @cached_property
    def strength_people(self) -> list[Someone]:
        return [p for p in self.people if p.ring in STRENGTH_RINGS][:MAX_STRENGTH]

    @cached_property
    def contacts_per_person_day(self) -> dict[int, dict[date, int]]:
        """Contacts per local day with each person whose strength is shown, back
        to the earliest day any of their scores still remembers.

        Read from the contact-person links alone (their index holds the person
        and the time), so contacts set aside for undo are found first, in the
        same stretch of time, and left out."""
        people = self.strength_people
        since = self.midnight(min((self.strength_window(p) for p in people), default=self.today))
        deleted = list(
            Interaction.objects.filter(
                owner=self.owner, happened_at__gte=since, deleted_at__isnull=False
            )
            .order_by()
            .values_list("pk", flat=True)
        )
        links = InteractionPerson.objects.filter(
            person__owner=self.owner,
            person_id__in=[p.pk for p in people],
            happened_at__gte=since,
        )
        if deleted:
            links = links.exclude(interaction_id__in=deleted)
        rows = counted(
            links.annotate(on=local_date("happened_at", self.zone, since, self.now))
            .values("person_id", "on")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("person_id", "on", "n")
        )
        out: dict[int, dict[date, int]] = defaultdict(dict)
        day = Days()
        for pk, on, n in rows:
            out[pk][day(on)] = n
        return out

    @cached_property
    def this_week(self) -> dict[str, int]:
        since = self.midnight(self.week_start)
        return (
            Interaction.objects.live()
            .filter(owner=self.owner, happened_at__gte=since)
            .aggregate(
                contacts=Count("id", distinct=True),
                lifted=Count("id", distinct=True, filter=Q(feeling_after="lifted")),
                in_person=Count("id", distinct=True, filter=Q(channel=IN_PERSON)),
                people=Count("interactionperson__person", distinct=True),
            )
        )


# --- Sections -------------------------------------------------------------------------------


def weekly(window: Window) -> list[Week]:
    sums: dict[date, list[float]] = {}
    for day, mood, energy, connected, _meaningful, _created in window.checkins:
        start = day - timedelta(days=day.weekday())
        s = sums.setdefault(start, [0, 0, 0, 0, 0, 0])
        s[0] += mood
        s[1] += 1
        if energy in ENERGY_LEVEL:
            s[2] += ENERGY_LEVEL[energy]
            s[3] += 1
        if connected is not None:
            s[4] += connected
            s[5] += 1
    return [
        Week(
            start,
            round(s[0] / s[1], 2),
            round(s[2] / s[3], 2) if s[3] else None,
            round(s[4] / s[5], 2) if s[5] else None,
            int(s[1]),
        )
        for start, s in sorted(sums.items())
    ]


def _week_series(window: Window, weeks: list[Week], attr: str) -> list[tuple[date, float | None]]:
    """One value per week of the period (None for a week with nothing), so the
    chart breaks its line where a week is missing."""
    have = {w.start: getattr(w, attr) for w in weeks}
    first = window.start - timedelta(days=window.start.weekday())
    out: list[tuple[date, float | None]] = []
    monday = first
    while monday <= window.today:
        out.append((monday, have.get(monday)))
        monday += ONE_WEEK
    return out


def _summary_of(values: list[float], what: str) -> str:
    """The chart in a sentence, numbers as the active language writes them."""
    if not values:
        return str(_("Nothing noted in this period yet."))
    if len(values) == 1:
        # "from 3 to 3; the latest week 3" says one number three times.
        return str(
            _("%(what)s: %(value)s on average, in the one week noted so far.")
            % {"what": what, "value": _number(values[0])}
        )
    return str(
        _("%(what)s: weekly average from %(low)s to %(high)s; the latest week %(last)s.")
        % {
            "what": what,
            "low": _number(min(values)),
            "high": _number(max(values)),
            "last": _number(values[-1]),
        }
    )


def checkin_charts(window: Window, weeks: list[Week]) -> tuple[ChartBlock[charts.LineChart], ...]:
    week_end = window.today - timedelta(days=window.today.weekday())
    first = window.start - timedelta(days=window.start.weekday())
    out = []
    for attr, top, ticks, name, title in (
        (
            "mood",
            5,
            (1, 3, 5),
            _("Mood"),
            _("Mood, weekly average (1 very low to 5 very good)"),
        ),
        (
            "energy",
            3,
            (1, 2, 3),
            _("Energy"),
            _("Energy, weekly average (1 running low to 3 good)"),
        ),
        (
            "connected",
            5,
            (1, 3, 5),
            _("Feeling connected"),
            _("Feeling connected, weekly average (1 not at all to 5 very)"),
        ),
    ):
        series = _week_series(window, weeks, attr)
        chart = charts.line_chart(series, 1, top, start=first, end=week_end, y_ticks=ticks)
        values = [v for _d, v in series if v is not None]
        out.append(draw(chart, f"chart-{attr}", title, _summary_of(values, str(name))))
    return tuple(out)


def measure_charts(
    window: Window,
) -> tuple[
    ChartBlock[charts.LineChart],
    list[MeasureRow],
    ChartBlock[charts.LineChart],
    list[MeasureRow],
]:
    ucla = [(d, s) for k, d, s in window.measures if k == MeasureKind.UCLA3]
    who = [(d, s) for k, d, s in window.measures if k == MeasureKind.WHO5]
    ucla_rows = [
        MeasureRow(d, s, scoring.ucla3_range(s) == "lonely") for d, s in ucla if 3 <= s <= 9
    ]
    who_rows = [MeasureRow(d, s, scoring.who5_range(s) == "low") for d, s in who if 0 <= s <= 100]
    ucla_chart = charts.line_chart(
        [(r.taken_on, r.score) for r in ucla_rows],
        3,
        9,
        start=window.start,
        end=window.today,
        max_gap=MEASURE_GAP,
        y_ticks=(3, 6, 9),
        bands=((scoring.UCLA3_LONELY_FROM, 9),),
    )
    who_chart = charts.line_chart(
        [(r.taken_on, r.score) for r in who_rows],
        0,
        100,
        start=window.start,
        end=window.today,
        max_gap=MEASURE_GAP,
        y_ticks=(0, 50, 100),
        bands=((0, scoring.WHO5_LOW_AT_OR_BELOW),),
    )
    return (
        draw(
            ucla_chart,
            "chart-ucla3",
            _("Loneliness (UCLA 3-item), 3 to 9; 6 and above is the range often called lonely"),
            _measure_summary(ucla_rows),
        ),
        ucla_rows,
        draw(
            who_chart,
            "chart-who5",
            _(
                "Wellbeing (WHO-5), 0 to 100; 50 or below is the range often linked "
                "with low wellbeing"
            ),
            _measure_summary(who_rows),
        ),
        who_rows,
    )


def _measure_summary(rows: list[MeasureRow]) -> str:
    if not rows:
        return str(_("No results in this period yet."))
    last = rows[-1]
    return ngettext(
        "%(n)s result: %(score)s on %(day)s.",
        "%(n)s results; the latest %(score)s on %(day)s.",
        len(rows),
    ) % {"n": len(rows), "score": last.score, "day": _day(last.taken_on)}


def feelings_by_person(window: Window, names: Mapping[int, str]) -> dict[int, scoring.LiftDrain]:
    """How each person (in the circle now) left the owner feeling, in the period."""
    return {
        pk: c.feelings for pk, c in window.per_person.items() if pk in names and c.feelings.total
    }


def who_lifts(
    feelings: Mapping[int, scoring.LiftDrain], names: Mapping[int, str]
) -> tuple[list[FeelingGroup], int]:
    """People with enough feelings noted, by leaning (lifts, mixed, drains), and
    how many people have some feelings noted but not enough to say."""
    groups: dict[str, list[PersonFeelings]] = {"lifts": [], "mixed": [], "drains": []}
    too_few = 0
    for pk, ld in feelings.items():
        if not ld.enough:
            too_few += 1
            continue
        groups[ld.leaning].append(PersonFeelings(pk, names[pk], ld))
    groups["lifts"].sort(key=lambda p: (-p.counts.share("lifted"), -p.counts.total, p.name))
    groups["mixed"].sort(key=lambda p: (-p.counts.total, p.name))
    groups["drains"].sort(key=lambda p: (-p.counts.share("drained"), -p.counts.total, p.name))
    return [
        FeelingGroup(k, v[:MAX_PEOPLE_LISTED], max(0, len(v) - MAX_PEOPLE_LISTED))
        for k, v in groups.items()
        if v
    ], too_few


def what_helps(window: Window, sources: Iterable[FactorSource] = ()) -> tuple[list[Help], int]:
    moods = {day: mood for day, mood, *_rest in window.checkins}
    if len(moods) < ENOUGH_MOODS:
        return [], len(moods)
    days_with: dict[str, set[date]] = defaultdict(set)
    for source in sources or FACTOR_SOURCES:
        for day, names in source(window).items():
            for name in names:
                days_with[name].add(day)
    # Only factors that can have enough check-in days both with and without them
    # (the same day, or the day after) go to the scoring: the rest could never
    # be shown, and leaving them out saves most of the work on busy days.
    checked = moods.keys()
    after = {d - ONE_DAY for d in checked}
    enough = scoring.MIN_ASSOCIATION_DAYS
    factors: dict[date, set[str]] = defaultdict(set)
    for name, days in days_with.items():
        counts = (len(days & checked), len(days & after))
        if any(enough <= n <= len(moods) - enough for n in counts):
            for day in days:
                factors[day].add(name)
    helps: list[Help] = []
    said: set[str] = set()
    # Biggest difference first; each factor once, on the day (same or next)
    # where it went with the bigger difference.
    for a in scoring.associations(moods, factors):
        without = len(moods) - a.days
        # Something on nearly every day has too little to be compared with.
        if a.difference < SHOWN_ASSOCIATION or without < enough or a.factor in said:
            continue
        said.add(a.factor)
        helps.append(
            Help(
                a.factor,
                factor_label(a.factor),
                a.lag,
                a.days,
                without,
                round(a.mean_with, 1),
                round(a.mean_without, 1),
            )
        )
    return helps[:MAX_HELPS], len(moods)


def face_to_face(
    window: Window,
) -> tuple[list[ChannelWeek], ChartBlock[charts.BarChart], int | None]:
    per_week: dict[date, list[int]] = {}
    for day, channels in window.contacts_by_day.items():
        start = day - timedelta(days=day.weekday())
        w = per_week.setdefault(start, [0, 0])
        for channel, n in channels.items():
            w[0 if channel == IN_PERSON else 1] += n
    weeks = [ChannelWeek(start, a, b) for start, (a, b) in sorted(per_week.items())]
    first = window.start - timedelta(days=window.start.weekday())
    last = window.today - timedelta(days=window.today.weekday())
    chart = charts.bar_chart(
        [(w.start, w.share) for w in weeks], 100, start=first, end=last, y_ticks=(0, 50, 100)
    )
    total = sum(w.total for w in weeks)
    share = round(100 * sum(w.in_person for w in weeks) / total) if total else None
    summary = (
        str(_("Over the period, %(share)s%% of your contacts were in person.") % {"share": share})
        if share is not None
        else str(_("No contacts in this period yet."))
    )
    block = draw(chart, "chart-f2f", _("Share of contacts in person, per week (%)"), summary, "%")
    return weeks, block, share


def reciprocity(window: Window, names: Mapping[int, str]) -> list[Reciprocity]:
    rows = [
        Reciprocity(pk, names[pk], c.me, c.them, c.quarters)
        for pk, c in window.per_person.items()
        if pk in names and c.me + c.them >= RECIPROCITY_MIN
    ]
    rows.sort(key=lambda r: (-r.total, r.name))
    return rows[:MAX_PEOPLE_LISTED]


def strength(window: Window) -> tuple[list[Strength], int]:
    per_day = window.contacts_per_person_day
    out = []
    for p in window.strength_people:
        every = p.effective_cadence_days
        days = per_day.get(p.pk, {})
        start = window.strength_start(p, days)
        score = scoring.strength(days, start, window.today, 1, every)
        out.append(Strength(p.pk, p.name, str(Ring(p.ring).label), score, every))
    everyone = sum(1 for p in window.people if p.ring in STRENGTH_RINGS)
    return out, everyone - len(out)


MAX_LISTED = 40  # names per ring in the list beside the map
# Short names written on the map's rings (the list beside it uses the full ones).
MAP_RING_NAMES = {
    Ring.INNER: pgettext_lazy("circle map ring", "inner"),
    Ring.CLOSE: pgettext_lazy("circle map ring", "close"),
    Ring.WIDER: pgettext_lazy("circle map ring", "wider"),
    Ring.ACQUAINTANCE: pgettext_lazy("circle map ring", "acquaintances"),
}


def the_circle(window: Window, lifts: set[int]) -> tuple[CircleMap, str, list[RingList]]:
    """The map, drawn, and the same people ring by ring for the list beside it."""
    people = [
        MapPerson(p.pk, p.name, p.ring, drifting=p.is_past_cadence(window.now), lifts=p.pk in lifts)
        for p in window.people
    ]
    people.sort(key=lambda m: (m.ring, m.name.casefold(), m.pk))
    lists = []
    for r in Ring:
        members = [m for m in people if m.ring == r]
        lists.append(
            RingList(int(r), str(r.label), RING_SLUGS[r], len(members), members[:MAX_LISTED])
        )
    picture = circle_map(people, {int(r): str(label) for r, label in MAP_RING_NAMES.items()})
    counts = " ".join(
        str(
            ngettext("%(ring)s: %(n)s person.", "%(ring)s: %(n)s people.", r.count)
            % {"ring": r.label, "n": r.count}
        )
        for r in lists
    )
    desc = " ".join(
        (
            counts,
            str(
                _(
                    "People it's been a while with sit a little further out; people who "
                    "tend to lift you have a golden ring. Everyone is named in the list "
                    "below the picture."
                )
            ),
        )
    )
    a_while, lifting = str(_("it's been a while")), str(_("tends to lift you"))

    def person_title(p: MapPerson) -> str:
        return " · ".join(
            [p.name] + ([a_while] if p.drifting else []) + ([lifting] if p.lifts else [])
        )

    svg = circle_svg(
        picture,
        title=str(_("Your circle, as four rings around you")),
        desc=desc,
        you=str(pgettext_lazy("the person, in the middle of the circle map", "you")),
        person_title=person_title,
    )
    return picture, mark_safe(svg), lists  # noqa: S308 - escaped in circle_map.svg


def week_wins(window: Window) -> WeekWins:
    recent = [c for c in window.checkins if c[0] >= window.week_start]
    done = sum(1 for day, _kind in window.done_suggestions if day >= window.week_start)
    w = window.this_week
    return WeekWins(
        contacts=w["contacts"],
        people=w["people"],
        lifted=w["lifted"],
        in_person=w["in_person"],
        checkins=len(recent),
        meaningful=sum(1 for c in recent if c[4]),
        suggestions=done,
    )


WEEKDAYS = (
    _("Mondays"),
    _("Tuesdays"),
    _("Wednesdays"),
    _("Thursdays"),
    _("Fridays"),
    _("Saturdays"),
    _("Sundays"),
)
PARTS = (
    ("morning", pgettext_lazy("part of the day", "Morning (5 am to noon)")),
    ("afternoon", pgettext_lazy("part of the day", "Afternoon (noon to 5 pm)")),
    ("evening", pgettext_lazy("part of the day", "Evening (5 pm to 10 pm)")),
    ("night", pgettext_lazy("part of the day", "Night (10 pm to 5 am)")),
)
PART_WORDS = {
    "morning": _("in the morning"),
    "afternoon": _("in the afternoon"),
    "evening": _("in the evening"),
    "night": _("at night"),
}


def _either(words: list[str]) -> str:
    if len(words) == 2:
        return str(_("%(first)s and %(second)s") % {"first": words[0], "second": words[1]})
    return words[0] if words else ""


def part_of_day(hour: int) -> str:
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 22:
        return "evening"
    return "night"


def loneliness_pattern(window: Window) -> Pattern | None:
    """When harder check-ins (low mood or feeling little connected) tend to come:
    weekdays from the day they are about, hours from when they were written (only
    those written on that day). Nothing below ENOUGH_LOW_CHECKINS."""
    low = [
        c for c in window.checkins if c[1] <= LOW_MOOD or (c[3] is not None and c[3] <= LOW_MOOD)
    ]
    if len(low) < ENOUGH_LOW_CHECKINS:
        return None
    weekdays = Counter(c[0].weekday() for c in low)
    parts: Counter[str] = Counter()
    for day, *_middle, created in low:
        local = timezone.localtime(created, window.zone)
        if local.date() == day:
            parts[part_of_day(local.hour)] += 1
    most = max(weekdays.values())
    top_days = [str(WEEKDAYS[d]) for d in range(7) if weekdays[d] == most]
    top_part = None
    if parts:
        best = max(parts.values())
        tops = [k for k, _label in PARTS if parts[k] == best]
        top_part = str(PART_WORDS[tops[0]]) if len(tops) == 1 else None
    return Pattern(
        low_checkins=len(low),
        by_weekday=[(str(WEEKDAYS[d]), weekdays[d]) for d in range(7)],
        by_part=[(str(label), parts[k]) for k, label in PARTS],
        top_weekdays=_either(top_days) if most > 1 and len(top_days) <= 2 else "",
        top_part=top_part,
        timed=sum(parts.values()),
    )


def gather(owner: User, period: Period, now: datetime | None = None) -> Insights:
    window = Window(owner, period, now)
    names = {p.pk: p.name for p in window.people}
    weeks = weekly(window)
    mood, energy, connected = checkin_charts(window, weeks)
    ucla, ucla_rows, who, who_rows = measure_charts(window)
    by_person = feelings_by_person(window, names)
    feelings, too_few = who_lifts(by_person, names)
    helps, moods_counted = what_helps(window)
    channel_weeks, f2f, f2f_share = face_to_face(window)
    strengths, strength_more = strength(window)
    # Everyone who leans towards lifting, not only those listed.
    lifts = {pk for pk, ld in by_person.items() if ld.leaning == "lifts"}
    circle, circle_drawn, ring_lists = the_circle(window, lifts)
    return Insights(
        period=period,
        start=window.start,
        end=window.today,
        has_checkins=bool(window.checkins),
        weeks=weeks,
        week_rows=[w.row for w in weeks],
        mood=mood,
        energy=energy,
        connected=connected,
        ucla3=ucla,
        ucla3_rows=ucla_rows,
        who5=who,
        who5_rows=who_rows,
        feelings=feelings,
        not_enough_feelings=too_few,
        helps=helps,
        moods_counted=moods_counted,
        channel_weeks=channel_weeks,
        channel_rows=[w.row for w in channel_weeks],
        face_to_face=f2f,
        face_to_face_share=f2f_share,
        reciprocity=reciprocity(window, names),
        quarters=window.quarters,
        strength=strengths,
        strength_more=strength_more,
        circle=circle,
        circle_svg=circle_drawn,
        ring_lists=ring_lists,
        week=week_wins(window),
        pattern=loneliness_pattern(window),
        people_count=len(window.people),
    )
