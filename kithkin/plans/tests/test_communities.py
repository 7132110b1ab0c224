"""Community pages: list, add with a meeting schedule, change (SEQUENCE), remove."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from kithkin.accounts.models import User
from kithkin.plans.models import Community

pytestmark = pytest.mark.django_db

# Friday 2 January 2026, noon in London.
NOW = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)


def _form(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Book club",
        "kind": "book_club",
        "energy": "some",
        "place": "The library, upstairs",
        "link": "",
        "note": "Ask for Jo",
        "meets": "on",
        "repeat": "monthly_nth",
        "nth": "1",
        "every": "2",
        "rrule": "",
        "start_date": "2026-01-06",
        "start_time": "19:00",
        "timezone": "Europe/London",
        "duration_minutes": "90",
        **extra,
    }


def _group(owner: User, name: str = "Choir", **extra: Any) -> Community:
    fields: dict[str, Any] = {
        "rrule": "FREQ=WEEKLY;BYDAY=TU",
        "start_date": date(2026, 1, 6),
        "start_time": time(19, 0),
        "timezone": owner.timezone,
        **extra,
    }
    return Community.objects.create(owner=owner, name=name, **fields)


def test_an_empty_list_suggests_ideas_without_naming_anyone(alice_client: Client) -> None:
    html = alice_client.get(reverse("communities")).content.decode()
    assert "No groups here yet" in html
    assert "library" in html and "walking group" in html and "volunteer morning" in html
    assert reverse("community_new") in html


@time_machine.travel(NOW, tick=False)
def test_it_adds_a_group_with_a_monthly_meeting(alice_client: Client, alice: User) -> None:
    r = alice_client.post(reverse("community_new"), _form())
    group = Community.objects.get(owner=alice)
    assert r["Location"] == reverse("community", args=[group.pk])
    assert group.rrule == "FREQ=MONTHLY;BYDAY=1TU"
    assert (group.start_date, group.start_time) == (date(2026, 1, 6), time(19, 0))
    assert group.place == "The library, upstairs" and group.sequence == 0
    html = alice_client.get(r["Location"]).content.decode()
    assert "Next meets Tue 6 Jan, 19:00" in html
    assert "The first Tuesday of every month at 19:00" in html
    assert "London time" not in html, "the person's own zone isn't named"
    listing = alice_client.get(reverse("communities")).content.decode()
    assert "Next meets Tue 6 Jan, 19:00" in listing


@time_machine.travel(NOW, tick=False)
def test_it_shows_another_zones_meeting_on_the_persons_clock(
    alice_client: Client, alice: User
) -> None:
    group = _group(alice, "Online choir", timezone="America/New_York", rrule="")
    html = alice_client.get(reverse("community", args=[group.pk])).content.decode()
    # 19:00 in New York is midnight in London.
    assert "Next meets Wed 7 Jan, 00:00" in html
    assert "New York time" in html


def test_a_group_without_meetings_needs_no_date(alice_client: Client, alice: User) -> None:
    data = _form(name="Knitting forum", meets="", start_date="", start_time="", repeat="")
    r = alice_client.post(reverse("community_new"), data)
    group = Community.objects.get(owner=alice)
    assert r.status_code == 302 and not group.meets and group.rrule == ""
    html = alice_client.get(reverse("community", args=[group.pk])).content.decode()
    assert "No regular meetings" in html and "Next meets" not in html


@pytest.mark.parametrize(
    "extra, field, words",
    [
        ({"start_date": ""}, "start_date", "When is the next meeting?"),
        ({"start_time": "7pm-ish"}, "start_time", "Write the time like 19:00."),
        ({"start_date": "9999-12-25"}, "start_date", "Could you check the year?"),
        ({"start_date": "0001-01-01", "repeat": "weekly"}, "start_date", "check the year"),
        ({"repeat": "custom", "rrule": ""}, "rrule", "Paste a repeat rule"),
        ({"repeat": "custom", "rrule": "FREQ=HOURLY"}, "rrule", "FREQ=DAILY, WEEKLY"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Select a valid choice"),
        ({"link": "javascript:alert(1)"}, "link", "Enter a valid URL"),
        ({"name": "   "}, "name", "This field is required"),
    ],
)
def test_bad_input_gets_a_clear_word_and_changes_nothing(
    alice_client: Client, extra: dict[str, str], field: str, words: str
) -> None:
    r = alice_client.post(reverse("community_new"), _form(**extra))
    assert r.status_code == 200
    assert words in " ".join(str(e) for e in r.context["form"].errors[field])
    assert not Community.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_changing_the_schedule_bumps_the_sequence_and_words_do_not(
    alice_client: Client, alice: User
) -> None:
    alice_client.post(reverse("community_new"), _form())
    group = Community.objects.get()
    url = reverse("community_edit", args=[group.pk])
    form = alice_client.get(url).context["form"]
    assert form.initial["repeat"] == "monthly_nth" and form.initial["nth"] == "1"
    alice_client.post(url, _form(note="Bring the book"))
    group.refresh_from_db()
    assert group.note == "Bring the book" and group.sequence == 0
    alice_client.post(url, _form(repeat="weekly", start_time="19:30"))
    group.refresh_from_db()
    assert group.rrule == "FREQ=WEEKLY;BYDAY=TU" and group.start_time == time(19, 30)
    assert group.sequence == 1


def test_removing_asks_first(alice_client: Client, alice: User) -> None:
    group = _group(alice)
    url = reverse("community_delete", args=[group.pk])
    assert "Remove “Choir”?" in alice_client.get(url).content.decode()
    assert Community.objects.exists()
    r = alice_client.post(url)
    assert r["Location"] == reverse("communities")
    assert not Community.objects.exists()


def test_another_persons_group_is_a_404_everywhere(charlie_client: Client, alice: User) -> None:
    group = _group(alice)
    for name in ("community", "community_edit", "community_delete"):
        url = reverse(name, args=[group.pk])
        assert charlie_client.get(url).status_code == 404
        assert charlie_client.post(url, _form(name="Mine now")).status_code == 404
    group.refresh_from_db()
    assert group.name == "Choir"
    assert "Choir" not in charlie_client.get(reverse("communities")).content.decode()


def test_an_archived_group_is_not_listed(alice_client: Client, alice: User) -> None:
    group = _group(alice, "Old choir", archived_at=NOW)
    assert "Old choir" not in alice_client.get(reverse("communities")).content.decode()
    assert alice_client.get(reverse("community", args=[group.pk])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_a_group_saved_at_the_very_end_of_the_calendar_still_shows(
    alice_client: Client, alice: User
) -> None:
    # 19:00 on 31 December 9999 in New York is midnight after the last day, in UTC.
    c = _group(alice, "Edge", rrule="", start_date=date(9999, 12, 31), timezone="America/New_York")
    assert alice_client.get(reverse("communities")).status_code == 200
    r = alice_client.get(reverse("community", args=[c.pk]))
    assert r.status_code == 200
    assert r.context["next"] == ""
    alice_client.post(reverse("set_energy"), {"energy": "some"})
    assert alice_client.get(reverse("today")).status_code == 200
