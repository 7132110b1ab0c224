"""Today: the energy a person has, the ideas and the suggestions made from them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kithkin.accounts.models import User
from kithkin.circle.models import Channel, Interaction, Person


class Energy(models.TextChoices):
    LOW = "low", _("Running low")
    SOME = "some", _("Some")
    GOOD = "good", _("Good")


class Effort(models.TextChoices):
    TINY = "tiny", _("Tiny")
    SMALL = "small", _("Small")
    MAIN = "main", _("Main course")


class Target(models.TextChoices):
    PERSON = "person", _("Someone in your circle")
    COMMUNITY = "community", _("A community")
    STRANGER = "stranger", _("Someone new")
    SELF = "self", _("Yourself")


class IdeaQuerySet(models.QuerySet["Idea"]):
    def for_owner(self, owner: User) -> IdeaQuerySet:
        """The shared catalog plus the person's own ideas."""
        return self.filter(Q(owner__isnull=True) | Q(owner=owner))


class Idea(models.Model):
    """A micro-connection idea. Catalog ideas (from today/data/ideas.json) have no
    owner and belong to everyone; ideas a person adds carry their owner."""

    owner = models.ForeignKey(User, models.CASCADE, null=True, blank=True, related_name="ideas")
    slug = models.SlugField(max_length=80)
    title = models.CharField(_("idea"), max_length=200)
    effort = models.CharField(_("effort"), max_length=5, choices=Effort.choices)
    energies = models.JSONField(default=list)
    target = models.CharField(_("for"), max_length=9, choices=Target.choices)
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices)
    kind = models.CharField(max_length=20)
    time_of_day = models.CharField(max_length=9, blank=True)
    situation = models.CharField(max_length=30, blank=True)
    why = models.CharField(_("why it helps"), max_length=300, blank=True)
    basis = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["effort", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(owner__isnull=True), name="idea_catalog_slug"
            ),
            models.UniqueConstraint(fields=["owner", "slug"], name="idea_owner_slug"),
        ]

    def __str__(self) -> str:
        return self.title


class HiddenIdea(models.Model):
    """An idea the person would rather not see."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "idea"], name="hidden_idea_once")]

    def __str__(self) -> str:
        return f"{self.idea_id} hidden"


class DayEnergy(models.Model):
    """How much energy the person said they had, remembered for the day."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="+")
    day = models.DateField()
    energy = models.CharField(max_length=4, choices=Energy.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "day"], name="day_energy_once")]

    def __str__(self) -> str:
        return f"{self.day}: {self.energy}"


class Outcome(models.TextChoices):
    DONE = "done", _("Done")
    NOT_TODAY = "not_today", _("Not today")
    GIVE_SPACE = "give_space", _("Give space")
    ANOTHER = "another", _("Show me another")


class Suggestion(models.Model):
    """One suggestion shown on Today, and what the person made of it."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="+")
    day = models.DateField()
    energy = models.CharField(max_length=4, choices=Energy.choices)
    position = models.PositiveSmallIntegerField(default=0)
    # Removing someone removes the suggestions about them (their name is in the words).
    person = models.ForeignKey(
        Person, models.CASCADE, null=True, blank=True, related_name="suggestions"
    )
    idea = models.ForeignKey(Idea, models.CASCADE, related_name="+")
    # The reasons as the engine gave them: [{"code": ..., "data": {...}}].
    reasons = models.JSONField(default=list)
    draft = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    interaction = models.ForeignKey(
        Interaction, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day", "position", "pk"]
        indexes = [
            # Today's suggestions and the recent history the engine learns from
            # (today.views, today.actions).
            models.Index(fields=["owner", "-day"], name="suggestion_owner_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} #{self.position}: {self.idea_id}"


class SavedMessage(models.Model):
    """Words the person wrote on a good day, ready for a day when words are hard."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="+")
    label = models.CharField(_("for"), max_length=100)
    text = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["label", "pk"]

    def __str__(self) -> str:
        return self.label
