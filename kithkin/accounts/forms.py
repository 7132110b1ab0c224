from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UserCreationForm,
)
from django.utils import dates
from django.utils.translation import gettext_lazy as _

from kithkin.accounts.models import ApiToken, User, timezone_names
from kithkin.support.helplines import country_choices


def timezone_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Your time zone"),
        choices=[(name, name.replace("_", " ")) for name in timezone_names()],
        initial="UTC",
        help_text=_("So that suggestions and reminders fit your day."),
    )


class NoAutofocus:
    """Forms open with focus at the top of the page, so that keyboard and screen
    reader users meet the "Need support now?" link first, not a field."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("autofocus", None)


class LoginForm(NoAutofocus, AuthenticationForm):
    pass


class ChangePasswordForm(NoAutofocus, PasswordChangeForm):
    pass


class NewPasswordForm(NoAutofocus, SetPasswordForm):
    pass


class ResetPasswordForm(NoAutofocus, PasswordResetForm):
    pass


class SignupForm(NoAutofocus, UserCreationForm):
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("Only for resetting your password and for reminders you turn on."),
    )
    timezone = timezone_field()
    locale = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="en")

    class Meta:
        model = User
        fields = ("username", "email")


class ProfileForm(forms.ModelForm):
    timezone = timezone_field()
    country = forms.ChoiceField(
        label=_("Country for the support page"),
        required=False,
        help_text=_("Puts your country's helplines first. Optional."),
    )

    quiet_days = forms.TypedMultipleChoiceField(
        label=_("Your quiet days"),
        choices=sorted(dates.WEEKDAYS.items()),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("No suggestions to reach out, and no reminders, on these days."),
    )

    class Meta:
        model = User
        fields = (
            "email",
            "timezone",
            "locale",
            "country",
            "quiet_start",
            "quiet_end",
            "quiet_days",
        )
        labels = {
            "email": _("Email (optional)"),
            "quiet_start": _("Your quiet hours: from"),
            "quiet_end": _("Until"),
        }
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            self.add_error("quiet_end", _("Quiet hours need both a start and an end."))
        return data

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)  # noqa: S101 - declared above
        country.choices = [("", _("Not set")), *country_choices()]


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("What is this token for?"), max_length=100)
    scope = forms.ChoiceField(
        label=_("Access"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.WRITE
    )


# A Kithkin export of 100,000 contacts is about 25 MB.
MAX_IMPORT_BYTES = 100 * 1024 * 1024


class ImportAccountForm(forms.Form):
    file = forms.FileField(
        label=_("Your Kithkin export (a .json file)"),
        help_text=_("The file from “Download everything” on another Kithkin server."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _(
                    "That file is bigger than %(mb)s MB. For a file this big, ask whoever "
                    "runs this server to use `kithkin import`."
                )
                % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        return upload


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type your username to confirm"),
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"]
        if value != self.user.get_username():
            raise forms.ValidationError(
                _("That doesn't match your username, so nothing was deleted.")
            )
        return value
