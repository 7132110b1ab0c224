from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kithkin.accounts.decorators import onboarded_required
from kithkin.lib.http import request_owner
from kithkin.wellbeing import insights as data
from kithkin.wellbeing.scoring import MIN_FEELINGS


@onboarded_required
def insights(request: HttpRequest) -> HttpResponse:
    """Who and what lifts the person, how things move, their circle, their week."""
    owner = request_owner(request)
    period = data.period_for(request.GET.get("period"))
    return render(
        request,
        "wellbeing/insights.html",
        {
            "i": data.gather(owner, period),
            "periods": data.PERIODS,
            "min_feelings": MIN_FEELINGS,
            "enough_moods": data.ENOUGH_MOODS,
        },
    )
