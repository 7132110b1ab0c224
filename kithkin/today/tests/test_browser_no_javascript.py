"""Today's whole loop with JavaScript switched off, in a real Chromium: every button
is a plain form that posts and loads a whole new page, so nothing depends on a
script having run."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kithkin.circle import actions as circle_actions
from kithkin.circle.models import Channel, Person, Ring
from kithkin.conftest import log_in, make_user, screenshot, watched_page
from kithkin.today.models import DayEnergy, Outcome, Suggestion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRIENDS = ("Ada Moreno", "Bea Kowalski", "Cal Osei")


def _a_person_with_friends():
    """Someone with three close friends, each last called a month ago: all three
    are due, so Today has people to suggest."""
    user = make_user("noor", timezone="Pacific/Auckland")
    month_ago = timezone.now() - timedelta(days=30)
    for name in FRIENDS:
        friend = circle_actions.do_save_person(
            Person(owner=user, name=name, ring=Ring.INNER, channels=[Channel.TEXT])
        )
        circle_actions.do_log_interaction(
            user, [friend], channel=Channel.CALL, happened_at=month_ago
        )
    return user


class Loads:
    """Every request the page makes: whole-page loads (documents) and any request
    htmx would have made (it marks each with an HX-Request header)."""

    def __init__(self, page) -> None:
        self.documents: list[tuple[str, str]] = []
        self.htmx: list[str] = []
        self.urls: list[str] = []
        page.on("request", self._seen)

    def _seen(self, request) -> None:
        self.urls.append(request.url)
        if request.resource_type == "document":
            self.documents.append((request.method, request.url))
        if "hx-request" in request.headers:
            self.htmx.append(request.url)

    def posted_then_loaded(self, action: str, since: int) -> bool:
        """The form posted to `action` as a page load, then Today loaded whole."""
        after = self.documents[since:]
        return [m for m, _url in after] == ["POST", "GET"] and after[0][1].endswith(action)


def _card_of(page, suggestion: Suggestion):
    return page.get_by_role("article").filter(has=page.locator(f"#suggestion-{suggestion.pk}"))


def test_today_done_feeling_not_today_and_another_without_javascript(
    browser, live_server, viewport
) -> None:
    user = _a_person_with_friends()
    with watched_page(browser, live_server, viewport, java_script_enabled=False) as page:
        loads = Loads(page)
        log_in(page, user.username)
        today = timezone.localdate(timezone=user.zone)

        # Energy: one tap, a whole page back.
        mark = len(loads.documents)
        page.get_by_role("button", name="Some", exact=True).click()
        page.wait_for_url("**/today/")
        assert loads.posted_then_loaded("/today/energy/", mark)
        expect(page.get_by_role("button", name="Some", exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
        assert DayEnergy.objects.get(owner=user, day=today).energy == "some"
        shown = list(Suggestion.objects.filter(owner=user, day=today).order_by("position"))
        assert len(shown) == 3
        for s in shown:
            expect(_card_of(page, s)).to_be_visible()
        # kithkin.js takes the `hidden` off the Copy buttons when it runs; here it
        # didn't, and the share links are there instead.
        expect(page.locator("[data-copy]").first).to_have_attribute("hidden", "")
        expect(page.get_by_role("link", name="Text it").first).to_be_visible()
        screenshot(page, "nojs-today-some")

        # Done, on a suggestion for one of the friends.
        done = next(s for s in shown if s.person is not None)
        others = [s for s in shown if s.pk != done.pk]
        mark = len(loads.documents)
        _card_of(page, done).get_by_role("button", name="Done", exact=True).click()
        page.wait_for_url("**/today/")
        assert loads.posted_then_loaded(f"/today/suggestions/{done.pk}/", mark)
        expect(page.get_by_role("status")).to_contain_text("Lovely. It's logged.")
        expect(_card_of(page, done).get_by_text("Done. That counts.")).to_be_visible()
        screenshot(page, "nojs-done")

        # How it felt: the question came with the page, and answers as a form too.
        mark = len(loads.documents)
        page.get_by_role("status").get_by_role("button", name="Lifted").click()
        page.wait_for_url("**/today/")
        done.refresh_from_db()
        assert done.outcome == Outcome.DONE and done.interaction is not None
        assert loads.posted_then_loaded(f"/log/{done.interaction.pk}/feeling/", mark)
        expect(page.get_by_role("status")).to_contain_text("Thanks for noting how it felt.")
        screenshot(page, "nojs-feeling-noted")
        interaction = done.interaction
        assert interaction.owner_id == user.pk
        assert interaction.feeling_after == "lifted"
        assert list(interaction.people.all()) == [done.person]

        # "Not today": the card goes, kindly.
        not_today = others[0]
        mark = len(loads.documents)
        _card_of(page, not_today).get_by_role("button", name="Not today").click()
        page.wait_for_url("**/today/")
        assert loads.posted_then_loaded(f"/today/suggestions/{not_today.pk}/", mark)
        expect(page.get_by_role("status")).to_contain_text("That's fine. It'll keep.")
        expect(_card_of(page, not_today)).to_have_count(0)
        not_today.refresh_from_db()
        assert not_today.outcome == Outcome.NOT_TODAY and not_today.interaction is None

        # "Show me another": the card goes, and something else takes its place
        # when anything else fits.
        another = others[1]
        before = set(Suggestion.objects.filter(owner=user, day=today).values_list("pk", flat=True))
        mark = len(loads.documents)
        _card_of(page, another).get_by_role("button", name="Show me another").click()
        page.wait_for_url("**/today/")
        assert loads.posted_then_loaded(f"/today/suggestions/{another.pk}/", mark)
        expect(_card_of(page, another)).to_have_count(0)
        another.refresh_from_db()
        assert another.outcome == Outcome.ANOTHER
        new = Suggestion.objects.filter(owner=user, day=today).exclude(pk__in=before)
        if new.exists():
            expect(_card_of(page, new.get())).to_be_visible()
        else:
            expect(page.get_by_role("status")).to_contain_text("That's everything that fits")
        screenshot(page, "nojs-another")
        # The done card and its feeling are still there after all of that.
        expect(_card_of(page, done).get_by_text("Done. That counts.")).to_be_visible()

        # No script ran: htmx never sent a request, and the service worker that
        # kithkin.js registers was never fetched.
        assert loads.htmx == []
        assert not any(re.search(r"/sw\.js$", url) for url in loads.urls)

        # Their page shows the contact, with the feeling.
        page.goto(f"{page.base}/people/{done.person_id}/")
        entry = page.locator("ol.timeline li").filter(has_text="felt lifted")
        expect(entry).to_have_count(1)
        expect(entry).to_contain_text(str(Channel(interaction.channel).label))
        screenshot(page, "nojs-person")


def test_a_button_that_needs_javascript_is_not_offered_without_it(browser, live_server) -> None:
    user = _a_person_with_friends()
    with watched_page(browser, live_server, java_script_enabled=False) as page:
        log_in(page, user.username)
        page.get_by_role("button", name="Some", exact=True).click()
        page.wait_for_url("**/today/")
        assert Suggestion.objects.filter(owner=user).exclude(draft="").exists()
        copy = page.locator("[data-copy]").first
        expect(copy).to_have_attribute("hidden", "")
        # A Copy button that can't copy would do nothing when tapped.
        expect(copy).to_be_hidden(timeout=1000)
