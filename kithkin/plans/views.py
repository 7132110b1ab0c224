"""Plans: easy, repeating plans with a soft answer for each time, and "it happened"."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from itertools import groupby

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kithkin.accounts.decorators import onboarded_required
from kithkin.circle.models import Channel, Feeling
from kithkin.lib.http import HtmxHttpRequest
from kithkin.lib.http import request_owner as _owner
from kithkin.plans import actions, wording
from kithkin.plans.forms import EXAMPLES, EXAMPLES_BY_SLUG, PlanForm, example_initial
from kithkin.plans.models import Plan, PlanGuest, Rsvp
from kithkin.plans.recurrence import RecurrenceError

# What "it happened" offers: how it went (blank is as planned) and how it felt.
LOG_CHOICES = {"channels": Channel.choices, "feelings": Feeling.choices}


def _get_plan_for_user(request: HttpRequest, pk: int, *, guest_ok: bool = False) -> Plan:
    """The signed-in person's plan, or (with guest_ok) one they joined; else 404.

    `plan.mine` says which. A plan is never shown to anyone else, whatever its id.
    """
    owner = _owner(request)
    plan = Plan.objects.select_related("owner").filter(pk=pk, owner=owner).first()
    if plan is not None:
        plan.mine = True  # type: ignore[attr-defined]
        return plan
    if guest_ok:
        joined = (
            PlanGuest.objects.filter(owner=owner, plan_id=pk).select_related("plan__owner").first()
        )
        if joined is not None:
            joined.plan.mine = False  # type: ignore[attr-defined]
            return joined.plan
    raise Http404


def _occurrence(request: HttpRequest, plan: Plan) -> datetime:
    """The occurrence named by the POSTed `start`, or 404 when the plan has none then."""
    at = actions.parse_key(request.POST.get("start", ""))
    found = actions.occurrence_at(plan, at) if at is not None else None
    if found is None:
        raise Http404
    return found


def _back(request: HttpRequest, plan: Plan) -> HttpResponse:
    if request.POST.get("back") == "plan":
        return redirect("plan", plan.pk)
    return redirect("plans")


def describe(plan: Plan, *, with_zone: bool = True) -> str:
    start = datetime.combine(plan.start_date, plan.start_time)
    return wording.describe(plan.rrule, start, plan.timezone, with_zone=with_zone)


@onboarded_required
def plans(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    every = list(actions.own_plans(owner))
    open_plans = [p for p in every if p.ended_at is None]
    joined = [
        g.plan
        for g in PlanGuest.objects.filter(owner=owner, plan__ended_at__isnull=True)
        .exclude(plan__owner=owner)
        .select_related("plan__owner")
    ]
    after = actions.day_start(owner)
    items = actions.expand(
        owner,
        [(p, True) for p in open_plans] + [(p, False) for p in joined],
        after,
        after + timedelta(days=actions.UPCOMING_DAYS),
    )
    days = [(day, list(group)) for day, group in groupby(items, key=lambda o: o.local.date())]
    for plan in [*open_plans, *joined]:
        plan.words = describe(plan)  # type: ignore[attr-defined]
    ctx = {
        "days": days,
        "open_plans": open_plans,
        "joined": joined,
        "ended": [p for p in every if p.ended_at is not None],
        "examples": EXAMPLES,
        "back": "plans",
        **LOG_CHOICES,
        "today": timezone.localdate(),
    }
    return render(request, "plans/plans.html", ctx)


@onboarded_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    initial = None
    example = EXAMPLES_BY_SLUG.get(request.GET.get("example", ""))
    if example is not None:
        initial = example_initial(example, timezone.localdate())
    else:
        initial = {"start_date": timezone.localdate(), "start_time": time(18, 0)}
    data = request.POST if request.method == "POST" else None
    form = PlanForm(owner, data, initial=initial)
    if request.method == "POST" and form.is_valid():
        plan = Plan(owner=owner)
        people = form.fill(plan)
        try:
            actions.do_save_plan(plan, people)
        except RecurrenceError as e:
            form.add_error("repeat", str(e))
        else:
            messages.success(request, _("Added. Skip any time — it'll be there next time."))
            return redirect("plan", plan.pk)
    return render(request, "plans/plan_form.html", {"form": form})


@onboarded_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _get_plan_for_user(request, pk, guest_ok=True)
    viewer = _owner(request)
    mine = shown.mine  # type: ignore[attr-defined]
    ctx = {
        "plan": shown,
        "mine": mine,
        "words": describe(shown),
        "upcoming": actions.next_occurrences(viewer, shown, mine) if not shown.ended_at else [],
        "recent": actions.recent_occurrences(viewer, shown, mine),
        "people": actions.people_of(shown) if mine else [],
        "guests": actions.guests_of(shown) if mine else [],
        "host": actions.guest_name(shown.owner),
        "cancelled": [
            (at, actions.occurrence_key(at)) for at in actions.cancelled_ahead(shown) if mine
        ],
        "back": "plan",
        **LOG_CHOICES,
        "join_url": (
            request.build_absolute_uri(reverse("plan_join", args=[shown.guest_token]))
            if mine and shown.guest_token
            else ""
        ),
    }
    return render(request, "plans/plan_detail.html", ctx)


@onboarded_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _get_plan_for_user(request, pk)
    if shown.ended_at is not None:
        # An ended plan is history: changing it could undo the end in calendars.
        messages.info(request, _("This plan has ended, so it stays as it was."))
        return redirect("plan", shown.pk)
    data = request.POST if request.method == "POST" else None
    form = PlanForm(_owner(request), data, plan=shown)
    if request.method == "POST" and form.is_valid():
        people = form.fill(shown)
        try:
            actions.do_save_plan(shown, people)
        except RecurrenceError as e:
            form.add_error("repeat", str(e))
        else:
            messages.success(request, _("Saved."))
            return redirect("plan", shown.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": shown})


@onboarded_required
@require_http_methods(["GET", "POST"])
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _get_plan_for_user(request, pk)
    if request.method == "POST":
        actions.do_delete_plan(shown)
        messages.success(request, _("Deleted. Anything you logged from it stays in your history."))
        return redirect("plans")
    return render(request, "plans/plan_delete.html", {"plan": shown})


@onboarded_required
@require_POST
def plan_end(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _get_plan_for_user(request, pk)
    actions.do_end_plan(shown)
    messages.success(request, _("Ended, with its history kept. It was good while it lasted."))
    return redirect("plan", shown.pk)


def _render_one(request: HtmxHttpRequest, plan: Plan, at: datetime) -> HttpResponse:
    """The one occurrence, as the list shows it, for htmx to swap in."""
    viewer = _owner(request)
    mine: bool = plan.mine  # type: ignore[attr-defined]
    (item,) = actions.expand(viewer, [(plan, mine)], at, at + timedelta(seconds=1))
    back = "plan" if request.POST.get("back") == "plan" else "plans"
    ctx = {"o": item, "back": back, **LOG_CHOICES, "on_plan_page": back == "plan"}
    return render(request, "plans/plan_occurrence.html", ctx)


@onboarded_required
@require_POST
def plan_rsvp(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    shown = _get_plan_for_user(request, pk, guest_ok=True)
    at = _occurrence(request, shown)
    answer = request.POST.get("rsvp", "")
    if answer not in Rsvp.values and answer != "":
        messages.error(request, _("Choose going, maybe or skip this time."))
        return _back(request, shown)
    actions.do_rsvp(_owner(request), shown, at, answer)
    if request.htmx:
        return _render_one(request, shown, at)
    if answer == Rsvp.SKIP:
        messages.success(request, _("Skipping this time. That's completely fine."))
    elif answer:
        messages.success(request, _("Noted."))
    return _back(request, shown)


@onboarded_required
@require_POST
def plan_done(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    shown = _get_plan_for_user(request, pk, guest_ok=True)
    at = _occurrence(request, shown)
    viewer = _owner(request)
    if request.POST.get("undo"):
        actions.do_undo_done(viewer, shown, at)
        if request.htmx:
            return _render_one(request, shown, at)
        messages.success(request, _("Taken back."))
        return _back(request, shown)
    if at > timezone.now():
        messages.info(request, _("That's still to come. Mark it once it has happened."))
        return _back(request, shown)
    channel = request.POST.get("channel", "")
    feeling = request.POST.get("feeling", "")
    if channel not in Channel.values:
        channel = ""
    if feeling not in Feeling.values:
        feeling = ""
    actions.do_mark_done(viewer, shown, at, channel, feeling)
    if request.htmx:
        return _render_one(request, shown, at)
    messages.success(request, _("Logged. Time together counts."))
    return _back(request, shown)


@onboarded_required
@require_POST
def plan_cancel_one(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _get_plan_for_user(request, pk)
    at = actions.parse_key(request.POST.get("start", ""))
    restore = bool(request.POST.get("restore"))
    # Cancelling needs a live occurrence; bringing one back needs a cancelled one.
    if at is None or (not restore and actions.occurrence_at(shown, at) is None):
        raise Http404
    if not actions.do_cancel_occurrence(shown, at, restore=restore):
        raise Http404
    if restore:
        messages.success(request, _("It's back on."))
    else:
        messages.success(request, _("Just this one is off. The rest stay as they are."))
    return redirect("plan", shown.pk)


@onboarded_required
@require_POST
def plan_share_link(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _get_plan_for_user(request, pk)
    sharing = request.POST.get("share") == "on"
    actions.do_share(shown, sharing)
    if sharing:
        messages.success(
            request, _("Here's the link. Anyone with an account here who has it can join.")
        )
    else:
        messages.success(request, _("Stopped sharing. People who joined stay in."))
    return redirect("plan", shown.pk)


@onboarded_required
@require_http_methods(["GET", "POST"])
def plan_join(request: HttpRequest, token: str) -> HttpResponse:
    viewer = _owner(request)
    shown = get_object_or_404(Plan.objects.select_related("owner"), guest_token=token)
    if shown.owner_id == viewer.pk:
        return redirect("plan", shown.pk)
    if shown.ended_at is not None:
        raise Http404
    if request.method == "POST":
        actions.do_join(viewer, shown)
        messages.success(request, _("You're in. Answer for each time whenever you like."))
        return redirect("plan", shown.pk)
    joined = PlanGuest.objects.filter(owner=viewer, plan=shown).exists()
    ctx = {
        "plan": shown,
        "words": describe(shown),
        "host": actions.guest_name(shown.owner),
        "joined": joined,
        "upcoming": actions.next_occurrences(viewer, shown, False, count=3),
    }
    return render(request, "plans/plan_join.html", ctx)


@onboarded_required
@require_POST
def plan_leave(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _get_plan_for_user(request, pk, guest_ok=True)
    if shown.mine:  # type: ignore[attr-defined]
        raise Http404
    actions.do_leave(_owner(request), shown)
    messages.success(request, _("You've left the plan."))
    return redirect("plans")


@onboarded_required
@require_POST
def plan_remove_guest(request: HttpRequest, pk: int, guest_pk: int) -> HttpResponse:
    shown = _get_plan_for_user(request, pk)
    guest = get_object_or_404(PlanGuest.objects.select_related("owner"), pk=guest_pk, plan=shown)
    actions.do_remove_guest(guest)
    name = actions.guest_name(guest.owner)
    if shown.guest_token:
        messages.success(
            request,
            _("%(name)s is off the plan. The join link still works; stop sharing to close it.")
            % {"name": name},
        )
    else:
        messages.success(request, _("%(name)s is off the plan.") % {"name": name})
    return redirect("plan", shown.pk)
