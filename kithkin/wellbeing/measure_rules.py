"""The two monthly questionnaires, word for word, and how an answer sheet is scored.

- UCLA 3-item loneliness scale (Hughes, Waite, Hawkley & Cacioppo, Research on
  Aging 2004), with the UK Office for National Statistics' direct question.
- WHO-5 Well-Being Index, © Psychiatric Centre North Zealand, free to use with
  attribution; the low range is from Topp, Østergaard, Søndergaard & Bech (2015).

The page form and the API both call `evaluate`, so they accept and refuse the
same answers. Results are ranges, never a diagnosis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kithkin.wellbeing import scoring
from kithkin.wellbeing.models import MeasureKind

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Promise

# Don't nag: each one is offered again once this many days have passed.
OFFER_AGAIN_AFTER_DAYS = 30


@dataclass(frozen=True)
class Questionnaire:
    kind: str
    title: Promise
    intro: Promise
    items: tuple[Promise, ...]
    # (stored value, words), in the order they are shown.
    choices: tuple[tuple[int, Promise], ...]
    source: Promise
    minutes: int
    # UCLA-3 only: the ONS direct question and its answers.
    direct_question: Promise | None = None
    direct_choices: tuple[tuple[int, Promise], ...] = ()

    @property
    def values(self) -> set[int]:
        return {v for v, _label in self.choices}

    def choice_words(self, value: int) -> str:
        return next((str(w) for v, w in self.choices if v == value), "")

    def direct_words(self, value: int | None) -> str:
        return next((str(w) for v, w in self.direct_choices if v == value), "")


UCLA3 = Questionnaire(
    kind=MeasureKind.UCLA3,
    title=gettext_lazy("Loneliness (UCLA 3-item)"),
    intro=gettext_lazy("Three short questions about how connected you have felt lately."),
    items=(
        gettext_lazy("How often do you feel that you lack companionship?"),
        gettext_lazy("How often do you feel left out?"),
        gettext_lazy("How often do you feel isolated from others?"),
    ),
    choices=(
        (1, gettext_lazy("Hardly ever")),
        (2, gettext_lazy("Some of the time")),
        (3, gettext_lazy("Often")),
    ),
    source=gettext_lazy(
        "UCLA 3-item loneliness scale (Hughes, Waite, Hawkley & Cacioppo, Research on "
        "Aging, 2004). The direct question is the one the UK Office for National "
        "Statistics asks."
    ),
    minutes=1,
    direct_question=gettext_lazy("How often do you feel lonely?"),
    direct_choices=(
        (scoring.ONS_OFTEN, gettext_lazy("Often or always")),
        (scoring.ONS_SOME_OF_THE_TIME, gettext_lazy("Some of the time")),
        (scoring.ONS_OCCASIONALLY, gettext_lazy("Occasionally")),
        (scoring.ONS_HARDLY_EVER, gettext_lazy("Hardly ever")),
        (scoring.ONS_NEVER, gettext_lazy("Never")),
    ),
)

WHO5 = Questionnaire(
    kind=MeasureKind.WHO5,
    title=gettext_lazy("Wellbeing (WHO-5)"),
    intro=gettext_lazy("Over the last two weeks…"),
    items=(
        gettext_lazy("I have felt cheerful and in good spirits"),
        gettext_lazy("I have felt calm and relaxed"),
        gettext_lazy("I have felt active and vigorous"),
        gettext_lazy("I woke up feeling fresh and rested"),
        gettext_lazy("My daily life has been filled with things that interest me"),
    ),
    choices=(
        (5, gettext_lazy("All of the time")),
        (4, gettext_lazy("Most of the time")),
        (3, gettext_lazy("More than half of the time")),
        (2, gettext_lazy("Less than half of the time")),
        (1, gettext_lazy("Some of the time")),
        (0, gettext_lazy("At no time")),
    ),
    source=gettext_lazy(
        "WHO-5 Well-Being Index © Psychiatric Centre North Zealand, free to use with "
        "attribution. The low range is from Topp, Østergaard, Søndergaard & Bech (2015)."
    ),
    minutes=1,
)

QUESTIONNAIRES: dict[str, Questionnaire] = {q.kind: q for q in (UCLA3, WHO5)}


class AnswerError(scoring.ScoreError):
    """A ScoreError that also says where: ("answers",), ("answers", 0), ("direct",)..."""

    def __init__(self, message: str, *where: str | int) -> None:
        super().__init__(message)
        self.where = where


@dataclass(frozen=True)
class Result:
    score: int
    range: str  # "lonely" / "less_lonely" for UCLA-3, "low" / "fine" for WHO-5
    direct: int | None


def evaluate(kind: str, answers: Sequence[Any], direct: Any = None) -> Result:
    """The score and range of a full answer sheet, or ScoreError saying what's amiss.

    UCLA-3 takes three answers 1-3 and the direct question 1-5; WHO-5 takes five
    answers 0-5 and no direct question.
    """
    if kind == MeasureKind.UCLA3:
        if len(answers) != scoring.UCLA3_ITEMS:
            raise AnswerError(_("Please answer all three questions."), "answers")
        for i, a in enumerate(answers, 1):
            if not _whole(a) or not scoring.UCLA3_MIN_ANSWER <= a <= scoring.UCLA3_MAX_ANSWER:
                raise AnswerError(
                    _("Answer %(i)s is 1 (hardly ever), 2 (some of the time) or 3 (often).")
                    % {"i": i},
                    "answers",
                    i - 1,
                )
        if direct is None:
            raise AnswerError(_("Please answer “How often do you feel lonely?” too."), "direct")
        if not _whole(direct) or not scoring.ONS_NEVER <= direct <= scoring.ONS_OFTEN:
            raise AnswerError(
                _("The direct question takes 1 (never) to 5 (often or always)."), "direct"
            )
        total = scoring.ucla3(list(answers))
        return Result(total, scoring.ucla3_range(total), scoring.ons_direct(direct))
    if kind == MeasureKind.WHO5:
        if len(answers) != scoring.WHO5_ITEMS:
            raise AnswerError(_("Please answer all five statements."), "answers")
        for i, a in enumerate(answers, 1):
            if not _whole(a) or not scoring.WHO5_MIN_ANSWER <= a <= scoring.WHO5_MAX_ANSWER:
                raise AnswerError(
                    _("Answer %(i)s is 0 (at no time) to 5 (all of the time).") % {"i": i},
                    "answers",
                    i - 1,
                )
        if direct is not None:
            raise AnswerError(_("WHO-5 has no direct question: leave `direct` out."), "direct")
        score = scoring.who5(list(answers))
        return Result(score, scoring.who5_range(score), None)
    raise AnswerError(_("There are two questionnaires: ucla3 and who5."), "kind")


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
