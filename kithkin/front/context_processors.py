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


def branding(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    url_name = match.url_name if match else ""
    section = "settings" if url_name in SETTINGS_PAGES else url_name
    return {
        "site_name": settings.SITE_NAME,
        "registration": settings.REGISTRATION,
        "nav": NAV,
        "current_section": section if section in NAV_NAMES else "",
    }
