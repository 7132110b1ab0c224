"""The personal safety plan: optional, private, editable, printable, clearable."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from kithkin.accounts.models import User
from kithkin.circle.tests.factories import person
from kithkin.support.forms import FIELDS, MOST_CHARS
from kithkin.support.models import SafetyPlan

pytestmark = pytest.mark.django_db

FULL = {
    "warning_signs": "Not answering the phone.\nStaying in bed past noon.",
    "coping": "A hot shower; the long playlist.",
    "distractions": "The library on Mill Road.",
    "helpers": "My sister Jo.",
    "professionals": "Dr Patel at the surgery.",
    "safe_environment": "Ask Jo to keep the spare keys.",
    "reasons": "My cat, Biscuit. The allotment in spring.",
}
HEADINGS = [
    "Warning signs that a hard time may be coming",
    "Things I can do on my own to feel a little better",
    "People and places that take my mind off things",
    "People I can ask for help",
    "Professionals and services I can contact",
    "Making where I am safer",
    "What matters most to me",
]


def _html(client: Client, name: str) -> str:
    r = client.get(reverse(name))
    assert r.status_code == 200
    return r.content.decode()


def test_without_a_plan_it_invites_gently(alice_client: Client) -> None:
    html = _html(alice_client, "safety_plan")
    assert "Start my plan" in html
    assert "Stanley and Brown, 2012" in html
    assert "nothing in it is shared" in html
    assert reverse("edit_safety_plan") in html


def test_the_form_has_the_steps_in_order_with_their_explanations(alice_client: Client) -> None:
    html = _html(alice_client, "edit_safety_plan")
    positions = [html.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    assert "Spotting them early" in html
    assert html.count("<textarea") == len(FIELDS)
    # alice lives in the UK: her helplines sit beside the professionals step.
    assert 'href="tel:116123"' in html
    assert html.index('href="tel:116123"') > html.index("Professionals and services")
    assert html.index('href="tel:116123"') < html.index("Making where I am safer")


def test_it_keeps_the_plan_and_shows_it_as_a_calm_list(alice_client: Client, alice: User) -> None:
    r = alice_client.post(reverse("edit_safety_plan"), FULL)
    assert r.status_code == 302 and r["Location"] == reverse("safety_plan")
    plan = SafetyPlan.objects.get(owner=alice)
    assert plan.coping == FULL["coping"]
    html = _html(alice_client, "safety_plan")
    assert "Kept. Only you can see it." in html
    positions = [html.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    assert "Not answering the phone.<br>Staying in bed past noon." in html
    assert "Biscuit" in html
    assert 'href="tel:116123"' in html  # the lines where she lives
    assert "findahelpline.com" in html
    assert "Edit my plan" in html and "Clear my plan" in html
    assert 'class="actions no-print"' in html


def test_editing_changes_it_and_never_makes_a_second_plan(
    alice_client: Client, alice: User
) -> None:
    alice_client.post(reverse("edit_safety_plan"), FULL)
    html = _html(alice_client, "edit_safety_plan")
    assert "A hot shower; the long playlist." in html
    alice_client.post(reverse("edit_safety_plan"), {**FULL, "coping": "Walk round the block."})
    assert SafetyPlan.objects.filter(owner=alice).count() == 1
    assert SafetyPlan.objects.get(owner=alice).coping == "Walk round the block."


def test_a_few_words_in_one_step_are_enough(alice_client: Client, alice: User) -> None:
    alice_client.post(reverse("edit_safety_plan"), {"reasons": "Biscuit"})
    html = _html(alice_client, "safety_plan")
    assert "Biscuit" in html
    assert html.count("Nothing written here yet.") == len(FIELDS) - 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Write something in at least one step first."),
        ({"coping": "   "}, "Write something in at least one step first."),
        ({"coping": "x" * (MOST_CHARS + 1)}, "at most 5000 characters"),
        ({"coping": "a\x00b"}, "Null characters are not allowed."),
    ],
    ids=["empty", "blank", "too-long", "nul"],
)
def test_bad_input_says_so_and_changes_nothing(
    alice_client: Client, alice: User, data: dict[str, str], message: str
) -> None:
    SafetyPlan.objects.create(owner=alice, coping="Tea.")
    r = alice_client.post(reverse("edit_safety_plan"), data)
    assert r.status_code == 200
    assert message in r.content.decode()
    assert SafetyPlan.objects.get(owner=alice).coping == "Tea."


def test_clearing_asks_first_then_deletes(alice_client: Client, alice: User) -> None:
    SafetyPlan.objects.create(owner=alice, coping="Tea.")
    html = _html(alice_client, "clear_safety_plan")
    assert "Clear my safety plan?" in html and "can't be brought back" in html
    assert SafetyPlan.objects.filter(owner=alice).exists()
    r = alice_client.post(reverse("clear_safety_plan"))
    assert r["Location"] == reverse("safety_plan")
    assert not SafetyPlan.objects.filter(owner=alice).exists()
    assert "Start my plan" in _html(alice_client, "safety_plan")


def test_clearing_without_a_plan_changes_nothing(alice_client: Client) -> None:
    r = alice_client.post(reverse("clear_safety_plan"))
    assert r["Location"] == reverse("safety_plan")
    assert alice_client.get(reverse("clear_safety_plan"))["Location"] == reverse("safety_plan")


def test_the_plan_is_private(alice_client: Client, alice: User, bob: User) -> None:
    alice_client.post(reverse("edit_safety_plan"), FULL)
    bob_client = Client()
    bob_client.force_login(bob)
    for name in ("safety_plan", "edit_safety_plan"):
        html = bob_client.get(reverse(name)).content.decode()
        assert "Biscuit" not in html and "Mill Road" not in html
    # bob clearing "his" plan leaves alice's alone.
    bob_client.post(reverse("clear_safety_plan"))
    bob_client.post(reverse("edit_safety_plan"), {"coping": "bob's"})
    assert SafetyPlan.objects.get(owner=alice).coping == FULL["coping"]
    assert SafetyPlan.objects.get(owner=bob).coping == "bob's"


@pytest.mark.parametrize("name", ["safety_plan", "edit_safety_plan", "clear_safety_plan"])
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, alice: User, name: str) -> None:
    SafetyPlan.objects.create(owner=alice, coping="Tea.")
    r = client.get(reverse(name))
    assert r.status_code == 302 and "/login/" in r["Location"]
    r = client.post(reverse(name), FULL)
    assert r.status_code == 302 and "/login/" in r["Location"]
    assert SafetyPlan.objects.get(owner=alice).coping == "Tea."


def test_it_names_the_trusted_people_beside_the_helpers_step(
    alice_client: Client, alice: User
) -> None:
    person(alice, "Jo Sister", trusted=True)
    person(alice, "Someone Else")
    alice_client.post(reverse("edit_safety_plan"), FULL)
    html = _html(alice_client, "safety_plan")
    assert "Jo Sister" in html and "Someone Else" not in html


def test_it_prints_without_the_menus_and_loads_nothing_from_elsewhere(
    alice_client: Client,
) -> None:
    alice_client.post(reverse("edit_safety_plan"), FULL)
    for name in ("safety_plan", "edit_safety_plan", "clear_safety_plan"):
        html = _html(alice_client, name)
        assert '<link rel="stylesheet" href="/static/css/support.css">' in html
        assert "<style" not in html and 'style="' not in html
        for element in re.finditer(r"<(script|link|img|iframe|source)\b[^>]*>", html, re.I):
            assert not re.search(r'(src|href)="(https?:)?//', element.group(0))
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "support.css").read_text()
    assert "@media print" in css and ".main-nav" in css
