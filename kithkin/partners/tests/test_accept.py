"""Accepting a partner link: single use, a week long, never your own, never after revoking."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from kithkin.accounts.models import User, hash_secret
from kithkin.conftest import PASSWORD, make_user
from kithkin.partners import actions
from kithkin.partners.models import PartnerInvite, Partnership, ShareItem
from kithkin.partners.tests.factories import NOW, partnership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def bob_client(bob: User) -> Client:
    client = Client()
    client.force_login(bob)
    return client


def _link(owner: User, shares: list[str] | None = None) -> tuple[Partnership, str]:
    p = partnership(owner, shares=shares)
    _invite, plain = actions.do_make_invite(p)
    return p, reverse("partner_accept", args=[plain])


def test_a_visitor_signed_out_gets_a_friendly_page_that_comes_back(
    client: Client, alice: User
) -> None:
    _p, url = _link(alice, shares=[ShareItem.MOOD])
    r = client.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "accountability partner" in html
    # Who uses Kithkin is private until someone signs in.
    assert "alice" not in html
    assert f'href="/login/?next={url.replace("/", "%2F")}"' in html
    assert f'href="/signup/?next={url.replace("/", "%2F")}"' in html

    bob = make_user("bob2")
    r = client.post(f"/login/?next={url}", {"username": bob.username, "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == url


def test_signed_in_it_says_who_asks_and_what_is_and_is_not_shared(
    bob_client: Client, alice: User
) -> None:
    alice.first_name = "Alice"
    alice.save()
    _p, url = _link(alice, shares=[ShareItem.SLEEP])
    html = bob_client.get(url).content.decode()
    assert "Alice would like you as their partner" in html
    assert "Your hours of sleep and how rested you felt" in html
    assert "Never shared: your check-in notes and tags" in html
    assert "Your mood on each day" not in html


def test_accepting_links_the_accounts_once(
    bob_client: Client, charlie_client: Client, alice: User, bob: User
) -> None:
    p, url = _link(alice)
    with mock.patch("kithkin.partners.actions.reschedule") as reschedule:
        r = bob_client.post(url)
    assert r.status_code == 302 and r["Location"] == reverse("shared_view", args=[p.pk])
    p.refresh_from_db()
    assert p.partner == bob and p.accepted_at == NOW
    assert PartnerInvite.objects.get().used_at == NOW
    assert {c.args for c in reschedule.call_args_list} == {
        (alice.pk, "partner_alert", p.pk),
        (alice.pk, "partner_summary", p.pk),
    }

    r = charlie_client.get(url)
    assert r.status_code == 410
    assert "already been used" in r.content.decode()
    r = charlie_client.post(url)
    assert r.status_code == 410
    p.refresh_from_db()
    assert p.partner == bob


def test_it_expires_after_seven_days(bob_client: Client, alice: User, clock) -> None:
    p, url = _link(alice)
    clock.move_to(NOW + timedelta(days=7, seconds=-1))
    assert bob_client.get(url).status_code == 200
    clock.move_to(NOW + timedelta(days=7))
    r = bob_client.post(url)
    assert r.status_code == 410
    assert "expired" in r.content.decode()
    p.refresh_from_db()
    assert p.partner is None and p.accepted_at is None


def test_your_own_link_is_refused(alice_client: Client, alice: User) -> None:
    p, url = _link(alice)
    r = alice_client.post(url)
    assert r.status_code == 400
    assert "This is your own link" in r.content.decode()
    p.refresh_from_db()
    assert p.partner is None
    assert PartnerInvite.objects.get().used_at is None


def test_a_revoked_partnership_kills_its_link(bob_client: Client, alice: User) -> None:
    p, url = _link(alice)
    actions.do_revoke(p)
    r = bob_client.post(url)
    assert r.status_code == 410
    assert "ended" in r.content.decode()
    p.refresh_from_db()
    assert p.partner is None


def test_a_new_link_stops_the_old_one(bob_client: Client, alice: User) -> None:
    p, old = _link(alice)
    _invite, plain = actions.do_make_invite(p)
    r = bob_client.post(old)
    assert r.status_code == 410
    assert "replaced by a newer one" in r.content.decode()
    assert bob_client.post(reverse("partner_accept", args=[plain])).status_code == 302


def test_an_unknown_link_is_a_404(bob_client: Client) -> None:
    r = bob_client.get(reverse("partner_accept", args=["not-a-real-token"]))
    assert r.status_code == 404
    assert "copied in full" in r.content.decode()


def test_only_the_hash_of_a_link_is_stored(alice: User) -> None:
    p = partnership(alice)
    invite, plain = actions.do_make_invite(p)
    assert invite.token_hash == hash_secret(plain)
    assert plain not in str(list(PartnerInvite.objects.values()))


def test_a_signed_out_post_changes_nothing(client: Client, alice: User) -> None:
    p, url = _link(alice)
    assert client.post(url).status_code == 200
    p.refresh_from_db()
    assert p.partner is None
    assert PartnerInvite.objects.get().used_at is None


def test_a_second_live_link_cannot_replace_the_partner(
    alice: User, bob: User, charlie: User
) -> None:
    # Two "make a link" taps at once can each expire the other's links before
    # either is saved, leaving two live links to one partnership; and two
    # acceptances at once can each claim their own link before either expires
    # the other. Here the first acceptance is done, the second link still live.
    p = partnership(alice)
    _first, plain_1 = PartnerInvite.objects.create_invite(p)
    _second, plain_2 = PartnerInvite.objects.create_invite(p)
    first = PartnerInvite.objects.get(token_hash=hash_secret(plain_1))
    second = PartnerInvite.objects.get(token_hash=hash_secret(plain_2))
    actions.do_accept_invite(first, bob)
    PartnerInvite.objects.filter(pk=second.pk).update(expires_at=NOW + timedelta(days=7))
    with pytest.raises(actions.InviteGone):
        actions.do_accept_invite(second, charlie)
    p.refresh_from_db()
    assert (p.partner_id, p.accepted_at) == (bob.pk, NOW)
    second.refresh_from_db()
    assert second.used_at is None  # the claim rolled back with the rest
