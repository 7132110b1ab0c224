"""`kithkin checkin`: the check-in page's form and rules, on the command line."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from kithkin.accounts.models import ApiToken, User
from kithkin.front.tests.cli_helpers import refused, run, run_json
from kithkin.today.models import DayEnergy
from kithkin.wellbeing.models import CheckIn

pytestmark = pytest.mark.django_db


def _rows() -> list[tuple[object, ...]]:
    return list(CheckIn.objects.order_by("pk").values_list())


def test_a_check_in_for_today(alice: User) -> None:
    out = run("checkin", "--mood", "3", "--energy", "low")
    c = CheckIn.objects.get(owner=alice)
    assert (c.day, c.mood, c.energy) == (timezone.localdate(timezone=alice.zone), 3, "low")
    assert out.startswith(
        "Saved. Thank you for checking in.\ntoday: mood okay · energy running low"
    )


def test_saving_again_updates_the_day_and_keeps_what_was_not_said(alice: User) -> None:
    run("checkin", "--mood", "2", "--sleep", "7.5", "--tags", "Walk, family, walk")
    out = run("checkin", "--mood", "good", "--meaningful", "yes", "--connected", "quite connected")
    c = CheckIn.objects.get(owner=alice)
    assert (c.mood, c.sleep_hours, c.tags, c.meaningful, c.connected) == (
        4, Decimal("7.5"), ["walk", "family"], True, 4,
    )  # fmt: skip
    assert out.startswith("Updated. Thank you for checking in.")
    # An option given as "" clears it, as skipping does on the page.
    run("checkin", "--sleep", "", "--tags", "")
    c.refresh_from_db()
    assert c.sleep_hours is None and c.tags == [] and c.mood == 4


def test_the_json_is_shaped_like_the_api(client: Client, alice: User) -> None:
    body = run_json("checkin", "--mood", "4", "--rested", "2", "--note", "a slow walk")
    assert body.pop("created") is True
    _, plain = ApiToken.objects.create_token(alice, "t", "read")
    api = client.get(f"/api/v1/checkins/{body['id']}", headers={"Authorization": f"Bearer {plain}"})
    assert api.json() == body
    assert run_json("checkin") == body  # without fields: the day's check-in


def test_todays_energy_from_today_is_kept_as_the_page_does(alice: User) -> None:
    DayEnergy.objects.create(
        owner=alice, day=timezone.localdate(timezone=alice.zone), energy="good"
    )
    run("checkin", "--mood", "4")
    assert CheckIn.objects.get(owner=alice).energy == "good"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mood", "7"], "--mood: Pick one of the five moods. (1 very low, 2 low, 3 okay"),
        (["--mood", "grand"], "--mood: Pick one of the five moods."),
        (["--mood", "3", "--energy", "lots"], "--energy: Energy is running low, some or good."),
        (["--mood", "3", "--sleep", "7.3"], "--sleep: Hours of sleep go in half hours"),
        (["--mood", "3", "--sleep", "25"], "--sleep: Hours of sleep go from 0 to 24."),
        (["--mood", "3", "--sleep", "lots"], "--sleep: Hours of sleep is a number"),
        (
            ["--mood", "3", "--rested", "0"],
            "--rested: Pick one of the five, or skip. (1 not at all",
        ),
        (["--mood", "3", "--meaningful", "maybe"], "--meaningful: Yes, no, or skip. (yes or no)"),
        (["--mood", "3", "--note", "x" * 5001], "--note: A note can be up to 5,000 characters"),
        (["--mood", "3", "--tags", ",".join(f"t{i}" for i in range(11))], "--tags: Up to 10"),
        (["--mood", "3", "--day", "2999-01-01"], "--day: That day is still to come."),
        (["--mood", "3", "--day", "someday"], "--day: Use a real date."),
        (["--sleep", "7"], "--mood: Pick the word closest to your mood"),
    ],
)
def test_bad_input_is_refused_with_the_pages_words_and_changes_nothing(
    alice: User, args: list[str], message: str
) -> None:
    CheckIn.objects.create(owner=alice, day=date(2026, 1, 1), mood=3)
    before = _rows()
    assert str(refused("checkin", *args)).startswith(message)
    assert _rows() == before


def test_an_existing_check_in_is_changed_only_when_the_whole_is_right(alice: User) -> None:
    run("checkin", "--mood", "3", "--sleep", "6")
    before = _rows()
    refused("checkin", "--mood", "5", "--sleep", "6.2")
    assert _rows() == before


def test_back_dating_and_the_persons_own_day(alice: User, charlie: User) -> None:
    # 20:00 UTC on 14 March is already 15 March in Sydney.
    with time_machine.travel(datetime(2026, 3, 14, 20, 0, tzinfo=UTC), tick=False):
        run("checkin", "--user", "charlie", "--mood", "3")
        run("checkin", "--user", "charlie", "--mood", "2", "--day", "yesterday")
        run("checkin", "--user", "alice", "--mood", "4", "--day", "2026-03-01")
        out = run("checkin", "--user", "charlie", "--day", "2026-03-14")
        assert "still to come" in str(refused("checkin", "--user", "alice", "--mood", "3",
                                              "--day", "2026-03-15"))  # fmt: skip
    days = dict(CheckIn.objects.filter(owner=charlie).values_list("day", "mood"))
    assert days == {date(2026, 3, 15): 3, date(2026, 3, 14): 2}
    assert out.startswith("yesterday: mood low")
    assert CheckIn.objects.get(owner=alice).day == date(2026, 3, 1)


def test_without_a_check_in_it_says_how_to_make_one(alice: User) -> None:
    e = refused("checkin")
    assert "there's no check-in for today yet: kithkin checkin --mood 1-5" in str(e)
    yesterday = timezone.localdate(timezone=alice.zone) - timedelta(days=1)
    assert "for yesterday" in str(refused("checkin", "--day", yesterday.isoformat()))
    assert not CheckIn.objects.exists()


def test_a_very_low_day_gets_a_gentle_word(alice: User) -> None:
    out = run("checkin", "--mood", "very low")
    assert CheckIn.objects.get(owner=alice).mood == 1
    assert "Thank you for being honest about a very low day." in out
    assert "findahelpline.com" in out
    assert "very low day" not in run("checkin", "--mood", "2")


def test_it_only_ever_touches_your_own_check_ins(alice: User, bob: User) -> None:
    today = timezone.localdate(timezone=bob.zone)
    CheckIn.objects.create(owner=bob, day=today, mood=5, note="bob's day")
    run("checkin", "--user", "alice", "--mood", "2")
    bobs = CheckIn.objects.get(owner=bob)
    assert (bobs.mood, bobs.note) == (5, "bob's day")
    assert CheckIn.objects.get(owner=alice).mood == 2
