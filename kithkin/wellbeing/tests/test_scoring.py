from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithkin.wellbeing import scoring
from kithkin.wellbeing.scoring import ScoreError

D = date(2026, 3, 2)


def day(n: int) -> date:
    return D + timedelta(days=n)


# --- UCLA-3 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([1, 1, 1], 3, "less_lonely"),
        ([2, 2, 1], 5, "less_lonely"),
        ([2, 2, 2], 6, "lonely"),
        ([3, 1, 2], 6, "lonely"),
        ([3, 3, 3], 9, "lonely"),
    ],
)
def test_ucla3_sums_three_answers_into_a_range(answers: list[int], total: int, band: str) -> None:
    assert scoring.ucla3(answers) == total
    assert scoring.ucla3_range(total) == band


@pytest.mark.parametrize("answers", [[], [1, 2], [1, 2, 3, 1], [0, 1, 1], [1, 4, 1], [True, 1, 1]])
def test_ucla3_refuses_answers_that_dont_fit(answers: list[int]) -> None:
    with pytest.raises(ScoreError):
        scoring.ucla3(answers)


def test_ons_direct_question_takes_one_to_five() -> None:
    assert scoring.ons_direct(1) == 1
    assert scoring.ons_direct(5) == 5
    for bad in (0, 6, -1):
        with pytest.raises(ScoreError):
            scoring.ons_direct(bad)


# --- WHO-5 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "score", "band"),
    [
        ([0, 0, 0, 0, 0], 0, "low"),
        ([3, 3, 2, 2, 2], 48, "low"),  # 12 x 4
        ([3, 3, 3, 2, 2], 52, "fine"),  # 13 x 4
        ([5, 5, 5, 5, 5], 100, "fine"),
    ],
)
def test_who5_is_the_raw_sum_times_four(answers: list[int], score: int, band: str) -> None:
    assert scoring.who5(answers) == score
    assert scoring.who5_range(score) == band


def test_who5_fifty_is_still_the_low_range() -> None:
    assert scoring.who5_range(50) == "low"
    assert scoring.who5_range(51) == "fine"


@pytest.mark.parametrize("answers", [[5, 5, 5, 5], [6, 0, 0, 0, 0], [-1, 0, 0, 0, 0]])
def test_who5_refuses_answers_that_dont_fit(answers: list[int]) -> None:
    with pytest.raises(ScoreError):
        scoring.who5(answers)


def test_a_who5_change_counts_from_ten_points() -> None:
    assert scoring.who5_change(40, 50) == "up"
    assert scoring.who5_change(50, 41) == "steady"
    assert scoring.who5_change(60, 50) == "down"


# --- Strength ------------------------------------------------------------------------------


def test_the_multiplier_follows_loop() -> None:
    assert scoring.multiplier(1, 1) == pytest.approx(0.5 ** (1 / 13))
    assert scoring.multiplier(1, 1) == pytest.approx(0.948078, abs=1e-6)
    assert scoring.multiplier(3, 7) == pytest.approx(0.5 ** ((3 / 7) ** 0.5 / 13))


def test_no_data_is_a_score_of_zero() -> None:
    assert scoring.strength({}, day(0), day(30), 1, 7) == 0.0
    assert scoring.strength_series({}, day(0), day(2), 1, 1) == [0.0, 0.0, 0.0]
    assert scoring.strength({}, day(5), day(0), 1, 1) == 0.0


def test_one_daily_thing_on_one_day() -> None:
    m = 0.5 ** (1 / 13)
    assert scoring.strength({day(0): 1}, day(0), day(0), 1, 1) == pytest.approx(1 - m)
    assert scoring.strength({day(0): 1}, day(0), day(0), 1, 1) == pytest.approx(0.051922, abs=1e-6)
    # The next day, with nothing done, it decays by m.
    assert scoring.strength({day(0): 1}, day(0), day(1), 1, 1) == pytest.approx((1 - m) * m)


def test_a_weekly_goal_counts_over_a_doubled_window() -> None:
    # Once a week: Loop looks at 2 in 14 days, so one call is half the target
    # for the next fourteen days.
    m = 0.5 ** ((1 / 7) ** 0.5 / 13)
    assert m == pytest.approx(0.980049, abs=1e-6)
    s = scoring.strength({day(0): 1}, day(0), day(1), 1, 7)
    assert s == pytest.approx(0.5 * (1 - m * m))
    assert s == pytest.approx(0.019752, abs=1e-6)


def test_a_skip_day_leaves_the_score_as_it_was() -> None:
    one = scoring.strength({day(0): 1}, day(0), day(0), 1, 1)
    assert scoring.strength({day(0): 1}, day(0), day(1), 1, 1, skips={day(1)}) == one
    series = scoring.strength_series({day(0): 1}, day(0), day(2), 1, 1, skips={day(1)})
    assert series[0] == series[1] == one
    assert series[2] == pytest.approx(one * 0.5 ** (1 / 13))


def test_one_missed_day_after_a_long_run_barely_moves_it() -> None:
    counts = {day(i): 1 for i in range(100)}
    before = scoring.strength(counts, day(0), day(99), 1, 1)
    after = scoring.strength(counts, day(0), day(100), 1, 1)
    assert before > 0.99
    assert before - after < 0.06
    assert after > 0.93


def test_keeping_a_weekly_rhythm_reaches_full_strength() -> None:
    same_day = {day(7 * w): 1 for w in range(80)}
    assert scoring.strength(same_day, day(0), day(7 * 80 - 1), 1, 7) > 0.99
    shifting = {day(7 * w + w % 3): 1 for w in range(80)}  # a different weekday each week
    assert scoring.strength(shifting, day(0), day(7 * 80 - 1), 1, 7) > 0.9


def test_more_than_the_target_counts_as_the_target() -> None:
    assert scoring.strength({day(0): 5}, day(0), day(0), 1, 1) == scoring.strength(
        {day(0): 1}, day(0), day(0), 1, 1
    )


def test_things_outside_the_period_dont_count() -> None:
    assert scoring.strength({day(-3): 1, day(40): 1}, day(0), day(30), 1, 7) == 0.0


def test_a_goal_needs_a_positive_target() -> None:
    with pytest.raises(ScoreError):
        scoring.multiplier(0, 7)
    with pytest.raises(ScoreError):
        scoring.multiplier(1, 0)


@given(
    done=st.dictionaries(st.integers(0, 120), st.integers(0, 4), max_size=40),
    skipped=st.sets(st.integers(-5, 125), max_size=20),
    times=st.integers(1, 5),
    per_days=st.integers(1, 35),
    length=st.integers(0, 125),
)
def test_the_fast_score_matches_the_day_by_day_one(
    done: dict[int, int], skipped: set[int], times: int, per_days: int, length: int
) -> None:
    counts = {day(k): v for k, v in done.items()}
    skips = {day(k) for k in skipped}
    series = scoring.strength_series(counts, day(0), day(length), times, per_days, skips)
    fast = scoring.strength(counts, day(0), day(length), times, per_days, skips)
    assert fast == pytest.approx(series[-1], abs=1e-9)
    assert 0.0 <= fast <= 1.0


# --- Lift and drain -----------------------------------------------------------------------


def test_lift_drain_says_nothing_below_the_minimum() -> None:
    few = scoring.lift_drain(["lifted"] * 4)
    assert (few.total, few.enough, few.leaning) == (4, False, "unknown")
    empty = scoring.lift_drain([])
    assert (empty.total, empty.share("lifted"), empty.leaning) == (0, 0.0, "unknown")


def test_lift_drain_counts_and_leans() -> None:
    ld = scoring.lift_drain(["lifted", "lifted", "lifted", "neutral", "drained", ""])
    assert (ld.lifted, ld.neutral, ld.drained, ld.total) == (3, 1, 1, 5)
    assert ld.share("lifted") == pytest.approx(0.6)
    assert (ld.leaning, ld.certainty) == ("lifts", "early")
    drains = scoring.lift_drain(["drained"] * 6 + ["lifted"] * 6)
    assert (drains.leaning, drains.certainty) == ("drains", "steadier")
    assert scoring.lift_drain(["neutral"] * 5).leaning == "mixed"


# --- Associations ------------------------------------------------------------------------------


def test_associations_compare_mood_with_and_without() -> None:
    moods = {day(0): 4, day(1): 2, day(2): 5, day(3): 2, day(4): 3, day(5): 1}
    factors = {day(0): {"call"}, day(2): {"call"}, day(4): {"call", "walk"}}
    found = scoring.associations(moods, factors)
    same_day = next(a for a in found if a.factor == "call" and a.lag == 0)
    # With: 4, 5, 3 → 4.0; without: 2, 2, 1 → 5/3.
    assert same_day.days == 3
    assert same_day.mean_with == pytest.approx(4.0)
    assert same_day.mean_without == pytest.approx(5 / 3)
    next_day = next(a for a in found if a.factor == "call" and a.lag == 1)
    # Next days: day 1 (2), day 3 (2), day 5 (1) → 5/3; without: 4, 5, 3 → 4.0.
    assert next_day.mean_with == pytest.approx(5 / 3)
    assert next_day.difference == pytest.approx(5 / 3 - 4)
    assert found[0] is same_day  # biggest lift first
    assert not any(a.factor == "walk" for a in found)  # one day is too few


def test_associations_with_no_data_or_one_point() -> None:
    assert scoring.associations({}, {day(0): {"call"}}) == []
    assert scoring.associations({day(0): 3}, {day(0): {"call"}}) == []
    assert scoring.associations({day(0): 3}, {}) == []


# --- A hard stretch ------------------------------------------------------------------------------


def test_three_lowest_days_running_is_a_hard_stretch() -> None:
    moods = {day(0): 1, day(1): 1, day(2): 1}
    assert scoring.hard_stretch(moods, day(2))
    assert scoring.hard_stretch(moods, day(3))  # not checked in yet today
    assert not scoring.hard_stretch(moods, day(4))  # two days on, it has passed
    assert not scoring.hard_stretch({**moods, day(3): 3}, day(3))
    assert not scoring.hard_stretch({day(0): 1, day(2): 1, day(3): 1}, day(3))  # a gap
    assert not scoring.hard_stretch({day(0): 1, day(1): 2, day(2): 1}, day(2))
    assert not scoring.hard_stretch({}, day(0))
    assert not scoring.hard_stretch({day(9): 1}, day(0))
