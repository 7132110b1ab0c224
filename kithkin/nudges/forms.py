from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from kithkin.lib.limits import pause_problem
from kithkin.nudges.channels import apprise_service
from kithkin.nudges.models import NudgeSettings

PER_DAY = [(1, _("One")), (2, _("Two")), (3, _("Three"))]
MAX_URL = 1000


class ReminderSettingsForm(forms.ModelForm):
    daily_at = forms.TimeField(
        label=_("A gentle nudge each day at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("In your own time zone. Leave it empty for no daily nudge."),
        error_messages={"invalid": _("Write a time like 09:30, or leave it empty.")},
    )
    paused_until = forms.DateField(
        label=_("Take a break until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("No reminders up to and including this day. Leave it empty to keep going."),
        error_messages={"invalid": _("Write a day like 2026-12-24, or leave it empty.")},
    )
    per_day = forms.TypedChoiceField(
        label=_("Reminders a day, at most"),
        choices=PER_DAY,
        coerce=int,
        initial=1,
        widget=forms.RadioSelect,
        help_text=_("The daily nudge and plan reminders together."),
        error_messages={"invalid_choice": _("Choose one, two or three.")},
    )

    def clean_paused_until(self) -> date | None:
        value: date | None = self.cleaned_data.get("paused_until")
        problem = pause_problem(value) if value is not None else None
        if problem:
            raise forms.ValidationError(problem)
        return value

    class Meta:
        model = NudgeSettings
        fields = ["daily_at", "paused_until", "per_day", "plan_reminders", "partner_notes"]
        labels = {
            "plan_reminders": _("Remind me before plans that ask for it"),
            "partner_notes": _("Tell me when a partner sends a “thinking of you”"),
        }


class EmailChannelForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Write the address the reminders should go to."),
            "invalid": _("That doesn't look like an email address. Check it?"),
        },
    )


class AppriseChannelForm(forms.Form):
    url = forms.CharField(
        label=_("Notification service address"),
        max_length=MAX_URL,
        help_text=_(
            "An address in the form your service uses, such as ntfy://your-topic, "
            "tgram://bot-token/chat-id, or matrix://… — each service's page in the "
            "apprise documentation shows it."
        ),
        error_messages={
            "required": _("Paste the address of your notification service."),
            "max_length": _("That address is too long to be right. Check it?"),
        },
    )
    label = forms.CharField(label=_("A name for it (optional)"), max_length=100, required=False)

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"]).strip()
        if any(c in url for c in "\r\n\x00") or apprise_service(url) is None:
            raise forms.ValidationError(
                _(
                    "Kithkin doesn't recognise that address. It should start with the "
                    "service's name, like ntfy:// or tgram:// — check it against your "
                    "service's instructions."
                ),
                code="unsupported",
            )
        return url
