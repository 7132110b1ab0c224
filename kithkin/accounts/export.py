"""The account export document. Later capabilities add their sections here."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kithkin.accounts.models import User

EXPORT_FORMAT = "kithkin-export"
EXPORT_VERSION = 1


def account_export(user: User) -> dict[str, Any]:
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.username,
            "email": user.email,
            "timezone": user.timezone,
            "locale": user.locale,
            "country": user.country,
            "date_joined": user.date_joined.isoformat(),
            "onboarded_at": user.onboarded_at.isoformat() if user.onboarded_at else None,
        },
        "api_tokens": [
            {
                "name": t.name,
                "scope": t.scope,
                "created_at": t.created_at.isoformat(),
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            }
            for t in user.api_tokens.all()
        ],
    }
