"""Pasted repeat rules, built from real RRULE parts and from garbage.

Kithkin reads iCalendar text in one place: the RRULE value a person pastes in
the plan and community forms, or sends as `rrule` to the API. Whatever it is,
the answer is a tidy rule that every later step can use, or a message saying
what to change; never an error page, and never a search that doesn't end.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast
from unittest import mock

import pytest
from dateutil import rrule as dateutil_rrule
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from kithkin.accounts.models import ApiToken, User
from kithkin.plans import ical, recurrence, wording
from kithkin.plans.community_forms import CommunityForm
from kithkin.plans.forms import CUSTOM, PlanForm, choices_for
from kithkin.plans.models import Community, Plan
from kithkin.plans.recurrence import RecurrenceError, Series

# --- Rules from real parts --------------------------------------------------------------

FREQS = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY", "MINUTELY", "SECONDLY", "daily"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU", "mo", "XX", "M0"]
# Digits of other scripts pass str.isdigit() but aren't RFC 5545 numbers.
NUMBER_TEXT = [
    "",
    "0",
    "-0",
    "+1",
    "1.5",
    "1e3",
    " 2",
    "\u00b2",
    "\u0663",
    "\uff11",
    "99999999999999999999",
]


def _numbers(low: int, high: int) -> st.SearchStrategy[str]:
    near_edges = st.integers(low - 2, high + 2) | st.integers(-(10**6), 10**6)
    return near_edges.map(str) | st.sampled_from(NUMBER_TEXT)


def _lists(item: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(item, min_size=1, max_size=4).map(",".join) | st.sampled_from(["", ",", "1,"])


def _day_item() -> st.SearchStrategy[str]:
    return st.tuples(
        st.sampled_from(["", "", "+", "-", "--"]),
        st.sampled_from(["", "", "1", "2", "5", "-1", "53", "54", "0", "99", "\u0663"]),
        st.sampled_from(DAYS),
    ).map("".join)


def _until() -> st.SearchStrategy[str]:
    moments = st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59))
    return st.one_of(
        moments.map(lambda d: d.strftime("%Y%m%d")),
        moments.map(lambda d: d.strftime("%Y%m%dT%H%M%S")),
        moments.map(lambda d: d.strftime("%Y%m%dT%H%M%SZ")),
        st.sampled_from(
            ["20270230", "20271301", "2027-01-31", "20270131T250000Z", "00000000", "99999999T"]
        ),
        st.text(max_size=16),
    )


PART_VALUES: dict[str, st.SearchStrategy[str]] = {
    "FREQ": st.sampled_from(FREQS) | st.text(max_size=8),
    "INTERVAL": _numbers(1, recurrence.MAX_INTERVAL),
    "COUNT": _numbers(1, recurrence.MAX_COUNT),
    "UNTIL": _until(),
    "BYDAY": _lists(_day_item()),
    "BYMONTHDAY": _lists(_numbers(-31, 31)),
    "BYMONTH": _lists(_numbers(1, 12)),
    "BYSETPOS": _lists(_numbers(-366, 366)),
    "BYYEARDAY": _lists(_numbers(-366, 366)),
    "BYWEEKNO": _lists(_numbers(-53, 53)),
    "WKST": st.sampled_from(DAYS),
    "BYHOUR": _lists(_numbers(0, 23)),
    "X-NAME": st.text(max_size=8),
}


PART_NAMES = sorted(PART_VALUES)


@st.composite
def rule_texts(draw: st.DrawFn) -> str:
    """A repeat rule as someone might paste it: mostly real parts, sometimes not."""
    names = draw(st.lists(st.sampled_from(PART_NAMES), max_size=5))
    names.insert(draw(st.integers(0, len(names))), "FREQ")
    chunks = []
    for name in names:
        value = draw(PART_VALUES[name])
        separator = draw(st.sampled_from(["=", "=", "=", "=", "", "==", " = "]))
        chunks.append(f"{name.lower() if draw(st.integers(0, 5)) == 0 else name}{separator}{value}")
        if draw(st.integers(0, 9)) == 0:
            chunks.append(draw(st.text(max_size=10)))  # garbage between the parts
    text = draw(st.sampled_from([";", ";", ";", "; ", ";;"])).join(chunks)
    return draw(st.sampled_from(["", "", "", "RRULE:", "rrule:", " ", "DTSTART:2026\n"])) + text


any_rule = rule_texts() | st.text(max_size=60)
STARTS = st.one_of(
    st.datetimes(datetime(1900, 1, 1), datetime(2200, 12, 31, 23, 59)),
    st.sampled_from(
        [
            datetime(1900, 1, 1),
            datetime(2200, 12, 31, 23, 59),
            datetime(2024, 2, 29, 9, 0),
            datetime(2026, 3, 29, 1, 30),  # in London's spring-forward gap
            datetime(2026, 10, 25, 1, 30),  # twice in London's autumn
        ]
    ),
).map(lambda d: d.replace(second=0, microsecond=0))
ZONES = st.sampled_from(["Europe/London", "UTC", "America/New_York", "Australia/Lord_Howe"])

FAST = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WITH_DB = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _use_everywhere(rule: str, start: datetime, zone_name: str) -> None:
    """Every later step a stored rule goes through: they all finish without an error."""
    zone = recurrence.zone_named(zone_name)
    assert recurrence.normalize_rule(rule, start, zone_name) == rule  # tidy already
    parts = recurrence.rule_parts(rule)
    assert parts["FREQ"] in recurrence.FREQUENCIES
    first = recurrence.first_local(rule, start, zone_name)
    series = Series(rule=rule, start=first, zone=zone)
    at = series.instant(first)
    assert series.between(at - timedelta(days=1), at + timedelta(days=400), limit=50)[0] == at
    assert series.local_start(at) == first
    later = series.next_after(at)
    assert later is None or later > at
    ended = recurrence.ended_rule(rule, first, zone_name, at + timedelta(days=30))
    recurrence.normalize_rule(ended, first, zone_name)
    assert choices_for(rule)["repeat"]
    assert wording.describe(rule, first, zone_name)
    # The calendar file has it as one VEVENT whose RRULE reads back the same.
    entry = ical.Entry(uid="u@kithkin", sequence=0, series=series, duration=timedelta(hours=1),
                       summary="Walk")  # fmt: skip
    written = ical.calendar_bytes([entry], "Plans", datetime(2026, 1, 1, tzinfo=UTC))
    [event] = Calendar.from_ical(written).walk("VEVENT")
    written_rule = cast(bytes, event["RRULE"].to_ical()).decode("ascii")
    assert recurrence.rule_parts(written_rule) == parts


def _check(rule: str, start: datetime, zone_name: str) -> str | None:
    try:
        tidy = recurrence.normalize_rule(rule, start, zone_name)
    except RecurrenceError as e:
        message = str(e)
        assert message and len(message) < 300 and "Traceback" not in message
        return None
    if tidy:
        _use_everywhere(tidy, start, zone_name)
    else:
        assert not rule.strip()
    return tidy


@FAST
@given(rule=any_rule, start=STARTS, zone=ZONES)
def test_a_pasted_rule_is_tidied_or_refused_with_words(
    rule: str, start: datetime, zone: str
) -> None:
    _check(rule, start, zone)


@FAST
@given(start=STARTS, zone=ZONES, data=st.data())
def test_rules_made_only_of_real_parts_are_tidied_or_refused(
    start: datetime, zone: str, data: st.DataObject
) -> None:
    parts = data.draw(
        st.dictionaries(
            st.sampled_from(sorted(recurrence.PARTS - {"FREQ"})),
            st.sampled_from(["1", "2", "3", "-1", "12", "31", "53", "MO", "1FR,-1SU", "20300101"]),
            max_size=4,
        )
    )
    freq = data.draw(st.sampled_from(recurrence.FREQUENCIES))
    rule = ";".join([f"FREQ={freq}", *(f"{k}={v}" for k, v in parts.items())])
    _check(rule, start, zone)


# --- The plan and community forms -------------------------------------------------------


def _form_data(rule: str, start: datetime, zone: str) -> dict[str, Any]:
    return {
        "repeat": CUSTOM,
        "rrule": rule,
        "start_date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "timezone": zone,
    }


@WITH_DB
@given(rule=any_rule, start=STARTS, zone=ZONES)
def test_the_plan_and_community_forms_take_a_rule_or_say_what_to_change(
    alice: User, rule: str, start: datetime, zone: str
) -> None:
    data = _form_data(rule, start, zone)
    plan_form = PlanForm(
        alice, {**data, "title": "Walk", "duration_minutes": "60", "energy": "low"}
    )
    community_form = CommunityForm(
        alice,
        {**data, "name": "Choir", "kind": "music", "energy": "low", "meets": "on",
         "duration_minutes": "60"},
    )  # fmt: skip
    for form in (plan_form, community_form):
        if form.is_valid():
            assert form.cleaned_data["rule"] == recurrence.normalize_rule(rule, start, zone)
        else:
            assert form.errors.get("rrule") or form.errors.get("start_date"), form.errors
    if plan_form.is_valid():
        plan = Plan(owner=alice)
        plan_form.fill(plan)
        from kithkin.plans import actions

        actions.do_save_plan(plan, [])
        Series.of(plan).next_after(datetime(2026, 1, 1, tzinfo=UTC))


# --- The API ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def api_rate_counts(settings: Any) -> Iterator[None]:
    """Requests counted in memory of this test's own, not in the shared data folder."""
    settings.CACHES = {
        **settings.CACHES,
        "api": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fuzz"},
    }
    caches["api"].clear()
    yield
    caches["api"].clear()


def _api(user: User) -> Client:
    _token, plain = ApiToken.objects.create_token(user, "fuzz", scope="write")
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def _answer(response: Any, allowed: set[int]) -> dict[str, Any]:
    assert response.status_code in allowed, response.content
    body: dict[str, Any] = json.loads(response.content) if response.content else {}
    if response.status_code >= 400:
        assert body["code"] and body["message"]
    return body


@WITH_DB
@given(rule=any_rule, start=STARTS)
def test_the_api_answers_a_rule_with_a_plan_or_a_422(
    alice: User, rule: str, start: datetime
) -> None:
    client = _api(alice)
    count = Plan.objects.filter(owner=alice).count()
    payload = {"title": "Walk", "rrule": rule, "start": start.isoformat(), "timezone": "UTC"}
    created = client.post("/api/v1/plans", payload, content_type="application/json")
    body = _answer(created, {201, 422})
    if created.status_code == 422:
        assert Plan.objects.filter(owner=alice).count() == count
        return
    assert body["rrule"] == (recurrence.normalize_rule(rule, start, "UTC") or None)
    url = f"/api/v1/plans/{body['id']}"
    before = Plan.objects.values_list("rrule", "start_date", "sequence").get(pk=body["id"])
    changed = client.patch(url, {"rrule": rule[::-1]}, content_type="application/json")
    if _answer(changed, {200, 422}) and changed.status_code == 422:
        after = Plan.objects.values_list("rrule", "start_date", "sequence").get(pk=body["id"])
        assert after == before
    _answer(client.get(f"{url}/occurrences"), {200})


@WITH_DB
@given(rule=any_rule, day=st.dates(date(1900, 1, 1), date(2200, 12, 31)))
def test_the_api_answers_a_community_rule_with_a_group_or_a_422(
    alice: User, rule: str, day: date
) -> None:
    client = _api(alice)
    count = Community.objects.filter(owner=alice).count()
    start = datetime.combine(day, time(19, 0)).isoformat()
    payload = {"name": "Choir", "rrule": rule, "start": start}
    created = client.post("/api/v1/communities", payload, content_type="application/json")
    _answer(created, {201, 422})
    if created.status_code == 422:
        assert Community.objects.filter(owner=alice).count() == count


@WITH_DB
@given(rule=any_rule)
def test_the_plan_page_answers_a_pasted_rule_with_a_page(alice: User, rule: str) -> None:
    client = Client()
    client.force_login(alice)
    start = datetime(2026, 5, 4, 18, 0)
    data = {**_form_data(rule, start, "Europe/London"), "title": "Walk"}
    data.update(duration_minutes="60", energy="low")
    count = Plan.objects.filter(owner=alice).count()
    response = client.post(reverse("plan_new"), data)
    if response.status_code == 200:
        assert response.context["form"].errors
        assert Plan.objects.filter(owner=alice).count() == count
    else:
        assert response.status_code == 302
        assert Plan.objects.filter(owner=alice).count() == count + 1


# --- Found by the fuzzing above -----------------------------------------------------------


@pytest.mark.parametrize(
    "rule, words",
    [
        # "²" passes str.isdigit() but int() can't read it: this was an error page.
        ("FREQ=WEEKLY;COUNT=\u00b2", "COUNT must be a whole number from 1 to 5000."),
        ("FREQ=WEEKLY;INTERVAL=\u00b2", "INTERVAL must be a whole number from 1 to 99."),
        ("FREQ=MONTHLY;BYMONTHDAY=\u00b2", "BYMONTHDAY takes whole numbers from 1 to 31"),
        ("FREQ=YEARLY;BYMONTH=1,\u00b3", "BYMONTH takes whole numbers from 1 to 12."),
        # Two signs went on to dateutil, which answered in its own words.
        ("FREQ=MONTHLY;BYMONTHDAY=--5", "BYMONTHDAY takes whole numbers from 1 to 31"),
        ("FREQ=MONTHLY;BYDAY=\u0663FR", "isn't a weekday such as MO, SU or 1FR."),
    ],
)
def test_numbers_that_are_not_decimal_are_refused_with_words(
    alice: User, alice_client: Client, rule: str, words: str
) -> None:
    start = datetime(2026, 5, 4, 18, 0)
    with pytest.raises(RecurrenceError) as refused:
        recurrence.normalize_rule(rule, start, "Europe/London")
    assert words in str(refused.value)
    data = {**_form_data(rule, start, "Europe/London"), "title": "Walk"}
    data.update(duration_minutes="60", energy="low")
    page = alice_client.post(reverse("plan_new"), data)
    assert page.status_code == 200
    assert words in page.context["form"].errors["rrule"][0]
    payload = {"title": "Walk", "rrule": rule, "start": start.isoformat()}
    answer = _api(alice).post("/api/v1/plans", payload, content_type="application/json")
    assert answer.status_code == 422
    assert words in answer.content.decode()
    assert not Plan.objects.exists()


def test_decimal_digits_of_other_scripts_are_written_back_in_ascii() -> None:
    start = datetime(2026, 5, 4, 18, 0)
    rule = "FREQ=MONTHLY;COUNT=\u0663;BYMONTHDAY=\u0661\u0665,-\uff11"
    tidy = recurrence.normalize_rule(rule, start, "UTC")
    assert tidy == "FREQ=MONTHLY;COUNT=3;BYMONTHDAY=15,-1"
    assert tidy.isascii()


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY;BYSETPOS=4",  # one day a month, so never a fourth
        "FREQ=MONTHLY;BYSETPOS=366",
        "FREQ=YEARLY;BYYEARDAY=4;BYMONTHDAY=1",
        "FREQ=YEARLY;BYDAY=5FR;BYMONTH=2;UNTIL=19990101",
    ],
)
def test_a_rule_that_never_happens_is_refused_without_searching_to_the_year_9999(
    rule: str,
) -> None:
    # dateutil stops at UNTIL only once it finds a day, so an empty rule used to be
    # looked for month by month up to 9999 (about 96,000 months from 2000).
    rebuild = dateutil_rrule._iterinfo.rebuild
    with (
        mock.patch.object(
            dateutil_rrule._iterinfo, "rebuild", autospec=True, side_effect=rebuild
        ) as periods,
        pytest.raises(RecurrenceError, match="never happens"),
    ):
        recurrence.normalize_rule(rule, datetime(2000, 1, 3, 16, 0), "Europe/London")
    assert periods.call_count < 400 * 12 + 100


def test_the_shortened_search_still_finds_a_rare_day() -> None:
    # The fifth Friday of February comes every 28 years or so: 2036 from 2026.
    rule = "FREQ=YEARLY;INTERVAL=2;BYDAY=5FR;BYMONTH=2"
    assert recurrence.normalize_rule(rule, datetime(2026, 1, 1, 9), "UTC") == rule
    first = recurrence.first_local(rule, datetime(2026, 1, 1, 9), "UTC")
    assert first == datetime(2036, 2, 29, 9)
