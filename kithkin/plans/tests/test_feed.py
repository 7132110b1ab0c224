"""The calendar page, the secret feed address and the one-off .ics download."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from kithkin.accounts.models import User
from kithkin.plans.models import CalendarFeed, Community, Plan, PlanGuest

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)


def _plan(owner: User, title: str = "Call Mum") -> Plan:
    return Plan.objects.create(
        owner=owner,
        title=title,
        rrule="FREQ=WEEKLY;BYDAY=SU",
        start_date=date(2026, 1, 4),
        start_time=time(18, 0),
        timezone=owner.timezone,
    )


def _url(feed: CalendarFeed) -> str:
    return reverse("calendar_feed", args=[feed.token])


def _summaries(body: bytes) -> list[str]:
    return sorted(str(e["SUMMARY"]) for e in Calendar.from_ical(body).events)


def test_it_explains_subscribing_before_there_is_an_address(alice_client: Client) -> None:
    html = alice_client.get(reverse("plans_calendar")).content.decode()
    assert "Make my calendar address" in html
    for words in ("From URL", "New Calendar Subscription", "On the Network"):
        assert words in html
    assert "/calendar/" not in html
    assert not CalendarFeed.objects.exists()


def test_it_makes_an_address_and_shows_it_with_a_webcal_link(
    alice_client: Client, alice: User
) -> None:
    r = alice_client.post(reverse("plans_calendar"), {"action": "make"})
    assert r.status_code == 302 and r["Location"] == reverse("plans_calendar")
    feed = CalendarFeed.objects.get(owner=alice)
    html = alice_client.get(reverse("plans_calendar")).content.decode()
    assert f"http://testserver/calendar/{feed.token}.ics" in html
    assert f"webcal://testserver/calendar/{feed.token}.ics" in html
    # A second tap keeps the same address.
    alice_client.post(reverse("plans_calendar"), {"action": "make"})
    assert CalendarFeed.objects.get(owner=alice).token == feed.token


def test_a_new_address_stops_the_old_one_at_once(alice_client: Client, alice: User) -> None:
    feed = CalendarFeed.objects.create(owner=alice)
    old = _url(feed)
    assert Client().get(old).status_code == 200
    alice_client.post(reverse("plans_calendar"), {"action": "renew"})
    feed.refresh_from_db()
    assert _url(feed) != old
    assert Client().get(old).status_code == 404
    assert Client().get(_url(feed)).status_code == 200


def test_turning_off_deletes_the_address(alice_client: Client, alice: User) -> None:
    feed = CalendarFeed.objects.create(owner=alice)
    alice_client.post(reverse("plans_calendar"), {"action": "off"})
    assert not CalendarFeed.objects.exists()
    assert Client().get(_url(feed)).status_code == 404


def test_an_unknown_action_changes_nothing(alice_client: Client, alice: User) -> None:
    feed = CalendarFeed.objects.create(owner=alice)
    alice_client.post(reverse("plans_calendar"), {"action": "everything"})
    assert CalendarFeed.objects.get().token == feed.token


def test_the_page_needs_a_sign_in() -> None:
    r = Client().get(reverse("plans_calendar"))
    assert r.status_code == 302 and "/login/" in r["Location"]


@time_machine.travel(NOW, tick=False)
def test_the_feed_needs_no_sign_in_and_says_it_is_a_private_calendar(alice: User) -> None:
    _plan(alice)
    feed = CalendarFeed.objects.create(owner=alice)
    r = Client().get(_url(feed))
    assert r.status_code == 200
    assert r["Content-Type"] == "text/calendar; charset=utf-8"
    assert r["Cache-Control"].startswith("private, max-age=")
    assert r.content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert _summaries(r.content) == ["Call Mum"]


def test_unknown_and_odd_tokens_are_a_404(alice: User) -> None:
    CalendarFeed.objects.create(owner=alice)
    for path in ("/calendar/nope.ics", "/calendar/" + "a" * 65 + ".ics", "/calendar/.ics"):
        assert Client().get(path).status_code == 404


def test_a_deactivated_accounts_feed_is_a_404(alice: User) -> None:
    feed = CalendarFeed.objects.create(owner=alice)
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert Client().get(_url(feed)).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_one_plan_that_cant_be_written_leaves_the_rest_of_the_feed_working(
    alice: User, alice_client: Client
) -> None:
    _plan(alice, "Call Mum")
    # An hour from 23:30 on the last day Python can count to runs off the calendar.
    edge = Plan.objects.create(
        owner=alice,
        title="At the very end",
        start_date=date(9999, 12, 31),
        start_time=time(23, 30),
        timezone="UTC",
    )
    # A rule stored before the repeat check became stricter no longer expands.
    old = _plan(alice, "Old rule")
    Plan.objects.filter(pk=old.pk).update(rrule="FREQ=WEEKLY;BYDAY=+60MO")
    Community.objects.create(
        owner=alice,
        name="From year one",
        rrule="FREQ=WEEKLY",
        start_date=date(1, 1, 1),
        start_time=time(0, 0),
        timezone="UTC",
    )
    feed = CalendarFeed.objects.create(owner=alice)
    r = Client().get(_url(feed))
    assert r.status_code == 200
    assert _summaries(r.content) == ["Call Mum"]
    one = alice_client.get(reverse("plan_ics", args=[edge.pk]))
    assert one.status_code == 200
    assert _summaries(one.content) == []


@time_machine.travel(NOW, tick=False)
def test_bobs_address_never_shows_alices_plans(alice: User, bob: User) -> None:
    _plan(alice, "Alice's plan")
    _plan(bob, "Bob's plan")
    alice_feed = CalendarFeed.objects.create(owner=alice)
    bob_feed = CalendarFeed.objects.create(owner=bob)
    assert _summaries(Client().get(_url(bob_feed)).content) == ["Bob's plan"]
    assert _summaries(Client().get(_url(alice_feed)).content) == ["Alice's plan"]


def test_it_notes_a_fetch_at_most_once_an_hour(alice: User) -> None:
    feed = CalendarFeed.objects.create(owner=alice)
    with time_machine.travel(NOW, tick=False):
        Client().get(_url(feed))
    feed.refresh_from_db()
    assert feed.last_fetched_at == NOW
    with time_machine.travel(NOW + timedelta(minutes=59), tick=False):
        Client().get(_url(feed))
    feed.refresh_from_db()
    assert feed.last_fetched_at == NOW
    with time_machine.travel(NOW + timedelta(minutes=61), tick=False):
        Client().get(_url(feed))
    feed.refresh_from_db()
    assert feed.last_fetched_at == NOW + timedelta(minutes=61)


@time_machine.travel(NOW, tick=False)
def test_the_feed_costs_the_same_queries_for_many_plans(
    alice: User, bob: User, django_assert_max_num_queries
) -> None:
    from kithkin.circle.models import Person

    feed = CalendarFeed.objects.create(owner=alice, last_fetched_at=NOW)
    mum = Person.objects.create(owner=alice, name="Mum")
    for n in range(25):
        plan = _plan(alice, f"Plan {n}")
        plan.people.add(mum, through_defaults={"owner": alice})
        guest = _plan(bob, f"Bob's {n}")
        PlanGuest.objects.create(owner=alice, plan=guest)
        Community.objects.create(
            owner=alice, name=f"Group {n}", start_date=date(2026, 1, 6), start_time=time(19)
        )
    # The feed, own plans, their people, joined plans, skips, communities.
    with django_assert_max_num_queries(6):
        body = Client().get(_url(feed)).content
    assert len(Calendar.from_ical(body).events) == 75


@time_machine.travel(NOW, tick=False)
def test_the_one_off_file_is_an_attachment_for_the_owner_and_guests(
    alice_client: Client, alice: User, charlie_client: Client, charlie: User, bob: User
) -> None:
    plan = _plan(alice, "Tea & cake / Sunday")
    url = reverse("plan_ics", args=[plan.pk])
    r = alice_client.get(url)
    assert r.status_code == 200
    assert r["Content-Type"] == "text/calendar; charset=utf-8"
    assert r["Content-Disposition"] == 'attachment; filename="tea-cake-sunday.ics"'
    assert _summaries(r.content) == ["Tea & cake / Sunday"]
    assert charlie_client.get(url).status_code == 404
    PlanGuest.objects.create(owner=charlie, plan=plan)
    assert _summaries(charlie_client.get(url).content) == ["Tea & cake / Sunday"]
    assert alice_client.get(reverse("plan_ics", args=[999999])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_a_title_without_letters_still_gets_a_filename(alice_client: Client, alice: User) -> None:
    plan = _plan(alice, "☕☕")
    r = alice_client.get(reverse("plan_ics", args=[plan.pk]))
    assert r["Content-Disposition"] == 'attachment; filename="plan.ics"'


@time_machine.travel(NOW, tick=False)
def test_a_guests_download_leaves_out_what_they_skipped(
    alice_client: Client, alice: User, charlie_client: Client, charlie: User
) -> None:
    from kithkin.plans.models import Occurrence

    plan = _plan(alice)
    PlanGuest.objects.create(owner=charlie, plan=plan)
    sunday = datetime(2026, 1, 11, 18, tzinfo=UTC)
    Occurrence.objects.create(owner=charlie, plan=plan, starts_at=sunday, rsvp="skip")
    url = reverse("plan_ics", args=[plan.pk])
    assert b"EXDATE;TZID=Europe/London:20260111T180000\r\n" in charlie_client.get(url).content
    assert b"EXDATE" not in alice_client.get(url).content


def test_the_feed_answers_head_and_refuses_writes(alice: User) -> None:
    feed = CalendarFeed.objects.create(owner=alice)
    assert Client().head(_url(feed)).status_code == 200
    assert Client().post(_url(feed)).status_code == 405
