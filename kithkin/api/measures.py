"""/api/v1/measures: the monthly questionnaires (UCLA-3 with the ONS question, WHO-5).

Answers are checked and scored by wellbeing.measure_rules, as on the page. The
range is a range, never a diagnosis: "lonely" means in the range often called
lonely (UCLA-3 6-9), "low" in the range often linked with low wellbeing (WHO-5
50 or below; Topp et al. 2015). WHO-5 © Psychiatric Centre North Zealand.
"""

# No `from __future__ import annotations` here: ninja reads the view annotations
# through @paginate's wrapper, whose globals are ninja's, so strings wouldn't resolve.

from datetime import date
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict, StrictInt

from kithkin.api.schemas import ErrorOut, Pages
from kithkin.lib.http import request_owner as _owner
from kithkin.wellbeing import scoring
from kithkin.wellbeing.measure_rules import AnswerError, Result, evaluate
from kithkin.wellbeing.models import Measure, MeasureKind

router = Router(tags=["measures"])

KindName = Literal["ucla3", "who5"]
RangeName = Literal["lonely", "less_lonely", "low", "fine"]


class MeasureOut(Schema):
    id: int
    kind: KindName
    taken_on: date
    answers: list[int]
    score: int
    direct: int | None
    range: RangeName | None = Field(
        description="UCLA-3: lonely (6-9) or less_lonely (3-5). WHO-5: low (50 or below) "
        "or fine. A range, not a diagnosis."
    )

    @staticmethod
    def resolve_range(obj: Measure) -> str | None:
        try:
            if obj.kind == MeasureKind.UCLA3:
                return scoring.ucla3_range(obj.score)
            return scoring.who5_range(obj.score)
        except scoring.ScoreError:
            return None


class MeasureIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: KindName
    answers: list[StrictInt] = Field(
        max_length=10,
        description="UCLA-3: three answers, 1 hardly ever, 2 some of the time, 3 often. "
        "WHO-5: five answers, 0 at no time ... 5 all of the time.",
    )
    direct: StrictInt | None = Field(
        None,
        description="UCLA-3 only, and needed there: how often do you feel lonely? "
        "1 never, 2 hardly ever, 3 occasionally, 4 some of the time, 5 often or always.",
    )


class MeasureFilters(Schema):
    kind: KindName | None = None


def _scored(payload: MeasureIn) -> Result:
    """The score, or a 422 naming the answer that doesn't fit (nothing written)."""
    try:
        return evaluate(payload.kind, payload.answers, payload.direct)
    except AnswerError as e:
        where = ["body", "payload", *e.where]
        raise ValidationError([{"type": "answers", "loc": where, "msg": str(e)}]) from None


@router.get(
    "",
    response={200: list[MeasureOut], 401: ErrorOut, 422: ErrorOut},
    summary="Your questionnaire results, newest first",
)
@paginate(Pages)
def list_measures(request: HttpRequest, filters: Query[MeasureFilters]) -> QuerySet[Measure]:
    found = Measure.objects.filter(owner=_owner(request))
    if filters.kind is not None:
        found = found.filter(kind=filters.kind)
    return found.order_by("-taken_on", "-pk")


@router.post(
    "",
    response={201: MeasureOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Record a questionnaire",
    description="Taken today in your time zone; the score is worked out for you, and the "
    "range is a range, not a diagnosis. UCLA 3-item loneliness scale: Hughes, Waite, "
    "Hawkley & Cacioppo, Research on Aging 2004, with the direct question of the UK Office "
    "for National Statistics. WHO-5 Well-Being Index © Psychiatric Centre North Zealand, "
    "used with attribution; the low range is from Topp et al. 2015.",
)
def create_measure(request: HttpRequest, payload: MeasureIn) -> Status[Any]:
    owner = _owner(request)
    result = _scored(payload)
    created = Measure.objects.create(
        owner=owner,
        kind=payload.kind,
        taken_on=timezone.localdate(timezone=owner.zone),
        answers=list(payload.answers),
        score=result.score,
        direct=result.direct,
    )
    return Status(201, created)
