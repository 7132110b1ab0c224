"""Gentle goals: set one in a tap, see it grow, set days aside, set it aside."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kithkin.accounts.decorators import onboarded_required
from kithkin.lib.http import request_owner as _owner
from kithkin.wellbeing import goal_actions
from kithkin.wellbeing import goals as progress
from kithkin.wellbeing.goal_forms import GoalForm, SkipForm
from kithkin.wellbeing.models import Goal, GoalSkip

SKIP_RUNS_LISTED = 30


def _goal(request: HttpRequest, pk: int) -> Goal:
    return get_object_or_404(Goal.objects.select_related("person"), pk=pk, owner=_owner(request))


@onboarded_required
def goal_list(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    every = list(Goal.objects.filter(owner=owner).select_related("person"))
    live = [g for g in every if g.archived_at is None]
    ctx = {
        "progress": progress.progress_for(
            owner, live, timezone.localdate(), progress.first_weekday()
        ),
        "set_aside": [g for g in every if g.archived_at is not None],
    }
    return render(request, "wellbeing/goals.html", ctx)


@onboarded_required
@require_http_methods(["GET", "POST"])
def goal_new(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    if request.method == "POST" and "preset" in request.POST:
        preset = progress.PRESETS_BY_SLUG.get(request.POST["preset"])
        if preset is None:
            messages.error(
                request, _("That choice wasn't found. Pick one of these, or make your own.")
            )
            return redirect("goal_new")
        title = str(preset.title)
        same = Goal.objects.filter(
            owner=owner,
            archived_at__isnull=True,
            title=title,
            measure=preset.measure,
            times=preset.times,
            per_days=preset.per_days,
            person__isnull=True,
        ).first()
        if same is not None:
            # A double tap, or the same choice twice: one goal is enough.
            messages.info(request, _("You already have that goal. Here it is."))
            return redirect("goal_detail", same.pk)
        goal = Goal.objects.create(
            owner=owner,
            title=title,
            measure=preset.measure,
            times=preset.times,
            per_days=preset.per_days,
        )
        messages.success(request, _("Added. Small steps count."))
        return redirect("goal_detail", goal.pk)

    # Bound on any POST, even an empty one, so that it gets its clear word.
    data = request.POST if request.method == "POST" else None
    form = GoalForm(owner, data, instance=Goal(owner=owner))
    if request.method == "POST" and form.is_valid():
        goal = form.save()
        messages.success(request, _("Added. Small steps count."))
        return redirect("goal_detail", goal.pk)
    return render(
        request,
        "wellbeing/goal_form.html",
        {
            "form": form,
            "presets": [(p, progress.rhythm(p.times, p.per_days)) for p in progress.PRESETS],
        },
    )


@onboarded_required
def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    owner = _owner(request)
    today = timezone.localdate()
    (shown,) = progress.progress_for(owner, [goal], today, progress.first_weekday())
    runs = progress.skip_runs(
        GoalSkip.objects.filter(owner=owner, goal=goal).values_list("pk", "day")
    )
    ctx = {
        "goal": goal,
        "p": shown,
        "today": today,
        "skip_runs": runs[:SKIP_RUNS_LISTED],
        "more_skip_runs": len(runs) > SKIP_RUNS_LISTED,
        "skipped_today": today in shown.skips,
        "skip_form": SkipForm(began=shown.began, today=today),
        "first_skip_day": shown.began,
        "last_skip_day": today + timedelta(days=progress.SKIP_AHEAD_DAYS),
    }
    return render(request, "wellbeing/goal_detail.html", ctx)


@onboarded_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    data = request.POST if request.method == "POST" else None
    form = GoalForm(_owner(request), data, instance=goal)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("goal_detail", goal.pk)
    return render(request, "wellbeing/goal_form.html", {"form": form, "goal": goal})


@onboarded_required
@require_POST
def goal_skip(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    today = timezone.localdate()
    data = {"day": today.isoformat()} if request.POST.get("today") else request.POST
    form = goal_actions.skip_form(goal, _owner(request), data, today)
    if not form.is_valid():
        why = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("That day wasn't set aside: %(why)s") % {"why": why})
        return redirect("goal_detail", goal.pk)
    day = form.cleaned_data["day"]
    if not goal_actions.set_day_aside(goal, day):
        messages.info(request, _("That day is already set aside."))
    elif day == today:
        messages.success(
            request, _("Today is set aside. The score stays as it is; rest counts too.")
        )
    else:
        messages.success(
            request,
            _("%(day)s is set aside. The score stays as it is that day.")
            % {"day": formats.date_format(day, "DATE_FORMAT")},
        )
    return redirect("goal_detail", goal.pk)


@onboarded_required
@require_POST
def goal_skip_remove(request: HttpRequest, pk: int, skip_pk: int) -> HttpResponse:
    """Count a day (or a run of days from it, up to `through`) as usual again."""
    goal = _goal(request, pk)
    skip = get_object_or_404(GoalSkip, pk=skip_pk, goal=goal, owner=goal.owner)
    through = _date(request.POST.get("through", ""))
    if through is not None and through > skip.day and goal_actions.run_fits(skip.day, through):
        goal_actions.count_as_usual(goal, skip.day, through)
        messages.success(request, _("Those days count as usual again."))
    else:
        goal_actions.count_as_usual(goal, skip.day)
        messages.success(request, _("That day counts as usual again."))
    return redirect("goal_detail", goal.pk)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


@onboarded_required
@require_POST
def goal_archive(request: HttpRequest, pk: int) -> HttpResponse:
    goal_actions.set_aside(_goal(request, pk))
    messages.success(
        request,
        _("Set aside, with everything kept. Bring it back whenever you like."),
    )
    return redirect("goals")


@onboarded_required
@require_POST
def goal_restore(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    goal_actions.bring_back(goal, _owner(request), timezone.localdate())
    messages.success(request, _("It's back, with its score as you left it."))
    return redirect("goal_detail", goal.pk)


@onboarded_required
@require_http_methods(["GET", "POST"])
def goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    if request.method == "POST":
        goal.delete()
        messages.success(request, _("Deleted."))
        return redirect("goals")
    return render(request, "wellbeing/goal_delete.html", {"goal": goal})
