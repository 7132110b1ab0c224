"""The printable summary for a therapist or doctor: hand-computed figures, only the
notes chosen, only the person's own rows, and a fixed number of queries."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.circle.models import Interaction
from kithkin.circle.tests.factories import contact, person
from kithkin.wellbeing import summary
from kithkin.wellbeing.models import CheckIn, Goal, GoalSkip, Measure

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 11, 12, 0, tzinfo=UTC)  # Wednesday, 13:00 in London
TODAY = date(2025, 6, 11)
# Two whole weeks, Sunday to Saturday (alice reads US English: weeks start on Sunday).
PERIOD = "?start=2025-05-25&end=2025-06-07"
DEFAULT = "May 13, 2025 to June 11, 2025 (30 days)"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _main(client: Client, query: str = "") -> str:
    r = client.get(reverse("summary") + query)
    assert r.status_code == 200
    html = r.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _section(html: str, heading: str) -> str:
    start = html.index(f'id="{heading}-heading"')
    end = html.find("</section>", start)
    return html[start:end]


def _checkin(owner: User, day: date, mood: int, **extra: object) -> CheckIn:
    return CheckIn.objects.create(owner=owner, day=day, mood=mood, **extra)


# --- The period -----------------------------------------------------------------------------


def test_the_last_30_days_by_default(alice_client: Client) -> None:
    html = _main(alice_client)
    assert DEFAULT in html
    assert 'name="start" value="2025-05-13"' in html and 'name="end" value="2025-06-11"' in html
    assert 'role="alert"' not in html


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("?start=2025-13-01&end=2025-06-01", "Those dates couldn&#x27;t be read"),
        ("?start=99999-01-01", "Those dates couldn&#x27;t be read"),
        ("?start=%00&end=x", "Those dates couldn&#x27;t be read"),
        ("?start=2025-06-10&end=2025-06-01", "The start date is after the end date."),
        ("?start=1800-01-01&end=2025-06-01", "before 1900"),
        ("?start=2025-06-01&end=2025-07-01", "The end date is in the future."),
        ("?start=2020-01-01&end=2025-06-01", "up to two years at a time"),
    ],
)
def test_odd_dates_get_a_clear_word_and_the_last_30_days(
    alice_client: Client, query: str, why: str
) -> None:
    html = _main(alice_client, query)
    alert = re.search(r'<p class="message no-print" role="alert">(.*?)</p>', html)
    assert alert is not None and why in alert.group(1)
    assert "Here are the last 30 days instead." in alert.group(1)
    assert DEFAULT in html


@pytest.mark.parametrize("end", ["0001-01-01", "0001-01-29", "1900-01-05"])
def test_an_end_near_the_start_of_the_calendar_gets_a_clear_word(
    alice_client: Client, end: str
) -> None:
    html = _main(alice_client, f"?end={end}")
    alert = re.search(r'<p class="message no-print" role="alert">(.*?)</p>', html)
    assert alert is not None and "before 1900" in alert.group(1)
    assert DEFAULT in html


def test_parse_period_fills_in_a_missing_end_or_start() -> None:
    assert summary.parse_period("2025-06-01", "", TODAY) == (date(2025, 6, 1), TODAY, "")
    assert summary.parse_period("", "2025-06-01", TODAY) == (
        date(2025, 5, 3),
        date(2025, 6, 1),
        "",
    )
    assert summary.parse_period("2025-06-11", "2025-06-11", TODAY) == (TODAY, TODAY, "")


# --- What it shows ------------------------------------------------------------------------------


def test_mood_week_by_week_with_energy_and_sleep(alice_client: Client, alice: User) -> None:
    _checkin(alice, date(2025, 5, 25), 2, energy="low", sleep_hours=Decimal("7.5"), rested=3)
    _checkin(alice, date(2025, 5, 27), 3, energy="low", sleep_hours=Decimal("6.5"), rested=4)
    _checkin(alice, date(2025, 6, 1), 4, energy="some", meaningful=True, connected=2)
    _checkin(alice, date(2025, 6, 3), 5, meaningful=True, connected=5)
    _checkin(alice, date(2025, 6, 5), 4, meaningful=False)
    _checkin(alice, date(2025, 6, 8), 1, energy="good")  # the day after the period
    html = _main(alice_client, PERIOD)
    assert "May 25, 2025 to June 7, 2025 (14 days)" in html
    mood = _section(html, "mood")
    # (2 + 3 + 4 + 5 + 4) / 5 = 3.6; weeks: (2 + 3) / 2 = 2.5 and (4 + 5 + 4) / 3 = 4.3.
    assert "5 check-ins, with an average mood of 3.6" in mood
    assert "<tr><td>25 May \u2013 31 May</td><td>2</td><td>2.5</td></tr>" in mood
    assert "<tr><td>1 Jun \u2013 7 Jun</td><td>3</td><td>4.3</td></tr>" in mood
    # The chart: 25 May at x 26 and 1 June 7/13 of the 286 across (26 + 154 = 180);
    # y from 120 (mood 1) up to 8 (mood 5): 2.5 -> 78, 4.3 -> 27.6.
    assert '<path class="line" d="M26 78L180 27.6"/>' in mood
    energy = _section(html, "energy")
    assert "Running low: 2 · Some: 1 · Good: 0" in energy
    assert "7.0 hours a night on average (2 nights noted)" in energy
    # How rested, (3 + 4) / 2, and felt connected, (2 + 5) / 2.
    assert energy.count("<dd>3.5 out of 5 on average</dd>") == 2
    assert "<dd>2 days</dd>" in energy  # something meaningful


def test_questionnaires_as_ranges_with_their_sources(alice_client: Client, alice: User) -> None:
    Measure.objects.create(
        owner=alice, kind="ucla3", taken_on=date(2025, 5, 26), answers=[3, 2, 2], score=7, direct=5
    )
    Measure.objects.create(
        owner=alice, kind="who5", taken_on=date(2025, 5, 27), answers=[2] * 5, score=40
    )
    Measure.objects.create(
        owner=alice, kind="who5", taken_on=date(2025, 6, 6), answers=[3, 3, 3, 2, 3], score=56
    )
    Measure.objects.create(
        owner=alice, kind="ucla3", taken_on=date(2025, 6, 9), answers=[1, 1, 1], score=3
    )
    part = _section(_main(alice_client, PERIOD), "measures")
    assert "7 of 9" in part and "In the range often called lonely (6 to 9)." in part
    assert "How often you feel lonely, asked directly: often or always." in part
    assert "40 of 100" in part
    assert "In the range often linked with low wellbeing (50 or below)." in part
    assert "56 of 100" in part
    assert "Above the range often linked with low wellbeing (50 or below)." in part
    assert "WHO-5 went up by 16 points over the period." in part
    assert "3 of 9" not in part  # taken after the period
    assert "Hughes, Waite, Hawkley and Cacioppo, Research on Aging, 2004" in part
    assert "WHO-5 Well-Being Index © Psychiatric Centre North Zealand" in part
    assert "never a diagnosis" in part
    for word in ("you are lonely", "depress", "disorder"):
        assert word not in part.lower()


def test_connections_by_channel_and_what_lifted(
    alice_client: Client, alice: User, bob: User
) -> None:
    sam, ana = person(alice, "Sam"), person(alice, "Ana")
    # 00:30 on 25 May in London: inside the period.
    contact(alice, [sam], happened_at=_at(date(2025, 5, 24), 23, 30), channel="call")
    contact(alice, [sam, ana], happened_at=_at(date(2025, 5, 30)), channel="video")
    contact(alice, [], happened_at=_at(date(2025, 6, 2)), channel="text", feeling_after="neutral")
    contact(
        alice,
        [ana],
        happened_at=_at(date(2025, 6, 4)),
        channel="in_person",
        initiated_by="them",
        feeling_after="lifted",
    )
    gone = contact(alice, [sam], happened_at=_at(date(2025, 6, 5)), channel="call")
    gone.deleted_at = timezone.now()
    gone.save()
    # 00:30 on 8 June in London: after the period.
    contact(alice, [sam], happened_at=_at(date(2025, 6, 7), 23, 30), channel="call")
    contact(bob, [person(bob, "Bo")], happened_at=_at(date(2025, 6, 1)), channel="letter")
    Interaction.objects.filter(owner=alice, channel="video").update(feeling_after="lifted")
    part = _section(_main(alice_client, PERIOD), "connections")
    assert "<dt>Contacts logged</dt><dd>4</dd>" in part
    assert "<dt>Different people</dt><dd>2</dd>" in part
    assert "<dt>Reached out first</dt><dd>3</dd>" in part
    assert "2 of 3 contacts with a feeling noted (67%)" in part
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td></tr>", part)
    assert rows == [
        ("Call", "1", "0"),
        ("In person", "1", "1"),
        ("Text", "1", "0"),
        ("Video", "1", "1"),
    ]
    assert "Letter" not in part


def test_goals_with_their_strength_at_the_end(alice_client: Client, alice: User) -> None:
    calls = Goal.objects.create(
        owner=alice, title="A call each week", measure="call", created_at=_at(date(2025, 5, 25), 8)
    )
    contact(alice, [], happened_at=_at(date(2025, 5, 26)), channel="call")
    contact(alice, [], happened_at=_at(date(2025, 5, 30)), channel="video")
    contact(alice, [], happened_at=_at(date(2025, 6, 9)), channel="call")  # after the period
    GoalSkip.objects.create(owner=alice, goal=calls, day=date(2025, 6, 10))
    Goal.objects.create(
        owner=alice,
        title="Set aside before",
        measure="contact",
        created_at=_at(date(2025, 4, 1)),
        archived_at=_at(date(2025, 5, 1)),
    )
    Goal.objects.create(
        owner=alice, title="Begun after", measure="contact", created_at=_at(date(2025, 6, 9))
    )
    # By hand, 25 May to 7 June (14 days), Loop's window 2 in 14 days: day 1 v = 0;
    # days 2-5 one call, v = 1/2; days 6-14 two, v = 1.
    m = 0.5 ** (math.sqrt(1 / 7) / 13)
    s = 0.5 * (1 - m**4)
    s = s * m**9 + (1 - m**9)
    part = _section(_main(alice_client, PERIOD), "goals")
    row = f"<td>A call each week</td><td>Once a week</td><td>2</td><td>{round(100 * s)}%</td>"
    assert row in part
    assert "Set aside before" not in part and "Begun after" not in part


def test_a_goal_with_one_person_set_aside_in_the_period_by_hand(
    alice_client: Client, alice: User
) -> None:
    sam, ana = person(alice, "Sam"), person(alice, "Ana")
    goal = Goal.objects.create(
        owner=alice,
        title="Time with Sam",
        measure="contact",
        person=sam,
        created_at=_at(date(2025, 5, 20), 8),
        archived_at=_at(date(2025, 6, 4), 18),
    )
    contact(alice, [sam], happened_at=_at(date(2025, 5, 19)))  # before the goal began
    contact(alice, [sam], happened_at=_at(date(2025, 5, 21)))  # before the period
    contact(alice, [sam, ana], happened_at=_at(date(2025, 5, 27)), channel="in_person")
    contact(alice, [ana], happened_at=_at(date(2025, 6, 2)))  # not with Sam
    gone = contact(alice, [sam], happened_at=_at(date(2025, 6, 3)))
    gone.deleted_at = timezone.now()
    gone.save()
    contact(alice, [sam], happened_at=_at(date(2025, 6, 5)))  # after it was set aside
    GoalSkip.objects.create(owner=alice, goal=goal, day=date(2025, 5, 30))
    # By hand, 20 May to 4 June (read up to the day it was set aside), Loop's
    # window of 2 in 14 days: 20 May v = 0; 21-26 May v = 1/2; 27-29 May v = 1;
    # 30 May set aside; 31 May - 3 June v = 1; 4 June (21 May has left) v = 1/2.
    m = 0.5 ** (math.sqrt(1 / 7) / 13)
    s = 0.5 * (1 - m**6)
    s = s * m**3 + (1 - m**3)
    s = s * m**4 + (1 - m**4)
    s = s * m + 0.5 * (1 - m)
    part = _section(_main(alice_client, PERIOD), "goals")
    row = f"<td>Time with Sam</td><td>Once a week</td><td>1</td><td>{round(100 * s)}%</td>"
    assert row in part


def test_only_the_notes_chosen_and_never_anyone_elses(
    alice_client: Client, alice: User, bob: User
) -> None:
    sea = _checkin(alice, date(2025, 5, 28), 4, note="Walked by the sea with Sam")
    _checkin(alice, date(2025, 6, 2), 2, note="Hard morning, better after lunch")
    _checkin(alice, date(2025, 6, 9), 3, note="After the period")
    bobs = _checkin(bob, date(2025, 5, 28), 2, note="Bob's private note")

    html = _main(alice_client, PERIOD)
    notes = _section(html, "notes")
    shown, form = notes.split("Choose notes to include")
    assert "No notes included." in shown
    assert "Walked by the sea" not in shown and "Hard morning" not in shown
    assert "Walked by the sea" in form and "Hard morning" in form
    assert " checked" not in form
    assert "After the period" not in html
    assert "Bob" not in html

    html = _main(alice_client, f"{PERIOD}&note={sea.pk}&note={bobs.pk}&note=x&note=0")
    shown, form = _section(html, "notes").split("Choose notes to include")
    assert "Walked by the sea with Sam" in shown
    assert "Hard morning" not in shown
    assert f'value="{sea.pk}" checked' in form
    assert "Bob" not in html


@pytest.mark.parametrize("odd", ["\u00b2", "\u0663", "1\u00b2", "-1", " 1", "9" * 30])
def test_note_ids_that_cant_be_ids_are_left_out(
    alice_client: Client, alice: User, odd: str
) -> None:
    _checkin(alice, date(2025, 5, 28), 4, note="Walked by the sea")
    html = _main(alice_client, f"{PERIOD}&note={odd}")
    shown, _form = _section(html, "notes").split("Choose notes to include")
    assert "No notes included." in shown and "Walked by the sea" not in shown


def test_bobs_rows_never_reach_alices_summary(alice_client: Client, alice: User, bob: User) -> None:
    _checkin(bob, date(2025, 6, 1), 1, energy="low", sleep_hours=Decimal("3.0"))
    Measure.objects.create(owner=bob, kind="who5", taken_on=date(2025, 6, 1), score=12)
    Goal.objects.create(owner=bob, title="Bob's goal", measure="contact", created_at=NOW)
    contact(bob, [person(bob, "Bo")], happened_at=_at(date(2025, 6, 1)), channel="call")
    html = _main(alice_client)
    assert "No check-ins in these dates." in html
    assert "None taken in these dates." in html
    assert "No contacts logged in these dates." in html
    assert "No goals in these dates." in html
    assert "Bob" not in html and "12 of 100" not in html


# --- On paper -----------------------------------------------------------------------------------


def test_print_styles_and_the_csv_link(alice_client: Client) -> None:
    html = alice_client.get(reverse("summary") + PERIOD).content.decode()
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html
    try:
        csv = reverse("checkins_csv")
    except NoReverseMatch:
        assert ".csv" not in html
    else:
        assert f'href="{csv}?start=2025-05-25&amp;end=2025-06-07"' in html
    css = (settings.BASE_DIR / "static" / "css" / "print.css").read_text()
    hidden = re.search(r"^([^{}\n]*)\{ display: none !important; \}", css, re.M)
    assert hidden is not None
    selectors = hidden.group(1).strip().split(", ")
    for selector in (".site-header", ".main-nav", "form", "button", ".no-print"):
        assert selector in selectors
    assert ".site-footer { display: block !important;" in css
    assert "background: #fff" in css and "color: #000" in css
    assert "break-inside: avoid" in css and "break-after: avoid" in css
    # Forms and the date message are marked to stay off the paper; the footer stays.
    assert '<form method="get" class="filters no-print"' in html
    assert 'class="site-footer"' in html and 'href="/support/"' in html


def test_the_page_is_gentle_and_needs_a_login(client: Client, alice_client: Client) -> None:
    html = alice_client.get(reverse("summary")).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and not re.search(r'\sstyle="', html)
    for word in ("streak", "missed", "failed", "behind", "overdue"):
        assert word not in html.lower()
    assert 'href="/insights/" aria-current="page"' in html
    assert client.get(reverse("summary"))["Location"].startswith(reverse("login"))
    assert alice_client.post(reverse("summary")).status_code == 405


def test_a_year_takes_the_same_queries_as_a_week(alice_client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    notes = []
    for i in range(0, 365, 3):
        day = TODAY - timedelta(days=i)
        notes.append(_checkin(alice, day, 1 + i % 5, energy="some", note=f"n{i}"))
        contact(alice, [sam], happened_at=_at(day, 9), channel="call", feeling_after="lifted")
    for kind, score in (("ucla3", 6), ("who5", 48)):
        for i in range(0, 365, 30):
            Measure.objects.create(
                owner=alice, kind=kind, taken_on=TODAY - timedelta(days=i), score=score
            )
    began = _at(TODAY - timedelta(days=364), 8)
    for measure in ("call", "checkin", "gathering"):
        Goal.objects.create(owner=alice, title=measure, measure=measure, created_at=began)
    Goal.objects.create(owner=alice, title="Sam", measure="contact", person=sam, created_at=began)
    chosen = "".join(f"&note={n.pk}" for n in notes[:5])

    def queries(query: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert alice_client.get(reverse("summary") + query).status_code == 200
        return len(ctx.captured_queries)

    week = queries(f"?start=2025-06-05&end=2025-06-11{chosen}")
    year = queries(f"?start=2024-06-12&end=2025-06-11{chosen}")
    assert week == year
