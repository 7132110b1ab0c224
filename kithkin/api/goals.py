"""/api/v1/goals: gentle goals with the forgiving strength score the pages show.

A goal counts what is logged (contacts, calls, check-ins...) `times` per
`per_days` days. Its progress is Loop Habit Tracker's forgiving strength score:
it grows each time and eases off only a little on a quiet day; on a day set
aside (rest, illness, travel) it stays as it is. No streaks.

Changes are checked by the same forms as the goal pages (wellbeing.goal_forms),
so the API refuses exactly what the pages refuse, with the same words.
"""

# No `from __future__ import annotations` here: ninja reads the view annotations
# through @paginate's wrapper, whose globals are ninja's, so strings wouldn't resolve.

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AfterValidator, ConfigDict, StrictBool, StrictInt, field_validator

from kithkin.accounts.models import User
from kithkin.api.forms import form_invalid
from kithkin.api.plans import DayIn, Title
from kithkin.api.schemas import DbId, ErrorOut, ObjectId, Omitted, Pages, not_null
from kithkin.lib.http import request_owner as _owner
from kithkin.wellbeing import goal_actions
from kithkin.wellbeing import goals as progress
from kithkin.wellbeing.goal_actions import MAX_RUN_DAYS
from kithkin.wellbeing.goal_forms import GoalForm
from kithkin.wellbeing.models import Goal, GoalMeasure, GoalSkip

router = Router(tags=["goals"])


def _times(value: int) -> int:
    if value < 1:
        raise ValueError("At least once, please.")
    if value > progress.MAX_TIMES:
        raise ValueError(f"Up to {progress.MAX_TIMES} times keeps it gentle.")
    return value


def _per_days(value: int) -> int:
    if value not in progress.PER_DAYS_CHOICES:
        raise ValueError("Count it per 7, 14 or 30 days: a week, two weeks or a month.")
    return value


# The bounds are documented only: the validators above give the page's kinder words.
Times = Annotated[
    StrictInt,
    AfterValidator(_times),
    Field(json_schema_extra={"minimum": 1, "maximum": progress.MAX_TIMES}),
]
PerDays = Annotated[
    StrictInt,
    AfterValidator(_per_days),
    Field(
        description="A week (7), two weeks (14) or a month (30).",
        json_schema_extra={"enum": list(progress.PER_DAYS_CHOICES)},
    ),
]
PERSON = "Only contacts with this person (an id from your circle) count; null for anyone."


# --- Schemas -------------------------------------------------------------------------


class PeriodOut(Schema):
    start: date
    end: date
    label: str = Field(description='In words: "this week", "these two weeks", "this month".')
    done: int = Field(description="How many times it happened in this period so far.")
    target: int
    reached: bool


class WeekOut(Schema):
    start: date = Field(description="The first day of the week (in your language's calendar).")
    count: int


class ProgressOut(Schema):
    began: date = Field(description="The day the goal began: things count from then.")
    as_of: date = Field(description="Today, or the day a set-aside goal was set aside.")
    score: int = Field(description="The strength score as a percentage, 0 to 100.")
    strength: float = Field(description="The same score from 0 to 1.")
    history: list[float] = Field(
        description="The strength day by day for the last 12 weeks, oldest first, "
        "ending on `as_of` (shorter for a newer goal)."
    )
    weeks: list[WeekOut] = Field(
        description="How many times in each of the last 8 weeks, this week first."
    )
    period: PeriodOut
    message: str | None = Field(
        description='A word on this period, as the page says it: "1 of 3 this week", or '
        "\"That's this week's call — well done.\" Null for a set-aside goal."
    )
    today_set_aside: bool


class GoalOut(Schema):
    id: int
    title: str
    measure: GoalMeasure = Field(description="What counts.")
    times: int
    per_days: int
    person: int | None = Field(description=PERSON)
    archived: bool = Field(description="Set aside, with its score kept.")
    created_at: datetime
    rhythm: str = Field(description='In words: "Once a week", "3 times a month".')
    counts_as: str = Field(description="What counts, in a line.")
    progress: ProgressOut


class GoalIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Title
    measure: GoalMeasure = Field(description="What counts.")
    times: Times = 1
    per_days: PerDays = 7
    person: DbId | None = Field(None, description=PERSON)


class GoalPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Title | Omitted = None
    measure: GoalMeasure | Omitted = None
    times: Times | Omitted = None
    per_days: PerDays | Omitted = None
    person: DbId | None = Field(None, description=PERSON)
    archived: StrictBool | Omitted = Field(
        None,
        description="true sets the goal aside with its score kept; false brings it back, "
        "its days away counted as rest so the score is as it was.",
    )

    _present = field_validator("title", "measure", "times", "per_days", "archived")(not_null)


class GoalFilters(Schema):
    archived: bool = Field(False, description="Set-aside goals instead of the others.")


class PresetOut(Schema):
    slug: str
    title: str
    measure: GoalMeasure
    times: int
    per_days: int
    rhythm: str


class SkipOut(Schema):
    day: date


class SkipIn(Schema):
    model_config = ConfigDict(extra="forbid")

    day: DayIn | None = Field(
        None,
        description="YYYY-MM-DD, from the day the goal began up to two weeks ahead. "
        "Today (in your time zone) when left out.",
    )


class SkipRemoveQuery(Schema):
    through: DayIn | None = Field(
        None,
        description=f"Also count every day after `day` up to this one as usual again "
        f"(a run of days set aside; at most {MAX_RUN_DAYS} days).",
    )


# --- Reading ----------------------------------------------------------------------


def _today(owner: User) -> date:
    return timezone.localdate(timezone=owner.zone)


def _out(p: progress.Progress, today: date) -> dict[str, Any]:
    """What the page shows of a goal, words in the owner's language (active here)."""
    goal = p.goal
    archived = goal.archived_at is not None
    if p.reached:
        message: str | None = p.win
    else:
        message = None if archived else p.so_far
    return {
        "id": goal.pk,
        "title": goal.title,
        "measure": goal.measure,
        "times": goal.times,
        "per_days": goal.per_days,
        "person": goal.person_id,
        "archived": archived,
        "created_at": goal.created_at,
        "rhythm": p.rhythm,
        "counts_as": p.counts_as,
        "progress": {
            "began": p.began,
            "as_of": p.end,
            "score": p.percent,
            "strength": round(p.strength, 4),
            "history": [round(v, 4) for v in p.series],
            "weeks": [{"start": w.start, "count": w.count} for w in p.weeks],
            "period": {
                "start": p.period.start,
                "end": p.period.end,
                "label": p.period.label,
                "done": p.period.done,
                "target": p.period.target,
                "reached": p.period.reached,
            },
            "message": message,
            "today_set_aside": today in p.skips,
        },
    }


def _with_progress(owner: User, goals: Sequence[Goal]) -> list[dict[str, Any]]:
    """The goals as the API gives them, their progress read together (a fixed number
    of queries however many there are)."""
    today = _today(owner)
    with translation.override(owner.locale):
        found = progress.progress_for(owner, goals, today, progress.first_weekday())
        return [_out(p, today) for p in found]


class _GoalPage:
    """The owner's goals as the paginator slices them: only the page's goals are
    loaded, and their progress is read once for the whole page."""

    def __init__(self, owner: User, goals: QuerySet[Goal]) -> None:
        self.owner = owner
        self.goals = goals

    def all(self) -> "_GoalPage":  # the paginator counts through .all().count()
        return self

    def count(self) -> int:
        return self.goals.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, part: slice) -> list[dict[str, Any]]:
        return _with_progress(self.owner, list(self.goals[part]))


def _get_goal_for_user(request: HttpRequest, pk: int) -> Goal:
    return get_object_or_404(Goal, pk=pk, owner=_owner(request))


def _one(goal: Goal) -> dict[str, Any]:
    (out,) = _with_progress(goal.owner, [goal])
    return out


# --- Changing ---------------------------------------------------------------------


def _form_data(goal: Goal, changes: dict[str, Any]) -> dict[str, Any]:
    """The goal form's fields: the goal as it is, with the changes sent."""
    return {
        "title": goal.title,
        "measure": goal.measure,
        "times": goal.times,
        "per_days": goal.per_days,
        "person": goal.person_id or "",
        **{k: ("" if v is None else v) for k, v in changes.items()},
    }


def _save(owner: User, goal: Goal, changes: dict[str, Any]) -> Goal:
    """Check the changes with the page's form and save them (nothing written on a 422)."""
    archived = changes.pop("archived", None)
    with translation.override(owner.locale):
        form = GoalForm(owner, _form_data(goal, changes), instance=goal)
        if not form.is_valid():
            raise form_invalid(form)
    with transaction.atomic():
        goal = form.save()
        if archived is True:
            goal_actions.set_aside(goal)
        elif archived is False:
            goal_actions.bring_back(goal, owner, _today(owner))
    return goal


# --- Endpoints --------------------------------------------------------------------


@router.get(
    "",
    response={200: list[GoalOut], 401: ErrorOut, 422: ErrorOut},
    summary="Your goals, oldest first, with their progress",
)
@paginate(Pages)
def list_goals(request: HttpRequest, filters: Query[GoalFilters]) -> _GoalPage:
    owner = _owner(request)
    goals = Goal.objects.filter(owner=owner, archived_at__isnull=not filters.archived)
    return _GoalPage(owner, goals.order_by("created_at", "pk"))


@router.get(
    "/presets",
    response={200: list[PresetOut], 401: ErrorOut},
    summary="The one-tap goals the page offers",
    description="POST one to /api/v1/goals as it is (title, measure, times, per_days).",
)
def list_goal_presets(request: HttpRequest) -> list[dict[str, Any]]:
    with translation.override(_owner(request).locale):
        return [
            {
                "slug": p.slug,
                "title": str(p.title),
                "measure": p.measure,
                "times": p.times,
                "per_days": p.per_days,
                "rhythm": progress.rhythm(p.times, p.per_days),
            }
            for p in progress.PRESETS
        ]


@router.post(
    "",
    response={201: GoalOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Set a goal",
    description="Small and doable is best: it's easier to grow a goal than to carry a "
    "heavy one. Check-ins aren't about one person, so `person` goes only with "
    "contacts.",
)
def create_goal(request: HttpRequest, payload: GoalIn) -> Status[Any]:
    owner = _owner(request)
    goal = _save(owner, Goal(owner=owner), payload.model_dump())
    return Status(201, _one(goal))


@router.get(
    "/{id}",
    response={200: GoalOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="One goal, with its progress",
)
def get_goal(request: HttpRequest, id: ObjectId) -> dict[str, Any]:
    return _one(_get_goal_for_user(request, id))


@router.patch(
    "/{id}",
    response={
        200: GoalOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    summary="Change a goal, set it aside or bring it back",
    description="Only the fields you send change; `person: null` counts contacts with "
    "anyone again. `archived: true` sets the goal aside with everything kept.",
)
def update_goal(request: HttpRequest, id: ObjectId, payload: GoalPatch) -> dict[str, Any]:
    goal = _get_goal_for_user(request, id)
    return _one(_save(goal.owner, goal, payload.model_dump(exclude_unset=True)))


@router.delete(
    "/{id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Delete a goal for good",
    description="Its days set aside go with it; what you logged stays. To keep it "
    "with its score instead, PATCH `archived: true`.",
)
def delete_goal(request: HttpRequest, id: ObjectId) -> Status[None]:
    _get_goal_for_user(request, id).delete()
    return Status(204, None)


@router.get(
    "/{id}/skips",
    response={200: list[SkipOut], 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The days set aside for a goal, latest first",
)
@paginate(Pages)
def list_goal_skips(request: HttpRequest, id: ObjectId) -> QuerySet[GoalSkip]:
    goal = _get_goal_for_user(request, id)
    return GoalSkip.objects.filter(owner=goal.owner, goal=goal).order_by("-day", "-pk")


@router.post(
    "/{id}/skips",
    response={
        200: SkipOut,
        201: SkipOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    summary="Set a day aside: the score stays as it is that day",
    description="For rest, illness, travel or anything else; rest counts too. 201 when "
    "the day is newly set aside, 200 when it already was.",
)
def skip_goal_day(request: HttpRequest, id: ObjectId, payload: SkipIn) -> Status[Any]:
    goal = _get_goal_for_user(request, id)
    owner = goal.owner
    today = _today(owner)
    day = payload.day or today
    with translation.override(owner.locale):
        form = goal_actions.skip_form(goal, owner, {"day": day}, today)
        if not form.is_valid():
            raise form_invalid(form)
    created = goal_actions.set_day_aside(goal, form.cleaned_data["day"])
    return Status(201 if created else 200, {"day": form.cleaned_data["day"]})


@router.delete(
    "/{id}/skips/{day}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Count a day set aside as usual again",
    description="With `through`, every day set aside from `day` to `through` counts as "
    "usual again. 404 when `day` isn't set aside.",
)
def unskip_goal_day(
    request: HttpRequest, id: ObjectId, day: DayIn, query: Query[SkipRemoveQuery]
) -> Status[None]:
    goal = _get_goal_for_user(request, id)
    through = query.through
    if through is not None and not goal_actions.run_fits(day, through):
        raise ValidationError(
            [
                {
                    "type": "through",
                    "loc": ["query", "through"],
                    "msg": f"`through` is on or after the day, at most {MAX_RUN_DAYS} days "
                    "after it.",
                }
            ]
        )
    if not GoalSkip.objects.filter(owner=goal.owner_id, goal=goal, day=day).exists():
        raise HttpError(404, "That day isn't set aside for this goal.")
    goal_actions.count_as_usual(goal, day, through)
    return Status(204, None)
