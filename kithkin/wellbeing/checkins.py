"""Daily check-ins: the twenty-second form, the history, and the CSV export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kithkin.accounts.decorators import onboarded_required
from kithkin.lib import csvfile
from kithkin.lib.http import request_owner as _owner
from kithkin.today.actions import energy_of
from kithkin.wellbeing.checkin_forms import CheckInForm, DayForm, RangeForm
from kithkin.wellbeing.checkin_rules import format_hours, save_checkin
from kithkin.wellbeing.measure_rules import OFFER_AGAIN_AFTER_DAYS, QUESTIONNAIRES
from kithkin.wellbeing.models import CheckIn, Measure, Mood

HISTORY_PAGE_SIZE = 30
# Set after saving the lowest mood; the next check-in page shows a gentle line once.
LOW_DAY_KEY = "checkin_low_day"


def _get_checkin_for_user(request: HttpRequest, pk: int) -> CheckIn:
    return get_object_or_404(CheckIn, pk=pk, owner=_owner(request))


def _day_url(day: date, today: date) -> str:
    url = reverse("checkin")
    return url if day == today else f"{url}?day={day.isoformat()}"


def _invitations(request: HttpRequest, today: date) -> list[Any]:
    """The questionnaires not taken in the last 30 days: offered, never pressed."""
    since = today - timedelta(days=OFFER_AGAIN_AFTER_DAYS)
    recent = set(
        Measure.objects.filter(owner=_owner(request), taken_on__gt=since)
        .values_list("kind", flat=True)
        .distinct()
    )
    return [q for kind, q in QUESTIONNAIRES.items() if kind not in recent]


@onboarded_required
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest) -> HttpResponse:
    """Today's check-in, or another day's with ?day=YYYY-MM-DD; saving updates it."""
    owner = _owner(request)
    today = timezone.localdate()
    if request.method == "POST":
        form = CheckInForm(request.POST, today=today)
        if form.is_valid():
            day = form.cleaned_data["day"]
            saved, created = save_checkin(owner, day, form.values())
            if created:
                messages.success(request, _("Saved. Thank you for checking in."))
            else:
                messages.success(request, _("Updated. Thank you for checking in."))
            if saved.mood == Mood.VERY_LOW:
                request.session[LOW_DAY_KEY] = day.isoformat()
            return redirect(_day_url(day, today))
        day = form.cleaned_data.get("day") or today
        existing = CheckIn.objects.filter(owner=owner, day=day).first()
    else:
        day = today
        if request.GET.get("day"):
            day_form = DayForm(request.GET, today=today)
            if not day_form.is_valid():
                problem = " ".join(str(e) for e in day_form.errors["day"])
                messages.info(
                    request, _("%(problem)s Here is today instead.") % {"problem": problem}
                )
                return redirect("checkin")
            day = day_form.cleaned_data["day"]
        existing = CheckIn.objects.filter(owner=owner, day=day).first()
        # The energy said on Today, unless the check-in has its own.
        energy = "" if existing and existing.energy else energy_of(owner, day) or ""
        form = CheckInForm(initial=CheckInForm.initial_for(day, existing, energy), today=today)
    low_day = request.session.pop(LOW_DAY_KEY, None) if request.method == "GET" else None
    ctx = {
        "form": form,
        "day": day,
        "today": today,
        "is_today": day == today,
        "yesterday": today - timedelta(days=1),
        "existing": existing,
        "low_day": low_day,
        "invitations": _invitations(request, today),
    }
    return render(request, "wellbeing/checkin.html", ctx)


@onboarded_required
@require_GET
def checkin_history(request: HttpRequest) -> HttpResponse:
    checkins = CheckIn.objects.filter(owner=_owner(request)).order_by("-day", "-pk")
    page = Paginator(checkins, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "wellbeing/checkin_history.html", {"page": page, "today": timezone.localdate()}
    )


@onboarded_required
@require_http_methods(["GET", "POST"])
def checkin_delete(request: HttpRequest, pk: int) -> HttpResponse:
    found = _get_checkin_for_user(request, pk)
    if request.method == "POST":
        day = found.day
        found.delete()
        messages.success(
            request,
            _("The check-in for %(day)s is deleted.") % {"day": date_format(day, "DATE_FORMAT")},
        )
        return redirect("checkin_history")
    return render(request, "wellbeing/checkin_delete.html", {"checkin": found})


# --- The CSV export -----------------------------------------------------------------

CSV_COLUMNS = [
    "date",
    "mood",
    "mood_words",
    "energy",
    "sleep_hours",
    "rested",
    "meaningful",
    "connected",
    "note",
    "tags",
]
CSV_CHUNK = 500


def _csv_rows(rows: Iterable[tuple[Any, ...]], mood_words: dict[int, str]) -> Iterator[str]:
    return csvfile.stream(
        CSV_COLUMNS,
        (
            [
                day.isoformat(),
                mood,
                mood_words.get(mood, ""),
                energy,
                format_hours(sleep),
                rested,
                "" if meaningful is None else ("yes" if meaningful else "no"),
                connected,
                note,
                ", ".join(str(t) for t in tags or []),
            ]
            for day, mood, energy, sleep, rested, meaningful, connected, note, tags in rows
        ),
    )


# The decorator is annotated for HttpResponse; a streamed response works the same.
@onboarded_required
@require_GET
def checkins_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    form = RangeForm(request.GET)
    if not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return render(
            request, "wellbeing/checkin_export_error.html", {"problems": problems}, status=400
        )
    start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    found = CheckIn.objects.filter(owner=_owner(request))
    if start:
        found = found.filter(day__gte=start)
    if end:
        found = found.filter(day__lte=end)
    rows = found.order_by("day", "pk").values_list(
        "day", "mood", "energy", "sleep_hours", "rested", "meaningful", "connected", "note", "tags"
    )
    # Words in the person's language now: the rows are written after this returns.
    mood_words = {int(value): str(label) for value, label in Mood.choices}
    response = StreamingHttpResponse(
        _csv_rows(rows.iterator(chunk_size=CSV_CHUNK), mood_words),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="kithkin-checkins-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
