from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kithkin.partners.alerts import LOW_MOOD_DAYS, NO_CHECKIN_DAYS
from kithkin.partners.models import ShareItem

MAX_NOTE = 280


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise forms.ValidationError(_("That text has a character that can't be saved."))
    return value


class PartnerForm(forms.Form):
    name = forms.CharField(
        label=_("What you call them"),
        max_length=100,
        # Not "just for you": alerts and the weekly email greet the partner by it.
        help_text=_(
            "E.g. “Sam”. Any alert or weekly email Kithkin sends them starts “Hi” and this name."
        ),
        error_messages={"required": _("A name, please, so you know who this is.")},
    )
    email = forms.EmailField(
        label=_("Their email (optional)"),
        required=False,
        max_length=254,  # the column's length; the form alone would allow 320
        help_text=_(
            "Only needed if they don't have an account here and you'd like them to get "
            "a weekly summary."
        ),
        error_messages={"invalid": _("That doesn't look like an email address.")},
    )
    weekly_email = forms.BooleanField(
        label=_("Send them a weekly summary by email"),
        required=False,
        help_text=_(
            "Once a week, a short email with only the things you choose to share, and a "
            "line telling them how to stop it. Off unless you tick it."
        ),
    )

    def clean_name(self) -> str:
        name = _no_nul(self.cleaned_data["name"].strip())
        if not name:
            raise forms.ValidationError(_("A name, please, so you know who this is."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("weekly_email") and not data.get("email"):
            self.add_error("email", _("Add their email so the weekly summary has somewhere to go."))
        return data


class SharesForm(forms.Form):
    shares = forms.MultipleChoiceField(
        label=_("What they can see"),
        choices=ShareItem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Choose from the list, please.")},
    )


def _days_field(
    label: Any, bounds: tuple[int, int], initial: int, between: Any
) -> forms.IntegerField:
    low, high = bounds
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        initial=initial,
        required=False,
        error_messages={
            "min_value": between,
            "max_value": between,
            "invalid": _("A number of days, please."),
        },
    )


class AlertsForm(forms.Form):
    no_checkin = forms.BooleanField(
        label=_("When I haven't checked in for a while"), required=False
    )
    no_checkin_days = _days_field(
        _("Days without a check-in"), NO_CHECKIN_DAYS, 3, _("Between 2 and 14 days, please.")
    )
    low_mood = forms.BooleanField(
        label=_("When my mood has been very low for several days"), required=False
    )
    low_mood_days = _days_field(
        _("Days in a row at the lowest mood"), LOW_MOOD_DAYS, 3, _("Between 2 and 7 days, please.")
    )
    consent = forms.BooleanField(label=_("I agree to this"), required=False)

    def __init__(self, *args: Any, name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = _(
            "I agree that Kithkin may send %(name)s these short notes about me."
        ) % {"name": name}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for switch, days in (("no_checkin", "no_checkin_days"), ("low_mood", "low_mood_days")):
            if data.get(switch) and data.get(days) is None and days not in self.errors:
                self.add_error(days, _("How many days, please."))
        if (data.get("no_checkin") or data.get("low_mood")) and not data.get("consent"):
            self.add_error(
                "consent",
                _("Please tick that you agree, or leave both alerts off. Nothing was changed."),
            )
        return data

    def days(self) -> tuple[int | None, int | None]:
        data = self.cleaned_data
        return (
            data["no_checkin_days"] if data.get("no_checkin") else None,
            data["low_mood_days"] if data.get("low_mood") else None,
        )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("A short note"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_NOTE}),
        help_text=_("Up to 280 characters, and up to three notes a day."),
        error_messages={
            "required": _("A few words, or tap one of the notes above."),
            "max_length": _("That's a little long: up to 280 characters, please."),
        },
    )

    def clean_text(self) -> str:
        text = _no_nul(self.cleaned_data["text"].strip())
        if not text:
            raise forms.ValidationError(_("A few words, or tap one of the notes above."))
        return text
