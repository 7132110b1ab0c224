"""Reminder settings: when, how many, and where they go; a test send per channel."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kithkin.accounts.decorators import onboarded_required
from kithkin.lib.http import request_owner as _owner
from kithkin.nudges import channels, vapid
from kithkin.nudges import messages as texts
from kithkin.nudges.actions import do_save_settings, settings_for
from kithkin.nudges.forms import AppriseChannelForm, EmailChannelForm, ReminderSettingsForm
from kithkin.nudges.models import Channel, ChannelKind

MAX_CHANNELS = 10
MAX_PUSH_BODY = 4096


def _get_channel_for_user(request: HttpRequest, pk: int) -> Channel:
    return get_object_or_404(Channel, pk=pk, owner=_owner(request))


def _shown(channel: Channel) -> str:
    """How a channel is named on the page: secrets in apprise URLs masked."""
    if channel.kind == ChannelKind.APPRISE:
        return channels.mask_url(channel.target)
    if channel.kind == ChannelKind.PUSH:
        return channel.label or _("A device")
    return channel.target


@onboarded_required
@require_http_methods(["GET", "POST"])
def reminders(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    instance = settings_for(owner)
    form = ReminderSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            do_save_settings(owner, form)
            messages.success(request, _("Saved. Reminders will follow these choices."))
            return redirect("reminders")
        messages.error(request, _("Nothing was changed. Have a look at the note below."))
    own = list(Channel.objects.filter(owner=owner))
    ctx = {
        "form": form,
        "channels": [(c, _shown(c)) for c in own],
        "email_form": EmailChannelForm(initial={"email": owner.email}),
        "apprise_form": AppriseChannelForm(),
        "can_add": len(own) < MAX_CHANNELS,
        "zone": owner.timezone,
    }
    return render(request, "nudges/reminders.html", ctx)


@onboarded_required
@require_POST
def channel_new(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    if Channel.objects.filter(owner=owner).count() >= MAX_CHANNELS:
        messages.error(request, _("Ten places is the most. Remove one to add another."))
        return redirect("reminders")
    kind = request.POST.get("kind")
    errors: list[Any]
    if kind == ChannelKind.EMAIL:
        email_form = EmailChannelForm(request.POST)
        if email_form.is_valid():
            address = email_form.cleaned_data["email"]
            Channel.objects.get_or_create(owner=owner, kind=kind, target=address)
            messages.success(request, _("Added. Try “Send a test” to see it arrive."))
            return redirect("reminders")
        errors = list(email_form.errors.get("email") or [])
    elif kind == ChannelKind.APPRISE:
        apprise_form = AppriseChannelForm(request.POST)
        if apprise_form.is_valid():
            Channel.objects.get_or_create(
                owner=owner,
                kind=kind,
                target=apprise_form.cleaned_data["url"],
                defaults={"label": apprise_form.cleaned_data["label"]},
            )
            messages.success(request, _("Added. Try “Send a test” to see it arrive."))
            return redirect("reminders")
        errors = list(apprise_form.errors.get("url") or apprise_form.errors.get("label") or [])
    else:
        errors = [_("Choose email or a notification service.")]
    for error in errors[:1]:
        messages.error(request, str(error))
    return redirect("reminders")


@onboarded_required
@require_POST
def channel_test(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _get_channel_for_user(request, pk)
    try:
        channels.send(channel, texts.test(_owner(request).locale))
    except channels.SendError as e:
        messages.error(request, _("The test didn't arrive: %(why)s") % {"why": e.message})
        return redirect("reminders")
    Channel.objects.filter(pk=channel.pk).update(
        last_ok_at=timezone.now(), failing_since=None, fail_count=0, last_error=""
    )
    messages.success(request, _("Sent. If it doesn't show up in a minute, check spam or the app."))
    return redirect("reminders")


@onboarded_required
@require_POST
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _get_channel_for_user(request, pk).delete()
    messages.success(request, _("Removed. Reminders won't go there any more."))
    return redirect("reminders")


@onboarded_required
@require_POST
def channel_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    channel = _get_channel_for_user(request, pk)
    channel.enabled = not channel.enabled
    channel.save(update_fields=["enabled"])
    if channel.enabled:
        messages.success(request, _("Turned on again."))
    else:
        messages.success(request, _("Paused. Nothing goes there until you turn it on again."))
    return redirect("reminders")


@onboarded_required
@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    owner = _owner(request)
    body = request.body[: MAX_PUSH_BODY + 1]
    subscription = (
        channels.push_subscription(body.decode("utf-8", "replace"))
        if len(body) <= MAX_PUSH_BODY
        else None
    )
    if subscription is None:
        return JsonResponse(
            {"error": _("The browser didn't give a subscription Kithkin can use.")}, status=400
        )
    target = json.dumps(subscription, sort_keys=True)
    found = Channel.objects.filter(owner=owner, kind=ChannelKind.PUSH, target=target).first()
    if found is None:
        if Channel.objects.filter(owner=owner).count() >= MAX_CHANNELS:
            return JsonResponse(
                {"error": _("Ten places is the most. Remove one to add another.")}, status=400
            )
        agent = request.headers.get("User-Agent", "")
        found = Channel.objects.create(
            owner=owner, kind=ChannelKind.PUSH, target=target, label=_device_name(agent)
        )
    messages.success(request, _("This device will get your reminders."))
    return JsonResponse({"id": found.pk}, status=201)


def _device_name(agent: str) -> str:
    for needle, name in (
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Macintosh", "Mac"),
        ("Windows", "Windows"),
        ("Linux", "Linux"),
    ):
        if needle in agent:
            return _("A browser on %(device)s") % {"device": name}
    return _("A browser")


@onboarded_required
@require_GET
def push_key(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"key": vapid.public_key()})


@require_GET
@cache_control(max_age=0, no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    path = settings.BASE_DIR / "static" / "js" / "sw.js"
    try:
        script = path.read_text(encoding="utf-8")
    except OSError:
        raise Http404 from None
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response
