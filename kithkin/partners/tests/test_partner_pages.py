"""The person's side: add a partner, a link, what's shared, alerts, revoking, the look log."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kithkin.accounts.models import User
from kithkin.partners import actions
from kithkin.partners.models import PartnerInvite, PartnerLook, PartnerNote, Partnership, ShareItem
from kithkin.partners.tests.factories import NOW, partnership

pytestmark = pytest.mark.django_db

UNKIND = ("streak", "missed", "failed", "behind", "overdue")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def bob_client(bob: User) -> Client:
    client = Client()
    client.force_login(bob)
    return client


def _main(client: Client, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    lower = main.lower()
    for word in UNKIND:
        assert word not in lower, word
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r'\sstyle="', html)
    return main


def _messages(r) -> list[str]:
    return [str(m) for m in r.context["messages"]] if r.context else []


def _snapshot() -> list[object]:
    return [
        list(Partnership.objects.order_by("pk").values()),
        list(PartnerInvite.objects.order_by("pk").values()),
        list(PartnerNote.objects.order_by("pk").values()),
    ]


# --- The list --------------------------------------------------------------------------------


def test_the_list_says_who_how_what_and_when(
    alice_client: Client, alice: User, bob: User, charlie: User
) -> None:
    linked = partnership(alice, bob, name="Bobby", shares=[ShareItem.SLEEP, ShareItem.MOOD])
    partnership(alice, name="Gran", email="gran@example.org", weekly_email=True)
    PartnerLook.objects.create(owner=alice, partnership=linked, at=NOW - timedelta(hours=2))
    partnership(charlie, alice, name="Al")
    html = _main(alice_client, reverse("partners"))
    assert "Bobby" in html and "Linked to their account (bob)" in html
    assert "Shared: Mood from check-ins and Sleep from check-ins" in html
    assert "Last looked: June 11, 2025, 11 a.m." in html  # 10:00 UTC is 11:00 in London
    assert "Gran" in html and "Weekly summary by email" in html
    assert "Shared: Nothing yet" in html
    assert "Hasn't looked yet" in html
    # The partner side: charlie shares with alice.
    assert reverse("shared_view", args=[Partnership.objects.get(owner=charlie).pk]) in html
    assert "charlie" in html


def test_the_list_is_constant_query(
    alice_client: Client, alice: User, bob: User, charlie: User, django_assert_max_num_queries
) -> None:
    partnership(alice, bob)
    partnership(charlie, alice)
    with CaptureQueriesContext(connection) as small:
        _main(alice_client, reverse("partners"))
    for i in range(10):
        p = partnership(alice, name=f"friend {i}", shares=[ShareItem.MOOD])
        PartnerLook.objects.create(owner=alice, partnership=p)
        partnership(bob if i % 2 else charlie, alice, name=f"of {i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = _main(alice_client, reverse("partners"))
    assert "friend 9" in html


# --- Adding ----------------------------------------------------------------------------------


def test_adding_a_partner_shares_nothing_by_default(alice_client: Client, alice: User) -> None:
    _main(alice_client, reverse("partner_new"))
    r = alice_client.post(reverse("partner_new"), {"name": "  Sam  "})
    p = Partnership.objects.get(owner=alice)
    assert r["Location"] == reverse("partner", args=[p.pk])
    assert (p.name, p.shares, p.email, p.weekly_email) == ("Sam", [], "", False)
    html = _main(alice_client, reverse("partner", args=[p.pk]))
    assert not re.search(r"<input[^>]* checked", html)
    for item in ShareItem:
        assert f'value="{item.value}"' in html


def test_the_name_form_says_the_partner_is_greeted_by_it(alice_client: Client) -> None:
    # alerts.alert_text and weekly_summary_text start "Hi <name>,": the name isn't private.
    html = _main(alice_client, reverse("partner_new"))
    assert "Any alert or weekly email Kithkin sends them starts “Hi” and this name." in html
    assert "Just for you" not in html


def test_an_email_longer_than_the_column_is_refused_kindly(
    alice_client: Client, alice: User
) -> None:
    # Valid for Django's validator (up to 320 characters) but past the column's 254.
    address = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".org"
    r = alice_client.post(reverse("partner_new"), {"name": "Gran", "email": address})
    assert r.status_code == 200
    assert "email" in r.context["form"].errors
    assert not Partnership.objects.exists()


def test_a_weekly_email_needs_an_address(alice_client: Client, alice: User) -> None:
    r = alice_client.post(reverse("partner_new"), {"name": "Gran", "weekly_email": "on"})
    assert r.status_code == 200
    assert "Add their email so the weekly summary has somewhere to go." in r.content.decode()
    assert not Partnership.objects.exists()

    with mock.patch("kithkin.partners.actions.reschedule") as reschedule:
        alice_client.post(
            reverse("partner_new"),
            {"name": "Gran", "email": "gran@example.org", "weekly_email": "on"},
        )
    p = Partnership.objects.get()
    assert p.weekly_email and p.email == "gran@example.org"
    reschedule.assert_called_once_with(alice.pk, "partner_summary", p.pk)


def test_a_blank_name_is_refused(alice_client: Client) -> None:
    r = alice_client.post(reverse("partner_new"), {"name": "   "})
    assert "A name, please" in r.content.decode()
    assert not Partnership.objects.exists()


def test_editing_turns_the_weekly_email_off_and_on(alice_client: Client, alice: User) -> None:
    p = partnership(alice, email="sam@example.org", weekly_email=True)
    with mock.patch("kithkin.partners.actions.reschedule") as reschedule:
        alice_client.post(
            reverse("partner_edit", args=[p.pk]), {"name": "Sammy", "email": "sam@example.org"}
        )
    p.refresh_from_db()
    assert (p.name, p.weekly_email) == ("Sammy", False)
    assert (alice.pk, "partner_summary", p.pk) in {c.args for c in reschedule.call_args_list}


# --- The link --------------------------------------------------------------------------------


def test_a_link_is_shown_once(alice_client: Client, alice: User) -> None:
    p = partnership(alice)
    r = alice_client.post(reverse("partner_invite", args=[p.pk]))
    html = r.content.decode()
    found = re.search(r'id="partner-link">http://testserver/partners/accept/([^/]+)/<', html)
    assert found is not None
    assert "no-cache" in r["Cache-Control"]
    invite = PartnerInvite.objects.get()
    assert invite.expires_at == NOW + timedelta(days=7)
    assert found.group(1) not in _main(alice_client, reverse("partner", args=[p.pk]))
    assert "A link you made is waiting to be used" in _main(
        alice_client, reverse("partner", args=[p.pk])
    )


def test_no_link_once_they_are_linked(alice_client: Client, alice: User, bob: User) -> None:
    p = partnership(alice, bob)
    r = alice_client.post(reverse("partner_invite", args=[p.pk]), follow=True)
    assert "Sam is already linked." in _messages(r)
    assert not PartnerInvite.objects.exists()


# --- What's shared ---------------------------------------------------------------------------


def test_sharing_is_item_by_item(alice_client: Client, alice: User) -> None:
    p = partnership(alice)
    url = reverse("partner_shares", args=[p.pk])
    with mock.patch("kithkin.partners.actions.reschedule") as reschedule:
        r = alice_client.post(url, {"shares": ["plans", "mood", "mood"]}, follow=True)
    p.refresh_from_db()
    assert p.shares == ["mood", "plans"]
    assert "Saved. Sam can see: Mood from check-ins and Your plans this week." in _messages(r)
    reschedule.assert_called_once_with(alice.pk, "partner_summary", p.pk)
    html = _main(alice_client, reverse("partner", args=[p.pk]))
    assert len(re.findall(r"<input[^>]* checked", html)) == 2
    assert "Your mood on each day you checked in" in html  # the words for each choice

    r = alice_client.post(url, {}, follow=True)
    p.refresh_from_db()
    assert p.shares == []
    assert "Saved. Nothing is shared with Sam." in _messages(r)


def test_an_unknown_item_changes_nothing(alice_client: Client, alice: User) -> None:
    p = partnership(alice, shares=["mood"])
    before = _snapshot()
    r = alice_client.post(
        reverse("partner_shares", args=[p.pk]), {"shares": ["mood", "notes"]}, follow=True
    )
    assert "That choice wasn't on the list. Nothing was changed." in _messages(r)
    assert _snapshot() == before


# --- Alerts ----------------------------------------------------------------------------------


def test_the_consent_text_names_the_partner(alice_client: Client, alice: User) -> None:
    p = partnership(alice, name="Robin")
    html = _main(alice_client, reverse("partner_alerts", args=[p.pk]))
    assert "Kithkin will send Robin a short note saying so" in html
    assert "nothing else" in html
    assert "I agree that Kithkin may send Robin these short notes about me." in html
    assert "Kithkin has no way to reach Robin yet" in html


def test_alerts_need_consent_and_record_it(alice_client: Client, alice: User, clock) -> None:
    p = partnership(alice)
    url = reverse("partner_alerts", args=[p.pk])
    r = alice_client.post(url, {"no_checkin": "on", "no_checkin_days": "4"})
    assert r.status_code == 200
    assert "Please tick that you agree" in r.content.decode()
    p.refresh_from_db()
    assert p.alert_no_checkin_days is None and p.alert_consent_at is None

    with mock.patch("kithkin.partners.actions.reschedule") as reschedule:
        alice_client.post(
            url,
            {
                "no_checkin": "on",
                "no_checkin_days": "4",
                "low_mood": "on",
                "low_mood_days": "3",
                "consent": "on",
            },
        )
    p.refresh_from_db()
    assert (p.alert_no_checkin_days, p.alert_low_mood_days, p.alert_consent_at) == (4, 3, NOW)
    reschedule.assert_called_once_with(alice.pk, "partner_alert", p.pk)
    assert "You agreed on" in _main(alice_client, reverse("partner", args=[p.pk]))

    clock.move_to(NOW + timedelta(days=1))
    alice_client.post(url, {"no_checkin_days": "4", "low_mood": "on", "low_mood_days": "5"})
    p.refresh_from_db()
    assert (p.alert_consent_at, p.alert_low_mood_days) == (NOW, 3)  # no consent, no change

    alice_client.post(url, {"no_checkin_days": "4", "low_mood_days": "3"})
    p.refresh_from_db()
    assert (p.alert_no_checkin_days, p.alert_low_mood_days, p.alert_consent_at) == (
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("linked", "email", "weekly", "reachable"),
    [
        (False, "", False, False),
        # An address without the weekly email: the worker doesn't write to it.
        (False, "sam@example.org", False, False),
        (False, "sam@example.org", True, True),
        (True, "", False, True),
    ],
)
def test_the_alerts_page_says_when_nobody_would_hear(
    alice_client: Client,
    alice: User,
    bob: User,
    linked: bool,
    email: str,
    weekly: bool,
    reachable: bool,
) -> None:
    p = partnership(alice, bob if linked else None, email=email, weekly_email=weekly)
    html = _main(alice_client, reverse("partner_alerts", args=[p.pk]))
    assert ("Kithkin has no way to reach Sam yet" in html) is not reachable
    assert p.reachable is reachable


@pytest.mark.parametrize(
    ("field", "days", "ok"),
    [
        ("no_checkin", "1", False),
        ("no_checkin", "2", True),
        ("no_checkin", "14", True),
        ("no_checkin", "15", False),
        ("low_mood", "1", False),
        ("low_mood", "2", True),
        ("low_mood", "7", True),
        ("low_mood", "8", False),
        ("low_mood", "lots", False),
    ],
)
def test_alert_days_stay_in_range(
    alice_client: Client, alice: User, field: str, days: str, ok: bool
) -> None:
    p = partnership(alice)
    alice_client.post(
        reverse("partner_alerts", args=[p.pk]),
        {field: "on", f"{field}_days": days, "consent": "on"},
    )
    p.refresh_from_db()
    assert (p.alert_consent_at is not None) == ok
    value = getattr(p, f"alert_{field}_days")
    assert value == (int(days) if ok else None)


# --- Revoking --------------------------------------------------------------------------------


def test_revoking_stops_everything_at_once(alice_client: Client, alice: User, bob: User) -> None:
    p = partnership(
        alice,
        bob,
        shares=["mood"],
        email="bob@example.org",
        weekly_email=True,
        alert_no_checkin_days=3,
        alert_consent_at=NOW,
    )
    actions.do_make_invite(p)
    unseen = PartnerNote.objects.create(owner=alice, partnership=p, text="hi")
    PartnerNote.objects.create(owner=alice, partnership=p, text="seen", seen_at=NOW)
    assert "Stop sharing with Sam?" in _main(alice_client, reverse("partner_revoke", args=[p.pk]))
    with mock.patch("kithkin.partners.actions.reschedule") as reschedule:
        r = alice_client.post(reverse("partner_revoke", args=[p.pk]))
    assert r["Location"] == reverse("partners")
    p.refresh_from_db()
    assert p.revoked_at == NOW
    assert (p.weekly_email, p.alert_no_checkin_days, p.alert_consent_at) == (False, None, None)
    assert PartnerInvite.objects.get().expires_at == NOW
    assert {c.args for c in reschedule.call_args_list} == {
        (alice.pk, "partner_alert", p.pk),
        (alice.pk, "partner_summary", p.pk),
        (alice.pk, "partner_note", unseen.pk),
    }
    html = _main(alice_client, reverse("partners"))
    assert "Ended" in html
    # An ended partnership can be read, not changed.
    assert "You ended this on" in _main(alice_client, reverse("partner", args=[p.pk]))
    for name in ("partner_shares", "partner_alerts", "partner_invite", "partner_revoke"):
        assert alice_client.post(reverse(name, args=[p.pk]), {}).status_code == 404


def test_buttons_and_links_say_which_partner(alice_client: Client, alice: User) -> None:
    # Someone moving from button to button with a screen reader hears only these.
    p = partnership(alice, name="Robin")
    html = _main(alice_client, reverse("partner", args=[p.pk]))
    for words in (
        ">Make a link for Robin</button>",
        ">Save what Robin can see</button>",
        ">Choose alerts for Robin</a>",
        ">Stop sharing with Robin</a>",
    ):
        assert words in html, words
    html = _main(alice_client, reverse("partner_alerts", args=[p.pk]))
    assert ">Save alerts for Robin</button>" in html
    html = _main(alice_client, reverse("partner_revoke", args=[p.pk]))
    assert ">Stop sharing with Robin</button>" in html
    assert ">Keep sharing with Robin</a>" in html


# --- The look log ----------------------------------------------------------------------------


def test_the_look_log_is_newest_first_in_the_persons_zone_and_capped(
    alice_client: Client, alice: User, bob: User
) -> None:
    p = partnership(alice, bob)
    for i in range(55):
        PartnerLook.objects.create(
            owner=alice, partnership=p, at=datetime(2025, 1, 1, 9, tzinfo=UTC) + timedelta(days=i)
        )
    html = _main(alice_client, reverse("partner", args=[p.pk]))
    times = re.findall(r'<time datetime="([^"]+)"', html)
    assert len(times) == 50
    # The newest is 1 January + 54 days; the oldest shown, 1 January + 5 days.
    assert times[0] == "2025-02-24T09:00:00+00:00"
    assert times[-1] == "2025-01-06T09:00:00+00:00"
    assert times == sorted(times, reverse=True)


def test_the_look_log_uses_the_persons_own_clock(
    alice_client: Client, alice: User, bob: User
) -> None:
    p = partnership(alice, bob)
    PartnerLook.objects.create(
        owner=alice, partnership=p, at=datetime(2025, 6, 10, 22, 30, tzinfo=UTC)
    )
    html = _main(alice_client, reverse("partner", args=[p.pk]))
    assert 'datetime="2025-06-10T23:30:00+01:00"' in html


def test_the_partner_page_is_constant_query(
    alice_client: Client, alice: User, bob: User, django_assert_max_num_queries
) -> None:
    p = partnership(alice, bob, shares=["mood"])
    PartnerLook.objects.create(owner=alice, partnership=p)
    with CaptureQueriesContext(connection) as small:
        _main(alice_client, reverse("partner", args=[p.pk]))
    for _ in range(60):
        PartnerLook.objects.create(owner=alice, partnership=p)
    with django_assert_max_num_queries(len(small.captured_queries)):
        _main(alice_client, reverse("partner", args=[p.pk]))


# --- Owner scoping ---------------------------------------------------------------------------


def test_bob_cannot_open_or_change_alices_partners(
    bob_client: Client, alice: User, charlie: User
) -> None:
    p = partnership(alice, charlie, shares=["mood"])
    before = _snapshot()
    for name in ("partner", "partner_edit", "partner_alerts", "partner_revoke"):
        assert bob_client.get(reverse(name, args=[p.pk])).status_code == 404, name
    posts = {
        "partner_edit": {"name": "x"},
        "partner_invite": {},
        "partner_shares": {"shares": ["mood", "sleep"]},
        "partner_alerts": {"no_checkin": "on", "no_checkin_days": "3", "consent": "on"},
        "partner_revoke": {},
    }
    for name, data in posts.items():
        assert bob_client.post(reverse(name, args=[p.pk]), data).status_code == 404, name
    assert _snapshot() == before
    assert "Sam" not in _main(bob_client, reverse("partners"))


def test_the_partner_cannot_open_the_persons_settings(
    alice: User, charlie: User, charlie_client: Client
) -> None:
    p = partnership(alice, charlie, shares=["mood"])
    assert charlie_client.get(reverse("partner", args=[p.pk])).status_code == 404
    assert charlie_client.post(reverse("partner_shares", args=[p.pk]), {}).status_code == 404
    p.refresh_from_db()
    assert p.shares == ["mood"]
