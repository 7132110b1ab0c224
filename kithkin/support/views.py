from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kithkin.accounts.decorators import onboarded_required
from kithkin.lib.http import request_owner as _owner
from kithkin.support import actions, card, helplines
from kithkin.support.forms import STEPS, SafetyPlanForm
from kithkin.support.models import SafetyPlan


@require_GET
def support(request: HttpRequest) -> HttpResponse:
    """The "Need support now?" page. Open to everyone, signed in or not."""
    data = helplines.load()
    chosen = data.by_code(request.GET.get("country", ""))
    user = request.user
    if chosen is None and user.is_authenticated:
        chosen = actions.own_country(user)
    if chosen is None:
        chosen = data.guess_from_languages(request.headers.get("Accept-Language", ""))
    ctx: dict[str, Any] = {
        "chosen": chosen,
        "countries": data.ordered(chosen),
        "directory": data.directory,
        "fallback_emergency": data.fallback_emergency,
        "default_words": card.DEFAULT_WORDS,
        "personal": False,
    }
    if user.is_authenticated and user.onboarded_at is not None:
        owner = _owner(request)
        ctx["personal"] = True
        ctx["has_plan"] = SafetyPlan.objects.filter(owner=owner).exists()
        ctx.update(actions.message_someone(owner))
    return render(request, "support/support.html", ctx)


@onboarded_required
@require_GET
def safety_plan(request: HttpRequest) -> HttpResponse:
    """The person's own safety plan, as a calm list they can read or print."""
    owner = _owner(request)
    plan = SafetyPlan.objects.filter(owner=owner).first()
    ctx: dict[str, Any] = {"plan": plan}
    if plan is not None:
        steps = [
            {
                "name": name,
                "title": SafetyPlanForm.base_fields[name].label,
                "text": getattr(plan, name),
            }
            for name, _help in STEPS
        ]
        # The six steps in order, then what matters most.
        ctx["steps"], ctx["reasons"] = steps[:-1], steps[-1]
        ctx["country"] = actions.own_country(owner)
        ctx["directory"] = helplines.load().directory
        ctx["trusted"] = list(card.trusted(owner)[: actions.MOST_TRUSTED])
    return render(request, "support/plan.html", ctx)


@onboarded_required
@require_http_methods(["GET", "POST"])
def edit_safety_plan(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    plan = SafetyPlan.objects.filter(owner=owner).first()
    data = request.POST if request.method == "POST" else None  # an empty POST is still a POST
    form = SafetyPlanForm(data, instance=plan or SafetyPlan(owner=owner))
    if request.method == "POST" and form.is_valid():
        actions.keep_safety_plan(owner, form.cleaned_data)
        messages.success(request, _("Kept. Only you can see it."))
        return redirect("safety_plan")
    ctx = {
        "form": form,
        "plan": plan,
        "country": actions.own_country(owner),
        "directory": helplines.load().directory,
    }
    return render(request, "support/plan_form.html", ctx)


@onboarded_required
@require_http_methods(["GET", "POST"])
def clear_safety_plan(request: HttpRequest) -> HttpResponse:
    """Delete the plan, after a confirmation."""
    owner = _owner(request)
    plan = SafetyPlan.objects.filter(owner=owner).first()
    if plan is None:
        return redirect("safety_plan")
    if request.method == "POST":
        plan.delete()
        messages.success(request, _("Your plan is cleared. You can write a new one any time."))
        return redirect("safety_plan")
    return render(request, "support/plan_clear.html")


@require_POST
def struggling(request: HttpRequest) -> HttpResponseBase:
    """ "I'm struggling": Today keeps the support card close for the rest of the day.
    Nobody is told.

    Signed out (a session that ran out while Today was open), it goes straight to
    the support page: no sign-in stands between someone and the helplines."""
    if not request.user.is_authenticated:
        return redirect("support")
    return _record_struggling(request)


@onboarded_required
def _record_struggling(request: HttpRequest) -> HttpResponse:
    actions.record_struggling(_owner(request), timezone.localdate())
    return redirect(reverse("today") + "#support-card")


@require_POST
def dismiss_card(request: HttpRequest) -> HttpResponseBase:
    """Put the support card away for today."""
    if not request.user.is_authenticated:
        # Nothing to put away; after signing in, Today rather than this POST-only address.
        return redirect_to_login(reverse("today"))
    return _dismiss_card(request)


@onboarded_required
def _dismiss_card(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    # The card says which day it was for: tapped just after midnight on a page from
    # the day before, it mustn't hide the new day's card.
    shown_for = request.POST.get("day", today.isoformat())
    if shown_for != today.isoformat():
        try:
            date.fromisoformat(shown_for)
        except ValueError:
            messages.info(request, _("Something went wrong there, so nothing was put away."))
        else:
            messages.info(
                request, _("A new day began since that page opened, so nothing was put away.")
            )
        return redirect("today")
    actions.dismiss_card(_owner(request), today)
    messages.info(
        request,
        _("Put away for today. “Need support now?” at the top of every page is always there."),
    )
    return redirect("today")
