from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

NAV = [
    ("today", _("Today")),
    ("people", _("People")),
    ("checkin", _("Check-in")),
    ("plans", _("Plans")),
    ("insights", _("Insights")),
    ("settings", _("Settings")),
]
NAV_NAMES = {name for name, _label in NAV}
# Pages reached from Settings keep Settings highlighted in the navigation.
SETTINGS_PAGES = {"password_change", "password_change_done", "delete_account"}
# Pages inside a section keep it highlighted: check-in history and the
# questionnaires under Check-in; goals and the summary under Insights.
SECTION_PREFIXES = [
    ("checkin", "checkin"),
    ("measure", "checkin"),
    ("goal", "insights"),
    ("summary", "insights"),
    ("insights", "insights"),
    ("plan", "plans"),
    ("communit", "plans"),
    ("place", "plans"),
    ("calendar", "plans"),
    ("partner", "settings"),
    ("shared", "settings"),
    ("reminder", "settings"),
    ("channel", "settings"),
]


def section_of(url_name: str) -> str:
    if url_name in SETTINGS_PAGES:
        return "settings"
    for prefix, section in SECTION_PREFIXES:
        if url_name.startswith(prefix):
            return section
    return url_name if url_name in NAV_NAMES else ""


def branding(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    url_name = match.url_name if match else ""
    section = section_of(url_name or "")
    return {
        "site_name": settings.SITE_NAME,
        "registration": settings.REGISTRATION,
        "nav": NAV,
        "current_section": section,
    }
