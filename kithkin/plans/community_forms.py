"""Forms for communities (with an optional meeting schedule) and places.

A community's meetings use the plan form's repeat choices ("every week",
"the first Friday", ...), turned into an RRULE value the same way.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from kithkin.accounts.models import User, timezone_names
from kithkin.plans import recurrence
from kithkin.plans.forms import (
    CUSTOM,
    EVERY_N_WEEKS,
    MAX_DURATION,
    RepeatFields,
    build_rule,
    choices_for,
)
from kithkin.plans.models import Community, CommunityKind, Place, PlaceKind, PlanEnergy

# What makes a calendar app show a meeting as changed (RFC 5545 SEQUENCE).
SCHEDULE_FIELDS = ("rrule", "start_date", "start_time", "timezone", "duration_minutes", "meets")


class CommunityForm(RepeatFields):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("For example: the Thursday book group, the park clean-up team."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=CommunityKind.choices, initial="other")
    energy = forms.ChoiceField(
        label=_("Energy it takes"),
        choices=PlanEnergy.choices,
        initial="some",
        widget=forms.RadioSelect,
    )
    place = forms.CharField(label=_("Where (optional)"), max_length=200, required=False)
    link = forms.URLField(
        label=_("Link (optional)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("The group's page, forum or video call."),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Anything that makes going easier: who to ask for, what to bring."),
    )
    meets = forms.BooleanField(label=_("It meets regularly"), required=False, initial=True)
    start_date = forms.DateField(
        label=_("Next (or first) meeting"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("That doesn't look like a date.")},
    )
    start_time = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Write the time like 19:00.")},
    )
    timezone = forms.ChoiceField(label=_("Time zone"))
    duration_minutes = forms.IntegerField(
        label=_("How long (minutes)"), min_value=5, max_value=MAX_DURATION, initial=90
    )

    def __init__(
        self, owner: User, data: Any = None, *, community: Community | None = None
    ) -> None:
        self.owner = owner
        self.community = community
        start: dict[str, Any] = {"timezone": owner.timezone}
        if community is not None:
            start = {
                "name": community.name,
                "kind": community.kind,
                "energy": community.energy,
                "place": community.place,
                "link": community.link,
                "note": community.note,
                "meets": community.meets,
                "start_date": community.start_date,
                "start_time": community.start_time,
                "timezone": community.timezone,
                "duration_minutes": community.duration_minutes,
                **choices_for(community.rrule),
            }
        super().__init__(data, initial=start)
        names = timezone_names()
        zone = self.fields["timezone"]
        assert isinstance(zone, forms.ChoiceField)  # noqa: S101
        zone.choices = [(n, n.replace("_", " ")) for n in names]
        if community is not None and community.timezone not in names:
            zone.choices = [(community.timezone, community.timezone), *zone.choices]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("A name for the group, please."))
        return name

    def clean_start_time(self) -> time | None:
        value: time | None = self.cleaned_data.get("start_time")
        return value.replace(second=0, microsecond=0) if value else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["rule"] = ""
        if not data.get("meets"):
            # A half-filled schedule doesn't matter for a group that doesn't meet.
            for name in ("start_date", "start_time", "every", "nth", "rrule", "repeat"):
                self.errors.pop(name, None)
            return data
        kind = data.get("repeat")
        if data.get("start_date") is None and "start_date" not in self.errors:
            self.add_error("start_date", _("When is the next meeting? A rough date is fine."))
        if data.get("start_time") is None and "start_time" not in self.errors:
            self.add_error("start_time", _("What time does it start?"))
        if kind == EVERY_N_WEEKS and data.get("every") is None and "every" not in self.errors:
            self.add_error("every", _("How many weeks between each time? 2 is every other week."))
        if kind == CUSTOM and not (data.get("rrule") or "").strip():
            self.add_error("rrule", _("Paste a repeat rule, or choose one of the others."))
        if self.errors:
            return data
        if not data.get("nth"):
            data["nth"] = "1"
        start = datetime.combine(data["start_date"], data["start_time"])
        try:
            data["rule"] = recurrence.normalize_rule(build_rule(data), start, data["timezone"])
        except recurrence.RecurrenceError as e:
            self.add_error("rrule" if kind == CUSTOM else "repeat", str(e))
        return data

    def fill(self, community: Community) -> bool:
        """Copy the cleaned choices onto `community`; True when its schedule changed."""
        data = self.cleaned_data
        before = [getattr(community, f) for f in SCHEDULE_FIELDS]
        community.name = data["name"]
        community.kind = data["kind"]
        community.energy = data["energy"]
        community.place = data["place"].strip()
        community.link = data["link"]
        community.note = data["note"].strip()
        community.meets = bool(data["meets"])
        community.duration_minutes = data["duration_minutes"]
        community.timezone = data["timezone"]
        if community.meets:
            community.rrule = data["rule"]
            community.start_date = data["start_date"]
            community.start_time = data["start_time"]
        elif community.start_date is None:
            # The row needs a start even with no meetings; it is never shown.
            community.start_date = dj_timezone.localdate()
            community.start_time = time(0, 0)
        return before != [getattr(community, f) for f in SCHEDULE_FIELDS]


class PlaceForm(forms.ModelForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("For example: the library's reading room, the Saturday market."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=PlaceKind.choices, initial="other")
    energy = forms.ChoiceField(
        label=_("Energy it takes"),
        choices=PlanEnergy.choices,
        initial="low",
        widget=forms.RadioSelect,
    )
    address = forms.CharField(label=_("Address or link (optional)"), max_length=300, required=False)
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("When it's nice to go, what's there: “quiet tables upstairs”."),
    )

    class Meta:
        model = Place
        fields = ["name", "kind", "energy", "address", "note"]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("A name for the place, please."))
        return name

    def clean_address(self) -> str:
        return str(self.cleaned_data.get("address") or "").strip()

    def clean_note(self) -> str:
        return str(self.cleaned_data.get("note") or "").strip()
