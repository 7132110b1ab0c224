from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from kithkin.accounts.models import User
from kithkin.circle.models import Person
from kithkin.plans import actions
from kithkin.plans.models import Occurrence, Plan, PlanPerson
from kithkin.plans.tests.factories import weekly_plan

pytestmark = pytest.mark.django_db

# Thursday 5 March 2026, noon in London.
NOW = "2026-03-05 12:00Z"


def _form(**changes: Any) -> dict[str, Any]:
    return {
        "title": "A walk with Ana",
        "repeat": "weekly",
        "every": "2",
        "nth": "1",
        "rrule": "",
        "start_date": "2026-03-05",
        "start_time": "18:00",
        "timezone": "Europe/London",
        "duration_minutes": "45",
        "energy": "some",
        "place": "",
        "link": "",
        "note": "",
        "remind_minutes": "",
        **changes,
    }


def _snapshot() -> list[Any]:
    return [
        list(Plan.objects.order_by("pk").values()),
        list(PlanPerson.objects.order_by("pk").values()),
        list(Occurrence.objects.order_by("pk").values()),
    ]


def _text(response: Any) -> str:
    return response.content.decode()


# --- The list --------------------------------------------------------------------------


def test_it_invites_a_first_plan_with_three_examples(alice_client: Client) -> None:
    r = alice_client.get("/plans/")
    assert r.status_code == 200
    page = _text(r)
    for slug in ("sunday-call", "walk", "film-night"):
        assert f"/plans/new/?example={slug}" in page
    assert "Call someone on Sundays" in page


def test_an_example_fills_in_the_form_from_its_next_weekday(alice_client: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        r = alice_client.get("/plans/new/?example=film-night")
    form = r.context["form"]
    assert form.initial["repeat"] == "monthly_nth"
    assert form.initial["weekdays"] == ["FR"]
    assert form.initial["start_date"] == date(2026, 3, 6)  # the next Friday
    assert form.initial["timezone"] == "Europe/London"


def test_it_lists_the_next_four_weeks_by_day_with_energy_place_and_people(
    alice_client: Client, alice: User
) -> None:
    mum = Person.objects.create(owner=alice, name="Margaret Jones", nickname="Mum")
    weekly_plan(alice, [mum], place="Her kitchen")
    weekly_plan(alice, title="Later", rrule="", start_date=date(2026, 4, 20))
    with time_machine.travel(NOW, tick=False):
        r = alice_client.get("/plans/")
    days = r.context["days"]
    assert [day for day, _items in days] == [
        date(2026, 3, 8),
        date(2026, 3, 15),
        date(2026, 3, 22),
        date(2026, 3, 29),
    ]
    page = _text(r)
    assert "Sunday 8 March" in page and "Low-key" in page and "Her kitchen" in page
    assert "with Mum" in page
    assert "Later" in page  # listed under all plans, beyond the four weeks
    assert page.count('<li class="occurrence') == 4


def test_it_shows_plans_in_another_zone_at_the_viewers_time_with_the_plans_own(
    client: Client, bob: User
) -> None:
    client.force_login(bob)
    weekly_plan(bob, timezone="Europe/London")
    with time_machine.travel(NOW, tick=False):
        page = _text(client.get("/plans/"))
    # 18:00 in London (GMT) is 14:00 in New York on 8 March (already on EDT).
    assert '">14:00</time>' in page and "(18:00 London time)" in page


def test_the_list_takes_a_constant_number_of_queries(
    alice_client: Client, alice: User, bob: User, django_assert_max_num_queries: Any
) -> None:
    people = [Person.objects.create(owner=alice, name=f"Friend {i}") for i in range(5)]
    for i in range(30):
        plan = weekly_plan(alice, people[: i % 5], title=f"Plan {i}", rrule="FREQ=DAILY")
        if i % 3 == 0:
            actions.do_join(bob, plan)
        actions.do_rsvp(alice, plan, actions.parse_key("2026-03-08T18:00:00Z"), "going")  # type: ignore[arg-type]
    theirs = weekly_plan(bob, title="Bob's walk")
    actions.do_join(alice, theirs)
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(10):
        r = alice_client.get("/plans/")
    assert r.status_code == 200
    assert len(r.context["open_plans"]) == 30 and len(r.context["joined"]) == 1


# --- Making and changing plans -------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "rule", "first"),
    [
        ({"repeat": "once"}, "", date(2026, 3, 5)),
        ({"repeat": "weekly"}, "FREQ=WEEKLY;BYDAY=TH", date(2026, 3, 5)),
        (
            {"repeat": "weekly", "weekdays": ["MO", "SU"]},
            "FREQ=WEEKLY;BYDAY=MO,SU",
            date(2026, 3, 8),
        ),
        (
            {"repeat": "weeks", "every": "2", "weekdays": ["WE"]},
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
            date(2026, 3, 18),
        ),
        (
            {"repeat": "monthly_nth", "nth": "1", "weekdays": ["FR"]},
            "FREQ=MONTHLY;BYDAY=1FR",
            date(2026, 3, 6),
        ),
        (
            {"repeat": "monthly_nth", "nth": "-1", "weekdays": ["MO"]},
            "FREQ=MONTHLY;BYDAY=-1MO",
            date(2026, 3, 30),
        ),
        ({"repeat": "monthly_date"}, "FREQ=MONTHLY;BYMONTHDAY=5", date(2026, 3, 5)),
        (
            {"repeat": "custom", "rrule": "RRULE:freq=monthly;bymonthday=-1"},
            "FREQ=MONTHLY;BYMONTHDAY=-1",
            date(2026, 3, 31),
        ),
    ],
)
def test_it_makes_each_kind_of_repeat(
    alice_client: Client, alice: User, changes: dict[str, Any], rule: str, first: date
) -> None:
    ana = Person.objects.create(owner=alice, name="Ana")
    r = alice_client.post("/plans/new/", _form(people=[ana.pk], **changes))
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    plan = Plan.objects.get()
    assert r["Location"] == reverse("plan", args=[plan.pk])
    assert (plan.rrule, plan.start_date, plan.start_time) == (rule, first, time(18, 0))
    assert plan.owner == alice and plan.energy == "some" and plan.duration_minutes == 45
    assert list(plan.people.all()) == [ana]
    assert PlanPerson.objects.get().owner == alice


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"repeat": "custom", "rrule": "FREQ=SECONDLY"}, "rrule", "plans don't repeat more often"),
        ({"repeat": "custom", "rrule": ""}, "rrule", "Paste a repeat rule"),
        ({"repeat": "weeks", "every": ""}, "every", "How many weeks"),
        ({"repeat": "weeks", "every": "100"}, "every", "less than or equal to 99"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Select a valid choice"),
        ({"start_time": "6pm"}, "start_time", "like 18:00"),
        ({"title": "   "}, "title", "This field is required"),
        ({"link": "javascript:alert(1)"}, "link", "Enter a valid URL"),
        ({"people": ["²"]}, "people", "your own circle"),
        ({"people": ["99999999999999999999"]}, "people", "your own circle"),
        ({"start_date": "9999-12-25"}, "start_date", "a long way off"),
        ({"start_date": "0001-01-01"}, "start_date", "a long way off"),
    ],
)
def test_bad_input_gets_a_clear_word_and_changes_nothing(
    alice_client: Client, changes: dict[str, Any], field: str, words: str
) -> None:
    r = alice_client.post("/plans/new/", _form(**changes))
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert field in errors, errors
    assert any(words in e for e in errors[field]), errors
    assert not Plan.objects.exists()


def test_someone_elses_person_is_refused(alice_client: Client, bob: User) -> None:
    theirs = Person.objects.create(owner=bob, name="Bob's friend")
    r = alice_client.post("/plans/new/", _form(people=[theirs.pk]))
    assert "people" in r.context["form"].errors
    assert not Plan.objects.exists()


def test_editing_reads_the_rule_back_and_bumps_the_sequence(
    alice_client: Client, alice: User
) -> None:
    plan = weekly_plan(alice, rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", start_date=date(2026, 3, 18))
    r = alice_client.get(f"/plans/{plan.pk}/edit/")
    form = r.context["form"]
    assert form.initial["repeat"] == "weeks"
    assert form.initial["every"] == 2 and form.initial["weekdays"] == ["WE"]
    r = alice_client.post(
        f"/plans/{plan.pk}/edit/",
        _form(
            title="Call Mum", repeat="weeks", every="2", weekdays=["WE"], start_date="2026-03-18"
        ),
    )
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.sequence == 1 and plan.title == "Call Mum"
    alice_client.post(f"/plans/{plan.pk}/edit/", _form(start_date="2026-03-18"))
    plan.refresh_from_db()
    assert plan.sequence == 2 and plan.rrule == "FREQ=WEEKLY;BYDAY=WE"


def test_a_rule_the_choices_cant_say_is_edited_as_a_custom_rule(
    alice_client: Client, alice: User
) -> None:
    plan = weekly_plan(alice, rrule="FREQ=WEEKLY;COUNT=4;BYDAY=SU")
    form = alice_client.get(f"/plans/{plan.pk}/edit/").context["form"]
    assert form.initial["repeat"] == "custom"
    assert form.initial["rrule"] == "FREQ=WEEKLY;COUNT=4;BYDAY=SU"


def test_the_plan_page_describes_it_and_shows_the_next_times(
    alice_client: Client, alice: User
) -> None:
    plan = weekly_plan(alice, rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", start_date=date(2026, 3, 18))
    with time_machine.travel(NOW, tick=False):
        r = alice_client.get(f"/plans/{plan.pk}/")
    page = _text(r)
    assert "Every other Wednesday at 18:00, London time" in page
    assert [o.local.date() for o in r.context["upcoming"]][:3] == [
        date(2026, 3, 18),
        date(2026, 4, 1),
        date(2026, 4, 15),
    ]


# --- Answers ---------------------------------------------------------------------------


def test_rsvp_without_javascript_redirects_back(alice_client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    data = {"start": "2026-03-08T18:00:00Z", "rsvp": "skip", "back": "plan"}
    with time_machine.travel(NOW, tick=False):
        r = alice_client.post(f"/plans/{plan.pk}/rsvp/", data)
    assert r.status_code == 302 and r["Location"] == f"/plans/{plan.pk}/"
    row = Occurrence.objects.get()
    assert (row.owner, row.rsvp, row.done_at) == (alice, "skip", None)
    with time_machine.travel(NOW, tick=False):
        page = _text(alice_client.get(r["Location"]))
    assert "Skipping is fine" in page


def test_rsvp_with_htmx_returns_just_that_occurrence(alice_client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    data = {"start": "2026-03-08T18:00:00Z", "rsvp": "going"}
    with time_machine.travel(NOW, tick=False):
        r = alice_client.post(f"/plans/{plan.pk}/rsvp/", data, headers={"HX-Request": "true"})
    assert r.status_code == 200
    page = _text(r)
    assert page.lstrip().startswith('<li class="occurrence')
    assert page.count('<li class="occurrence') == 1
    assert 'value="going" class="small" aria-pressed="true"' in page
    assert "<html" not in page
    r = alice_client.post(
        f"/plans/{plan.pk}/rsvp/", {**data, "rsvp": ""}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 200 and not Occurrence.objects.exists()


def test_each_answer_button_names_its_plan_and_time(alice_client: Client, alice: User) -> None:
    weekly_plan(alice, title="Call <Mum>")
    with time_machine.travel(NOW, tick=False):
        page = _text(alice_client.get("/plans/"))
    # Spoken as "Skip this time Call <Mum>, Sunday 8 March, 18:00", not just "Skip this time".
    hidden = '<span class="visually-hidden"> Call &lt;Mum&gt;, Sunday 8 March, 18:00</span>'
    for label in ("Going", "Maybe", "Skip this time"):
        assert f"{label}{hidden}</button>" in page
    assert f"Skip this time{hidden.replace('8 March', '15 March')}</button>" in page


@pytest.mark.parametrize(
    "data",
    [
        {"start": "2026-03-09T18:00:00Z", "rsvp": "going"},  # a Monday
        {"start": "nonsense", "rsvp": "going"},
        {"rsvp": "going"},
        {"start": "0001-01-01T00:00:00Z", "rsvp": "going"},  # was a server error
        {"start": "9999-12-31T23:59:59Z", "rsvp": "going"},
    ],
)
def test_rsvp_for_a_time_that_isnt_an_occurrence_is_a_404(
    alice_client: Client, alice: User, data: dict[str, str]
) -> None:
    plan = weekly_plan(alice)
    assert alice_client.post(f"/plans/{plan.pk}/rsvp/", data).status_code == 404
    assert not Occurrence.objects.exists()
    restore = {"start": data.get("start", ""), "restore": "1"}
    assert alice_client.post(f"/plans/{plan.pk}/cancel-one/", restore).status_code == 404


def test_an_unknown_answer_changes_nothing(alice_client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    r = alice_client.post(
        f"/plans/{plan.pk}/rsvp/", {"start": "2026-03-08T18:00:00Z", "rsvp": "never"}
    )
    assert r.status_code == 302
    assert not Occurrence.objects.exists()


# --- Ending and deleting ---------------------------------------------------------------


def test_end_keeps_the_plan_and_its_history(alice_client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    with time_machine.travel(NOW, tick=False):
        r = alice_client.post(f"/plans/{plan.pk}/end/")
        assert r.status_code == 302
        plan.refresh_from_db()
        assert plan.ended_at is not None and plan.sequence == 1
        assert plan.rrule == "FREQ=WEEKLY;UNTIL=20260305T115959Z;BYDAY=SU"
        listing = alice_client.get("/plans/")
    assert listing.context["days"] == []
    assert [p.pk for p in listing.context["ended"]] == [plan.pk]
    # An ended plan stays as it was: editing it could lift the end in calendars.
    r = alice_client.post(f"/plans/{plan.pk}/edit/", _form(title="Changed"))
    assert r.status_code == 302 and r["Location"] == f"/plans/{plan.pk}/"
    plan.refresh_from_db()
    assert plan.title != "Changed" and "UNTIL=" in plan.rrule


def test_delete_asks_first_then_deletes(alice_client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    r = alice_client.get(f"/plans/{plan.pk}/delete/")
    assert r.status_code == 200 and "End it instead" in _text(r)
    assert Plan.objects.filter(pk=plan.pk).exists()
    r = alice_client.post(f"/plans/{plan.pk}/delete/")
    assert r.status_code == 302 and r["Location"] == "/plans/"
    assert not Plan.objects.exists()


# --- Privacy ---------------------------------------------------------------------------


def _every_url(plan: Plan) -> list[tuple[str, str, dict[str, str]]]:
    start = {"start": "2026-03-08T18:00:00Z"}
    return [
        ("get", f"/plans/{plan.pk}/", {}),
        ("get", f"/plans/{plan.pk}/edit/", {}),
        ("post", f"/plans/{plan.pk}/edit/", _form()),
        ("get", f"/plans/{plan.pk}/delete/", {}),
        ("post", f"/plans/{plan.pk}/delete/", {}),
        ("post", f"/plans/{plan.pk}/end/", {}),
        ("post", f"/plans/{plan.pk}/rsvp/", {**start, "rsvp": "going"}),
        ("post", f"/plans/{plan.pk}/done/", start),
        ("post", f"/plans/{plan.pk}/cancel-one/", start),
        ("post", f"/plans/{plan.pk}/share/", {"share": "on"}),
        ("post", f"/plans/{plan.pk}/leave/", {}),
    ]


def test_every_plan_address_is_a_404_for_someone_else(alice: User, charlie_client: Client) -> None:
    plan = weekly_plan(alice)
    before = _snapshot()
    with time_machine.travel("2026-03-09 12:00Z", tick=False):
        for method, url, data in _every_url(plan):
            r = getattr(charlie_client, method)(url, data)
            assert r.status_code == 404, (method, url)
    assert _snapshot() == before
    assert "Call Mum" not in _text(charlie_client.get("/plans/"))


def test_the_pages_need_a_sign_in(client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    for url in ("/plans/", "/plans/new/", f"/plans/{plan.pk}/"):
        r = client.get(url)
        assert r.status_code == 302 and "/login" in r["Location"]


def test_the_words_stay_gentle(alice_client: Client, alice: User) -> None:
    plan = weekly_plan(alice)
    actions.do_rsvp(alice, plan, actions.parse_key("2026-03-08T18:00:00Z"), "skip")  # type: ignore[arg-type]
    with time_machine.travel(NOW, tick=False):
        pages = [
            _text(alice_client.get(url)).lower()
            for url in ("/plans/", f"/plans/{plan.pk}/", f"/plans/{plan.pk}/edit/", "/plans/new/")
        ]
    for page in pages:
        for word in ("overdue", "missed", "failed", "streak"):
            assert word not in page
