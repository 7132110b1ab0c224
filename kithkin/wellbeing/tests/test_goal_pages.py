"""Gentle goals on the web: presets, your own goal, progress, rest days, set aside."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kithkin.accounts.models import User
from kithkin.circle.tests.factories import contact, person
from kithkin.wellbeing.models import CheckIn, Goal, GoalSkip

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 11, 12, 0, tzinfo=UTC)  # Wednesday, 13:00 in London
TODAY = date(2025, 6, 11)
UNKIND = ("streak", "missed", "failed", "behind", "overdue")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _goal(owner: User, measure: str = "call", began: date = date(2025, 6, 1), **extra) -> Goal:
    extra.setdefault("title", f"My {measure} goal")
    return Goal.objects.create(owner=owner, measure=measure, created_at=_at(began, 8), **extra)


def _main(client: Client, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _kind(html: str) -> None:
    lower = html.lower()
    for word in UNKIND:
        assert word not in lower, word
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    assert not re.search(r'\sstyle="', html)


def _messages(r) -> list[str]:
    return [str(m) for m in r.context["messages"]] if r.context else []


# --- Adding ----------------------------------------------------------------------------------


def test_presets_are_one_tap_and_a_double_tap_adds_one(alice_client: Client, alice: User) -> None:
    html = _main(alice_client, reverse("goal_new"))
    for title in (
        "A call with someone each week",
        "One gathering a month",
        "Invite one person to a routine walk",
        "Check in three days a week",
        "Reach out first once a week",
    ):
        assert title in html
    assert "Once every two weeks" in html and "3 times a week" in html
    _kind(html)

    r = alice_client.post(reverse("goal_new"), {"preset": "checkins"})
    goal = Goal.objects.get(owner=alice)
    assert r["Location"] == reverse("goal_detail", args=[goal.pk])
    assert (goal.title, goal.measure, goal.times, goal.per_days, goal.person) == (
        "Check in three days a week",
        "checkin",
        3,
        7,
        None,
    )
    r = alice_client.post(reverse("goal_new"), {"preset": "checkins"}, follow=True)
    assert Goal.objects.filter(owner=alice).count() == 1
    assert "You already have that goal. Here it is." in _messages(r)

    r = alice_client.post(reverse("goal_new"), {"preset": "walk-on-the-moon"}, follow=True)
    assert Goal.objects.filter(owner=alice).count() == 1
    assert "That choice wasn&#x27;t found" in r.content.decode()


def test_your_own_goal_with_someone_from_your_circle(alice_client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    r = alice_client.post(
        reverse("goal_new"),
        {
            "title": "  Calls with Sam  ",
            "measure": "call",
            "times": "2",
            "per_days": "14",
            "person": str(sam.pk),
        },
    )
    goal = Goal.objects.get(owner=alice)
    assert r["Location"] == reverse("goal_detail", args=[goal.pk])
    assert (goal.title, goal.measure, goal.times, goal.per_days, goal.person) == (
        "Calls with Sam",
        "call",
        2,
        14,
        sam,
    )
    html = _main(alice_client, reverse("goal_detail", args=[goal.pk]))
    assert "2 times every two weeks" in html and ">Sam</a>" in html
    assert "Calls and video calls." in html


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"times": "0"}, "At least once, please."),
        ({"times": "15"}, "Up to 14 times keeps it gentle."),
        ({"per_days": "10"}, "Select a valid choice"),
        ({"measure": "vibes"}, "Select a valid choice"),
        ({"title": "   "}, "This field is required."),
        ({"person": "bob"}, "Choose someone from your own circle."),
        ({"person": "99999999999999999999999"}, "Choose someone from your own circle."),
        ({"measure": "checkin", "person": "sam"}, "Check-ins aren&#x27;t about one person"),
    ],
)
def test_odd_goals_get_a_clear_word_and_change_nothing(
    alice_client: Client, alice: User, bob: User, change: dict[str, str], why: str
) -> None:
    sam = person(alice, "Sam")
    bobs = person(bob, "Bo")
    data = {"title": "Calls", "measure": "call", "times": "1", "per_days": "7", "person": ""}
    data.update(change)
    data["person"] = {"bob": str(bobs.pk), "sam": str(sam.pk)}.get(data["person"], data["person"])
    r = alice_client.post(reverse("goal_new"), data)
    assert r.status_code == 200
    assert why in r.content.decode()
    assert not Goal.objects.exists()


@pytest.mark.parametrize("odd", ["\u00b2", "\u0663", "1\u00b2"])
def test_a_person_id_in_other_digits_is_refused_kindly(
    alice_client: Client, alice: User, odd: str
) -> None:
    person(alice, "Sam")
    goal = _goal(alice, title="Calls")
    data = {"title": "Calls", "measure": "call", "times": "1", "per_days": "7", "person": odd}
    for url in (reverse("goal_new"), reverse("goal_edit", args=[goal.pk])):
        r = alice_client.post(url, data)
        assert r.status_code == 200
        assert "Choose someone from your own circle." in r.content.decode()
    goal.refresh_from_db()
    assert goal.person is None
    assert Goal.objects.filter(owner=alice).count() == 1


def test_an_empty_post_gets_a_clear_word_and_changes_nothing(
    alice_client: Client, alice: User
) -> None:
    goal = _goal(alice, title="Calls")
    for url in (reverse("goal_new"), reverse("goal_edit", args=[goal.pk])):
        r = alice_client.post(url, {})
        assert r.status_code == 200
        assert "This field is required." in r.content.decode()
    goal.refresh_from_db()
    assert goal.title == "Calls"
    assert Goal.objects.filter(owner=alice).count() == 1


def test_another_persons_people_are_not_offered(alice_client: Client, bob: User) -> None:
    person(bob, "Bo Private")
    assert "Bo Private" not in _main(alice_client, reverse("goal_new"))


def test_editing_keeps_a_set_aside_person_on_their_goal(alice_client: Client, alice: User) -> None:
    sam = person(alice, "Sam", archived_at=NOW)
    goal = _goal(alice, person=sam)
    html = _main(alice_client, reverse("goal_edit", args=[goal.pk]))
    assert "Sam" in html
    r = alice_client.post(
        reverse("goal_edit", args=[goal.pk]),
        {"title": "Calls, Sam", "measure": "call", "times": "1", "per_days": "7", "person": sam.pk},
    )
    assert r["Location"] == reverse("goal_detail", args=[goal.pk])
    goal.refresh_from_db()
    assert (goal.title, goal.person) == ("Calls, Sam", sam)


# --- Progress ---------------------------------------------------------------------------------


def test_a_call_on_the_first_day_shows_the_forgiving_score(
    alice_client: Client, alice: User
) -> None:
    goal = _goal(alice, title="A call each week")
    contact(alice, [], happened_at=_at(date(2025, 6, 1), 9), channel="call")
    # By hand: v = 1/2 each day (one call in Loop's doubled 14-day window) for the
    # 11 days 1-11 June, so S = (1/2)(1 - m^11) with m = 0.5^(sqrt(1/7)/13) = 9.9%.
    m = 0.5 ** (math.sqrt(1 / 7) / 13)
    assert round(100 * 0.5 * (1 - m**11)) == 10
    html = _main(alice_client, reverse("goal_detail", args=[goal.pk]))
    assert '<span class="big-number">10%</span>' in html
    assert "None yet this week — whenever you&#x27;re ready." in html
    assert "0 this week" in html and "1 last week" in html
    assert '<svg class="sparkline" viewBox="26 8 286 48"' in html
    assert '<path d="M26 ' in html
    _kind(html)

    listed = _main(alice_client, reverse("goals"))
    assert '<span class="big-number">10%</span>' in listed
    assert "A call each week" in listed


def test_reaching_this_weeks_target_is_celebrated_briefly(
    alice_client: Client, alice: User
) -> None:
    goal = _goal(alice)
    sam = person(alice, "Sam")
    contact(alice, [sam], happened_at=_at(date(2025, 6, 9)), channel="video")
    contact(alice, [sam], happened_at=_at(date(2025, 6, 10)), channel="call")
    html = _main(alice_client, reverse("goals"))
    assert "That&#x27;s this week&#x27;s call — well done." in html
    detail = _main(alice_client, reverse("goal_detail", args=[goal.pk]))
    assert "2 this week" in detail
    _kind(detail)


def test_check_ins_count_three_days_a_week(alice_client: Client, alice: User) -> None:
    _goal(alice, "checkin", times=3, title="Check in")
    for day in (8, 9):
        CheckIn.objects.create(owner=alice, day=date(2025, 6, day), mood=3)
    assert "2 of 3 this week" in _main(alice_client, reverse("goals"))
    CheckIn.objects.create(owner=alice, day=TODAY, mood=2)
    assert "That&#x27;s this week&#x27;s 3 check-ins — well done." in _main(
        alice_client, reverse("goals")
    )


def test_the_list_takes_the_same_queries_for_one_goal_or_many(
    alice_client: Client, alice: User
) -> None:
    sam = person(alice, "Sam")
    ana = person(alice, "Ana")
    _goal(alice, "call")
    contact(alice, [sam, ana], happened_at=_at(date(2025, 6, 3)), channel="in_person")
    CheckIn.objects.create(owner=alice, day=date(2025, 6, 4), mood=4, meaningful=True)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert alice_client.get(reverse("goals")).status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    for measure in ("contact", "reach_out", "in_person", "gathering", "checkin", "meaningful"):
        GoalSkip.objects.create(owner=alice, goal=_goal(alice, measure), day=date(2025, 6, 2))
    _goal(alice, "call", person=sam)
    _goal(alice, "gathering", person=ana)
    _goal(alice, "contact", archived_at=NOW)
    many = queries()
    # One goal with a person only adds its own query, once, however many there are.
    _goal(alice, "contact", person=ana)
    assert queries() == many
    assert many <= one + 2  # contacts with one person, check-ins
    html = _main(alice_client, reverse("goals"))
    assert html.count('class="card goal"') == 10  # the one set aside is listed apart


# --- Days set aside ----------------------------------------------------------------------------


def test_set_today_aside_and_plan_rest_ahead(alice_client: Client, alice: User) -> None:
    goal = _goal(alice)
    url = reverse("goal_skip", args=[goal.pk])
    r = alice_client.post(url, {"today": "1"}, follow=True)
    assert "Today is set aside." in r.content.decode()
    r = alice_client.post(url, {"today": "1"}, follow=True)
    assert "That day is already set aside." in _messages(r)
    alice_client.post(url, {"day": "2025-06-25"})
    assert sorted(GoalSkip.objects.filter(goal=goal).values_list("day", flat=True)) == [
        TODAY,
        date(2025, 6, 25),
    ]
    html = _main(alice_client, reverse("goal_detail", args=[goal.pk]))
    assert "Set today aside" not in html
    assert "June 25, 2025" in html


@pytest.mark.parametrize(
    ("day", "why"),
    [
        ("2025-06-26", "up to two weeks ahead"),
        ("2025-05-31", "before this goal began"),
        ("someday", "doesn&#x27;t look like a date"),
        ("", "Choose a day, please."),
    ],
)
def test_odd_rest_days_are_refused_kindly(
    alice_client: Client, alice: User, day: str, why: str
) -> None:
    goal = _goal(alice)
    r = alice_client.post(reverse("goal_skip", args=[goal.pk]), {"day": day}, follow=True)
    assert why in r.content.decode()
    assert not GoalSkip.objects.exists()


def test_a_day_set_aside_keeps_the_score_and_can_count_again(
    alice_client: Client, alice: User
) -> None:
    goal = _goal(alice)
    contact(alice, [], happened_at=_at(date(2025, 6, 1), 9), channel="call")
    for d in (5, 6, 7):
        GoalSkip.objects.create(owner=alice, goal=goal, day=date(2025, 6, d))
    m = 0.5 ** (math.sqrt(1 / 7) / 13)
    expected = round(100 * 0.5 * (1 - m**8))  # 11 days, 3 of them set aside
    html = _main(alice_client, reverse("goal_detail", args=[goal.pk]))
    assert f'<span class="big-number">{expected}%</span>' in html
    assert "June 5, 2025 to June 7, 2025" in html
    first = GoalSkip.objects.get(goal=goal, day=date(2025, 6, 5))
    alice_client.post(
        reverse("goal_skip_remove", args=[goal.pk, first.pk]), {"through": "2025-06-07"}
    )
    assert not GoalSkip.objects.filter(goal=goal).exists()


def test_set_aside_and_bring_back_keeps_the_score(alice_client: Client, alice: User, clock) -> None:
    goal = _goal(alice, title="Calls")
    contact(alice, [], happened_at=_at(date(2025, 6, 1), 9), channel="call")
    r = alice_client.post(reverse("goal_archive", args=[goal.pk]))
    assert r["Location"] == reverse("goals")
    goal.refresh_from_db()
    assert goal.archived_at == NOW
    listed = _main(alice_client, reverse("goals"))
    assert 'class="card goal"' not in listed and "Calls" in listed and "Bring back" in listed
    before = _main(alice_client, reverse("goal_detail", args=[goal.pk]))
    assert '<span class="big-number">10%</span>' in before

    clock.move_to(datetime(2025, 6, 20, 12, tzinfo=UTC))
    alice_client.post(reverse("goal_restore", args=[goal.pk]))
    goal.refresh_from_db()
    assert goal.archived_at is None
    # 12 to 19 June were whole days set aside; today (the 20th) counts as usual.
    assert sorted(GoalSkip.objects.filter(goal=goal).values_list("day", flat=True)) == [
        date(2025, 6, d) for d in range(12, 20)
    ]
    m = 0.5 ** (math.sqrt(1 / 7) / 13)
    # 11 days up to the 11th, then the 20th: the call is out of the 14-day window
    # by then (v = 0), so S = (1/2)(1 - m^11) m.
    expected = round(100 * 0.5 * (1 - m**11) * m)
    assert f'<span class="big-number">{expected}%</span>' in _main(
        alice_client, reverse("goal_detail", args=[goal.pk])
    )


def test_a_set_aside_goal_shows_its_weeks_up_to_the_day_it_was_set_aside(
    alice_client: Client, alice: User
) -> None:
    # Set aside on Tuesday 3 June; a call on the 2nd counts, one on the 5th (after
    # it was set aside, the same week) doesn't. Today is the 11th, a week later.
    goal = _goal(alice, archived_at=_at(date(2025, 6, 3)))
    contact(alice, [], happened_at=_at(date(2025, 6, 2)), channel="call")
    contact(alice, [], happened_at=_at(date(2025, 6, 5)), channel="call")
    weeks = _main(alice_client, reverse("goal_detail", args=[goal.pk]))
    weeks = weeks[weeks.index('id="weeks-heading"') : weeks.index('id="rest-heading"')]
    assert "1 in the week of 1 Jun" in weeks
    assert "this week" not in weeks and "last week" not in weeks
    assert "2 in" not in weeks


def test_delete_asks_first(alice_client: Client, alice: User) -> None:
    goal = _goal(alice, title="Walks")
    GoalSkip.objects.create(owner=alice, goal=goal, day=TODAY)
    html = _main(alice_client, reverse("goal_delete", args=[goal.pk]))
    assert "Delete “Walks”?" in html and "Set aside instead" in html
    assert Goal.objects.filter(pk=goal.pk).exists()
    r = alice_client.post(reverse("goal_delete", args=[goal.pk]))
    assert r["Location"] == reverse("goals")
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert not GoalSkip.objects.exists()


# --- Only your own -------------------------------------------------------------------------------


def test_another_persons_goal_is_not_found_everywhere(
    alice_client: Client, alice: User, bob: User
) -> None:
    goal = _goal(bob, title="Bob's goal")
    skip = GoalSkip.objects.create(owner=bob, goal=goal, day=TODAY)
    mine = _goal(alice)
    data = {"title": "x", "measure": "call", "times": "1", "per_days": "7", "today": "1"}
    for name in ("goal_detail", "goal_edit", "goal_delete"):
        assert alice_client.get(reverse(name, args=[goal.pk])).status_code == 404, name
    for name in ("goal_edit", "goal_skip", "goal_archive", "goal_restore", "goal_delete"):
        assert alice_client.post(reverse(name, args=[goal.pk]), data).status_code == 404, name
    remove = reverse("goal_skip_remove", args=[goal.pk, skip.pk])
    assert alice_client.post(remove).status_code == 404
    # Bob's day set aside can't be reached through Alice's own goal either.
    remove = reverse("goal_skip_remove", args=[mine.pk, skip.pk])
    assert alice_client.post(remove).status_code == 404
    goal.refresh_from_db()
    assert (goal.title, goal.archived_at) == ("Bob's goal", None)
    assert GoalSkip.objects.filter(pk=skip.pk).exists()
    assert "Bob&#x27;s goal" not in _main(alice_client, reverse("goals"))


def test_pages_are_gentle(alice_client: Client, alice: User) -> None:
    goal = _goal(alice)
    _goal(alice, archived_at=NOW)
    for url in (
        reverse("goals"),
        reverse("goal_new"),
        reverse("goal_detail", args=[goal.pk]),
        reverse("goal_edit", args=[goal.pk]),
        reverse("goal_delete", args=[goal.pk]),
    ):
        r = alice_client.get(url)
        assert r.status_code == 200
        _kind(r.content.decode())
        assert 'href="/static/css/goals.css"' in r.content.decode() or "delete" in url
        assert 'href="/insights/" aria-current="page"' in r.content.decode()


def test_goal_pages_need_a_login(client: Client, alice: User) -> None:
    goal = _goal(alice)
    for url in (reverse("goals"), reverse("goal_detail", args=[goal.pk])):
        assert client.get(url)["Location"].startswith(reverse("login"))
