"""The people in a person's life and the small contacts with them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import models
from django.db.models import Q
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


# API names for rings, and the default days between contacts for each.
RING_SLUGS = {
    Ring.INNER: "inner",
    Ring.CLOSE: "close",
    Ring.WIDER: "wider",
    Ring.ACQUAINTANCE: "acquaintance",
}
RING_BY_SLUG = {slug: ring for ring, slug in RING_SLUGS.items()}
DEFAULT_CADENCE_DAYS = {Ring.INNER: 7, Ring.CLOSE: 14, Ring.WIDER: 30, Ring.ACQUAINTANCE: 90}


# A contact can't be logged in the future, give or take a phone clock running ahead.
FUTURE_SLACK = timedelta(minutes=5)


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


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> PersonQuerySet:
        return self.filter(archived_at__isnull=True)


class Person(models.Model):
    owner = models.ForeignKey(User, models.CASCADE, related_name="people")
    name = models.CharField(_("name"), max_length=200)
    nickname = models.CharField(_("nickname"), max_length=100, blank=True)
    ring = models.PositiveSmallIntegerField(
        _("closeness"), choices=Ring.choices, default=Ring.WIDER
    )
    how_known = models.CharField(_("how you know each other"), max_length=200, blank=True)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    channels = models.JSONField(_("ways you keep in touch"), default=list, blank=True)
    birthday_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birthday_day = models.PositiveSmallIntegerField(null=True, blank=True)
    birthday_year = models.PositiveSmallIntegerField(null=True, blank=True)

    # Boundaries: hard limits for suggestions and reminders.
    topics_to_avoid = models.JSONField(_("topics to avoid"), default=list, blank=True)
    quiet_start = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet until"), null=True, blank=True)
    quiet_days = models.JSONField(_("quiet days"), default=list, blank=True)  # 0 = Monday
    min_days_between = models.PositiveSmallIntegerField(
        _("at most once every (days)"), null=True, blank=True
    )
    paused_until = models.DateField(_("give space until"), null=True, blank=True)
    # Gently set aside: out of lists and suggestions, never deleted unless asked.
    archived_at = models.DateTimeField(null=True, blank=True)
    # Someone the person could turn to on a hard day (support card, safety plan).
    trusted = models.BooleanField(_("someone I trust on hard days"), default=False)

    cadence_days = models.PositiveSmallIntegerField(
        _("keep in touch every (days)"), null=True, blank=True
    )
    # Stored and recomputed on every write that changes them (circle.actions),
    # so "who is due" and "replies owed" are index range scans.
    last_contact_at = models.DateTimeField(null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True)
    reply_owed_since = models.DateTimeField(null=True, blank=True)

    # From contact imports, for de-duplication and vCard export.
    vcard_uid = models.CharField(max_length=255, blank=True)
    emails = models.JSONField(default=list, blank=True)
    phones = models.JSONField(default=list, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["ring", "name"]
        indexes = [
            # The circle page: one person's people, by ring (circle.views.circle).
            models.Index(fields=["owner", "ring", "name"], name="person_owner_ring"),
            # Who is due for a gentle nudge (Today, reminders).
            models.Index(
                fields=["owner", "next_due_at"],
                name="person_due",
                condition=Q(archived_at__isnull=True),
            ),
            # Replies owed, shown first on the circle page.
            models.Index(
                fields=["owner", "reply_owed_since"],
                name="person_reply_owed",
                condition=Q(reply_owed_since__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_cadence_days(self) -> int:
        """Their rhythm, and never more often than the pace they asked for."""
        days = self.cadence_days or DEFAULT_CADENCE_DAYS[Ring(self.ring)]
        return max(days, self.min_days_between or 0)

    @property
    def short_name(self) -> str:
        """What a message would call them: their nickname, or the first word of the name."""
        return self.nickname or (self.name.split() or [self.name])[0]

    @property
    def birthday(self) -> date | None:
        """The birthday as a date (in 2000, a leap year, when the year isn't known)."""
        if self.birthday_month is None or self.birthday_day is None:
            return None
        return date(self.birthday_year or 2000, self.birthday_month, self.birthday_day)

    @property
    def ring_slug(self) -> str:
        return RING_SLUGS[Ring(self.ring)]

    def is_past_cadence(self, now: datetime | None = None) -> bool:
        return self.next_due_at is not None and self.next_due_at <= (now or timezone.now())


class ImportantDate(models.Model):
    """An anniversary, a name day, the day they started a new job..."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, models.CASCADE, related_name="dates")
    label = models.CharField(_("what"), max_length=100)
    month = models.PositiveSmallIntegerField()
    day = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["month", "day"]

    def __str__(self) -> str:
        return f"{self.label} {self.month:02}-{self.day:02}"

    @property
    def as_date(self) -> date:
        return date(self.year or 2000, self.month, self.day)


class InteractionQuerySet(models.QuerySet["Interaction"]):
    def live(self) -> InteractionQuerySet:
        return self.filter(deleted_at__isnull=True)


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
    happened_at = models.DateTimeField(_("when"), default=timezone.now)
    feeling_after = models.CharField(
        _("how you felt after"), max_length=7, choices=Feeling.choices, blank=True
    )
    # Initiated by them: a reply is owed. Initiated by me: waiting for theirs.
    awaiting_reply = models.BooleanField(_("waiting for a reply"), default=False)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Deleting keeps the row for a while so it can be undone (circle.actions).
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_at", "-pk"]
        indexes = [
            # Timelines and lists, newest first (circle.views, api).
            models.Index(fields=["owner", "-happened_at"], name="interaction_owner_time"),
            # The few contacts still marked as waiting for a reply: replies owed
            # (circle.actions.refresh_people) and waiting for theirs (today.actions).
            models.Index(
                fields=["owner", "initiated_by"],
                name="interaction_awaiting",
                condition=Q(awaiting_reply=True, deleted_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} on {self.happened_at:%Y-%m-%d}"


class InteractionPerson(models.Model):
    """Who took part in an interaction. Carries its owner like every personal row."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="+")
    interaction = models.ForeignKey(Interaction, models.CASCADE)
    person = models.ForeignKey(Person, models.CASCADE)
    # A copy of interaction.happened_at (kept equal by circle.actions), so that a
    # person's timeline is one index range scan, newest first, however many
    # contacts the owner has with everyone else.
    happened_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interaction", "person"], name="interaction_person_once"
            )
        ]
        indexes = [
            # A person's timeline (circle.views.person) and their last contact
            # (circle.actions.refresh_people).
            models.Index(fields=["person", "-happened_at"], name="interaction_person_timeline"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.interaction_id}"


class ContactImport(models.Model):
    """An uploaded contacts file waiting for the person to confirm its preview.

    Nothing from it reaches the circle until confirmed; the text is kept only so
    that the confirmed import is exactly what the preview showed.
    """

    owner = models.ForeignKey(User, models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    payload = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.filename or f"import {self.pk}"
