"""The Insights page: numbers checked by hand, owner scoping, kind empty states,
and a query count that doesn't grow with the data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import cast
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from kithkin.accounts.models import User
from kithkin.circle import actions
from kithkin.circle.models import Interaction, Person, Ring
from kithkin.circle.tests.factories import person
from kithkin.today.models import Idea, Suggestion
from kithkin.wellbeing import insights, scoring
from kithkin.wellbeing.models import CheckIn, Measure

pytestmark = pytest.mark.django_db

# A Wednesday; London is on GMT until 29 March.
NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 18)
LONDON = ZoneInfo("Europe/London")
NONE = "\u2013"  # an en dash: nothing that quarter


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A moment on `day`, London time."""
    return datetime.combine(day, time(hour, minute), LONDON)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def check_in(owner: User, day: date, mood: int, **extra: object) -> CheckIn:
    extra.setdefault("created_at", at(day, 21))
    return CheckIn.objects.create(owner=owner, day=day, mood=mood, **extra)


def log(owner: User, people: list[Person], when: datetime, **extra: object) -> Interaction:
    extra.setdefault("channel", "text")
    return actions.do_log_interaction(owner, people, happened_at=when, **extra)  # type: ignore[arg-type]


def page(client: Client, period: str | None = None) -> str:
    url = reverse("insights") + (f"?period={period}" if period else "")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def text(html: str) -> str:
    """The words on the page, SVG pictures left out, spaces squeezed."""
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    words = re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").replace("&amp;", "&")
    return re.sub(r"\s+([,.:;])", r"\1", re.sub(r"\s+", " ", words))


def gather(owner: User, period: str = "12m") -> insights.Insights:
    return insights.gather(owner, insights.period_for(period))


# --- Empty states and the shell ------------------------------------------------------


def test_an_empty_page_is_kind_and_useful(alice_client: Client) -> None:
    html = page(alice_client)
    words = text(html)
    assert "After a few check-ins, your weeks will show here" in words
    assert "Your circle will show here as rings around you" in words
    assert "A quiet week, and that's okay." in words
    assert "you'll see here who tends to lift you" in words
    assert "Once you log a few contacts" in words
    assert 'href="/people/new/"' in html
    assert 'class="chart' not in html
    assert "When harder days tend to come" not in words


def test_someone_signed_out_is_asked_to_log_in(client: Client) -> None:
    response = client.get(reverse("insights"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_css_is_linked_and_no_inline_style_or_script(alice: User, alice_client: Client) -> None:
    _a_busy_month(alice)
    html = page(alice_client)
    assert '<link rel="stylesheet" href="/static/css/insights.css">' in html
    assert "<style" not in html
    assert not re.search(r'\sstyle="', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_the_words_never_shame(alice: User, alice_client: Client) -> None:
    _a_busy_month(alice)
    words = text(page(alice_client)).lower()
    for word in ("overdue", "failed", "missed", "streak", "neglect", "cut off", "you are lonely"):
        assert word not in words


# --- Over time -------------------------------------------------------------------------


def test_weekly_averages_match_hand_computed_values(alice: User, alice_client: Client) -> None:
    monday = date(2026, 3, 16)
    check_in(alice, monday, 2, energy="low", connected=3)
    check_in(alice, monday + timedelta(days=1), 4, energy="good")
    check_in(alice, monday + timedelta(days=2), 3, energy="", connected=4)
    check_in(alice, date(2026, 3, 10), 5, energy="some", connected=5)
    html = page(alice_client)
    # (2 + 4 + 3) / 3 = 3; energy (1 + 3) / 2 = 2; connected (3 + 4) / 2 = 3.5.
    assert (
        '<th scope="row">16 Mar 2026</th><td>3</td><td>2</td><td>3.5</td><td>3</td>'
        in html.replace("\n", "")
    )
    assert '<th scope="row">9 Mar 2026</th><td>5</td><td>2</td><td>5</td><td>1</td>' in html
    assert "Mood: weekly average from 3 to 5; the latest week 3." in text(html)
    assert 'role="img" aria-labelledby="chart-mood-title chart-mood-desc"' in html


def test_one_week_of_check_ins_is_summed_up_in_one_number(alice: User) -> None:
    monday = date(2026, 3, 16)
    check_in(alice, monday, 3, energy="some", connected=4)
    check_in(alice, monday + timedelta(days=1), 4, energy="some")
    data = gather(alice)
    assert data.mood.summary == "Mood: 3.5 on average, in the one week noted so far."
    assert data.connected.summary == (
        "Feeling connected: 4 on average, in the one week noted so far."
    )


def test_a_week_without_check_ins_breaks_the_line(alice: User) -> None:
    for day in (date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 16)):
        check_in(alice, day, 3)
    data = gather(alice)
    mood = data.mood.chart
    assert len(mood.dots) == 2  # two weeks with check-ins
    assert mood.paths == ()  # the week between them is empty: nothing joins them
    check_in(alice, date(2026, 3, 10), 4)
    assert len(gather(alice).mood.chart.paths) == 1


def test_loneliness_and_wellbeing_results_with_their_ranges(
    alice: User, alice_client: Client
) -> None:
    Measure.objects.create(
        owner=alice, kind="ucla3", taken_on=date(2026, 2, 1), answers=[2, 2, 2], score=6
    )
    Measure.objects.create(
        owner=alice, kind="ucla3", taken_on=date(2026, 3, 1), answers=[1, 2, 1], score=4
    )
    Measure.objects.create(
        owner=alice, kind="who5", taken_on=date(2026, 3, 1), answers=[3] * 5, score=60
    )
    html = page(alice_client).replace("\n", "")
    assert '<th scope="row">1 Feb 2026</th><td>6</td><td>often called lonely</td>' in html
    assert '<th scope="row">1 Mar 2026</th><td>4</td><td>less lonely</td>' in html
    assert '<th scope="row">1 Mar 2026</th><td>60</td><td>above that range</td>' in html
    data = gather(alice)
    assert len(data.ucla3.chart.paths) == 1 and len(data.ucla3.chart.bands) == 1
    assert data.ucla3.summary == "2 results; the latest 4 on 1 Mar 2026."
    assert data.who5.summary == "1 result: 60 on 1 Mar 2026."


# --- Who lifts you -----------------------------------------------------------------------


def test_who_lifts_you_waits_for_five_feelings_and_says_how_sure(
    alice: User, alice_client: Client
) -> None:
    ana, ben, cai = (person(alice, n) for n in ("Ana Lima", "Ben Ode", "Cai Rua"))
    for n, feeling in enumerate(["lifted"] * 4 + ["neutral"] * 2):
        log(alice, [ana], at(days_ago(n + 1)), feeling_after=feeling)
    for n in range(4):
        log(alice, [ben], at(days_ago(n + 1)), feeling_after="lifted")
    for n, feeling in enumerate(["drained"] * 3 + ["neutral"] * 2):
        log(alice, [cai], at(days_ago(n + 1)), feeling_after=feeling)
    words = text(page(alice_client))
    assert "Tend to leave you lifted Ana Lima lifted 4, neutral 2, drained 0" in words
    assert "from 6 contacts — an early sign" in words
    assert "Ben Ode lifted" not in words
    assert "One more person has a few feelings noted; not enough to say yet." in words
    assert "Often leave you drained Cai Rua lifted 0, neutral 2, drained 3" in words
    assert "some people are easier in smaller doses or in a different way" in words


def test_twelve_feelings_make_a_steadier_sign(alice: User, alice_client: Client) -> None:
    ana = person(alice, "Ana Lima")
    for n in range(scoring.STEADY_FEELINGS):
        log(alice, [ana], at(days_ago(n + 1)), feeling_after="lifted" if n % 4 else "neutral")
    words = text(page(alice_client))
    assert "lifted 9, neutral 3, drained 0 · from 12 contacts, a steadier sign" in words
    assert "some people are easier in smaller doses" not in words


# --- What helps ---------------------------------------------------------------------------


def test_what_went_with_a_better_mood_and_on_how_many_days(
    alice: User, alice_client: Client
) -> None:
    ana = person(alice, "Ana Lima")
    together = {11, 8, 5, 2}
    for n in range(12):
        check_in(alice, days_ago(n), 4 if n in together else 2)
        if n in together:
            log(alice, [ana], at(days_ago(n)), channel="in_person")
    words = text(page(alice_client))
    assert (
        "Days with time in person went with a better mood: 4.0 on average, "
        "against 2.0 on other days." in words
    )
    assert "From 4 days with it and 8 without — an early sign." in words
    assert "doesn't prove one caused the other" in words
    # The day after was no better: nothing is said about it.
    assert "The day after time in person" not in words


def test_too_few_check_ins_and_what_helps_waits(alice: User, alice_client: Client) -> None:
    for n in range(insights.ENOUGH_MOODS - 1):
        check_in(alice, days_ago(n), 3)
    assert "After 10 or so check-ins, what goes with your better days" in text(page(alice_client))


def test_done_suggestions_count_as_their_idea_kind(alice: User) -> None:
    idea = Idea.objects.create(
        owner=alice,
        slug="thank-you",
        title="Say thank you",
        effort="tiny",
        energies=["low"],
        target="person",
        channel="text",
        kind="gratitude",
    )
    Suggestion.objects.create(owner=alice, day=days_ago(2), energy="low", idea=idea, outcome="done")
    Suggestion.objects.create(owner=alice, day=days_ago(3), energy="low", idea=idea, outcome="")
    window = insights.Window(alice, insights.period_for("12m"))
    assert insights.idea_kinds_by_day(window) == {days_ago(2): {"idea:gratitude"}}
    assert insights.factor_label("idea:gratitude") == "saying thank you"
    assert insights.factor_label("channel:in_person") == "time in person"


def test_plans_that_went_ahead_count_on_their_local_day(alice: User) -> None:
    from kithkin.plans.models import Occurrence, Plan

    plan = Plan.objects.create(
        owner=alice, title="Walk with Ana", start_date=days_ago(30), start_time=time(23, 30)
    )
    # 23:30 in London on a day two days ago; a plan answered but not done counts nowhere.
    kept = datetime.combine(days_ago(2), time(23, 30), ZoneInfo("Europe/London"))
    Occurrence.objects.create(owner=alice, plan=plan, starts_at=kept, done_at=kept)
    Occurrence.objects.create(
        owner=alice, plan=plan, starts_at=kept - timedelta(days=7), rsvp="going"
    )
    window = insights.Window(alice, insights.period_for("12m"))
    assert insights.plans_by_day(window) == {days_ago(2): {"plan"}}
    assert insights.factor_label("plan") == "a plan that went ahead"


def test_a_new_factor_source_is_one_function(alice: User) -> None:
    for n in range(12):
        check_in(alice, days_ago(n), 5 if n % 3 == 0 else 2)

    def walks(window: insights.Window) -> dict[date, set[str]]:
        return {days_ago(n): {"walk"} for n in range(0, 12, 3)}

    helps, counted = insights.what_helps(
        insights.Window(alice, insights.period_for("12m")), [walks]
    )
    assert counted == 12
    assert [(h.factor, h.lag, h.days, h.mean_with, h.mean_without) for h in helps] == [
        ("walk", 0, 4, 5.0, 2.0)
    ]


# --- Face to face, give and take, strength ---------------------------------------------------


def test_face_to_face_share_per_week(alice: User, alice_client: Client) -> None:
    ana = person(alice, "Ana Lima")
    log(alice, [ana], at(date(2026, 3, 16)), channel="in_person")
    for day in (16, 17, 18):
        log(alice, [ana], at(date(2026, 3, day), 9), channel="text")
    log(alice, [ana], at(date(2026, 3, 10)), channel="in_person")
    log(alice, [], at(date(2026, 3, 11)), channel="in_person")
    html = page(alice_client).replace("\n", "")
    assert '<th scope="row">16 Mar 2026</th><td>1</td><td>3</td><td>25%</td>' in html
    assert '<th scope="row">9 Mar 2026</th><td>2</td><td>0</td><td>100%</td>' in html
    assert "Over the period, 50% of your contacts were in person." in text(html)
    bars = gather(alice).face_to_face.chart.bars
    assert [(b.when, b.value) for b in bars] == [(date(2026, 3, 9), 100), (date(2026, 3, 16), 25)]


def test_who_reached_out_first_by_person_and_quarter(alice: User, alice_client: Client) -> None:
    ana, ben = person(alice, "Ana Lima"), person(alice, "Ben Ode")
    for n, by in enumerate(["me", "me", "them", "them"]):
        log(alice, [ana], at(date(2026, 2, 2 + n)), initiated_by=by)
    log(alice, [ana], at(date(2025, 12, 1)), initiated_by="me")
    for n in range(3):
        log(alice, [ben], at(date(2026, 2, 2 + n)))
    html = page(alice_client).replace("\n", "")
    row = re.search(r'<tr><th scope="row"><a href="/people/\d+/">Ana Lima</a></th>(.*?)</tr>', html)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1))
    # Quarters shown: Apr 2025, Jul 2025, Oct 2025, Jan 2026.
    assert cells == ["3", "2", NONE, NONE, "you 1 · them 0", "you 2 · them 2"]
    assert ">Oct 2025</th>" in html and ">Jan 2026</th>" in html
    assert "Ben Ode</a></th>" not in html  # three contacts: not enough to say


def test_a_group_contact_counts_once_for_each_person_in_it(alice: User) -> None:
    ana, ben, cai = (person(alice, n) for n in ("Ana Lima", "Ben Ode", "Cai Rua"))
    log(alice, [ana, ben, cai], at(days_ago(1)), feeling_after="lifted", initiated_by="them")
    log(alice, [ana], at(days_ago(2)), feeling_after="drained")
    log(alice, [], at(days_ago(3)), feeling_after="drained")  # with nobody: no one's
    counts = insights.Window(alice, insights.period_for("12m")).per_person
    assert {pk: (c.lifted, c.drained, c.me, c.them) for pk, c in counts.items()} == {
        ana.pk: (1, 1, 1, 1),
        ben.pk: (1, 0, 0, 1),
        cai.pk: (1, 0, 0, 1),
    }
    assert gather(alice).week == insights.WeekWins(3, 3, 1, 0, 0, 0, 0)


def test_connection_strength_is_the_forgiving_score(alice: User, alice_client: Client) -> None:
    ana = person(alice, "Ana Lima", ring=Ring.INNER, created_at=NOW - timedelta(days=60))
    person(alice, "Zed Far", ring=Ring.ACQUAINTANCE)
    contact_days = [days_ago(n) for n in (50, 43, 36, 30, 22, 9, 2)]
    for day in contact_days:
        log(alice, [ana], at(day))
    log(alice, [ana], at(days_ago(2), 18))  # two on one day
    expected = scoring.strength(
        {d: (2 if d == days_ago(2) else 1) for d in contact_days}, days_ago(60), TODAY, 1, 7
    )
    data = gather(alice)
    assert [(s.name, s.every_days) for s in data.strength] == [("Ana Lima", 7)]
    assert data.strength[0].score == pytest.approx(expected)
    html = page(alice_client)
    assert f'value="{round(100 * expected)}"' in html
    assert 'Zed Far</a> <span class="quiet">· Acquaintances' not in html


def test_contacts_set_aside_for_undo_count_nowhere(alice: User, alice_client: Client) -> None:
    ana = person(alice, "Ana Lima", ring=Ring.INNER)
    kept = log(alice, [ana], at(days_ago(1)), channel="in_person", feeling_after="lifted")
    gone = log(alice, [ana], at(days_ago(1), 15), channel="call", feeling_after="drained")
    actions.do_delete_interaction(gone)
    data = gather(alice)
    assert data.week.contacts == 1
    assert [(w.in_person, w.other) for w in data.channel_weeks] == [(1, 0)]
    window = insights.Window(alice, insights.period_for("12m"))
    assert window.per_person[ana.pk].feelings.drained == 0
    assert window.contacts_per_person_day == {ana.pk: {days_ago(1): 1}}
    assert kept.pk


# --- The circle map -------------------------------------------------------------------------


def test_the_circle_map_places_everyone_and_lists_them(alice: User, alice_client: Client) -> None:
    ana = person(alice, "Ana Lima", ring=Ring.INNER)
    person(alice, "Ben Ode", ring=Ring.INNER, created_at=NOW - timedelta(days=30))  # no contact
    person(alice, "Cai Rua", ring=Ring.WIDER)
    gone = person(alice, "Old Friend", ring=Ring.CLOSE)
    gone.archived_at = NOW
    gone.save()
    for n in range(5):
        log(alice, [ana], at(days_ago(n + 1)), feeling_after="lifted")
    html = page(alice_client)
    svg = re.search(r'<svg class="circle-map".*?</svg>', html, flags=re.S)
    assert svg is not None
    picture = svg.group(0)
    assert 'role="img" aria-labelledby="circle-map-title circle-map-desc"' in picture
    assert "Inner circle: 2 people. Close: 0 people. Wider circle: 1 person." in picture
    assert picture.count('<g class="map-person') == 3
    assert "<title>Ana Lima · tends to lift you</title>" in picture
    assert "<title>Ben Ode · it&#x27;s been a while</title>" in picture
    assert '<g class="map-person ring-1 drifting">' in picture and "map-halo" in picture
    assert "Old Friend" not in html
    words = text(html)
    assert "Inner circle (2): Ana Lima (tends to lift you), Ben Ode (it's been a while)" in words
    assert "Close (0) nobody yet" in words


def test_the_page_reads_people_by_the_models_own_rules(alice: User) -> None:
    person(alice, "Ana Lima", ring=Ring.INNER, created_at=NOW - timedelta(days=30))
    person(alice, "Ben Ode", ring=Ring.CLOSE, cadence_days=10, min_days_between=21)
    person(alice, "Cai Rua", ring=Ring.ACQUAINTANCE)
    read = insights.Window(alice, insights.period_for("12m")).people
    models = list(Person.objects.filter(owner=alice).order_by("ring", "name", "pk"))
    assert [(p.pk, p.effective_cadence_days, p.is_past_cadence(NOW)) for p in read] == [
        (m.pk, m.effective_cadence_days, m.is_past_cadence(NOW)) for m in models
    ]
    assert [p.effective_cadence_days for p in read] == [7, 21, 90]
    assert [p.is_past_cadence(NOW) for p in read] == [True, False, False]


def test_a_big_circle_lists_some_and_links_to_the_rest(alice: User) -> None:
    Person.objects.bulk_create(
        Person(owner=alice, name=f"Person {n:03}", ring=Ring.ACQUAINTANCE) for n in range(60)
    )
    data = gather(alice)
    acquaintances = data.ring_lists[3]
    assert (acquaintances.count, len(acquaintances.people), acquaintances.more) == (60, 40, 20)
    assert len(data.circle.dots) == 60


# --- The week, and when it's harder ------------------------------------------------------------


def test_the_past_seven_days_in_warm_words(alice: User, alice_client: Client) -> None:
    ana, ben = person(alice, "Ana Lima"), person(alice, "Ben Ode")
    log(alice, [ana], at(days_ago(1)), feeling_after="lifted")
    log(alice, [ana, ben], at(days_ago(3)), channel="in_person")
    log(alice, [ben], at(days_ago(8)))  # last week
    check_in(alice, days_ago(0), 3, meaningful=True)
    check_in(alice, days_ago(6), 2, meaningful=False)
    check_in(alice, days_ago(7), 4, meaningful=True)  # last week
    idea = Idea.objects.create(
        owner=alice, slug="x", title="x", effort="tiny", energies=[], target="self",
        channel="other", kind="self",
    )  # fmt: skip
    Suggestion.objects.create(owner=alice, day=days_ago(2), energy="low", idea=idea, outcome="done")
    words = text(page(alice_client))
    assert "You were in touch 2 times with 2 people." in words
    assert "One of those left you lifted." in words
    assert "You saw someone in person." in words
    assert "You checked in with yourself 2 times. One day felt meaningful." in words
    assert "You did one of Today's suggestions." in words
    assert "A quiet week" not in words


def test_when_harder_days_come_needs_five(alice: User, alice_client: Client) -> None:
    sundays = [date(2026, 3, 15), date(2026, 3, 8), date(2026, 3, 1)]
    mondays = [date(2026, 3, 16), date(2026, 3, 9)]
    for day in sundays:
        check_in(alice, day, 2, created_at=at(day, 20, 30))
    check_in(alice, mondays[0], 4, connected=1, created_at=at(mondays[0], 8))
    check_in(alice, date(2026, 3, 17), 4, connected=4)  # a good day: not counted
    assert "When harder days tend to come" not in text(page(alice_client))
    # Written two days later: its weekday counts, its hour doesn't.
    check_in(alice, mondays[1], 1, created_at=at(mondays[1] + timedelta(days=2), 23))
    words = text(page(alice_client))
    assert "5 check-ins in this period had a low mood or little feeling of connection." in words
    assert "They came most often on Sundays." in words
    assert "Most were written in the evening." in words
    data = gather(alice)
    assert data.pattern is not None
    assert dict(data.pattern.by_weekday)["Mondays"] == 2
    assert data.pattern.timed == 4


def test_past_friendships_prompt_links_to_adding_someone(alice_client: Client) -> None:
    html = page(alice_client)
    assert "felt really seen by a friend" in text(html)
    assert f'href="{reverse("add_person")}">Add someone from before' in html


# --- The period, owners, speed -------------------------------------------------------------------


def test_the_period_chooser(alice: User, alice_client: Client) -> None:
    check_in(alice, days_ago(200), 5)
    check_in(alice, days_ago(500), 1)
    check_in(alice, days_ago(1), 3)
    old_week = days_ago(200) - timedelta(days=days_ago(200).weekday())
    row = f'<th scope="row">{old_week.day} {old_week:%b %Y}</th>'
    year = page(alice_client)
    assert row in year
    assert 'href="?period=12m" aria-current="page"' in year
    assert "From 19 Mar 2025 to 18 Mar 2026." in text(year)
    assert "From 18 Dec 2025 to 18 Mar 2026." in text(page(alice_client, "3m"))
    assert row not in page(alice_client, "3m")
    assert 'href="?period=3m" aria-current="page"' in page(alice_client, "3m")
    assert "from 1 to 5" in text(page(alice_client, "all"))
    assert 'href="?period=12m" aria-current="page"' in page(alice_client, "forever")


def test_bob_never_appears_on_alices_page(alice: User, bob: User, alice_client: Client) -> None:
    zeb = person(bob, "Zebedee Quill", ring=Ring.INNER)
    for n in range(6):
        log(bob, [zeb], at(days_ago(n)), feeling_after="lifted", channel="in_person")
        check_in(bob, days_ago(n), 5, meaningful=True)
    Measure.objects.create(owner=bob, kind="ucla3", taken_on=TODAY, answers=[3, 3, 3], score=9)
    html = page(alice_client)
    assert "Zebedee" not in html
    assert "A quiet week, and that's okay." in text(html)
    data = gather(alice)
    assert data.weeks == [] and data.ucla3_rows == [] and data.channel_weeks == []
    assert data.week == insights.WeekWins(0, 0, 0, 0, 0, 0, 0)


def _a_busy_month(owner: User, people: int = 6, scale: int = 1, offset: int = 0) -> None:
    folks = [
        person(owner, f"Friend {n}", ring=(Ring.INNER, Ring.CLOSE, Ring.WIDER)[n % 3])
        for n in range(people)
    ]
    idea = Idea.objects.create(
        owner=owner, slug=f"i{scale}", title="x", effort="tiny", energies=[], target="self",
        channel="other", kind="self",
    )  # fmt: skip
    feelings = ["lifted", "neutral", "drained", ""]
    channels = ["text", "call", "in_person", "video"]
    for n in range(30 * scale):
        day = days_ago(n + offset)
        check_in(owner, day, 1 + n % 5, energy="some", connected=1 + n % 4, meaningful=n % 2 == 0)
        for k in range(2):
            log(
                owner,
                [folks[(n + k) % people]],
                at(day, 9 + k),
                channel=channels[(n + k) % 4],
                feeling_after=feelings[n % 4],
                initiated_by="me" if n % 3 else "them",
            )
        Suggestion.objects.create(owner=owner, day=day, energy="some", idea=idea, outcome="done")
    for month in range(1, 4):
        Measure.objects.create(
            owner=owner, kind="ucla3", taken_on=date(2026, month, 1), answers=[2] * 3, score=6
        )
        Measure.objects.create(
            owner=owner, kind="who5", taken_on=date(2026, month, 1), answers=[3] * 5, score=60
        )


def test_the_query_count_doesnt_grow_with_the_data(alice: User, alice_client: Client) -> None:
    def queries(period: str = "12m") -> int:
        with CaptureQueriesContext(connection) as ctx:
            page(alice_client, period)
        return len(ctx.captured_queries)

    _a_busy_month(alice, people=3)
    small = {p: queries(p) for p in ("3m", "12m", "all")}
    _a_busy_month(alice, people=40, scale=4, offset=30)
    assert {p: queries(p) for p in ("3m", "12m", "all")} == small
    assert small["12m"] <= 12


# --- The local day, computed by the database ---------------------------------------------


@pytest.mark.parametrize(
    "zone", ["Europe/London", "Asia/Kolkata", "America/St_Johns", "Australia/Lord_Howe"]
)
def test_local_day_in_sql_matches_python_across_clock_changes(alice: User, zone: str) -> None:
    tz = ZoneInfo(zone)
    start = datetime(2025, 9, 1, tzinfo=UTC)
    moments = []
    # Every 37 minutes around the spring and autumn changes of each hemisphere,
    # and every 5 hours and 17 minutes through the year.
    for centre in ("2025-10-05", "2025-10-26", "2025-11-02", "2026-03-08", "2026-03-29"):
        mid = datetime.fromisoformat(centre).replace(tzinfo=UTC)
        moments += [mid + timedelta(minutes=37 * k) for k in range(-80, 80)]
    moments += [start + timedelta(minutes=317 * k) for k in range(1, 1500)]
    # London's changes to the microsecond.
    for change in (datetime(2025, 10, 26, 1, tzinfo=UTC), datetime(2026, 3, 29, 1, tzinfo=UTC)):
        moments += [change + timedelta(microseconds=d) for d in (-1, 0, 1)]
    # Stored with and without fractions of a second.
    moments += [m + timedelta(microseconds=499_999) for m in moments[::3]]
    Interaction.objects.bulk_create(
        Interaction(owner=alice, channel="text", happened_at=m) for m in moments
    )
    end = max(moments) + timedelta(seconds=1)
    got = (
        Interaction.objects.filter(owner=alice)
        .annotate(on=insights.local_date("happened_at", tz, start, end))
        .values_list("happened_at", "on")
    )
    day = insights.Days()
    wrong = [(h, on) for h, on in got if h.astimezone(tz).date() != day(on)]
    assert wrong == []
    assert len(got) == len(moments)


moods_and_factors = st.tuples(
    st.dictionaries(
        st.integers(0, 40), st.integers(1, 5), min_size=insights.ENOUGH_MOODS, max_size=41
    ),
    st.dictionaries(st.integers(-1, 41), st.sets(st.sampled_from("abcdef"), max_size=4)),
)


@settings(max_examples=80, deadline=None)
@given(moods_and_factors)
def test_leaving_out_factors_that_cant_show_changes_nothing(
    data: tuple[dict[int, int], dict[int, set[str]]],
) -> None:
    """what_helps gives the scoring only the factors that could be shown: the
    result is the same as scoring everything and filtering after (each factor
    once, at its bigger difference)."""
    moods, factors = data
    start = date(2026, 1, 1)
    window = SimpleNamespace(
        checkins=[(start + timedelta(days=d), m, "", None, None, NOW) for d, m in moods.items()]
    )
    by_day = {start + timedelta(days=d): names for d, names in factors.items()}
    helps, counted = insights.what_helps(cast(insights.Window, window), [lambda w: by_day])
    everything = scoring.associations(
        {start + timedelta(days=d): m for d, m in moods.items()}, by_day
    )
    expected, said = [], set()
    for a in everything:
        if (
            a.difference >= insights.SHOWN_ASSOCIATION
            and counted - a.days >= scoring.MIN_ASSOCIATION_DAYS
            and a.factor not in said
        ):
            said.add(a.factor)
            expected.append(
                (a.factor, a.lag, a.days, round(a.mean_with, 1), round(a.mean_without, 1))
            )
    expected = expected[: insights.MAX_HELPS]
    assert [(h.factor, h.lag, h.days, h.mean_with, h.mean_without) for h in helps] == expected


# --- Odd input ---------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["3m", "12m", "all", "garbage", "", "%00"])
def test_odd_input_still_makes_a_page(alice: User, alice_client: Client, period: str) -> None:
    alice.timezone = ""  # no time zone set: read as UTC
    alice.save()
    person(alice, "Nobody yet", ring=Ring.CLOSE)
    solo = person(alice, "Ana <b>&\"'", ring=Ring.INNER)
    for hour in range(8, 20):  # everything on one day
        log(alice, [solo], at(TODAY, hour), feeling_after="lifted", channel="in_person")
    log(alice, [solo], at(TODAY + timedelta(days=40)))  # logged ahead of time
    check_in(alice, TODAY, 1, connected=1)
    html = page(alice_client, period)
    assert "<b>" not in html
    assert "Ana &lt;b&gt;&amp;&quot;&#x27;" in html
