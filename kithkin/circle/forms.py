from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import dates, timezone
from django.utils.translation import gettext_lazy as _

from kithkin.circle.models import (
    FUTURE_SLACK,
    Channel,
    Feeling,
    ImportantDate,
    Initiator,
    Person,
    Size,
)
from kithkin.lib.limits import EARLIEST, as_id, pause_problem

WEEKDAYS = sorted(dates.WEEKDAYS.items())  # 0 = Monday, names translated
MONTHS = [("", _("Month")), *((str(i), name) for i, name in sorted(dates.MONTHS.items()))]


def parse_ids(values: Iterable[str]) -> list[int]:
    """The values that can be database ids; anything else is dropped."""
    return [pk for pk in map(as_id, values) if pk is not None]


class PeopleField(forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        if any(as_id(v) is None for v in value or []):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"] % {"value": "?"}, code="invalid_choice"
            )
        return super().clean(value)


class ListField(forms.CharField):
    """A comma-separated list in a text box, stored as a list of strings."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        items = [part.strip() for part in text.split(",") if part.strip()]
        return list(dict.fromkeys(items))  # no repeats, order kept


class PersonForm(forms.ModelForm):
    interests = ListField(
        label=_("Interests"), required=False, help_text=_("Separate with commas.")
    )
    topics_to_avoid = ListField(
        label=_("Topics to avoid"), required=False, help_text=_("Separate with commas.")
    )
    channels = forms.MultipleChoiceField(
        label=_("Ways you keep in touch"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    quiet_days = forms.TypedMultipleChoiceField(
        label=_("Quiet days"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cadence_days = forms.IntegerField(
        label=_("Keep in touch every (days)"),
        min_value=1,
        max_value=730,
        required=False,
        help_text=_("Leave empty for the usual rhythm of their circle."),
    )
    min_days_between = forms.IntegerField(
        label=_("At most once every (days)"),
        min_value=1,
        max_value=730,
        required=False,
        help_text=_("Kithkin won't suggest them more often than this."),
    )
    birthday_month = forms.TypedChoiceField(
        label=_("Birthday: month"), choices=MONTHS, coerce=int, empty_value=None, required=False
    )
    birthday_day = forms.IntegerField(
        label=_("Birthday: day"), min_value=1, max_value=31, required=False
    )
    birthday_year = forms.IntegerField(
        label=_("Birthday: year (if you know it)"), min_value=1900, max_value=2100, required=False
    )

    class Meta:
        model = Person
        fields = [
            "name",
            "nickname",
            "ring",
            "how_known",
            "interests",
            "notes",
            "channels",
            "trusted",
            "birthday_month",
            "birthday_day",
            "birthday_year",
            "cadence_days",
            "topics_to_avoid",
            "quiet_start",
            "quiet_end",
            "quiet_days",
            "min_days_between",
            "paused_until",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "quiet_start": forms.TimeInput(attrs={"type": "time"}),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}),
            "paused_until": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "paused_until": _("No suggestions about them until after this date."),
            "trusted": _(
                "They'll be one tap away on the support page and on hard days. "
                "Kithkin never contacts them; only you can."
            ),
        }

    def clean_paused_until(self) -> date | None:
        value: date | None = self.cleaned_data.get("paused_until")
        problem = pause_problem(value) if value is not None else None
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        month, day, year = (data.get(f"birthday_{p}") for p in ("month", "day", "year"))
        if (month is None) != (day is None):
            self.add_error("birthday_day", _("A birthday needs both a month and a day."))
        elif month is not None and day is not None:
            # 2000 is a leap year, so 29 February is fine without a year.
            try:
                datetime(year or 2000, month, day)
            except ValueError:
                self.add_error("birthday_day", _("That day doesn't exist in that month."))
        elif year is not None:
            self.add_error(
                "birthday_year", _("Add the month and day too, or leave the year empty.")
            )
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            self.add_error("quiet_end", _("Quiet hours need both a start and an end."))
        return data


class InteractionForm(forms.Form):
    people = PeopleField(
        label=_("Who"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Nobody is fine too: a stranger, a group, the barista."),
    )
    channel = forms.ChoiceField(
        label=_("How"), choices=Channel.choices, widget=forms.RadioSelect, initial=Channel.TEXT
    )
    initiated_by = forms.ChoiceField(
        label=_("Who reached out"),
        choices=Initiator.choices,
        widget=forms.RadioSelect,
        initial=Initiator.ME,
    )
    size = forms.ChoiceField(
        label=_("Size"),
        choices=[(Size.MICRO, _("A small moment")), (Size.MAIN, _("Proper time together"))],
        widget=forms.RadioSelect,
        initial=Size.MICRO,
    )
    happened_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        required=False,
        help_text=_("Leave as it is for now."),
    )
    feeling_after = forms.ChoiceField(
        label=_("How did you feel after? (optional)"),
        choices=[("", _("Skip")), *Feeling.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    awaiting_reply = forms.BooleanField(label=_("Waiting for a reply"), required=False)
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, owner: Any, *args: Any, already: Iterable[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = self.fields["people"]
        assert isinstance(people, forms.ModelMultipleChoiceField)  # noqa: S101
        # Set-aside people stay choosable on a contact they are already part of,
        # so editing it doesn't quietly drop them.
        people.queryset = Person.objects.filter(
            Q(archived_at__isnull=True) | Q(pk__in=list(already)), owner=owner
        ).order_by("name")

    def clean_happened_at(self) -> datetime:
        when: datetime | None = self.cleaned_data.get("happened_at")
        now = timezone.now()
        if when is None:
            return now
        if when > now + FUTURE_SLACK:
            raise forms.ValidationError(_("That's still to come: log it once it has happened."))
        if when < EARLIEST:
            raise forms.ValidationError(_("That's before 1900; is the year right?"))
        return when


class FeelingForm(forms.Form):
    feeling_after = forms.ChoiceField(choices=[("", _("Skip")), *Feeling.choices], required=False)


class ImportantDateForm(forms.ModelForm):
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTHS[1:], coerce=int)
    day = forms.IntegerField(label=_("Day"), min_value=1, max_value=31)
    year = forms.IntegerField(
        label=_("Year (optional)"), min_value=1900, max_value=2100, required=False
    )

    class Meta:
        model = ImportantDate
        fields = ["label", "month", "day", "year"]
        labels = {"label": _("What is it?")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("month") and data.get("day"):
            try:
                datetime(data.get("year") or 2000, data["month"], data["day"])
            except ValueError:
                self.add_error("day", _("That day doesn't exist in that month."))
        return data
