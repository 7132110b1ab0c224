"""When an alert is due and what the partner reads, worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from kithkin.accounts.models import User
from kithkin.partners import alerts
from kithkin.partners.models import ShareItem
from kithkin.partners.tests.factories import (
    NOW,
    PAGE_MARKERS,
    SECRET_NOTE,
    SECRET_TAG,
    TODAY,
    everything,
    partnership,
)

UNKIND = ("streak", "missed", "failed", "behind", "overdue", "worrying", "urgent", "warning")
MON, TUE, WED, THU = date(2025, 6, 9), date(2025, 6, 10), date(2025, 6, 11), date(2025, 6, 12)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


# --- No check-in -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "today", "days", "due"),
    [
        (MON, WED, 2, False),  # Tuesday is the only whole day so far
        (MON, THU, 2, True),  # Tuesday and Wednesday
        (MON, THU, 3, False),
        (WED, WED, 2, False),  # checked in today
        (date(2025, 5, 28), WED, 14, False),  # 29 May - 10 June: 13 whole days
        (date(2025, 5, 27), WED, 14, True),  # 28 May - 10 June: 14
        (None, WED, 2, False),  # nothing to count from
        (MON, THU, 0, False),
    ],
)
def test_no_checkin_alert_due(last: date | None, today: date, days: int, due: bool) -> None:
    assert alerts.no_checkin_alert_due(last, today, days) is due


# --- Lowest mood -----------------------------------------------------------------------------


def _days(**moods: int) -> dict[date, int]:
    """d9=1 means 9 June at mood 1."""
    return {date(2025, 6, int(k[1:])): v for k, v in moods.items()}


@pytest.mark.parametrize(
    ("moods", "days", "due"),
    [
        (_days(d9=1, d10=1, d11=1), 3, True),  # ending today
        (_days(d8=1, d9=1, d10=1), 3, True),  # ending yesterday, nothing yet today
        (_days(d7=1, d8=1, d9=1), 3, False),  # ended two days ago: old news
        (_days(d9=1, d10=1, d11=2), 3, False),  # a better day today ends it
        (_days(d8=1, d10=1, d11=1), 3, False),  # no check-in on the 9th breaks the run
        (_days(d9=1, d10=2, d11=1), 3, False),
        (_days(d10=1, d11=1), 3, False),  # only two days so far
        (_days(d10=1, d11=1), 2, True),
        (_days(d5=1, d6=1, d7=1, d8=1, d9=1, d10=1, d11=1), 7, True),
        (_days(d9=1, d10=1, d11=1, d12=4), 3, True),  # a day after today is ignored
        ({}, 3, False),
        (_days(d11=1), 0, False),
    ],
)
def test_low_mood_alert_due(moods: dict[date, int], days: int, due: bool) -> None:
    assert alerts.low_mood_alert_due(moods, WED, days) is due


# --- Which alert, from the partnership -------------------------------------------------------


@pytest.mark.django_db
def test_alert_reason_counts_from_consent_and_prefers_low_mood(alice: User) -> None:
    p = partnership(alice, alert_no_checkin_days=2, alert_low_mood_days=2, alert_consent_at=NOW)
    # Last check-in weeks ago, but alerts were turned on Monday: due from Thursday.
    assert alerts.alert_reason(p, date(2025, 5, 1), {}, WED, consent_day=MON) is None
    assert alerts.alert_reason(p, date(2025, 5, 1), {}, THU, consent_day=MON) == alerts.NO_CHECKIN
    # Low days from before consent don't count.
    low = _days(d10=1, d11=1)
    assert alerts.alert_reason(p, WED, low, WED, consent_day=WED) is None
    assert alerts.alert_reason(p, WED, low, WED, consent_day=TUE) == alerts.LOW_MOOD
    p.alert_consent_at = None
    assert alerts.alert_reason(p, WED, low, WED, consent_day=TUE) is None


# --- The words -------------------------------------------------------------------------------


def _kind(text: str) -> None:
    lower = text.lower()
    for word in UNKIND:
        assert word not in lower, word


@pytest.mark.django_db
def test_the_no_checkin_alert_is_short_and_suggests_reaching_out(alice: User) -> None:
    alice.first_name = "Alice"
    alice.save()
    everything(alice)
    p = partnership(alice, name="Robin", shares=ShareItem.values, alert_no_checkin_days=4)
    text = alerts.alert_text(p, alerts.NO_CHECKIN)
    # Still true when it is sent again three days later with no check-in since.
    assert text.startswith("Hi Robin,\n\nAlice hasn't checked in on Kithkin in the last 4 days.")
    assert "reach out" in text
    assert "nothing else" in text and "turn it off at any time" in text
    for marker in PAGE_MARKERS.values():
        assert marker not in text
    assert SECRET_NOTE not in text
    _kind(text)
    assert alerts.alert_subject(p, alerts.NO_CHECKIN) == "A note about Alice"


@pytest.mark.django_db
def test_the_low_mood_alert_is_warm_and_factual(alice: User) -> None:
    p = partnership(alice, name="Robin", alert_low_mood_days=3)
    text = alerts.alert_text(p, alerts.LOW_MOOD)
    assert "alice has noted their mood as very low on each of the last 3 days" in text
    assert "You don't need to fix anything" in text
    assert "local emergency number" in text
    _kind(text)
    with pytest.raises(ValueError, match="Unknown alert reason"):
        alerts.alert_text(p, "bored")


@pytest.mark.django_db
def test_the_words_are_in_the_partners_language_or_else_the_persons(alice: User, bob: User) -> None:
    alice.locale = "en"
    bob.locale = "en-gb"
    linked = partnership(alice, bob, alert_no_checkin_days=2)
    assert alerts._language(linked) == "en-gb"
    assert alerts._language(partnership(alice)) == "en"


@pytest.mark.django_db
def test_the_weekly_summary_has_only_shared_items_and_how_to_stop_it(alice: User) -> None:
    everything(alice)
    shared = [i for i in ShareItem.values if i != ShareItem.MOOD]
    p = partnership(alice, name="Gran", email="gran@example.org", weekly_email=True, shares=shared)
    text = alerts.weekly_summary_text(p, TODAY)
    assert text.startswith("Hi Gran,\n\nHere is what alice chose to share with you")
    assert "- Tue 10 Jun: energy: running low; slept 7.5 hours; rested: mostly; " in text
    assert "did something meaningful; felt connected: quite connected" in text
    assert "very good" not in text.lower()  # mood isn't shared
    assert "- Walk with Jo weekly (once a week): " in text
    assert "Wellbeing (WHO-5)" in text and "low wellbeing" in text
    assert "Loneliness (UCLA 3-item)" in text and "often called lonely" in text
    assert "- Thu 12 Jun, 19:00: Choir practice" in text  # the plan's own London time
    assert "ask alice to turn it off" in text
    assert SECRET_NOTE not in text and SECRET_TAG not in text
    _kind(text)
    assert alerts.weekly_summary_subject(p) == "alice's week on Kithkin"


@pytest.mark.django_db
def test_the_weekly_summary_with_nothing_shared_says_so(alice: User) -> None:
    everything(alice)
    p = partnership(alice, name="Gran")
    text = alerts.weekly_summary_text(p, TODAY)
    assert "alice isn't sharing anything at the moment." in text
    for marker in PAGE_MARKERS.values():
        assert marker not in text
    assert "ask alice to turn it off" in text


@pytest.mark.django_db
def test_the_weekly_summary_covers_seven_days(alice: User) -> None:
    from kithkin.wellbeing.models import CheckIn

    CheckIn.objects.create(owner=alice, day=date(2025, 6, 5), mood=2)  # 7 days: 5-11 June
    CheckIn.objects.create(owner=alice, day=date(2025, 6, 4), mood=4)
    p = partnership(alice, shares=[ShareItem.MOOD])
    text = alerts.weekly_summary_text(p, TODAY)
    assert "Check-ins (1 day):\n- Thu 5 Jun: mood: low" in text
    assert "good" not in text
