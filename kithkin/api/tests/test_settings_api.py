"""/api/v1/settings: the profile, reminder choices and where reminders go, with the
pages' own rules. No test here reaches the network: sending is stubbed, and email
goes to Django's test outbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

import pytest
import time_machine
from django.test import Client

from kithkin.accounts.models import User
from kithkin.api.tests.helpers import assert_documented, bearer, has_error, rows, send
from kithkin.nudges import channels
from kithkin.nudges.models import Channel, NudgeSettings, Reminder

pytestmark = pytest.mark.django_db

URL = "/api/v1/settings"
REMINDERS = f"{URL}/reminders"
CHANNELS = f"{URL}/channels"
NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
SECRET_URL = "ntfy://sam:hunter2hunter2@ntfy.example.org/evening-walks"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """A send that would leave the machine fails the test instead."""

    def refuse(*args: Any) -> None:
        raise AssertionError("a test tried to reach the network")

    monkeypatch.setattr(channels, "send_apprise", refuse)
    monkeypatch.setattr(channels, "send_push", refuse)


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _snapshot() -> list[Any]:
    users = User.objects.order_by("pk").values(
        "email", "timezone", "locale", "country", "quiet_start", "quiet_end", "quiet_days"
    )
    return [list(users), *rows(NudgeSettings, Channel, Reminder)]


# --- Profile ------------------------------------------------------------------------------


def test_get_shows_the_profile_fields_the_page_edits(client: Client, alice: User) -> None:
    r = send(client, "get", URL, bearer(alice, "read"))
    assert r.status_code == 200
    assert r.json() == {
        "username": "alice",
        "email": "alice@example.org",
        "timezone": "Europe/London",
        "locale": "en",
        "country": "GB",
        "quiet_hours": None,
        "quiet_days": [],
    }


def test_patch_changes_only_what_is_sent(client: Client, alice: User) -> None:
    auth = bearer(alice)
    r = send(
        client,
        "patch",
        URL,
        auth,
        {"quiet_hours": {"start": "22:00", "end": "07:30"}, "quiet_days": [6, 5, 6]},
    )
    assert r.status_code == 200, r.content
    assert r.json()["quiet_hours"] == {"start": "22:00", "end": "07:30"}
    assert r.json()["quiet_days"] == [5, 6]
    alice.refresh_from_db()
    assert (alice.quiet_start, alice.quiet_end, sorted(alice.quiet_days)) == (
        time(22),
        time(7, 30),
        [5, 6],
    )
    assert (alice.timezone, alice.country, alice.email) == (
        "Europe/London",
        "GB",
        "alice@example.org",
    )
    r = send(
        client,
        "patch",
        URL,
        auth,
        {"quiet_hours": None, "country": "", "email": "", "locale": "en-gb"},
    )
    assert r.status_code == 200, r.content
    alice.refresh_from_db()
    assert (alice.quiet_start, alice.quiet_end, alice.country, alice.email, alice.locale) == (
        None,
        None,
        "",
        "",
        "en-gb",
    )
    assert sorted(alice.quiet_days) == [5, 6]


def test_a_new_time_zone_moves_the_daily_reminder_with_it(
    client: Client, alice: User, clock: None
) -> None:
    auth = bearer(alice)
    assert send(client, "patch", REMINDERS, auth, {"daily_at": "09:30"}).status_code == 200
    reminder = Reminder.objects.get(owner=alice, kind="daily")
    assert reminder.next_at == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # London
    r = send(client, "patch", URL, auth, {"timezone": "America/New_York"})
    assert r.status_code == 200 and r.json()["timezone"] == "America/New_York"
    reminder.refresh_from_db()
    # 12:00 UTC is 07:00 in New York: 09:30 there is still to come today.
    assert reminder.next_at == datetime(2026, 11, 22, 14, 30, tzinfo=UTC)


def test_quiet_hours_move_the_daily_reminder_out_of_them(
    client: Client, alice: User, clock: None
) -> None:
    auth = bearer(alice)
    send(client, "patch", REMINDERS, auth, {"daily_at": "09:30"})
    r = send(client, "patch", URL, auth, {"quiet_hours": {"start": "08:00", "end": "10:00"}})
    assert r.status_code == 200
    reminder = Reminder.objects.get(owner=alice, kind="daily")
    assert reminder.next_at == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone", "isn't a time zone Kithkin knows"),
        ({"timezone": "localtime"}, "timezone", "isn't a time zone Kithkin knows"),
        ({"timezone": ""}, "timezone", "isn't a time zone Kithkin knows"),
        ({"timezone": None}, "timezone", "can't be null"),
        ({"locale": "fr"}, "locale", "Choose one of: en, en-gb."),
        ({"country": "XX"}, "country", "two-letter country code"),
        ({"country": "GBR"}, "country", "at most 2 characters"),
        ({"email": "not an address"}, "email", "Enter a valid email address."),
        ({"email": "a@" + "b" * 260 + ".org"}, "email", "at most 254 characters"),
        ({"quiet_hours": {"start": "22:00"}}, "end", "Field required"),
        ({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "start", "should match pattern"),
        ({"quiet_days": [7]}, "quiet_days", "less than or equal to 6"),
        ({"quiet_days": ["1"]}, "quiet_days", "valid integer"),
        ({"username": "someone-else"}, "username", "Extra inputs"),
    ],
)
def test_bad_profile_input_is_a_422_and_nothing_changes(
    client: Client, alice: User, body: dict[str, Any], field: str, words: str
) -> None:
    auth = bearer(alice)
    before = _snapshot()
    r = send(client, "patch", URL, auth, {"quiet_days": [0], **body})
    assert r.status_code == 422, r.content
    assert r.json()["code"] == "invalid"
    assert has_error(r, field, words), r.json()
    assert _snapshot() == before


# --- Reminder choices ---------------------------------------------------------------------


def test_reminders_start_from_the_pages_defaults(client: Client, alice: User) -> None:
    r = send(client, "get", REMINDERS, bearer(alice, "read"))
    assert r.status_code == 200
    assert r.json() == {
        "daily_at": None,
        "paused_until": None,
        "per_day": 1,
        "plan_reminders": True,
        "partner_notes": True,
    }
    assert not NudgeSettings.objects.exists()


def test_reminder_choices_are_saved_and_scheduled(client: Client, alice: User, clock: None) -> None:
    auth = bearer(alice)
    body = {"daily_at": "09:30", "per_day": 2, "partner_notes": False}
    r = send(client, "patch", REMINDERS, auth, body)
    assert r.status_code == 200, r.content
    assert r.json() == {**body, "paused_until": None, "plan_reminders": True}
    saved = NudgeSettings.objects.get(owner=alice)
    assert (saved.daily_at, saved.per_day, saved.partner_notes) == (time(9, 30), 2, False)
    assert Reminder.objects.get(owner=alice, kind="daily").next_at == datetime(
        2026, 11, 23, 9, 30, tzinfo=UTC
    )
    # A break: nothing until the day after it.
    r = send(client, "patch", REMINDERS, auth, {"paused_until": "2026-11-30"})
    assert r.json()["paused_until"] == "2026-11-30" and r.json()["per_day"] == 2
    assert Reminder.objects.get(owner=alice, kind="daily").next_at == datetime(
        2026, 12, 1, 9, 30, tzinfo=UTC
    )
    # Off: no daily reminder at all.
    r = send(client, "patch", REMINDERS, auth, {"daily_at": None, "paused_until": None})
    assert r.status_code == 200 and r.json()["daily_at"] is None
    assert not Reminder.objects.filter(owner=alice, kind="daily").exists()
    assert NudgeSettings.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"daily_at": "25:00"}, "daily_at", "should match pattern"),
        ({"daily_at": "9:30"}, "daily_at", "should match pattern"),
        ({"per_day": 4}, "per_day", "less than or equal to 3"),
        ({"per_day": "2"}, "per_day", "valid integer"),
        ({"per_day": None}, "per_day", "can't be null"),
        ({"paused_until": "soon"}, "paused_until", "Write the day as YYYY-MM-DD"),
        ({"paused_until": 0}, "paused_until", "Write the day as YYYY-MM-DD"),
        ({"paused_until": "2026-12-24T00:00:00Z"}, "paused_until", "Write the day as"),
        ({"paused_until": "2026-02-30"}, "paused_until", "valid date"),
        ({"paused_until": "9999-12-31"}, "paused_until", "up to ten years"),
        ({"plan_reminders": "yes"}, "plan_reminders", "valid boolean"),
        ({"channels": []}, "channels", "Extra inputs"),
    ],
)
def test_bad_reminder_choices_are_a_422_and_nothing_changes(
    client: Client, alice: User, body: dict[str, Any], field: str, words: str
) -> None:
    auth = bearer(alice)
    before = _snapshot()
    r = send(client, "patch", REMINDERS, auth, {"daily_at": "08:00", **body})
    assert r.status_code == 422, r.content
    assert has_error(r, field, words), r.json()
    assert _snapshot() == before


# --- Channels -----------------------------------------------------------------------------


def test_channels_are_listed_with_secrets_hidden_and_only_ones_own(
    client: Client, alice: User, bob: User, django_assert_max_num_queries: Any
) -> None:
    Channel.objects.create(owner=alice, kind="email", target="alice@example.org")
    Channel.objects.create(owner=alice, kind="apprise", target=SECRET_URL, label="Phone")
    Channel.objects.create(owner=alice, kind="push", target="{}", label="A browser on Android")
    Channel.objects.create(owner=bob, kind="email", target="bob@example.org")
    auth = bearer(alice, "read")
    with django_assert_max_num_queries(4):
        r = send(client, "get", CHANNELS, auth)
    assert r.status_code == 200
    out = r.json()
    assert out["count"] == 3
    assert [(c["kind"], c["shown"]) for c in out["items"]][::2] == [
        ("email", "alice@example.org"),
        ("push", "A browser on Android"),
    ]
    apprise = out["items"][1]
    assert apprise["shown"].startswith("ntfy://sam:") and apprise["label"] == "Phone"
    text = r.content.decode()
    assert "hunter2" not in text and "bob@" not in text and "target" not in text
    assert set(apprise) == {
        "id",
        "kind",
        "label",
        "shown",
        "enabled",
        "created_at",
        "last_ok_at",
        "failing_since",
        "last_error",
    }


def test_an_email_channel_is_added_once(client: Client, alice: User) -> None:
    auth = bearer(alice)
    body = {"kind": "email", "email": " me@example.org "}
    first = send(client, "post", CHANNELS, auth, body)
    assert first.status_code == 201, first.content
    assert first.json()["shown"] == "me@example.org" and first.json()["enabled"] is True
    again = send(client, "post", CHANNELS, auth, body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Channel.objects.get(owner=alice).target == "me@example.org"


def test_an_apprise_address_is_kept_whole_and_shown_masked(client: Client, alice: User) -> None:
    r = send(
        client,
        "post",
        CHANNELS,
        bearer(alice),
        {"kind": "apprise", "url": SECRET_URL, "label": "P"},
    )
    assert r.status_code == 201, r.content
    assert "hunter2" not in r.content.decode()
    assert Channel.objects.get(owner=alice).target == SECRET_URL


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"kind": "email", "email": "nope"}, "email", "doesn't look like an email address"),
        ({"kind": "email", "email": ""}, "email", "Write the address the reminders"),
        ({"kind": "apprise", "url": "https://example.org/hook"}, "url", "doesn't recognise"),
        ({"kind": "apprise", "url": "nosuchservice://x"}, "url", "doesn't recognise"),
        ({"kind": "apprise", "url": "ntfy://a\nb"}, "url", "doesn't recognise"),
        ({"kind": "apprise", "url": ""}, "url", "Paste the address"),
        ({"kind": "apprise", "url": "ntfy://" + "a" * 1000}, "url", "at most 1000"),
        ({"kind": "push", "url": "x"}, "payload", "does not match any of the expected tags"),
        ({"kind": "email", "url": "ntfy://x"}, "email", "Field required"),
        ({"email": "me@example.org"}, "payload", "Unable to extract tag"),
    ],
)
def test_a_place_the_page_would_refuse_is_a_422_and_nothing_is_added(
    client: Client, alice: User, body: dict[str, Any], field: str, words: str
) -> None:
    before = _snapshot()
    r = send(client, "post", CHANNELS, bearer(alice), body)
    assert r.status_code == 422, r.content
    assert has_error(r, field, words), r.json()
    assert _snapshot() == before


def test_ten_places_is_the_most(client: Client, alice: User) -> None:
    for n in range(10):
        Channel.objects.create(owner=alice, kind="email", target=f"a{n}@example.org")
    before = _snapshot()
    r = send(client, "post", CHANNELS, bearer(alice), {"kind": "email", "email": "x@example.org"})
    assert r.status_code == 409
    assert (r.json()["code"], r.json()["message"]) == (
        "too_many",
        "Ten places is the most. Remove one to add another.",
    )
    assert _snapshot() == before


def test_a_place_is_paused_turned_on_and_removed(client: Client, alice: User) -> None:
    channel = Channel.objects.create(owner=alice, kind="email", target="alice@example.org")
    auth = bearer(alice)
    url = f"{CHANNELS}/{channel.pk}"
    r = send(client, "patch", url, auth, {"enabled": False})
    assert r.status_code == 200 and r.json()["enabled"] is False
    channel.refresh_from_db()
    assert channel.enabled is False
    assert send(client, "patch", url, auth, {"enabled": True}).json()["enabled"] is True
    assert send(client, "patch", url, auth, {"enabled": "no"}).status_code == 422
    assert send(client, "delete", url, auth).status_code == 204
    assert not Channel.objects.filter(pk=channel.pk).exists()


def test_a_test_send_says_plainly_whether_it_arrived(
    client: Client, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = Channel.objects.create(
        owner=alice, kind="apprise", target="ntfy://topic", failing_since=NOW, fail_count=3
    )
    auth = bearer(alice)
    url = f"{CHANNELS}/{channel.pk}/test"

    def refuse(c: Channel, m: Any) -> None:
        raise channels.SendError("ntfy answered 401: check the topic, token or password.")

    monkeypatch.setattr(channels, "send", refuse)
    r = send(client, "post", url, auth)
    assert r.status_code == 200
    assert r.json() == {
        "sent": False,
        "message": "The test didn't arrive: ntfy answered 401: check the topic, token or password.",
    }
    channel.refresh_from_db()
    assert channel.fail_count == 3

    sent: list[tuple[int, str]] = []
    monkeypatch.setattr(channels, "send", lambda c, m: sent.append((c.pk, m.title)))
    r = send(client, "post", url, auth)
    assert r.json()["sent"] is True
    assert sent == [(channel.pk, "Hello from Kithkin")]
    channel.refresh_from_db()
    assert (channel.failing_since, channel.fail_count, channel.last_ok_at) == (
        None,
        0,
        channel.last_ok_at,
    )
    assert channel.last_ok_at is not None


def test_a_test_email_goes_to_the_outbox(
    client: Client, alice: User, mailoutbox: list[Any]
) -> None:
    channel = Channel.objects.create(owner=alice, kind="email", target="alice@example.org")
    r = send(client, "post", f"{CHANNELS}/{channel.pk}/test", bearer(alice))
    assert r.json()["sent"] is True
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["alice@example.org"], "Hello from Kithkin")
    ]


def test_someone_elses_place_is_a_404_and_untouched(
    client: Client, alice: User, bob: User, mailoutbox: list[Any]
) -> None:
    channel = Channel.objects.create(owner=alice, kind="email", target="alice@example.org")
    auth = bearer(bob)
    before = _snapshot()
    for method, url, body in [
        ("patch", f"{CHANNELS}/{channel.pk}", {"enabled": False}),
        ("delete", f"{CHANNELS}/{channel.pk}", None),
        ("post", f"{CHANNELS}/{channel.pk}/test", None),
    ]:
        r = send(client, method, url, auth, body)
        assert r.status_code == 404, (method, url)
        assert r.json()["code"] == "not_found"
    assert _snapshot() == before
    assert mailoutbox == []


def test_read_only_tokens_can_read_settings_but_change_nothing(
    client: Client, alice: User, mailoutbox: list[Any]
) -> None:
    channel = Channel.objects.create(owner=alice, kind="email", target="alice@example.org")
    auth = bearer(alice, "read")
    for url in (URL, REMINDERS, CHANNELS):
        assert send(client, "get", url, auth).status_code == 200, url
    before = _snapshot()
    for method, url, body in [
        ("patch", URL, {"timezone": "Asia/Tokyo"}),
        ("patch", REMINDERS, {"daily_at": "09:00"}),
        ("post", CHANNELS, {"kind": "email", "email": "x@example.org"}),
        ("patch", f"{CHANNELS}/{channel.pk}", {"enabled": False}),
        ("delete", f"{CHANNELS}/{channel.pk}", None),
        ("post", f"{CHANNELS}/{channel.pk}/test", None),
    ]:
        r = send(client, method, url, auth, body)
        assert r.status_code == 403, (method, url)
        assert r.json()["code"] == "forbidden"
    assert _snapshot() == before
    assert mailoutbox == []


def test_every_settings_address_needs_a_token(client: Client) -> None:
    for url in (URL, REMINDERS, CHANNELS):
        assert client.get(url).status_code == 401


def test_the_openapi_schema_describes_the_settings_endpoints(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    one = f"{CHANNELS}/{{id}}"
    expected = {
        ("get", URL): {"200", "401"},
        ("patch", URL): {"200", "400", "401", "403", "422"},
        ("get", REMINDERS): {"200", "401"},
        ("patch", REMINDERS): {"200", "400", "401", "403", "422"},
        ("get", CHANNELS): {"200", "401", "422"},
        ("post", CHANNELS): {"200", "201", "400", "401", "403", "409", "422"},
        ("patch", one): {"200", "400", "401", "403", "404", "422"},
        ("delete", one): {"204", "401", "403", "404", "422"},
        ("post", f"{one}/test"): {"200", "401", "403", "404", "422"},
    }
    listed = {(m, p) for p in (URL, REMINDERS, CHANNELS, one, f"{one}/test") for m in paths[p]}
    assert listed == set(expected)
    assert_documented(paths, expected)
    body = paths[CHANNELS]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["discriminator"]["propertyName"] == "kind"
    assert set(body["discriminator"]["mapping"]) == {"email", "apprise"}
    parts = schema["components"]["schemas"]
    assert parts["SettingsPatch"]["properties"]["locale"]["enum"] == ["en", "en-gb"]
    assert "target" not in parts["ChannelOut"]["properties"]
