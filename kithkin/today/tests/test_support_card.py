"""The warm support card on Today: when it shows, what it offers, what it never does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.circle.models import Ring
from kithkin.circle.tests.factories import person
from kithkin.conftest import PASSWORD, make_user
from kithkin.support import card
from kithkin.support.models import HardDay
from kithkin.today.models import SavedMessage, Suggestion
from kithkin.wellbeing.models import CheckIn

pytestmark = pytest.mark.django_db

CARD = 'id="support-card"'
# Noon in London (alice's time zone): the local day is 22 November 2026.
NOON = "2026-11-22 12:00Z"
TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _noon() -> Iterator[None]:
    with time_machine.travel(NOON, tick=False):
        yield


def _moods(owner: User, *moods: int | None, start: date = TODAY) -> None:
    """Check-ins from `start` backwards: the first mood is `start`'s, None skips a day."""
    for i, mood in enumerate(moods):
        if mood is not None:
            CheckIn.objects.create(owner=owner, day=start - timedelta(days=i), mood=mood)


def _today(client: Client) -> str:
    r = client.get(reverse("today"))
    assert r.status_code == 200
    return r.content.decode()


def test_no_card_on_an_ordinary_day(alice_client: Client, alice: User) -> None:
    _moods(alice, 3, 1, 1)
    html = _today(alice_client)
    assert CARD not in html
    assert "I&#x27;m struggling" in html or "I'm struggling" in html


def test_three_lowest_days_running_bring_the_card(alice_client: Client, alice: User) -> None:
    _moods(alice, 1, 1, 1)
    html = _today(alice_client)
    assert CARD in html
    assert "Go gently today" in html
    assert "Helplines and a minute to steady yourself" in html
    assert 'href="/support/"' in html


def test_three_lowest_days_ending_yesterday_still_count(alice_client: Client, alice: User) -> None:
    _moods(alice, None, 1, 1, 1)
    assert CARD in _today(alice_client)


@pytest.mark.parametrize(
    "moods",
    [
        (1, 1),  # only two days
        (1, None, 1, 1),  # a gap
        (1, 2, 1),  # one day not at the lowest
        (None, None, 1, 1, 1),  # the stretch ended two days ago
        (),
    ],
    ids=["two-days", "gap", "not-lowest", "ended-earlier", "no-check-ins"],
)
def test_no_card_without_a_real_stretch(
    alice_client: Client, alice: User, moods: tuple[int | None, ...]
) -> None:
    _moods(alice, *moods)
    assert CARD not in _today(alice_client)


def test_im_struggling_brings_the_card_for_the_local_day(alice_client: Client, alice: User) -> None:
    r = alice_client.post(reverse("struggling"))
    assert r.status_code == 302
    assert r["Location"] == reverse("today") + "#support-card"
    day = HardDay.objects.get(owner=alice)
    assert day.day == TODAY and day.asked and day.dismissed_at is None
    html = _today(alice_client)
    assert CARD in html
    assert "Thank you for saying so" in html
    # Tapping twice is the same as once.
    alice_client.post(reverse("struggling"))
    assert HardDay.objects.filter(owner=alice).count() == 1


def test_the_local_day_is_the_persons_own(charlie_client: Client, charlie: User) -> None:
    # Noon in London is 23:00 in Sydney: still the 22nd there. An hour later it's the 23rd.
    with time_machine.travel("2026-11-22 13:30Z", tick=False):
        charlie_client.post(reverse("struggling"))
    assert HardDay.objects.get(owner=charlie).day == date(2026, 11, 23)


def test_the_card_is_gone_tomorrow(alice_client: Client, alice: User) -> None:
    alice_client.post(reverse("struggling"))
    with time_machine.travel("2026-11-23 12:00Z", tick=False):
        assert CARD not in _today(alice_client)


def test_putting_it_away_holds_for_the_day(alice_client: Client, alice: User) -> None:
    _moods(alice, 1, 1, 1)
    r = alice_client.post(reverse("support_card_dismiss"))
    assert r["Location"] == reverse("today")
    assert HardDay.objects.get(owner=alice, day=TODAY).dismissed_at is not None
    html = _today(alice_client)
    assert CARD not in html
    assert "Put away for today" in html
    # Asking again brings it back.
    alice_client.post(reverse("struggling"))
    assert CARD in _today(alice_client)


def _dismiss_fields(html: str) -> dict[str, str]:
    """What the "Put this away for today" form sends."""
    action = f'action="{reverse("support_card_dismiss")}"'
    form = html[html.index(action) : html.index("</form>", html.index(action))]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_a_los_angeles_evening_is_still_their_own_day(client: Client) -> None:
    lou = make_user("lou", timezone="America/Los_Angeles")
    client.force_login(lou)
    # The lowest mood on 19 to 21 November, nothing yet on the 22nd.
    _moods(lou, 1, 1, 1, start=date(2026, 11, 21))
    # 20:00 on the 22nd in Los Angeles, already the 23rd in UTC: the stretch ended
    # yesterday, so the card is there.
    with time_machine.travel("2026-11-23 04:00Z", tick=False):
        html = _today(client)
        assert CARD in html
        client.post(reverse("support_card_dismiss"), _dismiss_fields(html))
        assert CARD not in _today(client)
    assert HardDay.objects.get(owner=lou).day == date(2026, 11, 22)


def test_putting_it_away_from_a_page_opened_before_midnight_leaves_the_new_days_card(
    client: Client,
) -> None:
    lou = make_user("lou", timezone="America/Los_Angeles")
    client.force_login(lou)
    _moods(lou, 1, 1, 1)  # 20 to 22 November
    with time_machine.travel("2026-11-23 07:58Z", tick=False):  # 23:58 on the 22nd there
        html = _today(client)
        assert CARD in html
    with time_machine.travel("2026-11-23 08:02Z", tick=False):  # 00:02 on the 23rd
        r = client.post(reverse("support_card_dismiss"), _dismiss_fields(html), follow=True)
        html = r.content.decode()
        # The stretch ended yesterday: the new day's card stays, and says why.
        assert CARD in html
        assert "nothing was put away" in html
    assert not HardDay.objects.exists()


def test_putting_it_away_with_a_garbled_day_says_so_and_changes_nothing(
    alice_client: Client, alice: User
) -> None:
    _moods(alice, 1, 1, 1)
    r = alice_client.post(reverse("support_card_dismiss"), {"day": "soon"}, follow=True)
    html = r.content.decode()
    assert CARD in html and "nothing was put away" in html
    assert not HardDay.objects.exists()


def test_putting_it_away_after_asking_keeps_that_they_asked(
    alice_client: Client, alice: User
) -> None:
    alice_client.post(reverse("struggling"))
    alice_client.post(reverse("support_card_dismiss"))
    day = HardDay.objects.get(owner=alice)
    assert day.asked and day.dismissed_at is not None
    assert CARD not in _today(alice_client)


def test_todays_suggestions_stay_usable_below_the_card(alice_client: Client, alice: User) -> None:
    sam = person(alice, "Sam", Ring.CLOSE)
    from kithkin.circle.tests.factories import contact

    contact(alice, [sam], days_ago=40)
    _moods(alice, 1, 1, 1)
    alice_client.post(reverse("set_energy"), {"energy": "low"})
    html = _today(alice_client)
    assert CARD in html
    assert Suggestion.objects.filter(owner=alice).exists()
    assert html.count('class="card suggestion"') >= 1
    assert html.index(CARD) < html.index('class="card suggestion"')
    assert "How much energy do you have today?" in html
    for s in Suggestion.objects.filter(owner=alice):
        assert reverse("respond", args=[s.pk]) in html


def test_it_offers_trusted_people_with_links_to_write_to_them(
    alice_client: Client, alice: User
) -> None:
    person(alice, "Sam Lee", phones=["+44 7700 900123"], emails=["sam@example.org"], trusted=True)
    person(alice, "Ana", trusted=True)
    person(alice, "Not Trusted", phones=["+44 7700 900999"])
    person(alice, "Set Aside", trusted=True, archived_at=timezone.now())
    alice_client.post(reverse("struggling"))
    html = _today(alice_client)
    body = "I%27m%20having%20a%20hard%20time%20today."
    assert f'href="sms:+447700900123?&amp;body={body}' in html
    assert f'href="mailto:sam@example.org?body={body}' in html
    assert "Text Sam Lee" in html and "Email Sam Lee" in html
    # No number known: the text link opens their app to choose; no email link.
    assert f'href="sms:?&amp;body={body}' in html
    assert "Text Ana" in html and "Email Ana" not in html
    assert "Not Trusted" not in html and "Set Aside" not in html


def test_it_fills_in_a_saved_message_when_there_is_one(alice_client: Client, alice: User) -> None:
    person(alice, "Sam", phones=["07700 900123"], trusted=True)
    SavedMessage.objects.create(owner=alice, label="b", text="Later one")
    SavedMessage.objects.create(owner=alice, label="a", text="Walk & talk? Tea at 5")
    alice_client.post(reverse("struggling"))
    html = _today(alice_client)
    assert 'href="sms:07700900123?&amp;body=Walk%20%26%20talk%3F%20Tea%20at%205"' in html


def test_without_trusted_people_it_says_how_to_mark_someone(
    alice_client: Client, alice: User
) -> None:
    person(alice, "Sam")
    alice_client.post(reverse("struggling"))
    html = _today(alice_client)
    assert "someone I trust on hard days" in html
    assert f'href="{reverse("people")}"' in html
    assert "sms:" not in html[html.index(CARD) :].split("</section>")[0]


def test_the_kind_step_is_the_same_all_day_and_changes_day_to_day() -> None:
    assert card.kind_step(TODAY) == card.kind_step(TODAY)
    steps = {card.kind_step(TODAY + timedelta(days=i)) for i in range(len(card.KIND_STEPS))}
    assert len(steps) == len(card.KIND_STEPS)


def test_it_never_diagnoses_or_blocks(alice_client: Client, alice: User) -> None:
    _moods(alice, 1, 1, 1)
    html = _today(alice_client).lower()
    for word in ("depress", "diagnos", "disorder", "you are ill", "symptom", "overdue"):
        assert word not in html
    assert "put this away for today" in html
    # The rest of the app stays open.
    assert alice_client.get(reverse("people")).status_code == 200


def test_nothing_is_sent_and_nothing_loads_from_elsewhere(
    alice_client: Client, alice: User
) -> None:
    person(alice, "Sam", phones=["+44 7700 900123"], trusted=True)
    alice_client.post(reverse("struggling"))
    html = _today(alice_client)
    for element in re.finditer(r"<(script|link|img|iframe|source)\b[^>]*>", html, re.I):
        assert not re.search(r'(src|href)="(https?:)?//', element.group(0)), element.group(0)
    assert "<style" not in html and 'style="' not in html
    assert '<link rel="stylesheet" href="/static/css/support.css">' in html


def test_someone_else_never_sees_alices_card(
    alice_client: Client, alice: User, charlie_client: Client
) -> None:
    person(alice, "Sam", trusted=True)
    alice_client.post(reverse("struggling"))
    _moods(alice, 1, 1, 1)
    html = charlie_client.get(reverse("today")).content.decode()
    assert CARD not in html and "Sam" not in html


def test_the_card_and_the_button_need_a_post(alice_client: Client) -> None:
    assert alice_client.get(reverse("struggling")).status_code == 405
    assert alice_client.get(reverse("support_card_dismiss")).status_code == 405
    assert not HardDay.objects.exists()


def test_signed_out_im_struggling_goes_straight_to_the_support_page(
    client: Client, alice: User
) -> None:
    # A session that ran out while Today was open: no sign-in stands in the way of
    # the helplines, and nothing is recorded for anyone.
    r = client.post(reverse("struggling"), follow=True)
    assert r.redirect_chain == [(reverse("support"), 302)]
    assert r.status_code == 200 and "Need support now?" in r.content.decode()
    assert not HardDay.objects.exists()


def test_signed_out_put_away_leads_back_to_today_after_signing_in(
    client: Client, alice: User
) -> None:
    r = client.post(reverse("support_card_dismiss"))
    assert r.status_code == 302
    login = r["Location"]
    assert login.startswith(reverse("login"))
    r = client.post(login, {"username": "alice", "password": PASSWORD}, follow=True)
    assert r.status_code == 200
    assert r.redirect_chain[-1][0] == reverse("today")
    assert not HardDay.objects.exists()


def test_the_card_costs_one_query_and_one_more_when_it_shows(
    alice_client: Client, alice: User
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            alice_client.get(reverse("today"))
        return len(ctx.captured_queries)

    _moods(alice, 3)
    quiet = queries()
    # Many check-ins don't change it: only the last few days are read.
    _moods(alice, *([2] * 60), start=TODAY - timedelta(days=1))
    assert queries() == quiet
    for n in range(8):
        person(alice, f"P{n}", trusted=True)
    SavedMessage.objects.create(owner=alice, label="x", text="y")
    alice_client.post(reverse("struggling"))
    # The trusted people, each carrying the first saved message, in one query.
    assert queries() == quiet + 1
