"""The people in a person's life and the small contacts with them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kithkin.accounts.models import User


class Ring(models.IntegerChoices):
    """Closeness, after Dunbar's layers (about 5 / 15 / 50 / 150 people) and the
    convoy model's concentric circles."""

    INNER = 1, _("Inner circle")
    CLOSE = 2, _("Close")
    WIDER = 3, _("Wider circle")
    ACQUAINTANCE = 4, _("Acquaintances")


class Channel(models.TextChoices):
    TEXT = "text", _("Text")
    VOICE = "voice", _("Voice message")
    CALL = "call", _("Call")
    VIDEO = "video", _("Video")
    IN_PERSON = "in_person", _("In person")
    SOCIAL = "social", _("Social comment")
    LETTER = "letter", _("Letter or gift")
    OTHER = "other", _("Other")


class Size(models.TextChoices):
    MICRO = "micro", _("Micro")
    MAIN = "main", _("Main")


class Initiator(models.TextChoices):
    ME = "me", _("Me")
    THEM = "them", _("Them")


class Feeling(models.TextChoices):
    LIFTED = "lifted", _("Lifted")
    NEUTRAL = "neutral", _("Neutral")
    DRAINED = "drained", _("Drained")


class Person(models.Model):
    owner = models.ForeignKey(User, models.CASCADE, related_name="people")
    name = models.CharField(_("name"), max_length=200)
    nickname = models.CharField(_("nickname"), max_length=100, blank=True)
    ring = models.PositiveSmallIntegerField(
        _("closeness"), choices=Ring.choices, default=Ring.WIDER
    )
    how_known = models.CharField(_("how you know each other"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Gently set aside: hidden from suggestions and lists, never deleted.
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["ring", "name"]
        indexes = [
            # The circle page: one person's people, by ring (circle.views.people).
            models.Index(fields=["owner", "ring", "name"], name="person_owner_ring"),
        ]

    def __str__(self) -> str:
        return self.name


class Interaction(models.Model):
    """One contact, in either direction, with zero or more people."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="interactions")
    people: models.ManyToManyField[Person, InteractionPerson] = models.ManyToManyField(
        Person, through="InteractionPerson", related_name="interactions", blank=True
    )
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices)
    size = models.CharField(_("size"), max_length=5, choices=Size.choices, default=Size.MICRO)
    initiated_by = models.CharField(
        _("who reached out"), max_length=4, choices=Initiator.choices, default=Initiator.ME
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    feeling = models.CharField(
        _("how you felt after"), max_length=7, choices=Feeling.choices, blank=True
    )
    awaiting_reply = models.BooleanField(_("waiting for a reply"), default=False)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            # Timelines and "last in touch", newest first (circle.views).
            models.Index(fields=["owner", "-occurred_at"], name="interaction_owner_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} on {self.occurred_at:%Y-%m-%d}"


class InteractionPerson(models.Model):
    """Who took part in an interaction. Carries its owner like every personal row."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="+")
    interaction = models.ForeignKey(Interaction, models.CASCADE)
    person = models.ForeignKey(Person, models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interaction", "person"], name="interaction_person_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.interaction_id}"
