"""The pages' forms in the API: a form's refusal as the API's 422.

Routers check changes with the same forms as the pages, so the API refuses
exactly what the pages refuse, with the same words.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from ninja.errors import ValidationError


def form_invalid(form: forms.BaseForm, rename: dict[str, str] | None = None) -> ValidationError:
    """A page form's errors as the API's 422, each at the body field it names
    (`rename`: form field -> API field, where they differ)."""
    rename = rename or {}
    details = [
        {
            "type": error.code or "invalid",
            "loc": ["body", "payload"]
            + ([] if field == NON_FIELD_ERRORS else [rename.get(field, field)]),
            "msg": message,
        }
        for field, errors in form.errors.as_data().items()
        for error in errors
        for message in error.messages
    ]
    return ValidationError(details)
