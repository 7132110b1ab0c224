from __future__ import annotations

import json
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse

from kithkin.accounts.models import ApiToken, Invite, User, hash_secret
from kithkin.circle.models import (
    ContactImport,
    ImportantDate,
    Interaction,
    InteractionPerson,
    Person,
)
from kithkin.conftest import (
    give_nudge_rows,
    give_partner_rows,
    give_plans_rows,
    give_today_rows,
    give_wellbeing_rows,
)


@pytest.mark.django_db
def test_it_saves_time_zone_language_and_country(alice_client: Client, alice: User) -> None:
    r = alice_client.post(
        reverse("settings"),
        {"email": "", "timezone": "Pacific/Auckland", "locale": "en-gb", "country": "NZ"},
    )
    assert r.status_code == 302
    alice.refresh_from_db()
    assert (alice.timezone, alice.locale, alice.country) == ("Pacific/Auckland", "en-gb", "NZ")


@pytest.mark.django_db
def test_bad_settings_change_nothing(alice_client: Client, alice: User) -> None:
    r = alice_client.post(
        reverse("settings"),
        {"email": "nope", "timezone": "Nowhere/Land", "locale": "xx", "country": "ZZ"},
    )
    assert r.status_code == 200
    assert r.content.decode().count('class="errorlist') >= 3
    alice.refresh_from_db()
    assert alice.timezone == "Europe/London"


@pytest.mark.django_db
def test_a_new_token_is_shown_once_and_kept_hashed(alice_client: Client, alice: User) -> None:
    r = alice_client.post(reverse("create_token"), {"name": "my script", "scope": "read"})
    body = r.content.decode()
    token = ApiToken.objects.get(owner=alice)
    start = body.index('<code class="secret">') + len('<code class="secret">')
    plain = body[start : body.index("</code>", start)]
    assert plain.startswith("kk_")
    assert token.token_hash == hash_secret(plain)
    assert plain not in token.token_hash
    assert token.scope == "read"
    assert "no-store" in r["Cache-Control"]
    assert plain not in alice_client.get(reverse("settings")).content.decode()


@pytest.mark.django_db
def test_it_revokes_a_token(alice_client: Client, alice: User) -> None:
    token, _ = ApiToken.objects.create_token(alice, "old")
    r = alice_client.post(reverse("revoke_token", args=[token.pk]))
    assert r.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.django_db
def test_charlie_cannot_revoke_alices_token(charlie_client: Client, alice: User) -> None:
    token, _ = ApiToken.objects.create_token(alice, "mine")
    r = charlie_client.post(reverse("revoke_token", args=[token.pk]))
    assert r.status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.django_db
def test_the_export_holds_everything_the_person_owns(
    alice_client: Client, alice: User, bob: User
) -> None:
    for user in (alice, bob):
        ApiToken.objects.create_token(user, f"{user.username}'s phone")
        Invite.objects.create_invite(user)
        sam = Person.objects.create(owner=user, name=f"Sam of {user.username}")
        call = Interaction.objects.create(owner=user, channel="call", note="long chat")
        InteractionPerson.objects.create(
            owner=user, interaction=call, person=sam, happened_at=call.happened_at
        )
        ImportantDate.objects.create(owner=user, person=sam, label="Name day", month=5, day=3)
        ContactImport.objects.create(owner=user, payload="BEGIN:VCARD")
        give_today_rows(user)
        give_wellbeing_rows(user)
        give_plans_rows(user)
        give_partner_rows(user)
        give_nudge_rows(user)
    ImportantDate.objects.create(owner=user, person=sam, label="Name day", month=5, day=3)

    r = alice_client.get(reverse("export"))

    assert r.streaming
    assert r["Content-Type"] == "application/json; charset=utf-8"
    assert r["Content-Disposition"].startswith('attachment; filename="kithkin-export-')
    assert "no-store" in r["Cache-Control"]
    body = b"".join(cast(Any, r).streaming_content).decode()
    doc = json.loads(body)
    assert (doc["format"], doc["version"]) == ("kithkin-export", 1)
    assert doc["account"]["username"] == "alice"
    assert doc["account"]["timezone"] == "Europe/London"
    assert [p["name"] for p in doc["people"]] == ["Sam of alice"]
    assert [i["note"] for i in doc["interactions"]] == ["long chat"]
    assert doc["interactions"][0]["people"] == [doc["people"][0]["id"]]
    assert len(doc["important_dates"]) == 1
    for section in ("checkins", "measures", "goals", "goal_skips", "plans", "communities"):
        assert len(doc[section]) == 1, section
    # Secrets and other accounts' links stay on the server.
    assert "token_hash" not in body
    assert "alice's phone" not in body
    assert "bob" not in body


@pytest.mark.django_db
def test_invites_are_offered_only_in_invite_mode(alice_client: Client, settings) -> None:
    settings.REGISTRATION = "open"
    assert "Invite someone" not in alice_client.get(reverse("settings")).content.decode()
    settings.REGISTRATION = "invite"
    r = alice_client.post(reverse("create_invite"))
    assert "/signup/?invite=" in r.content.decode()


@pytest.mark.django_db
def test_pages_follow_the_persons_language_and_time_zone(alice_client: Client, alice: User) -> None:
    r = alice_client.get(reverse("settings"))
    assert r["Content-Language"] == "en"
    alice.locale = "en-gb"
    alice.save()
    r = alice_client.get(reverse("settings"))
    assert r["Content-Language"] == "en-gb"
    assert r.context["TIME_ZONE"] == "Europe/London"


@pytest.mark.django_db
def test_a_new_time_zone_moves_every_due_time(alice_client: Client, alice: User) -> None:
    from zoneinfo import ZoneInfo

    from kithkin.circle import cadence
    from kithkin.circle.tests.factories import contact, person

    sam = person(alice, "Sam")
    last = contact(alice, [sam], days_ago=2).happened_at
    alice_client.post(
        reverse("settings"),
        {"email": "", "timezone": "Pacific/Auckland", "locale": "en", "country": ""},
    )
    sam.refresh_from_db()
    assert sam.next_due_at == cadence.next_due(last, 30, ZoneInfo("Pacific/Auckland"))


@pytest.mark.django_db
def test_settings_lead_to_reminders_partners_and_the_calendar(alice_client: Client) -> None:
    html = alice_client.get(reverse("settings")).content.decode()
    for name in ("reminders", "partners", "plans_calendar"):
        assert f'href="{reverse(name)}"' in html


@pytest.mark.django_db
def test_a_new_time_zone_moves_the_daily_reminder_with_it(
    alice_client: Client, alice: User
) -> None:
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    import time_machine

    from kithkin.nudges.hooks import reschedule
    from kithkin.nudges.models import NudgeSettings, Reminder

    with time_machine.travel(datetime(2026, 11, 22, 6, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        NudgeSettings.objects.create(owner=alice, daily_at=time(9, 0))
        reschedule(alice.pk, "daily")
        before = Reminder.objects.get(owner=alice, kind="daily").next_at
        assert before == datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Europe/London"))
        alice_client.post(
            reverse("settings"),
            {"email": "", "timezone": "America/New_York", "locale": "en", "country": "GB"},
        )
        after = Reminder.objects.get(owner=alice, kind="daily").next_at
    assert after == datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("America/New_York"))
