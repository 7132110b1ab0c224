"""Friends with an account on the same server join a plan by its link."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
import time_machine
from django.test import Client

from kithkin.accounts.models import User
from kithkin.circle.models import Interaction, Person
from kithkin.plans import actions
from kithkin.plans.models import Occurrence, Plan, PlanGuest

pytestmark = pytest.mark.django_db

NOW = "2026-03-05 12:00Z"
SUNDAY = "2026-03-08T18:00:00Z"


@pytest.fixture
def bob_client(bob: User) -> Client:
    client = Client()
    client.force_login(bob)
    return client


def _plan(owner: User, **fields: Any) -> Plan:
    mum = Person.objects.create(owner=owner, name="Margaret Secretname")
    values: dict[str, Any] = {
        "title": "Sunday walk",
        "rrule": "FREQ=WEEKLY;BYDAY=SU",
        "start_date": date(2026, 3, 1),
        "start_time": time(18, 0),
        "timezone": owner.timezone,
        "place": "The park gate",
        "note": "Bring the dog's ball",
        **fields,
    }
    return actions.do_save_plan(Plan(owner=owner, **values), [mum])


def _shared(client: Client, plan: Plan) -> str:
    r = client.post(f"/plans/{plan.pk}/share/", {"share": "on"})
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.guest_token
    return f"/plans/join/{plan.guest_token}/"


def test_the_owner_makes_a_link_and_a_friend_joins_it(
    alice_client: Client, alice: User, bob: User, bob_client: Client
) -> None:
    alice.first_name = "Alice"
    alice.save()
    plan = _plan(alice)
    link = _shared(alice_client, plan)
    assert link in alice_client.get(f"/plans/{plan.pk}/").content.decode()
    with time_machine.travel(NOW, tick=False):
        r = bob_client.get(link)
    page = r.content.decode()
    assert r.status_code == 200
    assert "Sunday walk" in page and "Alice" in page and "Join" in page
    assert "Secretname" not in page and "Margaret" not in page
    assert not PlanGuest.objects.exists()
    r = bob_client.post(link)
    assert r.status_code == 302 and r["Location"] == f"/plans/{plan.pk}/"
    guest = PlanGuest.objects.get()
    assert (guest.owner, guest.plan) == (bob, plan)
    bob_client.post(link)  # joining twice is still one guest
    assert PlanGuest.objects.count() == 1


def test_a_guest_sees_the_plan_marked_with_the_owner_and_not_their_circle(
    alice: User, bob: User, bob_client: Client
) -> None:
    plan = _plan(alice)
    actions.do_join(bob, plan)
    with time_machine.travel(NOW, tick=False):
        listing = bob_client.get("/plans/").content.decode()
        detail = bob_client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Sunday walk" in listing and "with alice" in listing
    # 18:00 in London (GMT) is 14:00 in New York, already on summer time that Sunday.
    assert '">14:00</time>' in listing
    for page in (listing, detail):
        assert "Secretname" not in page and "Margaret" not in page
        assert "Bring the dog" not in page
    assert "Leave this plan" in detail
    assert "/edit/" not in detail and "End this plan" not in detail


def test_a_guest_answers_for_themself_and_the_owner_sees_it(
    alice_client: Client, alice: User, bob: User, bob_client: Client
) -> None:
    plan = _plan(alice)
    actions.do_join(bob, plan)
    with time_machine.travel(NOW, tick=False):
        r = bob_client.post(f"/plans/{plan.pk}/rsvp/", {"start": SUNDAY, "rsvp": "going"})
        assert r.status_code == 302
        row = Occurrence.objects.get()
        assert (row.owner, row.plan, row.rsvp) == (bob, plan, "going")
        owner_view = alice_client.get("/plans/")
    first = owner_view.context["days"][0][1][0]
    assert first.rsvp == "" and first.guests == [("bob", "going")]
    assert "bob · going" in owner_view.content.decode()


def test_a_guest_can_mark_it_happened_in_their_own_log_only(
    alice: User, bob: User, bob_client: Client
) -> None:
    plan = _plan(alice)
    actions.do_join(bob, plan)
    with time_machine.travel("2026-03-09 12:00Z", tick=False):
        bob_client.post(f"/plans/{plan.pk}/done/", {"start": SUNDAY, "feeling": "lifted"})
    interaction = Interaction.objects.get()
    assert interaction.owner == bob and list(interaction.people.all()) == []
    assert interaction.feeling_after == "lifted" and interaction.channel == "in_person"


def test_a_guest_cant_change_cancel_share_or_end_the_plan(
    alice: User, bob: User, bob_client: Client
) -> None:
    plan = _plan(alice)
    actions.do_join(bob, plan)
    for method, url, data in [
        ("get", f"/plans/{plan.pk}/edit/", {}),
        ("get", f"/plans/{plan.pk}/delete/", {}),
        ("post", f"/plans/{plan.pk}/delete/", {}),
        ("post", f"/plans/{plan.pk}/end/", {}),
        ("post", f"/plans/{plan.pk}/cancel-one/", {"start": SUNDAY}),
        ("post", f"/plans/{plan.pk}/share/", {"share": "on"}),
    ]:
        assert getattr(bob_client, method)(url, data).status_code == 404, url
    plan.refresh_from_db()
    assert plan.sequence == 0 and plan.ended_at is None and plan.guest_token is None


def test_leaving_removes_the_guest_and_their_answers(
    alice: User, bob: User, bob_client: Client
) -> None:
    plan = _plan(alice)
    actions.do_join(bob, plan)
    actions.do_rsvp(bob, plan, actions.parse_key(SUNDAY), "maybe")  # type: ignore[arg-type]
    actions.do_rsvp(alice, plan, actions.parse_key(SUNDAY), "going")  # type: ignore[arg-type]
    r = bob_client.post(f"/plans/{plan.pk}/leave/")
    assert r.status_code == 302
    assert not PlanGuest.objects.exists()
    assert list(Occurrence.objects.values_list("owner_id", flat=True)) == [alice.pk]
    assert bob_client.get(f"/plans/{plan.pk}/").status_code == 404


def test_the_owner_can_take_a_guest_off_the_plan(
    alice_client: Client, alice: User, bob: User, bob_client: Client, charlie: User
) -> None:
    plan = _plan(alice)
    bobs = actions.do_join(bob, plan)
    charlies = actions.do_join(charlie, plan)
    actions.do_rsvp(bob, plan, actions.parse_key(SUNDAY), "maybe")  # type: ignore[arg-type]
    actions.do_rsvp(alice, plan, actions.parse_key(SUNDAY), "going")  # type: ignore[arg-type]
    page = alice_client.get(f"/plans/{plan.pk}/").content.decode()
    assert f'action="/plans/{plan.pk}/guests/{bobs.pk}/remove/"' in page
    r = alice_client.post(f"/plans/{plan.pk}/guests/{bobs.pk}/remove/")
    assert r.status_code == 302
    assert list(PlanGuest.objects.values_list("owner_id", flat=True)) == [charlie.pk]
    assert list(Occurrence.objects.values_list("owner_id", flat=True)) == [alice.pk]
    assert bob_client.get(f"/plans/{plan.pk}/").status_code == 404
    # A guest can't take anyone off, not even themself this way; a row of another
    # plan is a 404 too.
    actions.do_join(bob, plan)
    assert bob_client.post(f"/plans/{plan.pk}/guests/{charlies.pk}/remove/").status_code == 404
    other = _plan(alice, title="Another")
    assert alice_client.post(f"/plans/{other.pk}/guests/{charlies.pk}/remove/").status_code == 404
    assert PlanGuest.objects.count() == 2


def test_stop_sharing_closes_the_link_but_keeps_who_joined(
    alice_client: Client, alice: User, bob: User, bob_client: Client, charlie_client: Client
) -> None:
    plan = _plan(alice)
    link = _shared(alice_client, plan)
    bob_client.post(link)
    alice_client.post(f"/plans/{plan.pk}/share/", {"share": "off"})
    plan.refresh_from_db()
    assert plan.guest_token is None
    assert charlie_client.get(link).status_code == 404
    assert charlie_client.post(link).status_code == 404
    assert PlanGuest.objects.filter(owner=bob).exists()
    # A new link is a new secret.
    assert _shared(alice_client, plan) != link


def test_someone_who_neither_owns_nor_joined_gets_404_everywhere(
    alice: User, bob: User, charlie_client: Client
) -> None:
    plan = _plan(alice)
    actions.do_join(bob, plan)
    for method, url, data in [
        ("get", f"/plans/{plan.pk}/", {}),
        ("post", f"/plans/{plan.pk}/rsvp/", {"start": SUNDAY, "rsvp": "going"}),
        ("post", f"/plans/{plan.pk}/done/", {"start": SUNDAY}),
        ("post", f"/plans/{plan.pk}/leave/", {}),
        ("get", "/plans/join/not-a-token/", {}),
    ]:
        assert getattr(charlie_client, method)(url, data).status_code == 404, url
    assert "Sunday walk" not in charlie_client.get("/plans/").content.decode()
    assert Occurrence.objects.count() == 0


def test_the_owner_opening_their_own_link_goes_to_the_plan(
    alice_client: Client, alice: User
) -> None:
    plan = _plan(alice)
    link = _shared(alice_client, plan)
    r = alice_client.get(link)
    assert r.status_code == 302 and r["Location"] == f"/plans/{plan.pk}/"
    assert not PlanGuest.objects.exists()


def test_an_ended_plan_cant_be_joined(
    alice_client: Client, alice: User, bob_client: Client
) -> None:
    plan = _plan(alice)
    link = _shared(alice_client, plan)
    actions.do_end_plan(plan)
    assert bob_client.get(link).status_code == 404
    assert bob_client.post(link).status_code == 404
    assert not PlanGuest.objects.exists()
