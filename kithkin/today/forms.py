from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from kithkin.accounts.models import User
from kithkin.today.models import Effort, Energy, Idea, SavedMessage


class SavedMessageForm(forms.ModelForm):
    class Meta:
        model = SavedMessage
        fields = ["label", "text"]
        labels = {"label": _("What is it for? (a check-in, a walk, a tough day…)")}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class IdeaForm(forms.ModelForm):
    energies = forms.MultipleChoiceField(
        label=_("Good for days with energy that is"),
        choices=Energy.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=["some", "good"],
    )

    class Meta:
        model = Idea
        fields = ["title", "target", "channel", "effort", "energies", "why"]
        labels = {"title": _("Your idea"), "why": _("Why it helps you (optional)")}

    def __init__(self, owner: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "low" in data.get("energies", []) and data.get("effort") != Effort.TINY:
            self.add_error("energies", _("On running-low days only tiny steps are offered."))
        return data

    def save(self, commit: bool = True) -> Idea:
        idea: Idea = super().save(commit=False)
        idea.owner = self.owner
        idea.kind = "own"
        base = slugify(idea.title)[:60] or "idea"
        idea.slug = base
        n = 1
        while Idea.objects.filter(owner=self.owner, slug=idea.slug).exists():
            n += 1
            idea.slug = f"{base}-{n}"
        if commit:
            idea.save()
        return idea
