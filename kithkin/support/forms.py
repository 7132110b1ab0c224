from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from kithkin.support.models import SafetyPlan

# Room for a long list in any one step, not for a novel.
MOST_CHARS = 5000

# The steps of a safety plan, in the order Stanley & Brown (2012) give them, each
# with a short word on what goes there. "What matters most" closes the plan.
STEPS: list[tuple[str, Any]] = [
    (
        "warning_signs",
        _(
            "Thoughts, feelings or situations that tend to come before things get "
            "really hard. Spotting them early gives you time to use the rest of this plan."
        ),
    ),
    (
        "coping",
        _(
            "Small things that help a little without needing anyone else: a shower, "
            "music, a walk, something to do with your hands."
        ),
    ),
    (
        "distractions",
        _(
            "People to be around, or places with others nearby, where you don't have "
            "to talk about how you feel: a café, a library, a friend's kitchen."
        ),
    ),
    (
        "helpers",
        _("People you could tell that you're having a hard time, with a number if that helps."),
    ),
    (
        "professionals",
        _(
            "Your doctor, a therapist, a local crisis team: who they are and how to "
            "reach them. The helplines where you live are listed alongside."
        ),
    ),
    (
        "safe_environment",
        _(
            "Ways to make where you are safer on a hard day, such as asking someone to "
            "keep hold of things that could hurt you for a while."
        ),
    ),
    (
        "reasons",
        _(
            "People, animals, plans or small things you love: what you'd want to "
            "remember in a hard moment."
        ),
    ),
]
FIELDS = [name for name, _help in STEPS]


class SafetyPlanForm(forms.ModelForm):
    class Meta:
        model = SafetyPlan
        fields = FIELDS
        help_texts = dict(STEPS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in FIELDS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in FIELDS:
            field = self.fields[name]
            assert isinstance(field, forms.CharField)  # noqa: S101
            field.max_length = MOST_CHARS
            field.validators.append(MaxLengthValidator(MOST_CHARS))
            field.widget.attrs["maxlength"] = str(MOST_CHARS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(data.get(name) for name in FIELDS):
            raise forms.ValidationError(
                _("Write something in at least one step first. Even one line is a start.")
            )
        return data
