"""Sending one message to one channel: email, a notification service (apprise), or Web Push.

`send()` either returns or raises `SendError` with a plain sentence for the
person. It makes requests only to the address the person gave (their mail
goes through the server's own SMTP settings).
"""

from __future__ import annotations

import json
import logging
import re
import smtplib
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from kithkin.nudges.messages import Message
from kithkin.nudges.models import Channel, ChannelKind

log = logging.getLogger(__name__)

PUSH_TIMEOUT = 10.0
ERROR_LENGTH = 300


class SendError(Exception):
    """A send that didn't go through, with words for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message[:ERROR_LENGTH])
        self.message = message[:ERROR_LENGTH]


def send(channel: Channel, message: Message) -> None:
    if channel.kind == ChannelKind.EMAIL:
        send_email(channel.target, message)
    elif channel.kind == ChannelKind.APPRISE:
        send_apprise(channel.target, message)
    elif channel.kind == ChannelKind.PUSH:
        send_push(channel.target, message)
    else:
        raise SendError(_("Kithkin doesn't know how to send to this kind of channel."))


def send_email(address: str, message: Message) -> None:
    try:
        send_mail(message.title, message.as_text(), None, [address], fail_silently=False)
    except smtplib.SMTPRecipientsRefused:
        raise SendError(
            _("The mail server wouldn't accept %(address)s. Check the address?")
            % {"address": address}
        ) from None
    except (smtplib.SMTPException, OSError) as e:
        raise SendError(
            _("The mail server couldn't be reached or said no (%(reason)s).")
            % {"reason": str(e)[:120] or type(e).__name__}
        ) from None


# --- apprise -----------------------------------------------------------------------


def apprise_service(url: str) -> Any | None:
    """apprise's object for `url`, or None if it isn't a URL apprise supports."""
    import apprise

    try:
        return apprise.Apprise.instantiate(url.strip())
    except Exception:  # apprise raises many kinds for odd input
        return None


def warm_up() -> None:
    """Load apprise's plugins now: the first use reads hundreds of modules, which
    would otherwise happen while a worker holds its first claim."""
    apprise_service("json://localhost")


def apprise_name(url: str) -> str:
    service = apprise_service(url)
    return str(getattr(service, "service_name", "")) if service else ""


def mask_url(url: str) -> str:
    """An apprise URL with its secrets hidden and its options left out, for display."""
    service = apprise_service(url)
    if service is None:
        return url.split("://", 1)[0] + "://…"
    try:
        shown = str(service.url(privacy=True))
    except Exception:  # a plugin that cannot print itself
        return url.split("://", 1)[0] + "://…"
    return shown.split("?", 1)[0]


def explain_apprise(service_name: str, logged: str) -> str:
    """A plain sentence from what apprise logged about a failed notify()."""
    name = service_name or _("The notification service")
    code = re.search(r"(?:error=|HTTP |status(?: code)?:? )(\d{3})", logged)
    if code:
        status = int(code.group(1))
        if status in (401, 403):
            hint = _("check the topic, token or password")
        elif status == 404:
            hint = _("check the address: the service doesn't know it")
        elif status == 429:
            hint = _("it asked for fewer messages; it will be tried again later")
        else:
            hint = _("it may be busy; it will be tried again later")
        return _("%(name)s answered %(code)s: %(hint)s.") % {
            "name": name,
            "code": status,
            "hint": hint,
        }
    if re.search(r"connection|timed out|timeout|resolve|refused|socket", logged, re.I):
        return _("%(name)s couldn't be reached. Check the address, or try again later.") % {
            "name": name
        }
    return _("%(name)s didn't take the message. Check the address and try again.") % {"name": name}


def send_apprise(url: str, message: Message) -> None:
    import apprise

    service = apprise_service(url)
    if service is None:
        raise SendError(_("Kithkin doesn't know that kind of address. Check it and add it again."))
    sender = apprise.Apprise()
    sender.add(service)
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
        ok = sender.notify(title=message.title, body=message.as_text())
        logged = captured.getvalue()
    if not ok:
        raise SendError(explain_apprise(str(getattr(service, "service_name", "")), logged))


# --- Web Push ----------------------------------------------------------------------


def push_subscription(text: str) -> dict[str, Any] | None:
    """The subscription a browser gave (endpoint + keys), or None if it isn't one."""
    try:
        data = json.loads(text)
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    endpoint = data.get("endpoint")
    keys = data.get("keys")
    if not isinstance(endpoint, str) or not endpoint.startswith("https://"):
        return None
    if not isinstance(keys, dict) or not all(
        isinstance(keys.get(k), str) and keys.get(k) for k in ("p256dh", "auth")
    ):
        return None
    return {"endpoint": endpoint, "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}}


def vapid_subject() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "kithkin@localhost"
    return f"mailto:{address}"


def send_push(target: str, message: Message) -> None:
    from pywebpush import WebPushException, webpush

    from kithkin.nudges import vapid

    subscription = push_subscription(target)
    if subscription is None:
        raise SendError(_("This device's subscription can't be read. Add this device again."))
    payload = json.dumps({"title": message.title, "body": message.body, "url": message.path})
    try:
        webpush(
            subscription_info=subscription,
            data=payload,
            vapid_private_key=vapid.keys(),
            vapid_claims={"sub": vapid_subject()},
            timeout=PUSH_TIMEOUT,
        )
    except WebPushException as e:
        status = getattr(e.response, "status_code", None)
        if status in (404, 410):
            raise SendError(
                _("This device isn't subscribed any more. Add it again from the device.")
            ) from None
        raise SendError(
            _("The browser's push service answered %(code)s. It will be tried again later.")
            % {"code": status or "-"}
        ) from None
    except (OSError, ValueError) as e:
        raise SendError(
            _("The browser's push service couldn't be reached (%(reason)s).")
            % {"reason": str(e)[:120] or type(e).__name__}
        ) from None
