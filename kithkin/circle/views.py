from __future__ import annotations

from datetime import datetime
from itertools import groupby

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Window
from django.db.models.functions import Lower, RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kithkin.accounts.decorators import onboarded_required
from kithkin.circle import actions, prompts
from kithkin.circle.forms import (
    WEEKDAYS,
    FeelingForm,
    ImportantDateForm,
    InteractionForm,
    PersonForm,
    parse_ids,
)
from kithkin.circle.models import (
    RING_BY_SLUG,
    RING_SLUGS,
    Channel,
    ImportantDate,
    Initiator,
    Interaction,
    InteractionPerson,
    Person,
    Ring,
)
from kithkin.lib.http import request_owner as _owner

TIMELINE_LENGTH = 20


def _get_person_for_user(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(Person, pk=pk, owner=_owner(request))


def _get_interaction_for_user(
    request: HttpRequest, pk: int, *, deleted: bool = False
) -> Interaction:
    """Only undo reaches a deleted interaction; everything else treats it as gone."""
    found = Interaction.objects if deleted else Interaction.objects.live()
    return get_object_or_404(found, pk=pk, owner=_owner(request))


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# The circle page shows this many people per ring; the rest are a tap away.
RING_PREVIEW = 12
DRIFTING_PREVIEW = 8
OWED_PREVIEW = 20
PAGE_SIZE = 100
LIST_FIELDS = [
    "pk",
    "name",
    "nickname",
    "ring",
    "last_contact_at",
    "next_due_at",
    "reply_owed_since",
]


@onboarded_required
def circle(request: HttpRequest) -> HttpResponse:
    """People by ring, replies owed first; search and filters in the query string.

    Without filters this is an overview of fixed size (a few people per ring, the
    replies owed and who it has been a while with), so it stays quick with
    thousands of people; a filter lists every match, a page at a time.
    """
    owner = _owner(request)
    now = timezone.now()
    q = request.GET.get("q", "").strip()
    ring = RING_BY_SLUG.get(request.GET.get("ring", ""))
    interest = request.GET.get("interest", "").strip()
    drifting = request.GET.get("drifting") == "1"
    owed_only = request.GET.get("owed") == "1"
    archived = request.GET.get("archived") == "1"

    base = Person.objects.filter(owner=owner, archived_at__isnull=not archived)
    ctx: dict[str, object] = {
        "now": now,
        "q": q,
        "ring": RING_SLUGS[ring] if ring else "",
        "ring_choices": [(RING_SLUGS[r], r.label) for r in Ring],
        "interest": interest,
        "drifting": drifting,
        "archived": archived,
        "owed_only": owed_only,
        "filtered": bool(q or ring or interest or drifting or owed_only),
    }
    if ctx["filtered"] or archived:
        people = base
        if q:
            people = people.filter(
                Q(name__icontains=q) | Q(nickname__icontains=q) | Q(how_known__icontains=q)
            )
        if ring is not None:
            people = people.filter(ring=ring)
        if interest:
            # Matched in Python: SQLite keeps JSON with \u escapes, so a database
            # text search would never find "café".
            wanted = interest.casefold()
            people = people.filter(
                pk__in=[
                    pk
                    for pk, interests in people.values_list("pk", "interests")
                    if wanted in (i.casefold() for i in interests)
                ]
            )
        if drifting:
            people = people.filter(next_due_at__lte=now)
        if owed_only:
            people = people.filter(reply_owed_since__isnull=False)
        page = Paginator(
            people.order_by("ring", "name", "pk").only(*LIST_FIELDS), PAGE_SIZE
        ).get_page(request.GET.get("page"))
        ctx["page"] = page
        ctx["rings"] = _by_ring(list(page))
        return render(request, "circle/people.html", ctx)

    counts = {
        row["ring"]: row
        for row in base.values("ring").annotate(
            n=Count("pk"), due=Count("pk", filter=Q(next_due_at__lte=now))
        )
    }
    preview = base.annotate(
        rank=Window(RowNumber(), partition_by=F("ring"), order_by=[Lower("name"), "pk"])
    ).filter(rank__lte=RING_PREVIEW)
    owed = base.filter(reply_owed_since__isnull=False)
    owed_preview = list(owed.order_by("reply_owed_since").only(*LIST_FIELDS)[:OWED_PREVIEW])
    ctx["owed"] = owed_preview
    ctx["owed_count"] = owed.count() if len(owed_preview) == OWED_PREVIEW else len(owed_preview)
    ctx["drifters"] = list(
        base.filter(next_due_at__lte=now, reply_owed_since__isnull=True)
        .order_by("next_due_at")
        .only(*LIST_FIELDS)[:DRIFTING_PREVIEW]
    )
    ctx["drifting_count"] = sum(row["due"] for row in counts.values())
    ctx["rings"] = [
        (label, members, counts[r]["n"], RING_SLUGS[Ring(r)])
        for label, members, r in _by_ring(list(preview.order_by("ring", Lower("name"), "pk")))
    ]
    ctx["total"] = sum(row["n"] for row in counts.values())
    return render(request, "circle/people.html", ctx)


def _by_ring(people: list[Person]) -> list[tuple[str, list[Person], int]]:
    return [
        (str(Ring(r).label), list(members), r)
        for r, members in groupby(people, key=lambda p: p.ring)
    ]


TIMELINE_MORE = 200


@onboarded_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    someone = _get_person_for_user(request, pk)
    more = request.GET.get("more") == "1"
    limit = TIMELINE_MORE if more else TIMELINE_LENGTH
    # Walk this person's rows of the join table newest first (an index range
    # scan), rather than the owner's whole history looking for this person.
    links = list(
        InteractionPerson.objects.filter(
            person=someone, owner=someone.owner, interaction__deleted_at__isnull=True
        )
        .select_related("interaction")
        .order_by("-happened_at", "-interaction_id")[: limit + 1]
    )
    has_more = len(links) > limit
    timeline = [link.interaction for link in links[:limit]]
    together = dict(
        InteractionPerson.objects.filter(interaction__in=timeline)
        .values_list("interaction")
        .annotate(n=Count("pk"))
    )
    # The newest contact each way: usually already on the page (newest first);
    # otherwise one indexed look-up for that direction.
    latest: dict[str, datetime | None] = {}
    for i in timeline:
        latest.setdefault(i.initiated_by, i.happened_at)
    for direction in (Initiator.ME, Initiator.THEM):
        if direction not in latest:
            latest[direction] = (
                InteractionPerson.objects.filter(
                    person=someone,
                    interaction__deleted_at__isnull=True,
                    interaction__initiated_by=direction,
                )
                .order_by("-happened_at")
                .values_list("happened_at", flat=True)
                .first()
            )
    for i in timeline:
        i.others = together.get(i.pk, 1) - 1  # type: ignore[attr-defined]
        # Still waiting: nothing has come back the other way since.
        answered_up_to = latest[
            Initiator.ME if i.initiated_by == Initiator.THEM else Initiator.THEM
        ]
        i.waiting = i.awaiting_reply and (  # type: ignore[attr-defined]
            answered_up_to is None or i.happened_at > answered_up_to
        )
    ctx = {
        "person": someone,
        "timeline": timeline,
        "has_more": has_more and not more,
        "dates": list(someone.dates.all()),
        "prompts": prompts.for_person(
            someone.pk, someone.interests, timezone.localdate(), avoid=someone.topics_to_avoid
        ),
        "quick_channels": Channel.choices,
        "channel_labels": [Channel(c).label for c in someone.channels if c in Channel.values],
        "quiet_day_names": [WEEKDAYS[d][1] for d in someone.quiet_days if 0 <= d < 7],
        "now": timezone.now(),
        "date_form": ImportantDateForm(),
    }
    return render(request, "circle/person.html", ctx)


@onboarded_required
@require_POST
def add_date(request: HttpRequest, pk: int) -> HttpResponse:
    someone = _get_person_for_user(request, pk)
    form = ImportantDateForm(
        request.POST, instance=ImportantDate(owner=someone.owner, person=someone)
    )
    if form.is_valid():
        form.save()
        messages.success(request, _("Date added."))
    else:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("That date wasn't added: %(why)s") % {"why": errors})
    return redirect("person", someone.pk)


@onboarded_required
@require_POST
def delete_date(request: HttpRequest, pk: int, date_pk: int) -> HttpResponse:
    someone = _get_person_for_user(request, pk)
    get_object_or_404(ImportantDate, pk=date_pk, person=someone, owner=someone.owner).delete()
    messages.success(request, _("Date removed."))
    return redirect("person", someone.pk)


@onboarded_required
@require_http_methods(["GET", "POST"])
def add_person(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    form = PersonForm(request.POST or None, instance=Person(owner=owner))
    if request.method == "POST" and form.is_valid():
        someone = actions.do_save_person(form.save(commit=False))
        messages.success(request, _("%(name)s is in your circle now.") % {"name": someone.name})
        return redirect("person", someone.pk)
    return render(request, "circle/person_form.html", {"form": form})


@onboarded_required
@require_http_methods(["GET", "POST"])
def edit_person(request: HttpRequest, pk: int) -> HttpResponse:
    someone = _get_person_for_user(request, pk)
    form = PersonForm(request.POST or None, instance=someone)
    if request.method == "POST" and form.is_valid():
        actions.do_save_person(form.save(commit=False))
        messages.success(request, _("Saved."))
        return redirect("person", someone.pk)
    return render(request, "circle/person_form.html", {"form": form, "person": someone})


@onboarded_required
@require_POST
def archive_person(request: HttpRequest, pk: int) -> HttpResponse:
    someone = _get_person_for_user(request, pk)
    archive = someone.archived_at is None
    actions.do_set_archived(someone, archive)
    if archive:
        messages.success(
            request,
            _(
                "%(name)s is set aside. They won't come up in suggestions; "
                "you can bring them back any time."
            )
            % {"name": someone.name},
        )
    else:
        messages.success(request, _("%(name)s is back in your circle.") % {"name": someone.name})
    return redirect("person", someone.pk)


@onboarded_required
@require_http_methods(["GET", "POST"])
def delete_person(request: HttpRequest, pk: int) -> HttpResponse:
    someone = _get_person_for_user(request, pk)
    if request.method == "POST":
        name = someone.name
        actions.do_delete_person(someone)
        messages.success(
            request,
            _("%(name)s is removed. The contacts you logged are still in your history.")
            % {"name": name},
        )
        return redirect("people")
    return render(request, "circle/person_delete.html", {"person": someone})


@onboarded_required
@require_http_methods(["GET", "POST"])
def log_interaction(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    initial: dict[str, object] = {
        "happened_at": timezone.localtime().replace(second=0, microsecond=0)
    }
    chosen = parse_ids(request.GET.getlist("person") or request.POST.getlist("people"))
    if chosen:
        initial["people"] = Person.objects.filter(owner=owner, pk__in=chosen)
    # Someone set aside can still be logged from their own page.
    form = InteractionForm(owner, request.POST or None, initial=initial, already=chosen)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        interaction = actions.do_log_interaction(
            owner,
            list(data["people"]),
            channel=data["channel"],
            size=data["size"],
            initiated_by=data["initiated_by"],
            happened_at=data["happened_at"],
            feeling_after=data["feeling_after"],
            awaiting_reply=data["awaiting_reply"],
            note=data["note"],
        )
        default = (
            reverse("person", args=[data["people"][0].pk]) if data["people"] else reverse("people")
        )
        messages.success(request, _("Logged. Nice one."), extra_tags=f"logged:{interaction.pk}")
        return redirect(_next_url(request, default))
    return render(request, "circle/interaction_form.html", {"form": form})


@onboarded_required
@require_http_methods(["GET", "POST"])
def edit_interaction(request: HttpRequest, pk: int) -> HttpResponse:
    owner = _owner(request)
    interaction = _get_interaction_for_user(request, pk)
    people = list(interaction.people.all())
    initial = {
        "people": people,
        "channel": interaction.channel,
        "initiated_by": interaction.initiated_by,
        "size": interaction.size,
        "happened_at": timezone.localtime(interaction.happened_at),
        "feeling_after": interaction.feeling_after,
        "awaiting_reply": interaction.awaiting_reply,
        "note": interaction.note,
    }
    form = InteractionForm(
        owner, request.POST or None, initial=initial, already=[p.pk for p in people]
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not request.POST.get("happened_at"):
            data["happened_at"] = interaction.happened_at  # left empty: keep the time
        people = list(data.pop("people"))
        actions.do_update_interaction(interaction, people=people, **data)
        messages.success(request, _("Saved."))
        return redirect(_next_url(request, reverse("people")))
    return render(
        request, "circle/interaction_form.html", {"form": form, "interaction": interaction}
    )


@onboarded_required
@require_POST
def set_feeling(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = _get_interaction_for_user(request, pk)
    form = FeelingForm(request.POST)
    if form.is_valid():
        actions.do_update_interaction(interaction, feeling_after=form.cleaned_data["feeling_after"])
        if form.cleaned_data["feeling_after"]:
            messages.success(request, _("Thanks for noting how it felt."))
    return redirect(_next_url(request, reverse("people")))


@onboarded_required
@require_POST
def delete_interaction(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = _get_interaction_for_user(request, pk)
    actions.do_delete_interaction(interaction)
    messages.success(request, _("Deleted."), extra_tags=f"undo:{interaction.pk}")
    return redirect(_next_url(request, reverse("people")))


@onboarded_required
@require_POST
def undo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = _get_interaction_for_user(request, pk, deleted=True)
    if actions.do_undo_delete(interaction):
        messages.success(request, _("It's back."))
    else:
        messages.info(request, _("That was deleted a while ago, so it can't be brought back now."))
    return redirect(_next_url(request, reverse("people")))
