"""Journey 2: a person checks in, takes the monthly loneliness questionnaire, and sees
both on Insights beside the map of their circle, in a real Chromium at phone and
desktop width."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import dateformat, timezone
from playwright.sync_api import expect

from kithkin.circle.actions import do_log_interaction, do_save_person
from kithkin.circle.models import Person, Ring
from kithkin.conftest import SCREENSHOTS, axe_violations, log_in, make_user, screenshot
from kithkin.wellbeing.models import CheckIn, Measure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The people in the circle and how their last contact left the person feeling.
CIRCLE = [
    ("Ana Silva", Ring.INNER, "lifted"),
    ("Ben Okafor", Ring.CLOSE, "neutral"),
    ("Chloe Park", Ring.WIDER, "lifted"),
    ("Dev Rao", Ring.ACQUAINTANCE, ""),
    ("Mum", Ring.INNER, "lifted"),
]
# The UCLA-3 answers picked on the page, in the order of its three questions.
UCLA3_PICKS = ["Often", "Some of the time", "Often"]
UCLA3_VALUES = {"Hardly ever": 1, "Some of the time": 2, "Often": 3}


def _a_circle(owner) -> list[Person]:
    """A few people, each with a contact logged a few days ago."""
    people = []
    for i, (name, ring, feeling) in enumerate(CIRCLE):
        person = do_save_person(Person(owner=owner, name=name, ring=ring))
        do_log_interaction(
            owner,
            [person],
            channel="call",
            feeling_after=feeling,
            happened_at=timezone.now() - timedelta(days=i + 1),
        )
        people.append(person)
    return people


def _open_table(page, within, **table: object):
    """Opens the "See as a table" disclosure holding the table found by `table`
    (get_by_role's options), as a person would, and returns the table."""
    hidden = page.get_by_role("table", include_hidden=True, **table)
    within.locator("details").filter(has=hidden).get_by_text("See as a table").click()
    shown = within.get_by_role("table", **table)
    expect(shown).to_be_visible()
    return shown


def test_a_check_in_and_the_loneliness_questionnaire_show_up_on_insights(page) -> None:
    person = make_user("journey", timezone="Europe/London")
    circle = _a_circle(person)
    log_in(page, "journey")

    # --- The check-in ------------------------------------------------------------
    page.get_by_role("link", name="Check-in").click()
    page.wait_for_url("**/checkin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How are you today?")
    page.get_by_role("group", name="How is your mood?").get_by_text("Okay").click()
    page.get_by_role("group", name="Energy").get_by_text("Some").click()
    page.get_by_label("Hours of sleep").fill("7.5")
    page.get_by_role("group", name="How connected did you feel?").get_by_text(
        "Quite connected"
    ).click()
    expect(page.get_by_role("radio", name="Okay")).to_be_checked()
    screenshot(page, "journey2-checkin")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/checkin/")
    expect(page.get_by_text("Saved. Thank you for checking in.")).to_be_visible()

    checkin = CheckIn.objects.get(owner=person)
    assert (checkin.mood, checkin.energy, checkin.connected) == (3, "some", 4)
    assert checkin.sleep_hours == Decimal("7.5")
    today = timezone.localtime(timezone.now(), person.zone).date()
    assert checkin.day == today, "the check-in is for the person's own today"

    # --- The monthly UCLA-3, through the questionnaires page ---------------------
    page.get_by_role("link", name="Questionnaires and results").click()
    page.wait_for_url("**/checkin/measures/")
    ucla_section = page.get_by_role("region", name="Loneliness (UCLA 3-item)")
    ucla_section.get_by_role("link", name="Take it").click()
    page.wait_for_url("**/checkin/measures/ucla3/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Loneliness (UCLA 3-item)")
    questions = [
        "How often do you feel that you lack companionship?",
        "How often do you feel left out?",
        "How often do you feel isolated from others?",
    ]
    for question, pick in zip(questions, UCLA3_PICKS, strict=True):
        page.get_by_role("group", name=question).get_by_text(pick, exact=True).click()
    page.get_by_role("group", name="How often do you feel lonely?").get_by_text(
        "Some of the time", exact=True
    ).click()
    screenshot(page, "journey2-ucla3")
    assert axe_violations(page) == []
    page.get_by_role("button", name="See my result").click()
    page.wait_for_url("**/checkin/measures/result/*/")

    expected_score = sum(UCLA3_VALUES[p] for p in UCLA3_PICKS)
    measure = Measure.objects.get(owner=person)
    assert measure.kind == "ucla3"
    assert measure.answers == [UCLA3_VALUES[p] for p in UCLA3_PICKS]
    assert measure.score == expected_score == 8
    assert measure.direct == 4  # "Some of the time" on the ONS question
    assert measure.taken_on == today
    result = page.get_by_role("region", name="Your result from")
    expect(result).to_contain_text(
        f"{expected_score} out of 9: in the range often called lonely (6 to 9)."
    )
    expect(result).to_contain_text("How often you feel lonely: some of the time.")
    expect(result).to_contain_text("not a diagnosis")
    screenshot(page, "journey2-result")
    assert axe_violations(page) == []

    # --- Insights show both --------------------------------------------------------
    page.get_by_role("link", name="Insights").click()
    page.wait_for_url("**/insights/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Insights")
    week = page.get_by_role("region", name="Your week")
    expect(week).to_contain_text(
        f"You were in touch {len(CIRCLE)} times with {len(CIRCLE)} people."
    )
    lifted = sum(1 for _n, _r, feeling in CIRCLE if feeling == "lifted")
    expect(week).to_contain_text(f"{lifted} of those left you lifted.")
    expect(week).to_contain_text("You checked in with yourself once.")

    # The check-in's week, in the table beside the charts.
    week_start = checkin.day - timedelta(days=checkin.day.weekday())
    weeks = _open_table(page, page, name="Weekly averages from your check-ins")
    rows = weeks.locator("tbody tr")
    expect(rows).to_have_count(1)
    week_row = rows.first
    expect(week_row.get_by_role("rowheader")).to_have_text(dateformat.format(week_start, "j M Y"))
    # Mood 3 (Okay), energy 2 (Some, on 1-3), connected 4, one check-in.
    expect(week_row.get_by_role("cell")).to_have_text(["3", "2", "4", "1"])
    # Each chart is named and summed up in words, with the values picked.
    over_time = page.locator("section").filter(
        has=page.get_by_role("heading", name="Over time", level=2)
    )
    mood_chart = over_time.get_by_role("img", name="Mood, weekly average")
    expect(mood_chart).to_be_visible()
    expect(over_time).to_contain_text("Mood: 3 on average, in the one week noted so far.")
    expect(over_time).to_contain_text("Energy: 2 on average, in the one week noted so far.")
    expect(over_time).to_contain_text(
        "Feeling connected: 4 on average, in the one week noted so far."
    )

    # The questionnaire's score, on its chart and in its table.
    ucla_figure = page.locator(
        "figure", has=page.get_by_role("heading", name="Loneliness (UCLA 3-item)")
    )
    ucla_chart = ucla_figure.locator("svg[role=img]")
    expect(ucla_chart).to_be_visible()
    taken = dateformat.format(measure.taken_on, "j M Y")
    expect(ucla_chart.locator("desc")).to_have_text(f"1 result: {expected_score} on {taken}.")
    ucla_table = _open_table(page, ucla_figure)
    expect(ucla_table.locator("tbody tr")).to_have_count(1)
    expect(ucla_table.get_by_role("rowheader")).to_have_text(taken)
    expect(ucla_table.get_by_role("cell")).to_have_text(
        [str(expected_score), "often called lonely"]
    )
    screenshot(page, "journey2-insights")
    assert axe_violations(page) == []

    # --- The circle map: one dot per person, drawn where it can be seen ----------------
    circle_map = page.locator("svg.circle-map")
    circle_map.scroll_into_view_if_needed()
    expect(circle_map).to_be_visible()
    dots = circle_map.locator("circle.map-dot")
    expect(dots).to_have_count(len(circle))
    names = circle_map.locator("g.map-person > title").all_text_contents()
    assert sorted(names) == sorted(p.name for p in circle)
    viewport = page.viewport_size
    box = circle_map.bounding_box()
    assert box is not None
    assert box["width"] > 250 and box["height"] > 250, "big enough to look at"
    assert abs(box["width"] - box["height"]) < 2, "round rings stay round"
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], "no sideways scroll"
    for i in range(dots.count()):
        dot = dots.nth(i).bounding_box()
        assert dot is not None and dot["width"] > 2, "each dot can be seen"
        assert box["x"] <= dot["x"] and dot["x"] + dot["width"] <= box["x"] + box["width"]
        assert box["y"] <= dot["y"] and dot["y"] + dot["height"] <= box["y"] + box["height"]
    # The same people, ring by ring, in words.
    ring_list = page.locator("details.ring-details")
    ring_list.locator("summary").click()
    for p in circle:
        expect(ring_list.get_by_role("link", name=p.name)).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    circle_map.screenshot(path=str(SCREENSHOTS / f"journey2-circle-map-{viewport['width']}.png"))
