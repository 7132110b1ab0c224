from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kithkin.accounts.decorators import onboarded_required


@onboarded_required
def checkin(request: HttpRequest) -> HttpResponse:
    return render(request, "wellbeing/checkin.html")
