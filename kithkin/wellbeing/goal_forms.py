from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kithkin.accounts.models import User
from kithkin.circle.models import Person
from kithkin.lib.limits import as_id
from kithkin.wellbeing.goals import CHECKIN_MEASURES, MAX_TIMES, SKIP_AHEAD_DAYS
from kithkin.wellbeing.models import Goal, GoalMeasure

PER_DAYS = [(7, _("a week")), (14, _("two weeks")), (30, _("a month"))]
NOT_YOURS = _("Choose someone from your own circle.")


class OwnPersonField(forms.ModelChoiceField):
    """A person from the owner's circle; any other id is refused without reaching
    the database with a number it can't hold."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if as_id(value) is None:
            raise forms.ValidationError(NOT_YOURS, code="invalid_choice")
        return super().to_python(value)


class GoalForm(forms.ModelForm):
    title = forms.CharField(
        label=_("Your goal, in your words"),
        max_length=200,
        help_text=_("For example: a call with my sister each week."),
    )
    measure = forms.ChoiceField(
        label=_("What counts"), choices=GoalMeasure.choices, widget=forms.RadioSelect
    )
    times = forms.IntegerField(
        label=_("How many times"),
        min_value=1,
        max_value=MAX_TIMES,
        initial=1,
        error_messages={
            "min_value": _("At least once, please."),
            "max_value": _("Up to 14 times keeps it gentle."),
        },
    )
    per_days = forms.TypedChoiceField(
        label=_("In"), choices=PER_DAYS, coerce=int, initial=7, widget=forms.RadioSelect
    )
    person = OwnPersonField(
        label=_("Only with one person (optional)"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Anyone"),
        error_messages={"invalid_choice": NOT_YOURS},
        help_text=_("Leave as anyone to count contacts with everybody."),
    )

    class Meta:
        model = Goal
        fields = ["title", "measure", "times", "per_days", "person"]

    def __init__(self, owner: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.person_id if self.instance.pk else None
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)  # noqa: S101
        # Someone set aside stays choosable on a goal that is already about them.
        person.queryset = Person.objects.filter(
            Q(archived_at__isnull=True) | Q(pk=current), owner=owner
        ).order_by("name", "pk")
        per_days = self.fields["per_days"]
        assert isinstance(per_days, forms.TypedChoiceField)  # noqa: S101
        if self.instance.pk and self.instance.per_days not in dict(PER_DAYS):
            # A rhythm set elsewhere (the API) stays as it is when the title is edited.
            days = self.instance.per_days
            per_days.choices = [
                *PER_DAYS,
                (days, _("%(days)s days") % {"days": days}),
            ]

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("A few words for the goal, please."))
        return title

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("person") is not None and data.get("measure") in CHECKIN_MEASURES:
            self.add_error(
                "person",
                _("Check-ins aren't about one person, so leave this as anyone."),
            )
        return data


class SkipForm(forms.Form):
    """A day set aside: from the day the goal began up to two weeks ahead."""

    day = forms.DateField(
        label=_("Set a day aside"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Choose a day, please."),
            "invalid": _("That doesn't look like a date."),
        },
    )

    def __init__(self, *args: Any, began: date, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.began = began
        self.today = today

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        if day > self.today + timedelta(days=SKIP_AHEAD_DAYS):
            raise forms.ValidationError(
                _("Rest can be planned up to two weeks ahead. Closer to the time is fine.")
            )
        if day < self.began:
            raise forms.ValidationError(_("That's before this goal began."))
        return day
