"""The monthly questionnaires: offered, never forced. Results are ranges with kind
words, never a diagnosis."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kithkin.accounts.decorators import onboarded_required
from kithkin.lib.http import request_owner as _owner
from kithkin.wellbeing import scoring
from kithkin.wellbeing.checkin_forms import MeasureForm
from kithkin.wellbeing.measure_rules import QUESTIONNAIRES, Questionnaire
from kithkin.wellbeing.models import Measure, MeasureKind

# Past results shown per questionnaire on the measures page.
RESULTS_SHOWN = 12


@dataclass(frozen=True)
class Shown:
    """A result as the pages show it."""

    measure: Measure
    questionnaire: Questionnaire
    range: str
    previous: Measure | None = None

    @property
    def change(self) -> str:
        """WHO-5 only: "up", "down" or "steady" against the result before; "" if none."""
        if self.previous is None or self.measure.kind != MeasureKind.WHO5:
            return ""
        return scoring.who5_change(self.previous.score, self.measure.score)

    @property
    def difference(self) -> int:
        return abs(self.measure.score - self.previous.score) if self.previous else 0

    @property
    def direct_words(self) -> str:
        return self.questionnaire.direct_words(self.measure.direct)


def _range(measure: Measure) -> str:
    try:
        if measure.kind == MeasureKind.UCLA3:
            return scoring.ucla3_range(measure.score)
        return scoring.who5_range(measure.score)
    except scoring.ScoreError:
        return ""  # a row changed by hand; show the number without words


def shown(measure: Measure, previous: Measure | None = None) -> Shown:
    return Shown(measure, QUESTIONNAIRES[measure.kind], _range(measure), previous)


def _questionnaire(kind: str) -> Questionnaire:
    if kind not in QUESTIONNAIRES:
        raise Http404
    return QUESTIONNAIRES[kind]


@onboarded_required
@require_GET
def measures(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    sections = []
    for kind, questionnaire in QUESTIONNAIRES.items():
        # One more than shown: the oldest shown still has a result to compare with.
        rows = list(
            Measure.objects.filter(owner=owner, kind=kind).order_by("-taken_on", "-pk")[
                : RESULTS_SHOWN + 1
            ]
        )
        results = [
            shown(m, rows[i + 1] if i + 1 < len(rows) else None)
            for i, m in enumerate(rows[:RESULTS_SHOWN])
        ]
        sections.append((questionnaire, results))
    return render(request, "wellbeing/measures.html", {"sections": sections})


@onboarded_required
@require_http_methods(["GET", "POST"])
def measure_take(request: HttpRequest, kind: str) -> HttpResponse:
    questionnaire = _questionnaire(kind)
    form = MeasureForm(questionnaire, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            result = form.result
            saved = Measure.objects.create(
                owner=_owner(request),
                kind=questionnaire.kind,
                taken_on=timezone.localdate(),
                answers=form.cleaned_data["answers"],
                score=result.score,
                direct=result.direct,
            )
            messages.success(request, _("Saved. Thank you for taking a minute for this."))
            return redirect("measure_result", pk=saved.pk)
        messages.info(request, _("A few answers are still needed; nothing is saved yet."))
    return render(
        request, "wellbeing/measure_take.html", {"questionnaire": questionnaire, "form": form}
    )


@onboarded_required
@require_GET
def measure_result(request: HttpRequest, pk: int) -> HttpResponse:
    owner = _owner(request)
    measure = get_object_or_404(Measure, pk=pk, owner=owner)
    previous = None
    if measure.kind == MeasureKind.WHO5:
        previous = (
            Measure.objects.filter(owner=owner, kind=measure.kind)
            .filter(
                Q(taken_on__lt=measure.taken_on) | Q(taken_on=measure.taken_on, pk__lt=measure.pk)
            )
            .order_by("-taken_on", "-pk")
            .first()
        )
    return render(request, "wellbeing/measure_result.html", {"result": shown(measure, previous)})
