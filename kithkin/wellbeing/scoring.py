"""The scores Kithkin shows, as pure functions: no database, no clock.

- UCLA 3-item loneliness scale (Hughes, Waite, Hawkley & Cacioppo, Research on
  Aging 2004) with the UK Office for National Statistics' direct question.
- WHO-5 Well-Being Index (Psychiatric Centre North Zealand; Topp et al. 2015).
- The forgiving strength score of Loop Habit Tracker (Score.kt / ScoreList.kt).
- Lift and drain per person, and what goes with better mood (Daylio-style).

Results are ranges and leanings, never a diagnosis.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

ONE_DAY = timedelta(days=1)


class ScoreError(ValueError):
    """Answers that don't fit the questionnaire."""


# --- UCLA 3-item loneliness scale --------------------------------------------

UCLA3_ITEMS = 3
UCLA3_MIN_ANSWER, UCLA3_MAX_ANSWER = 1, 3  # hardly ever, some of the time, often
UCLA3_LONELY_FROM = 6  # 6-9 is commonly reported as the lonely range; no clinical cut-off

# The ONS direct question "How often do you feel lonely?", stored 1..5.
ONS_NEVER, ONS_HARDLY_EVER, ONS_OCCASIONALLY, ONS_SOME_OF_THE_TIME, ONS_OFTEN = 1, 2, 3, 4, 5


def ucla3(answers: Sequence[int]) -> int:
    """The total, 3-9, of three answers each 1 (hardly ever) to 3 (often)."""
    _check(answers, UCLA3_ITEMS, UCLA3_MIN_ANSWER, UCLA3_MAX_ANSWER)
    return sum(answers)


def ucla3_range(total: int) -> str:
    """ "lonely" for 6-9 (the range often called lonely), "less_lonely" for 3-5."""
    if not 3 <= total <= 9:
        raise ScoreError(f"A UCLA-3 total is between 3 and 9, not {total}.")
    return "lonely" if total >= UCLA3_LONELY_FROM else "less_lonely"


def ons_direct(answer: int) -> int:
    if not isinstance(answer, int) or isinstance(answer, bool) or not 1 <= answer <= 5:
        raise ScoreError(
            "The direct question takes an answer from 1 (never) to 5 (often or always)."
        )
    return answer


# --- WHO-5 Well-Being Index ----------------------------------------------------

WHO5_ITEMS = 5
WHO5_MIN_ANSWER, WHO5_MAX_ANSWER = 0, 5  # at no time ... all of the time
WHO5_LOW_AT_OR_BELOW = 50  # ≤ 50 suggests poor wellbeing (Topp et al. 2015)
WHO5_MEANINGFUL_CHANGE = 10


def who5(answers: Sequence[int]) -> int:
    """The percentage score 0-100: five answers each 0-5, summed (0-25), times 4."""
    _check(answers, WHO5_ITEMS, WHO5_MIN_ANSWER, WHO5_MAX_ANSWER)
    return sum(answers) * 4


def who5_range(score: int) -> str:
    """ "low" at 50 or below (the range often linked with poor wellbeing), else "fine"."""
    if not 0 <= score <= 100:
        raise ScoreError(f"A WHO-5 score is between 0 and 100, not {score}.")
    return "low" if score <= WHO5_LOW_AT_OR_BELOW else "fine"


def who5_change(before: int, after: int) -> str:
    """ "up" or "down" for a change of 10 points or more, else "steady"."""
    diff = after - before
    if diff >= WHO5_MEANINGFUL_CHANGE:
        return "up"
    if diff <= -WHO5_MEANINGFUL_CHANGE:
        return "down"
    return "steady"


def _check(answers: Sequence[int], items: int, low: int, high: int) -> None:
    if len(answers) != items:
        raise ScoreError(f"This takes {items} answers, not {len(answers)}.")
    for i, a in enumerate(answers, 1):
        if not isinstance(a, int) or isinstance(a, bool) or not low <= a <= high:
            raise ScoreError(f"Answer {i} should be a whole number from {low} to {high}.")


# --- The forgiving strength score (Loop Habit Tracker) ---------------------------


def multiplier(times: int, per_days: int) -> float:
    """m = 0.5^(√f / 13) with f = times / per_days, the target repetitions per day."""
    if times < 1 or per_days < 1:
        raise ScoreError("A goal needs at least once in at least one day.")
    return 0.5 ** (math.sqrt(times / per_days) / 13)


def _window(times: int, per_days: int) -> tuple[int, int]:
    # Loop doubles the window of a less-than-daily target, so a weekly thing done
    # on a different weekday each week still counts as every week.
    if times < per_days:
        return times * 2, per_days * 2
    return times, per_days


def strength_series(
    counts: Mapping[date, int],
    start: date,
    end: date,
    times: int,
    per_days: int,
    skips: Collection[date] = (),
) -> list[float]:
    """The score for every day from start to end, one day at a time.

    Each day: v = min(1, things done in the window ending today / target in it),
    S = S·m + v·(1 - m); on a skip day S stays as it was. Things before `start`
    don't count. This is the reference `strength` is checked against.
    """
    m = multiplier(times, per_days)
    numerator, denominator = _window(times, per_days)
    score, rolling, out = 0.0, 0, []
    day, first = start, start
    while day <= end:
        rolling += counts.get(day, 0)
        gone = day - timedelta(days=denominator)
        if gone >= first:
            rolling -= counts.get(gone, 0)
        if day not in skips:
            v = min(1.0, rolling / numerator)
            score = score * m + v * (1 - m)
        out.append(score)
        day += ONE_DAY
    return out


def strength(
    counts: Mapping[date, int],
    start: date,
    end: date,
    times: int,
    per_days: int,
    skips: Collection[date] = (),
) -> float:
    """The score on `end`, 0..1, as `strength_series` would give it.

    Works in runs of days on which nothing changes, so its cost grows with the
    number of days something was done, not with the length of the period.
    """
    if end < start:
        return 0.0
    m = multiplier(times, per_days)
    numerator, denominator = _window(times, per_days)
    span = timedelta(days=denominator)
    done = {d: n for d, n in counts.items() if start <= d <= end and n}
    breaks = {start, end + ONE_DAY}
    for d in done:
        breaks.add(d)
        if d + span <= end:
            breaks.add(d + span)
    for s in skips:
        if start <= s <= end:
            breaks.update((s, s + ONE_DAY))
    points = sorted(breaks)
    score, rolling = 0.0, 0
    for here, following in pairwise(points):
        rolling += done.get(here, 0) - done.get(here - span, 0)
        run = (following - here).days
        if here in skips:
            run -= 1  # the skip day itself, which is its own run of one
        if run > 0:
            v = min(1.0, rolling / numerator)
            keep = m**run
            score = score * keep + v * (1 - keep)
    return score


# --- Lift and drain ---------------------------------------------------------------

MIN_FEELINGS = 5  # below this, nothing is said about a person
STEADY_FEELINGS = 12  # from this, a leaning is more than an early sign


@dataclass(frozen=True)
class LiftDrain:
    lifted: int
    neutral: int
    drained: int

    @property
    def total(self) -> int:
        return self.lifted + self.neutral + self.drained

    @property
    def enough(self) -> bool:
        return self.total >= MIN_FEELINGS

    def share(self, which: str) -> float:
        return getattr(self, which) / self.total if self.total else 0.0

    @property
    def leaning(self) -> str:
        """ "lifts", "drains", "mixed" or "unknown" (too few feelings to say)."""
        if not self.enough:
            return "unknown"
        if self.share("lifted") >= 0.6:
            return "lifts"
        if self.share("drained") >= 0.5:
            return "drains"
        return "mixed"

    @property
    def certainty(self) -> str:
        """ "early" while the sample is small, "steadier" after."""
        return "steadier" if self.total >= STEADY_FEELINGS else "early"


def lift_drain(feelings: Iterable[str]) -> LiftDrain:
    """Count feelings after contacts ("lifted", "neutral", "drained"; blanks ignored)."""
    n = {"lifted": 0, "neutral": 0, "drained": 0}
    for f in feelings:
        if f in n:
            n[f] += 1
    return LiftDrain(**n)


# --- What goes with better mood ------------------------------------------------------

MIN_ASSOCIATION_DAYS = 3


@dataclass(frozen=True)
class Association:
    factor: str
    lag: int  # 0 = mood the same day, 1 = mood the next day
    days: int  # days with the factor and a mood to compare
    mean_with: float
    mean_without: float

    @property
    def difference(self) -> float:
        return self.mean_with - self.mean_without


def associations(
    moods: Mapping[date, int],
    factors: Mapping[date, Collection[str]],
    lags: Sequence[int] = (0, 1),
    min_days: int = MIN_ASSOCIATION_DAYS,
) -> list[Association]:
    """For each factor and lag, the mean mood on days after it vs other check-in days.

    A day "with" factor F at lag L is a check-in day d whose day d - L had F.
    Only factors with at least `min_days` such days and at least one day without
    are kept; the biggest lift in mood first. An association, not a cause.
    """
    if not moods:
        return []
    names = sorted({f for fs in factors.values() for f in fs})
    out = []
    for lag in lags:
        shift = timedelta(days=lag)
        for name in names:
            with_: list[int] = []
            without: list[int] = []
            for day, mood in moods.items():
                (with_ if name in factors.get(day - shift, ()) else without).append(mood)
            if len(with_) >= min_days and without:
                out.append(
                    Association(
                        name, lag, len(with_), sum(with_) / len(with_), sum(without) / len(without)
                    )
                )
    out.sort(key=lambda a: (-a.difference, -a.days, a.factor, a.lag))
    return out


# --- A hard stretch ---------------------------------------------------------------------

LOWEST_MOOD = 1
HARD_STRETCH_DAYS = 3


def hard_stretch(moods: Mapping[date, int], today: date, days: int = HARD_STRETCH_DAYS) -> bool:
    """Whether the latest check-ins are `days` days running at the lowest mood,
    the latest of them today or yesterday."""
    if not moods:
        return False
    latest = max(d for d in moods if d <= today) if any(d <= today for d in moods) else None
    if latest is None or latest < today - ONE_DAY:
        return False
    return all(moods.get(latest - timedelta(days=i)) == LOWEST_MOOD for i in range(days))
