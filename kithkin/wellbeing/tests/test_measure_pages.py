from __future__ import annotations

import html as htmllib
import re
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.wellbeing import scoring
from kithkin.wellbeing.measure_rules import QUESTIONNAIRES, UCLA3, WHO5, evaluate
from kithkin.wellbeing.models import Measure

pytestmark = pytest.mark.django_db

UCLA3_ITEMS = [
    "How often do you feel that you lack companionship?",
    "How often do you feel left out?",
    "How often do you feel isolated from others?",
]
WHO5_ITEMS = [
    "I have felt cheerful and in good spirits",
    "I have felt calm and relaxed",
    "I have felt active and vigorous",
    "I woke up feeling fresh and rested",
    "My daily life has been filled with things that interest me",
]
ATTRIBUTION = "Psychiatric Centre North Zealand"


def _page(client: Client, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200
    return htmllib.unescape(r.content.decode())


def _answers(*values: int, direct: int | None = None) -> dict[str, str]:
    data = {f"item_{i}": str(v) for i, v in enumerate(values, 1)}
    if direct is not None:
        data["direct"] = str(direct)
    return data


def _take(client: Client, kind: str, data: dict[str, str]) -> Any:
    return client.post(reverse("measure_take", args=[kind]), data)


def _measure(owner: User, kind: str, score: int, taken_on: date, **extra: Any) -> Measure:
    answers = extra.pop("answers", [1, 1, 1] if kind == "ucla3" else [0, 0, 0, 0, 0])
    return Measure.objects.create(
        owner=owner, kind=kind, taken_on=taken_on, answers=answers, score=score, **extra
    )


# --- The questionnaires, word for word ----------------------------------------------


def test_ucla3_asks_its_three_questions_and_the_direct_one(alice_client: Client) -> None:
    html = _page(alice_client, reverse("measure_take", args=["ucla3"]))
    for item in UCLA3_ITEMS:
        assert item in html
    for words in ("Hardly ever", "Some of the time", "Often"):
        assert f"<span>{words}</span>" in html
    assert "How often do you feel lonely?" in html
    for words in ("Often or always", "Occasionally", "Never"):
        assert f"<span>{words}</span>" in html
    assert html.count('type="radio" name="item_') == 9
    assert html.count('type="radio" name="direct"') == 5
    assert "Hughes" in html and "Office for National Statistics" in html


def test_who5_asks_its_five_statements_over_two_weeks_with_attribution(
    alice_client: Client,
) -> None:
    html = _page(alice_client, reverse("measure_take", args=["who5"]))
    assert "Over the last two weeks…" in html
    for item in WHO5_ITEMS:
        assert item in html
    for words in (
        "All of the time",
        "Most of the time",
        "More than half of the time",
        "Less than half of the time",
        "Some of the time",
        "At no time",
    ):
        assert f"<span>{words}</span>" in html
    assert html.count('type="radio" name="item_') == 30
    assert 'name="direct"' not in html
    assert ATTRIBUTION in html


def test_an_unknown_questionnaire_is_not_found(alice_client: Client) -> None:
    assert alice_client.get("/checkin/measures/phq9/").status_code == 404
    assert alice_client.post("/checkin/measures/phq9/", _answers(1, 1, 1)).status_code == 404
    assert not Measure.objects.exists()


# --- Taking them ---------------------------------------------------------------------


def test_ucla3_in_the_lonely_range_is_stored_and_said_kindly(
    alice_client: Client, alice: User
) -> None:
    r = _take(alice_client, "ucla3", _answers(3, 2, 2, direct=4))
    saved = Measure.objects.get(owner=alice)
    assert r.status_code == 302 and r["Location"] == reverse("measure_result", args=[saved.pk])
    assert (saved.kind, saved.answers, saved.score, saved.direct) == ("ucla3", [3, 2, 2], 7, 4)
    assert saved.taken_on == timezone.localdate(timezone=alice.zone)
    html = _page(alice_client, r["Location"])
    assert "7 out of 9: in the range often called lonely (6 to 9)." in html
    assert "not a diagnosis" in html
    assert "Loneliness is very common" in html and "changes over time" in html
    assert f'<a href="{reverse("today")}">Today</a>' in html
    assert "How often you feel lonely: some of the time." in html
    assert "Saved. Thank you for taking a minute for this." in html
    for word in ("you are lonely", "depress", "disorder", "failed"):
        assert word not in html.lower()


def test_ucla3_below_the_range_says_so(alice_client: Client, alice: User) -> None:
    r = _take(alice_client, "ucla3", _answers(1, 2, 2, direct=1))
    assert Measure.objects.get(owner=alice).score == 5
    html = _page(alice_client, r["Location"])
    assert "5 out of 9: below the range often called lonely (6 to 9)." in html
    assert "Loneliness is very common" in html


def test_who5_is_scored_times_four_and_a_low_score_mentions_support_gently(
    alice_client: Client, alice: User
) -> None:
    r = _take(alice_client, "who5", _answers(2, 3, 1, 2, 2))
    saved = Measure.objects.get(owner=alice)
    assert (saved.answers, saved.score, saved.direct) == ([2, 3, 1, 2, 2], 40, None)
    html = _page(alice_client, r["Location"])
    assert "40 out of 100: in the range often linked with low wellbeing (50 or below)." in html
    assert "talking to a doctor can help" in html
    assert f'<a href="{reverse("support")}">support is here</a>' in html
    assert ATTRIBUTION in html and "Topp" in html


def test_who5_just_either_side_of_fifty(alice_client: Client, alice: User) -> None:
    r = _take(alice_client, "who5", _answers(3, 3, 2, 2, 2))
    assert Measure.objects.get(owner=alice).score == 48
    assert "48 out of 100: in the range often linked" in _page(alice_client, r["Location"])
    Measure.objects.all().delete()
    r = _take(alice_client, "who5", _answers(3, 3, 2, 2, 3))
    assert Measure.objects.get(owner=alice).score == 52
    assert "52 out of 100: above the range" in _page(alice_client, r["Location"])


def test_who5_above_the_range_doesnt_mention_a_doctor(alice_client: Client, alice: User) -> None:
    r = _take(alice_client, "who5", _answers(4, 4, 3, 3, 4))
    html = _page(alice_client, r["Location"])
    assert "72 out of 100: above the range often linked with low wellbeing" in html
    assert "doctor" not in html


def test_who5_names_a_change_of_ten_points_or_more(alice_client: Client, alice: User) -> None:
    today = timezone.localdate(timezone=alice.zone)
    _measure(alice, "who5", 40, today - timedelta(days=40))
    r = _take(alice_client, "who5", _answers(3, 3, 3, 3, 1))  # 52
    html = _page(alice_client, r["Location"])
    assert "12 points higher than on" in html
    assert "a change of 10 or more is usually counted as meaningful" in html
    r = _take(alice_client, "who5", _answers(3, 3, 3, 3, 2))  # 56, four more
    html = _page(alice_client, r["Location"])
    assert "About the same as on" in html and "points higher" not in html
    r = _take(alice_client, "who5", _answers(1, 1, 1, 1, 1))  # 20
    assert "36 points lower than on" in _page(alice_client, r["Location"])


def test_the_first_who5_compares_with_nothing_and_other_peoples_dont_count(
    alice_client: Client, alice: User, bob: User
) -> None:
    _measure(bob, "who5", 90, date(2026, 1, 1))
    r = _take(alice_client, "who5", _answers(1, 1, 1, 1, 1))
    html = _page(alice_client, r["Location"])
    assert "points lower" not in html and "About the same" not in html


# --- Bad answers change nothing --------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("ucla3", _answers(1, 2, direct=3)),  # a question left out
        ("ucla3", _answers(1, 2, 3)),  # the direct question left out
        ("ucla3", _answers(1, 2, 4, direct=3)),  # 4 isn't an answer here
        ("ucla3", _answers(0, 2, 3, direct=3)),
        ("ucla3", _answers(1, 2, 3, direct=6)),
        ("ucla3", _answers(1, 2, 3, direct=0)),
        ("ucla3", {"item_1": "one", "item_2": "2", "item_3": "3", "direct": "3"}),
        ("who5", _answers(1, 2, 3, 4)),
        ("who5", _answers(1, 2, 3, 4, 6)),
        ("who5", _answers(1, 2, 3, 4, -1)),
        ("who5", {}),
    ],
)
def test_a_missing_or_odd_answer_saves_nothing_and_says_so(
    alice_client: Client, kind: str, data: dict[str, str]
) -> None:
    r = _take(alice_client, kind, data)
    assert r.status_code == 200
    html = htmllib.unescape(r.content.decode())
    assert "Every question needs an answer. Nothing is saved yet." in html
    assert "Please pick an answer here." in html or "Please pick one of the answers shown." in html
    assert not Measure.objects.exists()


def test_answers_already_given_stay_picked_after_a_gap(alice_client: Client) -> None:
    r = _take(alice_client, "ucla3", _answers(3, 2, direct=4))
    html = r.content.decode()
    assert re.search(r'name="item_1" value="3"[^>]*checked', html)
    assert re.search(r'name="direct" value="4"[^>]*checked', html)
    assert not re.search(r'name="item_3"[^>]*checked', html)
    assert not Measure.objects.exists()


# --- The overview and the results ----------------------------------------------------


def test_the_overview_lists_both_with_past_results(alice_client: Client, alice: User) -> None:
    html = _page(alice_client, reverse("measures"))
    assert "Loneliness (UCLA 3-item)" in html and "Wellbeing (WHO-5)" in html
    assert "Take it" in html and ATTRIBUTION in html
    old = _measure(alice, "ucla3", 7, date(2026, 1, 5), direct=4)
    _measure(alice, "who5", 64, date(2026, 1, 5))
    _measure(alice, "who5", 48, date(2026, 2, 5))
    html = _page(alice_client, reverse("measures"))
    assert "7 out of 9: in the range often called lonely" in html
    assert "48 out of 100: in the range often linked with low wellbeing" in html
    assert "64 out of 100: above the range" in html
    assert "16 points lower than on" in html
    assert "Take it again" in html
    assert reverse("measure_result", args=[old.pk]) in html
    assert html.index("48 out of 100") < html.index("64 out of 100")


def test_the_overview_and_results_are_only_their_own(
    alice_client: Client, charlie_client: Client, alice: User
) -> None:
    mine = _measure(alice, "ucla3", 8, date(2026, 1, 5), direct=5)
    html = _page(charlie_client, reverse("measures"))
    assert "8 out of 9" not in html
    assert charlie_client.get(reverse("measure_result", args=[mine.pk])).status_code == 404
    assert alice_client.get(reverse("measure_result", args=[mine.pk])).status_code == 200


def test_taken_on_is_the_persons_own_day(charlie_client: Client, charlie: User) -> None:
    with time_machine.travel("2026-11-22 14:00Z", tick=False):
        _take(charlie_client, "who5", _answers(3, 3, 3, 3, 3))
    assert Measure.objects.get(owner=charlie).taken_on == date(2026, 11, 23)


# --- The shared scoring --------------------------------------------------------------


def test_evaluate_scores_like_the_scoring_module() -> None:
    assert evaluate("ucla3", [3, 3, 3], 5) == evaluate("ucla3", [3, 3, 3], 5)
    result = evaluate("ucla3", [2, 2, 2], 3)
    assert (result.score, result.range, result.direct) == (6, "lonely", 3)
    result = evaluate("who5", [5, 5, 5, 5, 5])
    assert (result.score, result.range, result.direct) == (100, "fine", None)
    assert evaluate("who5", [0, 0, 0, 0, 0]).range == "low"


@pytest.mark.parametrize(
    ("kind", "answers", "direct"),
    [
        ("ucla3", [1, 1], 1),
        ("ucla3", [1, 1, 1, 1], 1),
        ("ucla3", [1, 1, True], 1),
        ("ucla3", [1, 1, 1.0], 1),
        ("ucla3", [1, 1, 1], None),
        ("ucla3", [1, 1, 1], True),
        ("who5", [5, 5, 5, 5, 5], 1),
        ("who5", [5, 5, 5, 5, 6], None),
        ("who5", [5, 5, 5, 5, "5"], None),
        ("phq9", [1], None),
    ],
)
def test_evaluate_refuses_what_doesnt_fit(kind: str, answers: list[Any], direct: Any) -> None:
    with pytest.raises(scoring.ScoreError):
        evaluate(kind, answers, direct)


def test_the_questionnaires_use_the_stored_values() -> None:
    assert set(QUESTIONNAIRES) == {"ucla3", "who5"}
    assert [v for v, _w in UCLA3.choices] == [1, 2, 3]
    assert [v for v, _w in UCLA3.direct_choices] == [5, 4, 3, 2, 1]
    assert [v for v, _w in WHO5.choices] == [5, 4, 3, 2, 1, 0]
