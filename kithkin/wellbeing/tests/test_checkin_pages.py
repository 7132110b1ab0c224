from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.today.models import DayEnergy
from kithkin.wellbeing import checkin_rules
from kithkin.wellbeing.models import CheckIn, Measure

pytestmark = pytest.mark.django_db


def _today() -> date:
    return timezone.localdate(timezone=timezone.get_default_timezone())


def _alice_today(alice: User) -> date:
    return timezone.localdate(timezone=alice.zone)


def _html(client: Client, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200, r
    return r.content.decode()


def _post(client: Client, day: date, **fields: Any) -> Any:
    return client.post(reverse("checkin"), {"day": day.isoformat(), **fields})


def _rows() -> list[Any]:
    return list(CheckIn.objects.order_by("pk").values())


def _checked(html: str, name: str) -> list[str]:
    """The values of the checked radio buttons called `name`."""
    return re.findall(rf'<input type="radio" name="{name}" value="([^"]*)"[^>]*checked', html)


# --- The form ---------------------------------------------------------------------


def test_the_page_asks_about_mood_in_words_and_says_only_they_can_see_it(
    alice_client: Client,
) -> None:
    html = _html(alice_client, reverse("checkin"))
    assert "How are you today?" in html
    for words in ("Very low", "Low", "Okay", "Good", "Very good"):
        assert f"<span>{words}</span>" in html
    assert html.count('type="radio" name="mood"') == 5
    for energy in ("Running low", "Some", "Good"):
        assert f"<span>{energy}</span>" in html
    assert 'name="sleep_hours"' in html and 'step="0.5"' in html
    assert "Only you can see your check-ins." in html
    assert f'href="{reverse("privacy")}"' in html
    assert "css/checkin.css" in html
    assert "style=" not in html and "<style" not in html


def test_mood_alone_is_enough(alice_client: Client, alice: User) -> None:
    today = _alice_today(alice)
    r = _post(alice_client, today, mood="3")
    assert r.status_code == 302 and r["Location"] == reverse("checkin")
    saved = CheckIn.objects.get(owner=alice)
    assert (saved.day, saved.mood, saved.energy, saved.sleep_hours) == (today, 3, "", None)
    assert (saved.rested, saved.meaningful, saved.connected, saved.note, saved.tags) == (
        None,
        None,
        None,
        "",
        [],
    )
    html = _html(alice_client, r["Location"])
    assert "Saved. Thank you for checking in." in html
    assert "Save changes" in html


def test_every_field_is_saved_and_shown_again_for_editing(
    alice_client: Client, alice: User
) -> None:
    today = _alice_today(alice)
    _post(
        alice_client,
        today,
        mood="4",
        energy="some",
        sleep_hours="7.5",
        rested="2",
        meaningful="yes",
        connected="5",
        note="  Walked with Sam.  ",
        tags=" Walk, FAMILY,walk, , family ",
    )
    saved = CheckIn.objects.get(owner=alice)
    assert saved.mood == 4 and saved.energy == "some"
    assert saved.sleep_hours == Decimal("7.5")
    assert (saved.rested, saved.meaningful, saved.connected) == (2, True, 5)
    assert saved.note == "Walked with Sam."
    assert saved.tags == ["walk", "family"]
    html = _html(alice_client, reverse("checkin"))
    assert _checked(html, "mood") == ["4"]
    assert _checked(html, "energy") == ["some"]
    assert _checked(html, "rested") == ["2"]
    assert _checked(html, "meaningful") == ["yes"]
    assert _checked(html, "connected") == ["5"]
    assert 'value="7.5"' in html
    assert "walk, family" in html and "Walked with Sam." in html


def test_saving_the_same_day_again_updates_it(alice_client: Client, alice: User) -> None:
    today = _alice_today(alice)
    _post(alice_client, today, mood="2", meaningful="no", tags="tired")
    first = CheckIn.objects.get(owner=alice)
    r = _post(alice_client, today, mood="4", meaningful="", connected="3")
    assert r.status_code == 302
    again = CheckIn.objects.get(owner=alice)
    assert again.pk == first.pk and again.created_at == first.created_at
    assert (again.mood, again.meaningful, again.connected, again.tags) == (4, None, 3, [])
    assert "Updated. Thank you for checking in." in _html(alice_client, r["Location"])


def test_a_whole_hour_of_sleep_reads_back_without_decimals(
    alice_client: Client, alice: User
) -> None:
    _post(alice_client, _alice_today(alice), mood="3", sleep_hours="8")
    assert CheckIn.objects.get().sleep_hours == Decimal("8")
    assert 'value="8"' in _html(alice_client, reverse("checkin"))


def test_energy_is_prefilled_from_today_when_not_yet_said(
    alice_client: Client, alice: User
) -> None:
    today = _alice_today(alice)
    DayEnergy.objects.create(owner=alice, day=today, energy="low")
    assert _checked(_html(alice_client, reverse("checkin")), "energy") == ["low"]
    # A check-in's own energy wins over Today's.
    CheckIn.objects.create(owner=alice, day=today, mood=3, energy="good")
    assert _checked(_html(alice_client, reverse("checkin")), "energy") == ["good"]
    # Another day has no energy from Today.
    yesterday = today - timedelta(days=1)
    html = _html(alice_client, f"{reverse('checkin')}?day={yesterday}")
    assert _checked(html, "energy") == [""]


def test_another_persons_energy_is_never_prefilled(alice_client: Client, bob: User) -> None:
    DayEnergy.objects.create(owner=bob, day=_today(), energy="good")
    DayEnergy.objects.create(owner=bob, day=_today() - timedelta(days=1), energy="good")
    DayEnergy.objects.create(owner=bob, day=_today() + timedelta(days=1), energy="good")
    assert "good" not in _checked(_html(alice_client, reverse("checkin")), "energy")


# --- Other days -------------------------------------------------------------------


def test_a_day_gone_by_opens_for_editing_and_saves_to_that_day(
    alice_client: Client, alice: User
) -> None:
    today = _alice_today(alice)
    before = today - timedelta(days=3)
    CheckIn.objects.create(owner=alice, day=before, mood=2, note="rainy")
    html = _html(alice_client, f"{reverse('checkin')}?day={before}")
    assert f'value="{before.isoformat()}"' in html and "rainy" in html
    assert _checked(html, "mood") == ["2"]
    r = _post(alice_client, before, mood="3", note="rainy but fine")
    assert r["Location"] == f"{reverse('checkin')}?day={before}"
    saved = CheckIn.objects.get(owner=alice)
    assert (saved.day, saved.mood, saved.note) == (before, 3, "rainy but fine")


def test_back_dating_a_day_with_nothing_yet(alice_client: Client, alice: User) -> None:
    day = date(2001, 5, 6)
    _post(alice_client, day, mood="5")
    assert CheckIn.objects.get(owner=alice).day == day


@pytest.mark.parametrize("day", ["2999-01-01", "1899-12-31", "yesterday", "2026-02-30", "x" * 500])
def test_an_odd_day_in_the_address_says_so_and_opens_today(alice_client: Client, day: str) -> None:
    r = alice_client.get(reverse("checkin"), {"day": day})
    assert r.status_code == 302 and r["Location"] == reverse("checkin")
    html = _html(alice_client, r["Location"])
    assert "Here is today instead." in html


def test_an_empty_day_is_just_today(alice_client: Client) -> None:
    html = _html(alice_client, f"{reverse('checkin')}?day=")
    assert "How are you today?" in html and "instead" not in html


def test_tomorrow_is_refused_and_nothing_is_written(alice_client: Client, alice: User) -> None:
    tomorrow = _alice_today(alice) + timedelta(days=1)
    r = _post(alice_client, tomorrow, mood="4")
    assert r.status_code == 200
    assert "That day is still to come." in r.content.decode()
    assert not CheckIn.objects.exists()


def test_today_is_the_persons_own_day_not_the_servers(charlie_client: Client) -> None:
    # 14:00 in London is already 01:00 the next day in Sydney, where Charlie lives.
    with time_machine.travel("2026-11-22 14:00Z", tick=False):
        html = _html(charlie_client, reverse("checkin"))
        assert 'value="2026-11-23"' in html
        r = charlie_client.post(reverse("checkin"), {"day": "2026-11-23", "mood": "3"})
        assert r.status_code == 302 and r["Location"] == reverse("checkin")
        r = charlie_client.post(reverse("checkin"), {"day": "2026-11-24", "mood": "3"})
        assert r.status_code == 200
    assert list(CheckIn.objects.values_list("day", flat=True)) == [date(2026, 11, 23)]


# --- Bad input changes nothing ------------------------------------------------------


BAD_INPUT = [
    ({"mood": ""}, "the only thing needed"),
    ({"mood": "0"}, "Pick one of the five moods."),
    ({"mood": "6"}, "Pick one of the five moods."),
    ({"mood": "lots"}, "Pick one of the five moods."),
    ({"energy": "lots"}, "Energy is running low, some or good."),
    ({"sleep_hours": "25"}, "Hours of sleep go from 0 to 24."),
    ({"sleep_hours": "-1"}, "Hours of sleep go from 0 to 24."),
    ({"sleep_hours": "7.25"}, "in half hours"),
    ({"sleep_hours": "seven"}, "Hours of sleep is a number"),
    ({"sleep_hours": "NaN"}, "Hours of sleep is a number"),
    ({"rested": "6"}, "Pick one of the five, or skip."),
    ({"connected": "0"}, "Pick one of the five, or skip."),
    ({"meaningful": "maybe"}, "Yes, no, or skip."),
    ({"tags": ",".join(f"t{i}" for i in range(11))}, "Up to 10 tags"),
    ({"tags": "x" * 31}, "up to 30 characters each"),
    ({"note": "x" * 5001}, "A note can be up to 5,000 characters"),
    ({"note": "a\x00b"}, "Null characters are not allowed."),
    ({"day": "2026-13-01"}, "Use a real date."),
    ({"day": "1899-12-31"}, "before 1900"),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUT)
def test_bad_input_gets_a_clear_message_and_writes_nothing(
    alice_client: Client, alice: User, change: dict[str, str], message: str
) -> None:
    today = _alice_today(alice)
    CheckIn.objects.create(owner=alice, day=today, mood=3, note="as it was", tags=["calm"])
    before = _rows()
    fields = {"day": today.isoformat(), "mood": "4", "note": "changed", **change}
    r = alice_client.post(reverse("checkin"), fields)
    assert r.status_code == 200
    html = r.content.decode().replace("&#x27;", "'")
    assert message in html
    assert "Nothing is saved yet." in html
    assert _rows() == before


def test_nothing_new_is_made_when_a_new_day_has_bad_input(
    alice_client: Client, alice: User
) -> None:
    r = _post(alice_client, _alice_today(alice), mood="4", sleep_hours="30")
    assert r.status_code == 200
    assert not CheckIn.objects.exists()


# --- One a day, even when two saves race ----------------------------------------------


def test_a_save_that_loses_a_race_updates_the_row_the_other_made(
    alice_client: Client, alice: User
) -> None:
    today = _alice_today(alice)
    other = CheckIn.objects.create(owner=alice, day=today, mood=2)
    real_find = checkin_rules._find
    # The first look finds nothing (the other save hadn't committed yet), so the
    # insert hits the unique constraint; the second look finds the row.
    with mock.patch.object(checkin_rules, "_find", side_effect=[None, real_find(alice, today)]):
        r = _post(alice_client, today, mood="5", note="double tap")
    assert r.status_code == 302
    saved = CheckIn.objects.get(owner=alice)
    assert saved.pk == other.pk and (saved.mood, saved.note) == (5, "double tap")


def test_save_checkin_makes_then_updates(alice: User) -> None:
    day = date(2026, 1, 2)
    first, created = checkin_rules.save_checkin(alice, day, {"mood": 1})
    assert created
    second, created = checkin_rules.save_checkin(alice, day, {"mood": 2, "tags": ["x"]})
    assert not created and second.pk == first.pk
    assert CheckIn.objects.get().mood == 2


# --- The gentle line after a very low day -------------------------------------------------


def test_a_very_low_day_gets_a_gentle_line_with_the_support_link_once(
    alice_client: Client, alice: User
) -> None:
    r = _post(alice_client, _alice_today(alice), mood="1")
    html = _html(alice_client, r["Location"])
    assert "Thank you for being honest about a very low day." in html
    assert f'<a href="{reverse("support")}">support is one tap away</a>' in html
    for word in ("depress", "diagnos", "disorder", "should"):
        assert word not in html.lower()
    # Once: the next visit is a plain check-in page.
    assert "very low day" not in _html(alice_client, reverse("checkin"))


def test_a_low_but_not_lowest_day_gets_just_the_thanks(alice_client: Client, alice: User) -> None:
    r = _post(alice_client, _alice_today(alice), mood="2")
    html = _html(alice_client, r["Location"])
    assert "Saved. Thank you for checking in." in html
    assert "very low day" not in html


# --- The monthly invitation ----------------------------------------------------------


def test_the_questionnaires_are_offered_when_none_was_taken_this_month(
    alice_client: Client, alice: User
) -> None:
    html = _html(alice_client, reverse("checkin"))
    assert "A short questionnaire, if you'd like" in html
    assert reverse("measure_take", args=["ucla3"]) in html
    assert reverse("measure_take", args=["who5"]) in html
    today = _alice_today(alice)
    Measure.objects.create(
        owner=alice, kind="ucla3", taken_on=today - timedelta(days=29), answers=[1, 1, 1], score=3
    )
    html = _html(alice_client, reverse("checkin"))
    assert reverse("measure_take", args=["ucla3"]) not in html
    assert reverse("measure_take", args=["who5"]) in html
    Measure.objects.create(
        owner=alice, kind="who5", taken_on=today, answers=[3, 3, 3, 3, 3], score=60
    )
    assert "A short questionnaire" not in _html(alice_client, reverse("checkin"))


def test_the_invitation_comes_back_after_thirty_days(alice_client: Client, alice: User) -> None:
    Measure.objects.create(
        owner=alice,
        kind="ucla3",
        taken_on=_alice_today(alice) - timedelta(days=30),
        answers=[1, 1, 1],
        score=3,
    )
    assert reverse("measure_take", args=["ucla3"]) in _html(alice_client, reverse("checkin"))


def test_someone_elses_measures_dont_hide_the_invitation(alice_client: Client, bob: User) -> None:
    Measure.objects.create(owner=bob, kind="ucla3", taken_on=_today(), answers=[1, 1, 1], score=3)
    assert reverse("measure_take", args=["ucla3"]) in _html(alice_client, reverse("checkin"))


# --- Only their own ----------------------------------------------------------------


def test_another_persons_check_in_never_shows(
    charlie_client: Client, alice: User, charlie: User
) -> None:
    day = _today() - timedelta(days=2)
    CheckIn.objects.create(owner=alice, day=day, mood=1, note="alice's secret", tags=["zebra"])
    html = _html(charlie_client, f"{reverse('checkin')}?day={day}")
    assert "alice's secret" not in html and "zebra" not in html
    assert _checked(html, "mood") == []
    charlie_client.post(reverse("checkin"), {"day": day.isoformat(), "mood": "5"})
    assert CheckIn.objects.get(owner=alice).mood == 1
    assert CheckIn.objects.get(owner=charlie).mood == 5


def test_signed_out_people_are_asked_to_sign_in(client: Client) -> None:
    for name in ("checkin", "checkin_history", "checkins_csv", "measures"):
        r = client.get(reverse(name))
        assert r.status_code == 302 and reverse("login") in r["Location"]
    r = client.post(reverse("checkin"), {"day": _today().isoformat(), "mood": "3"})
    assert r.status_code == 302
    assert not CheckIn.objects.exists()


# --- Shared rules ---------------------------------------------------------------------


def test_tags_are_trimmed_lowered_and_kept_once_in_order() -> None:
    assert checkin_rules.split_tags(" Walk ,family,WALK,,  Café ") == ["walk", "family", "café"]
    assert checkin_rules.split_tags("") == []
    assert checkin_rules.clean_tags(["a"] * 20) == ["a"]
    with pytest.raises(checkin_rules.CheckInRuleError, match="comma"):
        checkin_rules.clean_tags(["a,b"])


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (0, True),
        (24, True),
        (7.5, True),
        ("6.5", True),
        (24.5, False),
        (-0.5, False),
        (7.3, False),
        (True, False),
        ("inf", False),
        ("", False),
    ],
)
def test_sleep_goes_from_0_to_24_in_half_hours(value: object, ok: bool) -> None:
    if ok:
        assert checkin_rules.check_sleep(value) == Decimal(str(value))
    else:
        with pytest.raises(checkin_rules.CheckInRuleError):
            checkin_rules.check_sleep(value)


def test_scales_take_whole_numbers_1_to_5() -> None:
    assert checkin_rules.check_mood(1) == 1 and checkin_rules.check_connected(5) == 5
    for bad in (0, 6, True, 2.0, "3"):
        with pytest.raises(checkin_rules.CheckInRuleError):
            checkin_rules.check_rested(bad)


def test_a_note_at_the_boxs_limit_with_line_breaks_is_saved(
    alice_client: Client, alice: User
) -> None:
    # The box lets a person type 5,000 characters counting each line break once,
    # and the browser sends every line break as two (CR LF).
    note = "\r\n".join(["a"] * 2500)
    r = _post(alice_client, _alice_today(alice), mood="3", note=note)
    assert r.status_code == 302
    assert CheckIn.objects.get(owner=alice).note == "\n".join(["a"] * 2500)
