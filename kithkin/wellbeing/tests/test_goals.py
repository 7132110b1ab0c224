"""Gentle goals: what counts, per local day, and the pure pieces of progress."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.circle.tests.factories import contact, person
from kithkin.wellbeing import goals, scoring
from kithkin.wellbeing.models import CheckIn, Goal, GoalSkip

NOW = datetime(2025, 6, 11, 12, 0, tzinfo=UTC)  # a Wednesday; 13:00 in London
TODAY = date(2025, 6, 11)
SUNDAY, MONDAY = 6, 0


def _at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _goal(owner: User, measure: str, began: date = date(2025, 6, 1), **extra: object) -> Goal:
    extra.setdefault("times", 1)
    extra.setdefault("per_days", 7)
    return Goal.objects.create(
        owner=owner, title=measure, measure=measure, created_at=_at(began, 8), **extra
    )


# --- Pure pieces --------------------------------------------------------------------------


def test_weeks_start_on_the_first_day_of_the_week_of_the_language() -> None:
    assert goals.week_start(TODAY, SUNDAY) == date(2025, 6, 8)
    assert goals.week_start(TODAY, MONDAY) == date(2025, 6, 9)
    assert goals.week_start(date(2025, 6, 8), SUNDAY) == date(2025, 6, 8)


def test_the_current_period_is_this_week_two_weeks_or_month() -> None:
    counts = {date(2025, 6, 9): 1, date(2025, 6, 2): 1, date(2025, 5, 31): 4}
    week = goals.current_period(7, 1, counts, date(2025, 5, 1), TODAY, MONDAY)
    assert (week.start, week.end, week.done, week.reached) == (
        date(2025, 6, 9),
        date(2025, 6, 15),
        1,
        True,
    )
    # Two-week blocks count from the week the goal began (Monday 19 May here).
    fortnight = goals.current_period(14, 3, counts, date(2025, 5, 21), TODAY, MONDAY)
    assert (fortnight.start, fortnight.end, fortnight.done) == (
        date(2025, 6, 2),
        date(2025, 6, 15),
        2,
    )
    assert not fortnight.reached
    month = goals.current_period(30, 3, counts, date(2025, 5, 1), TODAY, MONDAY)
    assert (month.start, month.end, month.done) == (date(2025, 6, 1), date(2025, 6, 30), 2)
    rolling = goals.current_period(10, 1, counts, date(2025, 5, 1), TODAY, MONDAY)
    assert (rolling.start, rolling.end, rolling.done) == (date(2025, 6, 2), TODAY, 2)


def test_weekly_counts_go_back_eight_weeks_or_to_when_the_goal_began() -> None:
    counts = {date(2025, 6, 10): 2, date(2025, 6, 8): 1, date(2025, 6, 3): 1}
    weeks = goals.weekly_counts(counts, date(2025, 5, 1), TODAY, SUNDAY)
    assert len(weeks) == 7  # back to the week of 27 April, when the goal began
    assert [(w.start, w.count) for w in weeks[:3]] == [
        (date(2025, 6, 8), 3),
        (date(2025, 6, 1), 1),
        (date(2025, 5, 25), 0),
    ]
    assert len(goals.weekly_counts(counts, date(2024, 1, 1), TODAY, SUNDAY)) == 8


def test_weekly_counts_stop_at_the_last_day_read() -> None:
    # A goal set aside on Tuesday 3 June is read up to then: later days that week
    # (in `counts`, read up to today) don't count.
    counts = {date(2025, 6, 2): 1, date(2025, 6, 5): 1}
    weeks = goals.weekly_counts(counts, date(2025, 5, 20), date(2025, 6, 3), MONDAY)
    assert [(w.start, w.count) for w in weeks[:2]] == [
        (date(2025, 6, 2), 1),
        (date(2025, 5, 26), 0),
    ]


def test_wins_and_progress_are_worded_without_loss() -> None:
    reached = goals.Period(TODAY, TODAY, "this week", 1, 1)
    assert goals.win_message("call", reached, 7) == "That's this week's call — well done."
    three = goals.Period(TODAY, TODAY, "this week", 3, 3)
    assert goals.win_message("checkin", three, 7) == "That's this week's 3 check-ins — well done."
    assert goals.win_message("gathering", reached, 30) == (
        "That's this month's gathering — well done."
    )
    assert goals.so_far(goals.Period(TODAY, TODAY, "this week", 0, 1)) == (
        "None yet this week — whenever you're ready."
    )
    assert goals.so_far(goals.Period(TODAY, TODAY, "this week", 1, 3)) == "1 of 3 this week"
    assert goals.rhythm(1, 7) == "Once a week"
    assert goals.rhythm(3, 7) == "3 times a week"
    assert goals.rhythm(1, 30) == "Once a month"
    assert goals.rhythm(1, 14) == "Once every two weeks"


def test_the_sparkline_is_a_line_chart_cropped_to_its_plot() -> None:
    chart = goals.sparkline([0.0, 0.5, 1.0], TODAY)
    assert chart is not None
    # 320 x 76 with the chart margins (26 left, 8 right, 8 top, 20 below): the
    # plot runs x 26..312 and y 56 (0) up to 8 (1).
    assert chart.paths == ("M26 56L169 32L312 8",)
    assert goals.plot_box(chart) == "26 8 286 48"
    assert goals.sparkline([], TODAY) is None
    lone = goals.sparkline([0.25], TODAY)
    assert (
        lone is not None and lone.paths == () and [(d.x, d.y) for d in lone.dots] == [(169.0, 44.0)]
    )


def test_skip_runs_group_days_in_a_row_latest_first() -> None:
    runs = goals.skip_runs(
        [(3, date(2025, 6, 3)), (1, date(2025, 6, 1)), (2, date(2025, 6, 2)), (9, TODAY)]
    )
    assert [(r.first_pk, r.start, r.end, r.days) for r in runs] == [
        (9, TODAY, TODAY, 1),
        (1, date(2025, 6, 1), date(2025, 6, 3), 3),
    ]


def test_days_set_aside_are_the_whole_days_in_between() -> None:
    assert goals.set_aside_days(date(2025, 6, 1), date(2025, 6, 4)) == [
        date(2025, 6, 2),
        date(2025, 6, 3),
    ]
    assert goals.set_aside_days(TODAY, TODAY) == []


def test_progress_is_the_forgiving_score_by_hand() -> None:
    # One call on the first day of a weekly goal. Loop doubles the window of a
    # less-than-daily target: 2 in 14 days, so each day v = 1/2 while the call is
    # in the window, and S_n = (1/2)(1 - m^n) with m = 0.5^(sqrt(1/7)/13).
    m = 0.5 ** (math.sqrt(1 / 7) / 13)
    goal = Goal(pk=1, title="Call", measure="call", times=1, per_days=7)
    began = date(2025, 6, 1)
    shown = goals.progress(goal, {began: 1}, (), began, TODAY, SUNDAY)
    assert shown.strength == pytest.approx(0.5 * (1 - m**11))
    assert shown.percent == 10
    assert len(shown.series) == 11
    # Two days set aside: the score stands still on them, so only 9 days move it.
    rested = goals.progress(
        goal, {began: 1}, {date(2025, 6, 5), date(2025, 6, 6)}, began, TODAY, SUNDAY
    )
    assert rested.strength == pytest.approx(0.5 * (1 - m**9))
    assert rested.series[4] == rested.series[3] == rested.series[5]


# --- Counting from the database -------------------------------------------------------------


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_each_measure_counts_what_it_says(alice: User, bob: User, clock) -> None:
    sam, ana = person(alice, "Sam"), person(alice, "Ana")
    day = date(2025, 6, 10)
    contact(alice, [sam], happened_at=_at(day), channel="call", initiated_by="me")
    contact(alice, [sam], happened_at=_at(day, 13), channel="video", initiated_by="them")
    contact(alice, [sam, ana], happened_at=_at(day, 14), channel="in_person")
    contact(alice, [ana], happened_at=_at(day, 15), channel="in_person", initiated_by="them")
    contact(alice, [], happened_at=_at(day, 16), channel="text")
    gone = contact(alice, [sam], happened_at=_at(day, 17), channel="call")
    gone.deleted_at = timezone.now()
    gone.save()
    contact(bob, [person(bob, "Bo")], happened_at=_at(day), channel="call")
    CheckIn.objects.create(owner=alice, day=day, mood=3, meaningful=True)
    CheckIn.objects.create(owner=alice, day=date(2025, 6, 9), mood=3, meaningful=False)
    CheckIn.objects.create(owner=bob, day=date(2025, 6, 8), mood=3, meaningful=True)

    made = {
        m: _goal(alice, m)
        for m in ("contact", "reach_out", "call", "in_person", "gathering", "checkin", "meaningful")
    }
    counts = goals.count_days(alice, list(made.values()), TODAY)
    got = {m: counts[g.pk] for m, g in made.items()}
    assert got == {
        "contact": {day: 5},
        "reach_out": {day: 3},  # the call, the walk together, the text: "me" by default
        "call": {day: 2},
        "in_person": {day: 2},
        "gathering": {day: 1},
        "checkin": {day: 1, date(2025, 6, 9): 1},
        "meaningful": {day: 1},
    }


def test_a_goal_with_one_person_counts_only_them(alice: User, clock) -> None:
    sam, ana = person(alice, "Sam"), person(alice, "Ana")
    day = date(2025, 6, 10)
    contact(alice, [sam], happened_at=_at(day), channel="call")
    contact(alice, [ana], happened_at=_at(day, 13), channel="call")
    contact(alice, [sam, ana], happened_at=_at(day, 14), channel="in_person")
    contact(alice, [ana, person(alice, "Lu")], happened_at=_at(day, 15), channel="in_person")
    with_sam = _goal(alice, "contact", person=sam)
    calls_with_ana = _goal(alice, "call", person=ana)
    gatherings_with_sam = _goal(alice, "gathering", person=sam)
    counts = goals.count_days(alice, [with_sam, calls_with_ana, gatherings_with_sam], TODAY)
    assert counts[with_sam.pk] == {day: 2}
    assert counts[calls_with_ana.pk] == {day: 1}
    assert counts[gatherings_with_sam.pk] == {day: 1}


def test_days_are_local_and_start_on_the_day_the_goal_began(alice: User, clock) -> None:
    # 23:30 UTC on the 9th is 00:30 on the 10th in London (summer time).
    contact(alice, [], happened_at=datetime(2025, 6, 9, 23, 30, tzinfo=UTC), channel="call")
    # The goal began on the 5th (in London): a call on the 4th doesn't count.
    contact(alice, [], happened_at=_at(date(2025, 6, 4)), channel="call")
    goal = Goal.objects.create(
        owner=alice,
        title="Calls",
        measure="call",
        created_at=datetime(2025, 6, 4, 23, 30, tzinfo=UTC),
    )
    assert goals.start_day(goal, alice.zone) == date(2025, 6, 5)
    assert goals.count_days(alice, [goal], TODAY)[goal.pk] == {date(2025, 6, 10): 1}


def test_progress_for_reads_skips_and_keeps_a_set_aside_goals_score(alice: User, clock) -> None:
    goal = _goal(alice, "call", began=date(2025, 6, 1))
    contact(alice, [], happened_at=_at(date(2025, 6, 1), 9), channel="call")
    GoalSkip.objects.create(owner=alice, goal=goal, day=date(2025, 6, 5))
    m = 0.5 ** (math.sqrt(1 / 7) / 13)
    (shown,) = goals.progress_for(alice, [goal], TODAY, SUNDAY)
    assert shown.skips == {date(2025, 6, 5)}
    assert shown.strength == pytest.approx(0.5 * (1 - m**10))
    # Set aside on the 6th (in London): read up to then.
    goal.archived_at = datetime(2025, 6, 6, 10, tzinfo=UTC)
    (kept,) = goals.progress_for(alice, [goal], TODAY, SUNDAY)
    assert kept.strength == pytest.approx(0.5 * (1 - m**5))
    assert kept.strength == pytest.approx(
        scoring.strength(
            {date(2025, 6, 1): 1}, date(2025, 6, 1), date(2025, 6, 6), 1, 7, {date(2025, 6, 5)}
        )
    )


def test_no_goals_no_queries(alice: User, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert goals.progress_for(alice, [], TODAY, SUNDAY) == []


def test_first_weekday_follows_the_language() -> None:
    from django.utils import translation

    with translation.override("en"):
        assert goals.first_weekday() == SUNDAY
    with translation.override("en-gb"):
        assert goals.first_weekday() == MONDAY


def test_presets_are_the_ones_offered() -> None:
    assert [(str(p.title), p.measure, p.times, p.per_days) for p in goals.PRESETS] == [
        ("A call with someone each week", "call", 1, 7),
        ("One gathering a month", "gathering", 1, 30),
        ("Invite one person to a routine walk", "in_person", 1, 14),
        ("Check in three days a week", "checkin", 3, 7),
        ("Reach out first once a week", "reach_out", 1, 7),
    ]
    assert timedelta(days=goals.SKIP_AHEAD_DAYS) == timedelta(days=14)
