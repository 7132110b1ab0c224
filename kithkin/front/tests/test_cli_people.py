"""`kithkin people [--drifting]`: the circle by ring, as the circle page sees it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from kithkin.accounts.models import User
from kithkin.circle import actions
from kithkin.circle.models import Ring
from kithkin.circle.tests.factories import contact, person
from kithkin.front.tests.cli_helpers import run, run_json

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


def _circle(owner: User) -> None:
    """Five people: recent, drifting, owed a reply, never contacted, set aside."""
    sam = person(owner, "Sam Lee", Ring.INNER, nickname="Sammy")
    contact(owner, [sam], days_ago=2)
    ana = person(owner, "Ana Ruiz", Ring.CLOSE)
    contact(owner, [ana], days_ago=40)
    kofi = person(owner, "Kofi Mensah", Ring.CLOSE)
    contact(owner, [kofi], days_ago=1, initiated_by="them", awaiting_reply=True)
    person(owner, "Lin Wang", Ring.ACQUAINTANCE)
    old = person(owner, "Old Colleague", Ring.WIDER)
    actions.do_set_archived(old, True)


def test_the_circle_by_ring_with_last_contact_and_next_due(alice: User) -> None:
    with time_machine.travel(NOW, tick=False):
        _circle(alice)
        out = run("people")
    rings = re.findall(r"^(\S.*) \((\d+)\)$", out, re.M)
    assert rings == [("Inner circle", "1"), ("Close", "2"), ("Acquaintances", "1")]
    lines = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    assert lines[0] == "Sam Lee (Sammy) · in touch 2 days ago · next nudge around Thu 19 Mar"
    assert lines[1] == "Ana Ruiz · in touch 1 month ago · it's been a while"
    assert lines[2].startswith("Kofi Mensah · in touch 1 day ago · they reached out 1 day ago")
    assert lines[3] == "Lin Wang · nothing logged yet · next nudge around Fri 12 Jun"
    assert "Old Colleague" not in out  # set aside: not in the circle's list
    assert "overdue" not in out.lower()


def test_drifting_is_the_circle_pages_own_list(alice: User, alice_client: Client) -> None:
    _circle(alice)
    drifter = person(alice, "Grace Kim", Ring.INNER)
    contact(alice, [drifter], days_ago=9)
    body = run_json("people", "--drifting")
    page = alice_client.get("/people/?drifting=1").content.decode()
    assert {p["name"] for p in body} == {"Grace Kim", "Ana Ruiz"}
    for p in body:
        assert p["drifting"] is True and p["name"] in page
    assert "Sam Lee" not in page and "Kofi Mensah" not in page
    out = run("people", "--drifting")
    assert out.startswith("It's been a while with…\nNo pressure.")
    assert "Sam Lee" not in out and "Grace Kim · in touch 1 week ago · it's been a while" in out


def test_nobody_drifting_and_an_empty_circle_are_said_kindly(alice: User) -> None:
    assert run("people").startswith("Nobody here yet, and that's fine.")
    contact(alice, [person(alice, "Sam Lee", Ring.INNER)], days_ago=1)
    assert run("people", "--drifting").startswith("Nobody right now")
    assert run("people", "--ring", "close").startswith("Nobody in close yet.")


def test_the_json_gives_times_in_the_persons_own_zone(bob: User) -> None:
    with time_machine.travel(NOW, tick=False):
        sam = person(bob, "Sam Lee", Ring.CLOSE)
        contact(bob, [sam], days_ago=3)
        [body] = run_json("people", "--ring", "close")
    assert body["id"] == sam.pk and body["ring"] == "close"
    # New York is on daylight time (UTC-4) from 8 March 2026.
    assert body["last_contact_at"] == "2026-03-11T08:00:00-04:00"
    # Next due: the start of the local day, fourteen days after the contact.
    assert body["next_due_at"] == "2026-03-25T00:00:00-04:00"
    assert body["drifting"] is False and body["reply_owed_since"] is None
    assert datetime.fromisoformat(body["last_contact_at"]) == NOW - timedelta(days=3)


def test_only_your_own_people(alice: User, bob: User) -> None:
    person(alice, "Ana Ruiz")
    person(bob, "Bob's Friend")
    assert [p["name"] for p in run_json("people", "--user", "alice")] == ["Ana Ruiz"]
    assert "Ana Ruiz" not in run("people", "--user", "bob")
