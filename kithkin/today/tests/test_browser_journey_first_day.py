"""A first day with Kithkin, in a real Chromium: sign up, read the privacy welcome,
bring three people in (two by hand, one from a phone's contacts file), say the
energy is running low, do one small thing for someone and note that it lifted."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kithkin.accounts.models import User
from kithkin.circle.models import Channel, Interaction, Person, Ring
from kithkin.conftest import axe_violations, screenshot
from kithkin.today.models import Outcome, Suggestion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIGNUP_PASSWORD = "blue kettle on sunday"
# Written the way a phone exports a contact: CRLF lines, vCard 3.0.
VCARD = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "UID:7d1f0c2e-first-day-rosa\r\n"
    "N:Alvarez;Rosa;;;\r\n"
    "FN:Rosa Alvarez\r\n"
    "TEL;TYPE=CELL:+64 21 555 0142\r\n"
    "EMAIL;TYPE=HOME:rosa@example.org\r\n"
    "END:VCARD\r\n"
)


def _sign_up(page, username: str) -> None:
    page.goto(page.base + "/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password:", exact=True).fill(SIGNUP_PASSWORD)
    page.get_by_label("Password confirmation").fill(SIGNUP_PASSWORD)
    screenshot(page, "journey1-signup")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/welcome/")


def _read_the_welcome(page) -> None:
    """All four cards, each saying in plain words what happens to what you tell it."""
    expect(page.get_by_role("heading", name="Welcome to Kithkin")).to_be_visible()
    cards = [
        ("What Kithkin keeps", "Only what you choose to tell it"),
        ("Where it lives", "No ads, no trackers"),
        ("Who can see it", "Just you."),
        ("It stays yours", "delete your account"),
    ]
    for number, (heading, words) in enumerate(cards, start=1):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        expect(page.locator("#welcome-step")).to_contain_text(words)
        expect(page.get_by_text(f"Card {number} of {len(cards)}")).to_be_visible()
        if number == 1:
            screenshot(page, "journey1-welcome")
        if number < len(cards):
            page.get_by_role("link", name="Next").click()
    page.get_by_role("button", name="Got it — take me to Today").click()
    page.wait_for_url("**/today/")


def _add_someone(page, name: str, ring: str, interest: str) -> int:
    """The "Add someone" form, filled as a person would: a name, how close, an
    interest, and that they keep in touch by text."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.wait_for_url("**/people/")
    page.get_by_role("link", name="Add someone").click()
    page.wait_for_url("**/people/new/")
    page.get_by_label("Name:", exact=True).fill(name)
    page.get_by_label("Closeness").select_option(label=ring)
    page.get_by_label("Interests").fill(interest)
    page.get_by_role("checkbox", name="Text", exact=True).check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/people/\d+/$"))
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    expect(page.get_by_text(f"{name} is in your circle now.")).to_be_visible()
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def _we_last_talked(page, person_id: int, weeks_ago: int) -> None:
    """On their page: "More details" and the day they last talked, as someone who
    is adding an old friend does. (That makes them due now: they come first on Today,
    and the people just added, with nothing logged, fill any places left.)"""
    page.goto(f"{page.base}/people/{person_id}/")
    page.get_by_role("link", name="More details (when, how it felt, a note)").click()
    page.wait_for_url("**/log/**")
    when = timezone.localtime() - timedelta(weeks=weeks_ago)
    page.get_by_label("When").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("radio", name="Call").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/people/{person_id}/")
    expect(page.get_by_text("It's been a while.")).to_be_visible()


def _import_from_a_phone(page, tmp_path) -> None:
    vcf = tmp_path / "contacts.vcf"
    vcf.write_bytes(VCARD.encode())
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.wait_for_url("**/people/")
    page.get_by_role("link", name="Import contacts").click()
    page.wait_for_url("**/people/import/")
    page.get_by_label("Contacts file").set_input_files(str(vcf))
    page.get_by_role("button", name="Show me what's in it").click()
    page.wait_for_url(re.compile(r".*/people/import/\d+/$"))
    expect(page.get_by_role("heading", name="Check your import")).to_be_visible()
    expect(page.get_by_text("From contacts.vcf. Nothing has changed yet.")).to_be_visible()
    expect(page.get_by_text("Card 1: Rosa Alvarez")).to_be_visible()
    screenshot(page, "journey1-import-preview")
    assert axe_violations(page) == []
    # Nothing is written before the confirmation.
    assert not Person.objects.filter(name="Rosa Alvarez").exists()
    page.get_by_label("Put the new people in").select_option(label="Close")
    page.get_by_role("button", name="Import 1 person").click()
    page.wait_for_url("**/people/")
    expect(page.get_by_text("Import done. New: 1")).to_be_visible()


def test_a_first_day_from_sign_up_to_a_lifted_moment(page, tmp_path) -> None:
    _sign_up(page, "wren")
    _read_the_welcome(page)
    user = User.objects.get(username="wren")
    assert user.onboarded_at is not None

    mika = _add_someone(page, "Mika Tanaka", "Inner circle", "climbing")
    _add_someone(page, "Jo Pearce", "Close", "gardening")
    _we_last_talked(page, mika, weeks_ago=3)
    _import_from_a_phone(page, tmp_path)

    # Each in their circle, and the old friend under "It's been a while with…".
    inner = page.get_by_role("region", name="Inner circle (1)")
    close = page.get_by_role("region", name="Close (2)")
    expect(inner.get_by_role("link", name="Mika Tanaka")).to_be_visible()
    expect(close.get_by_role("link", name="Jo Pearce")).to_be_visible()
    expect(close.get_by_role("link", name="Rosa Alvarez")).to_be_visible()
    drifting = page.get_by_role("region", name="It's been a while with…")
    expect(drifting.get_by_role("link", name="Mika Tanaka")).to_be_visible()
    screenshot(page, "journey1-people")
    rosa = Person.objects.get(owner=user, name="Rosa Alvarez")
    assert (rosa.ring, rosa.phones, rosa.emails) == (
        Ring.CLOSE,
        ["+64 21 555 0142"],
        ["rosa@example.org"],
    )
    assert Person.objects.filter(owner=user).count() == 3

    # Today, on a running-low day.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    page.wait_for_url("**/today/")
    page.get_by_role("button", name="Running low").click()
    page.wait_for_url("**/today/")
    expect(page.get_by_role("button", name="Running low")).to_have_attribute("aria-pressed", "true")
    cards = page.locator("article.suggestion")
    expect(cards.first).to_be_visible()
    # Only tiny steps on a low day, and every card says why.
    expect(cards.first.locator("ul.why li").first).to_be_visible()
    screenshot(page, "journey1-today-low")

    # The suggestion that names a person: "With <their name>".
    for_someone = cards.filter(has=page.get_by_text(re.compile(r"^With ")))
    expect(for_someone.first).to_be_visible()
    card = for_someone.first
    name = card.locator("p.quiet a").first.inner_text()
    pk = int((card.get_attribute("aria-labelledby") or "").removeprefix("suggestion-"))
    suggestion = Suggestion.objects.get(pk=pk, owner=user, person__name=name)
    assert suggestion.energy == "low" and suggestion.idea.effort == "tiny"
    expect(card).to_contain_text("A tiny step, for a running-low day.")

    card.get_by_role("button", name="Done", exact=True).click()
    page.wait_for_url("**/today/")
    expect(page.get_by_text("Lovely. It's logged.")).to_be_visible()
    expect(
        page.locator(f"#suggestion-{suggestion.pk}").locator("..").get_by_text("Done. That counts.")
    ).to_be_visible()
    expect(page.get_by_text("How did it feel? (optional)")).to_be_visible()
    screenshot(page, "journey1-done-feeling")
    # The done card, the note that it's logged and the feeling question.
    assert axe_violations(page) == []
    page.get_by_role("button", name="Lifted").click()
    page.wait_for_url("**/today/")
    expect(page.get_by_text("Thanks for noting how it felt.")).to_be_visible()
    screenshot(page, "journey1-feeling-noted")

    suggestion.refresh_from_db()
    assert suggestion.outcome == Outcome.DONE
    interaction = suggestion.interaction
    assert isinstance(interaction, Interaction)
    assert interaction.owner_id == user.pk
    assert interaction.feeling_after == "lifted"
    assert [p.name for p in interaction.people.all()] == [name]
    assert interaction.channel == suggestion.idea.channel

    # Their page shows it: how, when, and that it lifted.
    page.locator(f"#suggestion-{suggestion.pk}").locator("..").get_by_role(
        "link", name=name
    ).click()
    page.wait_for_url(f"**/people/{interaction.people.get().pk}/")
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    entry = page.locator("ol.timeline li").filter(has_text="felt lifted")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(str(Channel(interaction.channel).label))
    shown = datetime.fromisoformat(entry.locator("time").get_attribute("datetime") or "")
    assert abs(shown - interaction.happened_at) < timedelta(seconds=1)
    expect(entry.locator("time")).not_to_be_empty()
    screenshot(page, "journey1-person")
