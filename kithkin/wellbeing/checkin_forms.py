"""The check-in form and the questionnaire forms. The rules themselves live in
checkin_rules and measure_rules, shared with the API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kithkin.today.models import Energy
from kithkin.wellbeing import checkin_rules as rules
from kithkin.wellbeing import scoring
from kithkin.wellbeing.measure_rules import Questionnaire, evaluate
from kithkin.wellbeing.models import CheckIn, Connected, Mood, Rested

SKIP = ("", _("Skip"))
# 0, 0.5, ... 24: a person picks from these, or types a number in the same steps.
SLEEP_STEP = "0.5"


def _rule(check: Any, value: Any) -> Any:
    try:
        return check(value)
    except rules.CheckInRuleError as e:
        raise forms.ValidationError(str(e)) from None


def _yes_no(value: str) -> bool:
    return value == "yes"


class CheckInForm(forms.Form):
    """A day in a few taps. Only mood is needed; everything else can be skipped."""

    day = forms.DateField(
        widget=forms.HiddenInput, error_messages={"invalid": _("Use a real date.")}
    )
    mood = forms.TypedChoiceField(
        label=_("How is your mood?"),
        choices=Mood.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pick the word closest to your mood — that's the only thing needed."),
            "invalid_choice": _("Pick one of the five moods."),
        },
    )
    energy = forms.ChoiceField(
        label=_("Energy"),
        choices=[SKIP, *Energy.choices],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Energy is running low, some or good.")},
    )
    sleep_hours = forms.DecimalField(
        label=_("Hours of sleep"),
        required=False,
        widget=forms.NumberInput(
            attrs={"min": "0", "max": "24", "step": SLEEP_STEP, "inputmode": "decimal"}
        ),
        error_messages={"invalid": _("Hours of sleep is a number, like 7 or 7.5.")},
    )
    rested = forms.TypedChoiceField(
        label=_("How rested?"),
        choices=[SKIP, *Rested.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Pick one of the five, or skip.")},
    )
    meaningful = forms.TypedChoiceField(
        label=_("Did something meaningful?"),
        choices=[SKIP, ("yes", _("Yes")), ("no", _("No"))],
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Yes, no, or skip.")},
    )
    connected = forms.TypedChoiceField(
        label=_("How connected did you feel?"),
        choices=[SKIP, *Connected.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Pick one of the five, or skip.")},
    )
    note = forms.CharField(
        label=_("A note (optional)"),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": rules.MAX_NOTE}),
    )
    tags = forms.CharField(
        label=_("Tags (optional)"),
        required=False,
        help_text=_("Separate with commas, e.g. walk, family. Up to 10."),
    )

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    @classmethod
    def initial_for(cls, day: date, checkin: CheckIn | None, energy: str = "") -> dict[str, Any]:
        """What the form starts with: the saved check-in, else the day's energy from Today."""
        if checkin is None:
            return {"day": day, "energy": energy}
        meaningful = "" if checkin.meaningful is None else ("yes" if checkin.meaningful else "no")
        return {
            "day": day,
            "mood": checkin.mood,
            "energy": checkin.energy or energy,
            "sleep_hours": rules.format_hours(checkin.sleep_hours),
            "rested": checkin.rested or "",
            "meaningful": meaningful,
            "connected": checkin.connected or "",
            "note": checkin.note,
            "tags": ", ".join(checkin.tags),
        }

    def clean_day(self) -> date:
        return _rule(lambda d: rules.check_day(d, self.today), self.cleaned_data["day"])

    def clean_sleep_hours(self) -> Decimal | None:
        value = self.cleaned_data.get("sleep_hours")
        return None if value is None else _rule(rules.check_sleep, value)

    def clean_note(self) -> str:
        return _rule(rules.check_note, self.cleaned_data.get("note", ""))

    def clean_tags(self) -> list[str]:
        return _rule(rules.split_tags, self.cleaned_data.get("tags", ""))

    def values(self) -> dict[str, Any]:
        """The checked fields, in the model's shape."""
        data = self.cleaned_data
        return {
            "mood": data["mood"],
            "energy": data.get("energy") or "",
            "sleep_hours": data.get("sleep_hours"),
            "rested": data.get("rested"),
            "meaningful": data.get("meaningful"),
            "connected": data.get("connected"),
            "note": data.get("note", ""),
            "tags": data.get("tags", []),
        }


class DayForm(forms.Form):
    """?day=YYYY-MM-DD on the check-in page."""

    day = forms.DateField(
        input_formats=["%Y-%m-%d"], error_messages={"invalid": _("Use a date like 2026-03-14.")}
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_day(self) -> date:
        return _rule(lambda d: rules.check_day(d, self.today), self.cleaned_data["day"])


class RangeForm(forms.Form):
    """?start=YYYY-MM-DD&end=YYYY-MM-DD for the export; both optional."""

    start = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Write the start date as YYYY-MM-DD, e.g. 2026-03-01.")},
    )
    end = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Write the end date as YYYY-MM-DD, e.g. 2026-03-31.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date comes after the end date."))
        return data


ANSWER_REQUIRED = _("Please pick an answer here.")
ANSWER_INVALID = _("Please pick one of the answers shown.")


class MeasureForm(forms.Form):
    """One radio group per item (item_1 ... item_n), and for UCLA-3 the direct question."""

    def __init__(self, questionnaire: Questionnaire, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        errors = {"required": ANSWER_REQUIRED, "invalid_choice": ANSWER_INVALID}
        for i, item in enumerate(questionnaire.items, 1):
            self.fields[f"item_{i}"] = forms.TypedChoiceField(
                label=item,
                choices=questionnaire.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages=errors,
            )
        if questionnaire.direct_question is not None:
            self.fields["direct"] = forms.TypedChoiceField(
                label=questionnaire.direct_question,
                choices=questionnaire.direct_choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages=errors,
            )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{i}"] for i in range(1, len(self.questionnaire.items) + 1)]

    def direct_field(self) -> forms.BoundField | None:
        return self["direct"] if "direct" in self.fields else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        answers = [data[f"item_{i}"] for i in range(1, len(self.questionnaire.items) + 1)]
        try:
            self.result = evaluate(self.questionnaire.kind, answers, data.get("direct"))
        except scoring.ScoreError as e:
            raise forms.ValidationError(str(e)) from None
        data["answers"] = answers
        return data
