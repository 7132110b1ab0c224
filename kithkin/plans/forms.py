"""The plan form, for people rather than RFC experts: "every other week" becomes
an RRULE value here, and a stored rule is read back into the same choices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from kithkin.accounts.models import User, timezone_names
from kithkin.circle.models import Person
from kithkin.lib.limits import FIRST_SCHEDULE_YEAR, LAST_SCHEDULE_YEAR, as_id
from kithkin.plans import recurrence
from kithkin.plans.models import Plan, PlanEnergy
from kithkin.plans.wording import DAY_CODES, ORDINALS, byday_items

ONCE = "once"
WEEKLY = "weekly"
EVERY_N_WEEKS = "weeks"
MONTHLY_NTH = "monthly_nth"
MONTHLY_DATE = "monthly_date"
CUSTOM = "custom"
REPEATS = [
    (ONCE, _("Once")),
    (WEEKLY, _("Every week")),
    (EVERY_N_WEEKS, _("Every few weeks")),
    (MONTHLY_NTH, _("Monthly, on a weekday (like the first Friday)")),
    (MONTHLY_DATE, _("Monthly, on the same date")),
    (CUSTOM, _("Something else (paste a repeat rule)")),
]
NTH_CHOICES = [(str(n), ORDINALS[n]) for n in (1, 2, 3, 4, -1)]
WEEKDAY_CHOICES = [(code, WEEKDAYS[i]) for i, code in enumerate(DAY_CODES)]
REMIND_CHOICES = [
    ("", _("No reminder")),
    (15, _("15 minutes before")),
    (60, _("An hour before")),
    (1440, _("A day before")),
]
MAX_DURATION = 24 * 60
NOT_YOURS = _("Choose people from your own circle.")


def _weekdays(data: dict[str, Any], first: date) -> str:
    return ",".join(data.get("weekdays") or [DAY_CODES[first.weekday()]])


def build_rule(data: dict[str, Any]) -> str:
    """The RRULE value for the form's choices ("" for once)."""
    kind = data.get("repeat")
    first: date = data["start_date"]
    if kind == WEEKLY:
        return f"FREQ=WEEKLY;BYDAY={_weekdays(data, first)}"
    if kind == EVERY_N_WEEKS:
        return f"FREQ=WEEKLY;INTERVAL={data['every']};BYDAY={_weekdays(data, first)}"
    if kind == MONTHLY_NTH:
        days = _weekdays(data, first).split(",")
        nth = data.get("nth") or "1"
        return "FREQ=MONTHLY;BYDAY=" + ",".join(f"{nth}{d}" for d in days)
    if kind == MONTHLY_DATE:
        return f"FREQ=MONTHLY;BYMONTHDAY={first.day}"
    if kind == CUSTOM:
        return str(data.get("rrule") or "")
    return ""


def choices_for(rule: str) -> dict[str, Any]:
    """The form's choices that give back a stored rule; "custom" when none do."""
    if not rule:
        return {"repeat": ONCE}
    try:
        parts = recurrence.rule_parts(rule)
    except recurrence.RecurrenceError:
        return {"repeat": CUSTOM, "rrule": rule}
    keys = set(parts) - {"FREQ", "INTERVAL"}
    interval = int(parts.get("INTERVAL", "1"))
    byday = byday_items(parts.get("BYDAY", "")) if "BYDAY" in parts else None
    days = [DAY_CODES[d] for _n, d in byday or []]
    if parts["FREQ"] == "WEEKLY" and keys == {"BYDAY"} and byday:
        if interval == 1:
            return {"repeat": WEEKLY, "weekdays": days}
        return {"repeat": EVERY_N_WEEKS, "every": interval, "weekdays": days}
    if parts["FREQ"] == "MONTHLY" and interval == 1 and keys == {"BYDAY"} and byday:
        nths = {n for n, _d in byday}
        if len(nths) == 1 and (nth := nths.pop()) in (1, 2, 3, 4, -1):
            return {"repeat": MONTHLY_NTH, "nth": str(nth), "weekdays": days}
    if parts["FREQ"] == "MONTHLY" and interval == 1 and keys == {"BYMONTHDAY"}:
        return {"repeat": MONTHLY_DATE}
    return {"repeat": CUSTOM, "rrule": rule}


class PeopleField(forms.ModelMultipleChoiceField):
    """People from the owner's circle; an id no database column could hold is refused
    here with the same words as someone else's person."""

    def clean(self, value: Any) -> Any:
        for item in value or []:
            if as_id(item) is None:
                raise forms.ValidationError(NOT_YOURS, code="invalid_choice")
        return super().clean(value)


class RepeatFields(forms.Form):
    """The friendly repeat choices plans and communities share (see `build_rule`).

    Each form declares its own `start_date` (labels differ); its years are checked here.
    """

    repeat = forms.ChoiceField(
        label=_("How often"), choices=REPEATS, initial=WEEKLY, widget=forms.RadioSelect
    )
    every = forms.IntegerField(
        label=_("Every how many weeks"),
        min_value=2,
        max_value=recurrence.MAX_INTERVAL,
        initial=2,
        required=False,
        help_text=_("2 is every other week."),
    )
    weekdays = forms.MultipleChoiceField(
        label=_("On"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for the weekday of the first day."),
    )
    nth = forms.ChoiceField(
        label=_("Which one in the month"), choices=NTH_CHOICES, initial="1", required=False
    )
    rrule = forms.CharField(
        label=_("Repeat rule"),
        max_length=500,
        required=False,
        help_text=_("An RFC 5545 RRULE value, such as FREQ=WEEKLY;INTERVAL=2;BYDAY=WE."),
    )

    def clean_start_date(self) -> date | None:
        value: date | None = self.cleaned_data.get("start_date")
        if value is not None and not FIRST_SCHEDULE_YEAR <= value.year <= LAST_SCHEDULE_YEAR:
            raise forms.ValidationError(_("Could you check the year? That's a long way off."))
        return value


class PlanForm(RepeatFields):
    title = forms.CharField(
        label=_("What"),
        max_length=200,
        help_text=_("In your words: “call Mum”, “a short walk with Ana”."),
    )
    start_date = forms.DateField(
        label=_("First day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("That doesn't look like a date.")},
    )
    start_time = forms.TimeField(
        label=_("Time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Write the time like 18:00.")},
    )
    timezone = forms.ChoiceField(label=_("Time zone"))
    duration_minutes = forms.IntegerField(
        label=_("How long (minutes)"), min_value=5, max_value=MAX_DURATION, initial=60
    )
    energy = forms.ChoiceField(
        label=_("Energy"), choices=PlanEnergy.choices, initial="low", widget=forms.RadioSelect
    )
    place = forms.CharField(label=_("Where (optional)"), max_length=200, required=False)
    link = forms.URLField(
        label=_("Link (optional)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("A video call or event page."),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    people = PeopleField(
        label=_("Who (optional)"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": NOT_YOURS, "invalid_pk_value": NOT_YOURS},
    )
    remind_minutes = forms.TypedChoiceField(
        label=_("Remind me"),
        choices=REMIND_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(
        self, owner: User, data: Any = None, *, plan: Plan | None = None, initial: Any = None
    ) -> None:
        self.owner = owner
        self.plan = plan
        start = dict(initial or {})
        if plan is not None and plan.pk:
            start = {
                "title": plan.title,
                "start_date": plan.start_date,
                "start_time": plan.start_time,
                "timezone": plan.timezone,
                "duration_minutes": plan.duration_minutes,
                "energy": plan.energy,
                "place": plan.place,
                "link": plan.link,
                "note": plan.note,
                "people": [link.person_id for link in plan.planperson_set.all()],
                "remind_minutes": plan.remind_minutes or "",
                **choices_for(plan.rrule),
            }
        start.setdefault("timezone", owner.timezone)
        super().__init__(data, initial=start)
        names = timezone_names()
        zone = self.fields["timezone"]
        assert isinstance(zone, forms.ChoiceField)  # noqa: S101
        zone.choices = [(n, n.replace("_", " ")) for n in names]
        if plan is not None and plan.timezone not in names:
            zone.choices = [(plan.timezone, plan.timezone), *zone.choices]
        chosen = start.get("people") or []
        people = self.fields["people"]
        assert isinstance(people, forms.ModelMultipleChoiceField)  # noqa: S101
        # Someone set aside stays ticked on a plan that already has them.
        people.queryset = Person.objects.filter(
            Q(archived_at__isnull=True) | Q(pk__in=chosen), owner=owner
        ).order_by("name", "pk")

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("A few words for the plan, please."))
        return title

    def clean_start_time(self) -> time:
        value: time = self.cleaned_data["start_time"]
        return value.replace(second=0, microsecond=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("repeat")
        if kind == EVERY_N_WEEKS and data.get("every") is None and "every" not in self.errors:
            self.add_error("every", _("How many weeks between each time? 2 is every other week."))
        if kind == CUSTOM and not (data.get("rrule") or "").strip():
            self.add_error("rrule", _("Paste a repeat rule, or choose one of the others."))
        if self.errors or data.get("start_date") is None or data.get("start_time") is None:
            return data
        rule = build_rule(data)
        start = datetime.combine(data["start_date"], data["start_time"])
        try:
            data["rule"] = recurrence.normalize_rule(rule, start, data["timezone"])
        except recurrence.RecurrenceError as e:
            self.add_error("rrule" if kind == CUSTOM else "repeat", str(e))
        return data

    def fill(self, plan: Plan) -> list[Person]:
        """Copy the cleaned choices onto `plan`; returns the chosen people."""
        data = self.cleaned_data
        plan.title = data["title"]
        plan.rrule = data["rule"]
        plan.start_date = data["start_date"]
        plan.start_time = data["start_time"]
        plan.timezone = data["timezone"]
        plan.duration_minutes = data["duration_minutes"]
        plan.energy = data["energy"]
        plan.place = data["place"].strip()
        plan.link = data["link"]
        plan.note = data["note"].strip()
        plan.remind_minutes = data["remind_minutes"]
        return list(data["people"])


@dataclass(frozen=True)
class Example:
    slug: str
    title: Any
    repeat: str
    weekday: int  # 0 = Monday
    at: time
    minutes: int
    energy: str
    every: int = 2
    nth: str = "1"


EXAMPLES = (
    Example("sunday-call", _("Call someone on Sundays"), WEEKLY, 6, time(18, 0), 30, "low"),
    Example("walk", _("A short walk every other week"), EVERY_N_WEEKS, 2, time(17, 30), 45, "some"),
    Example(
        "film-night", _("Film night, the first Friday"), MONTHLY_NTH, 4, time(19, 30), 150, "low"
    ),
)
EXAMPLES_BY_SLUG = {e.slug: e for e in EXAMPLES}


def example_initial(example: Example, today: date) -> dict[str, Any]:
    """The form filled in for an example, starting on its next weekday."""
    first = today + timedelta(days=(example.weekday - today.weekday()) % 7)
    return {
        "title": example.title,
        "repeat": example.repeat,
        "every": example.every,
        "nth": example.nth,
        "weekdays": [DAY_CODES[example.weekday]],
        "start_date": first,
        "start_time": example.at,
        "duration_minutes": example.minutes,
        "energy": example.energy,
    }
