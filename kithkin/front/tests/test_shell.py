from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from kithkin.accounts.models import User

ANONYMOUS_PAGES = [
    "index",
    "login",
    "signup",
    "password_reset",
    "password_reset_done",
    "support",
    "privacy",
    "offline",
]
PERSONAL_PAGES = [
    "today",
    "people",
    "checkin",
    "plans",
    "insights",
    "settings",
    "welcome",
    "password_change",
    "delete_account",
    "checkin_history",
    "measures",
    "goals",
    "goal_new",
    "summary",
    "safety_plan",
    "saved_messages",
    "plan_new",
    "plans_calendar",
    "communities",
    "community_new",
    "places",
    "place_new",
    "partners",
    "partner_new",
    "shared_with_me",
    "reminders",
]
NAV = ["Today", "People", "Check-in", "Plans", "Insights", "Settings"]
# Where a page may point to another origin: plain links a person chooses to follow.
LOADING_ATTRS = re.compile(r"<(script|link|img|iframe|source|video|audio)\b[^>]*>", re.I)


def _assert_kind_shell(html: str) -> None:
    # The site's own name, never the host the request came to (Django's LoginView
    # would put that there).
    assert re.search(r'class="brand"[^>]*>Kithkin</a>', html)
    assert 'href="/support/"' in html
    assert "Need support now?" in html
    for element in LOADING_ATTRS.finditer(html):
        assert not re.search(r'(src|href)="(https?:)?//', element.group(0)), element.group(0)
    for word in ("overdue", "failed", "streak lost"):
        assert word not in html.lower()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_every_public_page_has_the_support_link(client: Client, name: str) -> None:
    r = client.get(reverse(name))
    assert r.status_code == 200
    _assert_kind_shell(r.content.decode())


@pytest.mark.parametrize("name", PERSONAL_PAGES)
def test_every_personal_page_has_the_support_link_and_nav(alice_client: Client, name: str) -> None:
    r = alice_client.get(reverse(name))
    assert r.status_code == 200
    html = r.content.decode()
    _assert_kind_shell(html)
    for label in NAV:
        assert f">{label}</a>" in html


@pytest.mark.django_db
def test_the_not_found_page_is_kind_and_has_the_support_link(client: Client) -> None:
    r = client.get("/no/such/page/")
    assert r.status_code == 404
    _assert_kind_shell(r.content.decode())


@pytest.mark.parametrize(
    ("name", "section"),
    [
        ("password_change", "/settings/"),
        ("checkin_history", "/checkin/"),
        ("measures", "/checkin/"),
        ("goals", "/insights/"),
        ("summary", "/insights/"),
        ("plan_new", "/plans/"),
        ("plans_calendar", "/plans/"),
        ("communities", "/plans/"),
        ("places", "/plans/"),
        ("partners", "/settings/"),
        ("shared_with_me", "/settings/"),
        ("reminders", "/settings/"),
    ],
)
def test_the_current_section_is_marked(alice_client: Client, name: str, section: str) -> None:
    html = alice_client.get(reverse(name)).content.decode()
    assert f'href="{section}" aria-current="page"' in html
    assert html.count('aria-current="page"') == 1


@pytest.mark.django_db
def test_htmx_is_vendored_and_csrf_rides_on_hx_headers(alice_client: Client) -> None:
    html = alice_client.get(reverse("today")).content.decode()
    assert '<script src="/static/vendor/htmx/htmx.min.js" defer></script>' in html
    assert '<script src="/static/js/kithkin.js" defer></script>' in html
    match = re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"([A-Za-z0-9]{64})\"\}'", html)
    assert match, "the body carries the CSRF token for htmx requests"


@pytest.mark.django_db
def test_security_headers(client: Client) -> None:
    r = client.get(reverse("index"))
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert r["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_pages_have_no_inline_scripts_or_styles(alice_client: Client, client: Client) -> None:
    pages = [client.get(reverse(n)) for n in ANONYMOUS_PAGES]
    pages += [alice_client.get(reverse(n)) for n in PERSONAL_PAGES]
    for r in pages:
        html = r.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), r.request["PATH_INFO"]
        assert "<style" not in html
        assert not re.search(r'\sstyle="', html)
        assert not re.search(r"\son[a-z]+=", html)


@pytest.mark.django_db
def test_the_landing_page_leads_to_sign_up_and_log_in(client: Client, settings) -> None:
    html = client.get(reverse("index")).content.decode()
    assert 'href="/signup/"' in html and 'href="/login/"' in html
    settings.REGISTRATION = "closed"
    assert 'href="/signup/"' not in client.get(reverse("index")).content.decode()


def test_a_signed_in_person_lands_on_today(alice_client: Client, alice: User) -> None:
    assert alice_client.get(reverse("index"))["Location"] == reverse("today")


@pytest.mark.django_db
def test_no_form_steals_focus_from_the_support_link(client: Client, alice: User) -> None:
    pages = [client.get(reverse(n)).content.decode() for n in ANONYMOUS_PAGES]
    client.force_login(alice)
    pages += [client.get(reverse(n)).content.decode() for n in PERSONAL_PAGES]
    assert not [html for html in pages if "autofocus" in html]


def test_posts_need_the_csrf_token_and_htmx_carries_it(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    data = {"email": "", "timezone": "Europe/Paris", "locale": "en", "country": ""}
    r = client.post(reverse("settings"), data)
    assert r.status_code == 403
    assert "That form had gone stale" in r.content.decode()
    alice.refresh_from_db()
    assert alice.timezone == "Europe/London"

    html = client.get(reverse("settings")).content.decode()
    token = re.search(r'"X-CSRFToken": "([A-Za-z0-9]+)"', html).group(1)  # type: ignore[union-attr]
    r = client.post(reverse("settings"), data, headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert r.status_code == 302
    alice.refresh_from_db()
    assert alice.timezone == "Europe/Paris"


@pytest.mark.django_db
def test_a_bad_host_gets_a_kind_page_with_the_support_link(client: Client) -> None:
    r = client.get(reverse("index"), headers={"Host": "evil.example"})
    assert r.status_code == 400
    _assert_kind_shell(r.content.decode())
