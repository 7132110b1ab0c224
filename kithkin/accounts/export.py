"""The account export: everything a person owns, as one JSON document.

Built from every model with an `owner` (the same list account deletion walks), so
a new kind of data is in the export the day its model lands.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils import timezone

from kithkin.accounts.actions import owned_models
from kithkin.accounts.models import User

EXPORT_FORMAT = "kithkin-export"
EXPORT_VERSION = 1
# Never leave the server, not even to their owner.
SECRET_FIELDS = {"token_hash", "password"}
ACCOUNT_FIELDS = [
    "username",
    "email",
    "timezone",
    "locale",
    "country",
    "date_joined",
    "onboarded_at",
]


def _rows(model: type[Model], user: User) -> list[dict[str, Any]]:
    fields = [
        f.attname
        for f in model._meta.concrete_fields
        if f.name not in SECRET_FIELDS and f.name != "owner"
    ]
    return list(model._default_manager.filter(owner=user).order_by("pk").values(*fields))


def account_export(user: User) -> dict[str, Any]:
    """A JSON-ready document (dates as datetime objects: use DjangoJSONEncoder)."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now(),
        "account": {name: getattr(user, name) for name in ACCOUNT_FIELDS},
        "data": {model._meta.label_lower: _rows(model, user) for model in owned_models()},
    }
