from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kithkin.accounts import importer
from kithkin.accounts.actions import do_create_account, do_delete_account, do_update_profile
from kithkin.accounts.export import export_response
from kithkin.accounts.forms import (
    ApiTokenForm,
    DeleteAccountForm,
    ImportAccountForm,
    ProfileForm,
    SignupForm,
)
from kithkin.accounts.models import ApiToken, Invite
from kithkin.lib.http import HtmxHttpRequest
from kithkin.lib.http import request_owner as _user

WELCOME_STEPS = 4
INVITE_SESSION_KEY = "signup_invite"


def _get_token_for_user(request: HttpRequest, pk: int) -> ApiToken:
    return get_object_or_404(ApiToken, pk=pk, owner=_user(request))


AFTER_WELCOME_SESSION_KEY = "kithkin_after_welcome"


def _is_safe_next(request: HttpRequest, url: str) -> bool:
    return url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("today")
    if settings.REGISTRATION == "closed":
        return render(request, "accounts/signup_closed.html")

    after = request.GET.get("next", "")
    if after and _is_safe_next(request, after):
        # Where to go once the welcome is done, e.g. a partner's invitation.
        request.session[AFTER_WELCOME_SESSION_KEY] = after
    if "invite" in request.GET:
        # Like Django's reset links: keep the code in the session and move to a
        # clean address, so it lingers in no log, history or Referer header.
        request.session[INVITE_SESSION_KEY] = request.GET["invite"]
        return redirect("signup")
    code = request.session.get(INVITE_SESSION_KEY, "")
    invite = Invite.objects.usable(code) if settings.REGISTRATION == "invite" else None
    if settings.REGISTRATION == "invite" and invite is None:
        return render(request, "accounts/signup_invite_needed.html", {"code": code})

    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = do_create_account(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                email=form.cleaned_data["email"],
                tz=form.cleaned_data["timezone"],
                locale=form.cleaned_data["locale"],
                invite=invite,
            )
        except IntegrityError:
            # Someone took the name between validation and the insert.
            form.add_error("username", _("That username was just taken. Try another one?"))
        except Invite.DoesNotExist:
            form.add_error(None, _("This invite has just been used. Ask for a new one?"))
        else:
            request.session.pop(INVITE_SESSION_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("welcome")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def welcome(request: HtmxHttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        if user.onboarded_at is None:
            user.onboarded_at = timezone.now()
            user.save(update_fields=["onboarded_at"])
        after = request.session.pop(AFTER_WELCOME_SESSION_KEY, "")
        if after and _is_safe_next(request, after):
            return redirect(after)
        return redirect("today")

    try:
        step = min(max(int(request.GET.get("step", "1")), 1), WELCOME_STEPS)
    except ValueError:
        step = 1
    ctx = {"step": step, "steps": range(1, WELCOME_STEPS + 1), "last": WELCOME_STEPS}
    if request.htmx:
        return render(request, "accounts/welcome.html#step", ctx)
    return render(request, "accounts/welcome.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        do_update_profile(form)
        messages.success(request, _("Saved."))
        return redirect("settings")
    return _render_settings(request, form=form)


def _render_settings(request: HttpRequest, **extra: object) -> HttpResponse:
    user = _user(request)
    ctx = {
        "form": ProfileForm(instance=user),
        "token_form": ApiTokenForm(),
        "tokens": user.api_tokens.all(),
        "invites_enabled": settings.REGISTRATION == "invite",
        "can_import": importer.is_empty(user),
        "import_form": ImportAccountForm(),
        **extra,
    }
    return render(request, "accounts/settings.html", ctx)


@never_cache
@login_required
@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _render_settings(request, token_form=form)
    _, plain = ApiToken.objects.create_token(
        _user(request), form.cleaned_data["name"], form.cleaned_data["scope"]
    )
    return _render_settings(request, new_token=plain)


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = _get_token_for_user(request, pk)
    token.delete()
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("settings")


@never_cache
@login_required
@require_POST
def create_invite(request: HttpRequest) -> HttpResponse:
    if settings.REGISTRATION != "invite":
        return redirect("settings")
    invite, plain = Invite.objects.create_invite(_user(request))
    link = request.build_absolute_uri(reverse("signup") + "?invite=" + plain)
    return _render_settings(request, new_invite=link, invite_expires=invite.expires_at)


@never_cache
@login_required
def export(request: HttpRequest) -> StreamingHttpResponse:
    """Everything the person keeps here, as one JSON document, streamed as it is read."""
    return export_response(_user(request))


@login_required
@require_POST
def import_account(request: HttpRequest) -> HttpResponse:
    """Bring in a Kithkin export: all of it, or (with the reasons on the page) nothing."""
    user = _user(request)
    form = ImportAccountForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = importer.import_account(user, form.cleaned_data["file"])
        except importer.ImportRefused as e:
            for problem in e.problems:
                form.add_error("file", problem)
        else:
            messages.success(request, result.summary())
            return redirect("settings")
    return _render_settings(request, import_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DeleteAccountForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        logout(request)
        do_delete_account(user)
        return render(request, "accounts/deleted.html")
    return render(request, "accounts/delete.html", {"form": form})
