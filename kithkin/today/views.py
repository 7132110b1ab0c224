from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kithkin.accounts.decorators import onboarded_required
from kithkin.accounts.models import User
from kithkin.circle.models import Initiator, Interaction
from kithkin.lib.http import HtmxHttpRequest
from kithkin.lib.http import request_owner as _owner
from kithkin.partners.models import PartnerNote
from kithkin.plans.community_views import next_meeting, when_words
from kithkin.plans.models import Community, Place
from kithkin.support import card as support_card
from kithkin.today import actions, drafts
from kithkin.today.forms import IdeaForm, SavedMessageForm
from kithkin.today.models import (
    Energy,
    HiddenIdea,
    Idea,
    Outcome,
    SavedMessage,
    Suggestion,
)


def _get_suggestion_for_user(request: HttpRequest, pk: int) -> Suggestion:
    return get_object_or_404(
        Suggestion.objects.select_related("idea", "person"), pk=pk, owner=_owner(request)
    )


def _get_idea_for_user(request: HttpRequest, pk: int) -> Idea:
    return get_object_or_404(Idea.objects.for_owner(_owner(request)), pk=pk)


def _get_partner_note_for_user(request: HttpRequest, pk: int) -> PartnerNote:
    return get_object_or_404(PartnerNote, pk=pk, owner=_owner(request))


# The waiting page lists this many, newest first.
WAITING_LISTED = 100
# A group is suggested on Today when it meets within this long.
MEETS_SOON = timedelta(days=3)


def _among_people(owner: User, now: datetime, day: date) -> dict[str, Any] | None:
    """One gentle "be among people" idea for a day with some energy, or None.

    A group that meets in the next three days comes first (with its time);
    otherwise one of the person's places, a different one each day. At most
    two queries: the groups, then the places only when no group fits.
    """
    soonest: tuple[datetime, Community] | None = None
    for c in Community.objects.filter(owner=owner, archived_at__isnull=True, meets=True):
        at = next_meeting(c, now)
        if at is not None and at < now + MEETS_SOON and (soonest is None or at < soonest[0]):
            soonest = (at, c)
    if soonest is not None:
        at, c = soonest
        return {
            "kind": "community",
            "name": c.name,
            "when": when_words(at, owner.zone),
            "where": c.place,
            "url": reverse("community", args=[c.pk]),
            "why": _(
                "Turning up to the same group again and again makes it easier each time, "
                "and days with more small chats, even with people we barely know, tend "
                "to be happier ones (Sandstrom & Dunn, 2014)."
            ),
        }
    places = list(
        Place.objects.filter(owner=owner, archived_at__isnull=True)
        .order_by("name", "pk")
        .only("pk", "name", "note")
    )
    if not places:
        return None
    # Each place in turn, one a day (the same one all day).
    place = places[day.toordinal() % len(places)]
    return {
        "kind": "place",
        "name": place.name,
        "note": place.note,
        "url": reverse("places"),
        "why": _(
            "Being where people are, with a nod or a few words to someone, tends to lift "
            "a day more than we expect (Sandstrom & Dunn, 2014; Epley & Schroeder, 2014)."
        ),
    }


@onboarded_required
def today(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    now = timezone.localtime()
    day = now.date()
    energy = actions.energy_of(owner, day)
    cards: list[dict[str, object]] = []
    open_count = 0
    if energy:
        for s in actions.todays_suggestions(owner, now):
            person = s.person
            links = drafts.share_links(
                s.draft,
                phone=person.phones[0] if person and person.phones else None,
                email=person.emails[0] if person and person.emails else None,
            )
            open_count += not s.outcome
            cards.append(
                {
                    "s": s,
                    "title": actions.title_of(s),
                    "why": actions.why_of(s, now),
                    "links": links,
                }
            )
    ctx = {
        "notes": actions.unseen_notes(owner),
        "among": _among_people(owner, now, day) if energy in (Energy.SOME, Energy.GOOD) else None,
        "energy": energy,
        "energies": Energy.choices,
        "cards": cards,
        "open_count": open_count,
        "saved_count": SavedMessage.objects.filter(owner=owner).count(),
        # Warm and non-blocking: on a hard day it sits above everything else.
        "support_card": support_card.for_today(owner, day),
    }
    return render(request, "today/today.html", ctx)


@onboarded_required
@require_POST
def partner_note_seen(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """ "Thank you, got it": the note leaves Today (and any reminder about it)."""
    actions.mark_note_seen(_get_partner_note_for_user(request, pk))
    if request.htmx:
        # An empty answer: htmx swaps the note's card out.
        return HttpResponse("")
    return redirect("today")


@onboarded_required
@require_POST
def set_energy(request: HttpRequest) -> HttpResponse:
    energy = request.POST.get("energy", "")
    if energy not in Energy.values:
        messages.info(request, _("Pick one of the three: running low, some or good."))
        return redirect("today")
    actions.do_make_suggestions(_owner(request), energy)
    return redirect("today")


@onboarded_required
@require_POST
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _get_suggestion_for_user(request, pk)
    outcome = request.POST.get("outcome", "")
    if outcome not in Outcome.values or suggestion.outcome:
        return redirect("today")
    feeling = request.POST.get("feeling_after", "")
    if feeling not in ("", "lifted", "neutral", "drained"):
        feeling = ""
    replacement = actions.do_respond(suggestion, outcome, feeling)
    name = suggestion.person.name if suggestion.person else ""
    if outcome == Outcome.DONE and suggestion.interaction_id:
        messages.success(
            request, _("Lovely. It's logged."), extra_tags=f"logged:{suggestion.interaction_id}"
        )
    elif outcome == Outcome.NOT_TODAY:
        messages.info(request, _("That's fine. It'll keep."))
    elif outcome == Outcome.GIVE_SPACE and suggestion.person:
        messages.info(
            request,
            _("Giving %(name)s some space: no suggestions about them for two weeks.")
            % {"name": name},
        )
    elif outcome == Outcome.ANOTHER and replacement is None:
        messages.info(request, _("That's everything that fits right now. Nothing else is needed."))
    return redirect("today")


@onboarded_required
@require_POST
def change_tone(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _get_suggestion_for_user(request, pk)
    tone = request.POST.get("tone", "")
    if suggestion.idea.situation and tone in drafts.tones(suggestion.idea.situation):
        actions.do_change_tone(suggestion, tone)
    return redirect(f"{reverse('today')}#suggestion-{suggestion.pk}")


@onboarded_required
def waiting(request: HttpRequest) -> HttpResponse:
    """What I sent that is still waiting for an answer, gently."""
    still = actions.waiting(_owner(request))[:WAITING_LISTED]
    return render(request, "today/waiting.html", {"waiting": still, "now": timezone.now()})


@onboarded_required
@require_POST
def stop_waiting(request: HttpRequest, pk: int) -> HttpResponse:
    """ "I'm not waiting any more": the message stays logged, without the flag."""
    interaction = get_object_or_404(
        Interaction.objects.live(), pk=pk, owner=_owner(request), initiated_by=Initiator.ME
    )
    from kithkin.circle.actions import do_update_interaction

    do_update_interaction(interaction, awaiting_reply=False)
    return redirect("waiting")


@onboarded_required
@require_http_methods(["GET", "POST"])
def saved_messages(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    form = SavedMessageForm(request.POST or None, instance=SavedMessage(owner=owner))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Kept for when you need it."))
        return redirect("saved_messages")
    saved = [
        {"m": m, "links": drafts.share_links(m.text)}
        for m in SavedMessage.objects.filter(owner=owner)
    ]
    return render(request, "today/saved_messages.html", {"form": form, "saved": saved})


@onboarded_required
@require_POST
def delete_saved_message(request: HttpRequest, pk: int) -> HttpResponse:
    if not actions.delete_saved_message(_owner(request), pk):
        raise Http404
    messages.success(request, _("Removed."))
    return redirect("saved_messages")


@onboarded_required
@require_http_methods(["GET", "POST"])
def ideas(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    form = IdeaForm(owner, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your idea is in the mix now."))
        return redirect("ideas")
    hidden = set(HiddenIdea.objects.filter(owner=owner).values_list("idea_id", flat=True))
    listed = Idea.objects.for_owner(owner).order_by("effort", "title")
    ctx = {
        "form": form,
        "ideas": [(i, i.pk in hidden) for i in listed],
        "own": Idea.objects.filter(Q(owner=owner)).exists(),
    }
    return render(request, "today/ideas.html", ctx)


@onboarded_required
@require_POST
def toggle_idea(request: HttpRequest, pk: int) -> HttpResponse:
    actions.toggle_idea(_owner(request), _get_idea_for_user(request, pk))
    return redirect("ideas")
