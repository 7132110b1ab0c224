"""Accountability partners: invite, choose what to share, alerts, revoke; and the
partner's side: what was shared with them, and a "thinking of you".

Two access helpers, one per side: `_get_partnership_for_user` (the person who
shares, by owner) and `_get_shared_for_user` (the partner, only while the
partnership is accepted and not revoked). Anything else is a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kithkin.accounts.decorators import onboarded_required
from kithkin.accounts.models import User, hash_secret
from kithkin.lib.http import request_owner as _owner
from kithkin.partners import actions, sharing
from kithkin.partners.forms import AlertsForm, NoteForm, PartnerForm, SharesForm
from kithkin.partners.models import PartnerInvite, PartnerLook, Partnership

LOOKS_SHOWN = 50
NOTE_PRESETS = (
    gettext_lazy("Thinking of you 💛"),
    gettext_lazy("Sending you a hug"),
    gettext_lazy("Here if you want to talk — no pressure"),
    gettext_lazy("No need to reply. Just saying hi."),
)


def _get_partnership_for_user(request: HttpRequest, pk: int) -> Partnership:
    return get_object_or_404(
        Partnership.objects.select_related("partner", "owner"), pk=pk, owner=_owner(request)
    )


def _get_active_partnership_for_user(request: HttpRequest, pk: int) -> Partnership:
    """For changes: a partnership that has ended can be looked at, not changed."""
    partnership = _get_partnership_for_user(request, pk)
    if partnership.revoked_at is not None:
        raise Http404
    return partnership


def _get_shared_for_user(request: HttpRequest, pk: int) -> Partnership:
    """The partner's way in: accepted, not revoked, and theirs. Otherwise a 404."""
    return get_object_or_404(
        Partnership.objects.for_partner(_owner(request)).select_related("owner"), pk=pk
    )


# --- The person who shares ------------------------------------------------------------------


@onboarded_required
def partners(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    mine = list(
        Partnership.objects.filter(owner=owner)
        .select_related("partner")
        .annotate(last_look=Max("looks__at"))
        .order_by("-created_at", "-pk")
    )
    ctx = {
        "active": [(p, sharing.shares_in_words(p)) for p in mine if p.revoked_at is None],
        "ended": [p for p in mine if p.revoked_at is not None],
        "shared_with_me": _shared_with(owner),
    }
    return render(request, "partners/partners.html", ctx)


def _shared_with(user: User) -> list[tuple[Partnership, str]]:
    found = Partnership.objects.for_partner(user).select_related("owner").order_by("-accepted_at")
    return [(p, sharing.person_name(p.owner)) for p in found]


@onboarded_required
@require_http_methods(["GET", "POST"])
def partner_new(request: HttpRequest) -> HttpResponse:
    form = PartnerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        partnership = actions.do_create_partnership(
            _owner(request), data["name"], data["email"], data["weekly_email"]
        )
        messages.success(
            request,
            _("Added. Nothing is shared yet: choose what %(name)s can see below.")
            % {"name": partnership.name},
        )
        return redirect("partner", partnership.pk)
    return render(request, "partners/partner_form.html", {"form": form})


@onboarded_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _get_active_partnership_for_user(request, pk)
    initial = {
        "name": partnership.name,
        "email": partnership.email,
        "weekly_email": partnership.weekly_email,
    }
    form = PartnerForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.do_update_partnership(
            partnership, data["name"], data["email"], data["weekly_email"]
        )
        messages.success(request, _("Saved."))
        return redirect("partner", partnership.pk)
    return render(request, "partners/partner_form.html", {"form": form, "partnership": partnership})


def _render_partner(
    request: HttpRequest, partnership: Partnership, **extra: object
) -> HttpResponse:
    looks = PartnerLook.objects.filter(
        owner=partnership.owner, partnership=partnership
    ).values_list("at", flat=True)[:LOOKS_SHOWN]
    pending = (
        PartnerInvite.objects.filter(
            owner=partnership.owner,
            partnership=partnership,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .values_list("expires_at", flat=True)
        .first()
    )
    ticked = set(sharing.shared_items(partnership))
    ctx = {
        "partnership": partnership,
        "choices": [(v, label, words, v in ticked) for v, label, words in sharing.share_choices()],
        "never_shared": sharing.NEVER_SHARED,
        "shares_in_words": sharing.shares_in_words(partnership),
        "looks": list(looks),
        "pending_until": pending,
        **extra,
    }
    return render(request, "partners/partner.html", ctx)


@onboarded_required
def partner(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_partner(request, _get_partnership_for_user(request, pk))


@never_cache
@onboarded_required
@require_POST
def partner_invite(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _get_active_partnership_for_user(request, pk)
    if partnership.partner_id is not None:
        messages.info(request, _("%(name)s is already linked.") % {"name": partnership.name})
        return redirect("partner", partnership.pk)
    invite, plain = actions.do_make_invite(partnership)
    link = request.build_absolute_uri(reverse("partner_accept", args=[plain]))
    return _render_partner(request, partnership, new_link=link, new_link_until=invite.expires_at)


@onboarded_required
@require_POST
def partner_shares(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _get_active_partnership_for_user(request, pk)
    form = SharesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That choice wasn't on the list. Nothing was changed."))
        return redirect("partner", partnership.pk)
    actions.do_set_shares(partnership, form.cleaned_data["shares"])
    if partnership.shares:
        messages.success(
            request,
            _("Saved. %(name)s can see: %(what)s.")
            % {"name": partnership.name, "what": sharing.shares_in_words(partnership)},
        )
    else:
        messages.success(
            request, _("Saved. Nothing is shared with %(name)s.") % {"name": partnership.name}
        )
    return redirect("partner", partnership.pk)


@onboarded_required
@require_http_methods(["GET", "POST"])
def partner_alerts(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _get_active_partnership_for_user(request, pk)
    if request.method == "POST":
        form = AlertsForm(request.POST, name=partnership.name)
        if form.is_valid():
            no_checkin, low_mood = form.days()
            actions.do_set_alerts(partnership, no_checkin, low_mood)
            if partnership.alert_consent_at is not None:
                messages.success(request, _("Saved. You can turn this off at any time."))
            else:
                messages.success(
                    request,
                    _("Alerts are off. %(name)s won't be told anything.")
                    % {"name": partnership.name},
                )
            return redirect("partner", partnership.pk)
    else:
        form = AlertsForm(
            initial={
                "no_checkin": partnership.alert_no_checkin_days is not None,
                "no_checkin_days": partnership.alert_no_checkin_days or 3,
                "low_mood": partnership.alert_low_mood_days is not None,
                "low_mood_days": partnership.alert_low_mood_days or 3,
            },
            name=partnership.name,
        )
    return render(
        request,
        "partners/partner_alerts.html",
        {"partnership": partnership, "form": form, "reachable": partnership.reachable},
    )


@onboarded_required
@require_http_methods(["GET", "POST"])
def partner_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _get_active_partnership_for_user(request, pk)
    if request.method == "POST":
        actions.do_revoke(partnership)
        messages.success(
            request,
            _("Done. %(name)s can no longer see anything, and nothing more will be sent.")
            % {"name": partnership.name},
        )
        return redirect("partners")
    return render(request, "partners/partner_revoke.html", {"partnership": partnership})


# --- Accepting a link -----------------------------------------------------------------------


def _invite_problem(invite: PartnerInvite | None, user: User) -> tuple[int, str] | None:
    """Why this link can't be accepted by `user`, as (status, words); None if it can."""
    if invite is None:
        return 404, _(
            "This link isn't one we know. Check it was copied in full, or ask for a new one."
        )
    if invite.owner_id == user.pk:
        return 400, _("This is your own link. Send it to the person you'd like as your partner.")
    if invite.partnership.revoked_at is not None:
        return 410, _("This partnership was ended, so the link no longer works.")
    if invite.used_at is not None:
        return 410, _("This link has already been used. Each link works once; ask for a new one.")
    if invite.expires_at <= timezone.now():
        return 410, _(
            "This link has expired or was replaced by a newer one: links last a week. "
            "Ask for a new one whenever suits."
        )
    if invite.partnership.partner_id == user.pk:
        return 409, _("You're already linked as their partner.")
    return None


@require_http_methods(["GET", "POST"])
def partner_accept(request: HttpRequest, token: str) -> HttpResponse:
    if not request.user.is_authenticated:
        here = urlencode({"next": request.path})
        return render(
            request,
            "partners/accept_signin.html",
            {
                "login_url": f"{reverse('login')}?{here}",
                "signup_url": f"{reverse('signup')}?{here}",
            },
        )
    user = _owner(request)
    invite = (
        PartnerInvite.objects.select_related("partnership", "owner")
        .filter(token_hash=hash_secret(token))
        .first()
    )
    problem = _invite_problem(invite, user)
    if problem is not None:
        status, words = problem
        return render(request, "partners/accept.html", {"problem": words}, status=status)
    assert invite is not None  # noqa: S101 - _invite_problem said so
    if request.method == "POST":
        try:
            partnership = actions.do_accept_invite(invite, user)
        except actions.InviteGone:
            return render(
                request,
                "partners/accept.html",
                {"problem": _("This link has just been used or ended. Ask for a new one?")},
                status=410,
            )
        messages.success(
            request,
            _("You're now %(person)s's partner. Thank you for being there.")
            % {"person": sharing.person_name(partnership.owner)},
        )
        return redirect("shared_view", partnership.pk)
    partnership = invite.partnership
    ctx = {
        "person": sharing.person_name(invite.owner),
        "shared": [str(sharing.SHARE_WORDS[item]) for item in sharing.shared_items(partnership)],
        "never_shared": sharing.NEVER_SHARED,
    }
    return render(request, "partners/accept.html", ctx)


# --- The partner's side ----------------------------------------------------------------------


@onboarded_required
def shared_with_me(request: HttpRequest) -> HttpResponse:
    return render(
        request, "partners/shared_with_me.html", {"shared_with_me": _shared_with(_owner(request))}
    )


@onboarded_required
def shared_view(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _get_shared_for_user(request, pk)
    return _render_shared(request, partnership, NoteForm())


def _render_shared(
    request: HttpRequest, partnership: Partnership, form: NoteForm, status: int = 200
) -> HttpResponse:
    person_today = timezone.localdate(timezone=partnership.owner.zone)
    summary = sharing.shared_summary(partnership, person_today)
    actions.record_look(partnership)
    sent = actions.notes_sent_today(partnership, _owner(request))
    # Only the id and the summary: the partnership row also holds what the person
    # calls the partner, their email and the alert settings, and `owner` is the
    # person's whole account. None of that is the partner's to see.
    ctx = {
        "shared_id": partnership.pk,
        "s": summary,
        "form": form,
        "presets": [str(p) for p in NOTE_PRESETS],
        "notes_left": max(actions.NOTES_A_DAY - sent, 0),
    }
    return render(request, "partners/shared_view.html", ctx, status=status)


@onboarded_required
@require_POST
def partner_send_note(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _get_shared_for_user(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _render_shared(request, partnership, form, status=400)
    person = sharing.person_name(partnership.owner)
    try:
        actions.do_send_note(partnership, _owner(request), form.cleaned_data["text"])
    except actions.PartnershipGone:
        raise Http404 from None
    except actions.TooManyNotes:
        messages.info(
            request,
            _("That's three notes today — %(person)s will see them. You can send more tomorrow.")
            % {"person": person},
        )
    else:
        messages.success(
            request, _("Sent. %(person)s will see it on their Today page.") % {"person": person}
        )
    return redirect("shared_view", partnership.pk)
