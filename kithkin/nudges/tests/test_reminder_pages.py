"""The reminder settings page: choices, channels, test sends, web push."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, date, datetime, time
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from kithkin.accounts.models import User
from kithkin.nudges import channels, vapid
from kithkin.nudges.models import Channel, NudgeSettings, Reminder

SUBSCRIPTION = {
    "endpoint": "https://push.example.net/send/abc",
    "keys": {"p256dh": "BPublicKeyOfTheBrowser", "auth": "secret-auth"},
}


def test_it_shows_the_page_with_the_account_email_ready(alice_client: Client) -> None:
    response = alice_client.get(reverse("reminders"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="alice@example.org"' in page
    assert "Send reminders to this device" in page
    assert "js/push.js" in page


def test_it_saves_settings_and_schedules_the_daily_step(alice_client: Client, alice: User) -> None:
    with time_machine.travel(datetime(2026, 11, 22, 12, tzinfo=UTC), tick=False):
        response = alice_client.post(
            reverse("reminders"),
            {"daily_at": "09:30", "paused_until": "", "per_day": "2", "plan_reminders": "on"},
        )
    assert response.status_code == 302
    s = NudgeSettings.objects.get(owner=alice)
    assert (s.daily_at, s.per_day, s.plan_reminders, s.partner_notes) == (
        time(9, 30),
        2,
        True,
        False,
    )
    reminder = Reminder.objects.get(owner=alice, kind="daily")
    assert reminder.next_at == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_it_turns_the_daily_step_off(alice_client: Client, alice: User) -> None:
    alice_client.post(reverse("reminders"), {"daily_at": "09:30", "per_day": "1"})
    assert Reminder.objects.filter(owner=alice).exists()
    alice_client.post(reverse("reminders"), {"daily_at": "", "per_day": "1"})
    assert not Reminder.objects.filter(owner=alice).exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"daily_at": "25:00", "per_day": "1"}, "Write a time like 09:30"),
        ({"daily_at": "09:00", "per_day": "4"}, "Choose one, two or three."),
        ({"daily_at": "09:00", "per_day": "1", "paused_until": "soon"}, "Write a day like"),
        # The last day there is: no next reminder could be worked out after it.
        ({"daily_at": "09:00", "per_day": "1", "paused_until": "9999-12-31"}, "up to ten years"),
        ({"daily_at": "09:00", "per_day": "1", "paused_until": "1899-12-31"}, "before 1900"),
    ],
)
def test_it_refuses_bad_settings_and_changes_nothing(
    alice_client: Client, alice: User, data: dict[str, str], words: str
) -> None:
    response = alice_client.post(reverse("reminders"), data)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not NudgeSettings.objects.filter(owner=alice).exists()


def test_it_adds_an_email_channel(alice_client: Client, alice: User) -> None:
    response = alice_client.post(
        reverse("channel_new"), {"kind": "email", "email": "me@example.org"}
    )
    assert response.status_code == 302
    assert Channel.objects.get(owner=alice).target == "me@example.org"


def test_it_refuses_a_bad_email(alice_client: Client, alice: User) -> None:
    response = alice_client.post(
        reverse("channel_new"), {"kind": "email", "email": "nope"}, follow=True
    )
    assert "doesn't look like an email address" in unescape(response.content.decode())
    assert not Channel.objects.filter(owner=alice).exists()


def test_it_adds_an_apprise_url_and_masks_its_secret(alice_client: Client, alice: User) -> None:
    url = "ntfy://sam:hunter2hunter2@ntfy.example.org/evening-walks"
    alice_client.post(reverse("channel_new"), {"kind": "apprise", "url": url})
    assert Channel.objects.get(owner=alice).target == url
    page = alice_client.get(reverse("reminders")).content.decode()
    assert "hunter2" not in page
    assert "ntfy://sam:" in page


@pytest.mark.parametrize("url", ["https://example.org/hook", "hello", "nosuchservice://x"])
def test_it_refuses_an_address_apprise_does_not_know(
    alice_client: Client, alice: User, url: str
) -> None:
    response = alice_client.post(
        reverse("channel_new"), {"kind": "apprise", "url": url}, follow=True
    )
    assert "doesn't recognise that address" in unescape(response.content.decode())
    assert not Channel.objects.filter(owner=alice).exists()


def test_it_sends_a_test_and_says_plainly_when_it_fails(
    alice_client: Client, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = Channel.objects.create(
        owner=alice, kind="apprise", target="ntfy://topic", failing_since=datetime.now(UTC)
    )

    def refuse(c: Channel, m: Any) -> None:
        raise channels.SendError("ntfy answered 401: check the topic, token or password.")

    monkeypatch.setattr(channels, "send", refuse)
    response = alice_client.post(reverse("channel_test", args=[channel.pk]), follow=True)
    assert "The test didn't arrive: ntfy answered 401" in unescape(response.content.decode())

    sent: list[str] = []
    monkeypatch.setattr(channels, "send", lambda c, m: sent.append(m.title))
    response = alice_client.post(reverse("channel_test", args=[channel.pk]), follow=True)
    assert sent == ["Hello from Kithkin"]
    channel.refresh_from_db()
    assert channel.failing_since is None


def test_it_sends_a_test_email(alice_client: Client, alice: User, mailoutbox: list[Any]) -> None:
    channel = Channel.objects.create(owner=alice, kind="email", target="alice@example.org")
    alice_client.post(reverse("channel_test", args=[channel.pk]))
    assert [m.to for m in mailoutbox] == [["alice@example.org"]]
    assert mailoutbox[0].subject == "Hello from Kithkin"


def test_it_explains_an_unreachable_service() -> None:
    with pytest.raises(channels.SendError, match="couldn't be reached"):
        channels.send_apprise("json://127.0.0.1:9/nothing-listens", channels.Message("t", "b", "/"))


def test_it_reads_status_codes_from_apprise_logs() -> None:
    logged = "Failed to send ntfy notification to ntfy.sh: Unauthorized - error=401.\n"
    assert channels.explain_apprise("ntfy", logged) == (
        "ntfy answered 401: check the topic, token or password."
    )


def test_it_pauses_and_removes_a_channel(alice_client: Client, alice: User) -> None:
    channel = Channel.objects.create(owner=alice, kind="email", target="alice@example.org")
    alice_client.post(reverse("channel_toggle", args=[channel.pk]))
    channel.refresh_from_db()
    assert channel.enabled is False
    alice_client.post(reverse("channel_delete", args=[channel.pk]))
    assert not Channel.objects.filter(pk=channel.pk).exists()


def test_it_keeps_other_peoples_channels_out_of_reach(charlie_client: Client, alice: User) -> None:
    channel = Channel.objects.create(owner=alice, kind="email", target="alice@example.org")
    for name in ("channel_test", "channel_toggle", "channel_delete"):
        assert charlie_client.post(reverse(name, args=[channel.pk])).status_code == 404
    assert Channel.objects.get(pk=channel.pk).enabled
    page = charlie_client.get(reverse("reminders")).content.decode()
    assert "alice@example.org" not in page


def test_it_needs_post_and_the_csrf_token(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("channel_new"), {"kind": "email", "email": "x@example.org"})
    assert response.status_code == 403
    assert client.get(reverse("channel_new")).status_code == 405


def test_it_subscribes_this_device_once(alice_client: Client, alice: User) -> None:
    url = reverse("push_subscribe")
    body = json.dumps(SUBSCRIPTION)
    agent = "Mozilla/5.0 (Linux; Android 14)"
    first = alice_client.post(url, body, content_type="application/json", HTTP_USER_AGENT=agent)
    again = alice_client.post(url, body, content_type="application/json", HTTP_USER_AGENT=agent)
    assert (first.status_code, again.status_code) == (201, 201)
    channel = Channel.objects.get(owner=alice)
    assert (channel.kind, channel.label) == ("push", "A browser on Android")
    assert json.loads(channel.target) == SUBSCRIPTION


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        json.dumps({"endpoint": "http://insecure.example/x", "keys": SUBSCRIPTION["keys"]}),
        json.dumps({"endpoint": SUBSCRIPTION["endpoint"], "keys": {"auth": "a"}}),
    ],
)
def test_it_refuses_a_subscription_it_cannot_use(
    alice_client: Client, alice: User, body: str
) -> None:
    response = alice_client.post(reverse("push_subscribe"), body, content_type="application/json")
    assert response.status_code == 400
    assert not Channel.objects.filter(owner=alice).exists()


def test_it_makes_the_vapid_key_once_and_keeps_it_private(
    alice_client: Client, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    key = alice_client.get(reverse("push_key")).json()["key"]
    # An uncompressed P-256 point: 65 bytes, 87 base64url characters without padding.
    assert len(key) == 87
    assert stat.S_IMODE(os.stat(tmp_path / vapid.FILE_NAME).st_mode) == 0o600
    vapid._load.cache_clear()
    assert vapid.public_key() == key


def test_it_serves_the_service_worker_at_the_root(client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b"showNotification" in response.content


def test_it_links_reminders_to_today_and_says_the_same_words_on_retry() -> None:
    from kithkin.nudges import messages

    first = messages.daily("2026-11-23")
    assert first == messages.daily("2026-11-23")
    assert first.path == reverse("today")
    banned = ("overdue", "missed", "failed", "streak")
    for title in messages.DAILY_TITLES + messages.DAILY_BODIES:
        assert not any(word in str(title).lower() for word in banned)
    assert (
        messages.plan("Book club", datetime(2026, 11, 23, 19, tzinfo=UTC), "en").title
        == "Coming up: Book club"
    )
    assert date(2026, 11, 23).isoformat() == "2026-11-23"
