"""Plans, communities and places: the parts of a week that repeat.

A schedule is kept the way RFC 5545 keeps it: a start as a local date and
time in a named time zone, plus an optional RRULE value and exceptions
(EXDATE). Occurrences are expanded in local time by `recurrence.py`, so
"Sundays at 6 pm" stays at 6 pm on both sides of a clock change.
"""

from __future__ import annotations

import secrets
import uuid
import zoneinfo

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kithkin.accounts.models import User
from kithkin.circle.models import Interaction, Person


def new_uid() -> str:
    return uuid.uuid4().hex


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class PlanEnergy(models.TextChoices):
    LOW = "low", _("Low-key")
    SOME = "some", _("Some energy")


class Schedule(models.Model):
    """When something happens: a local start, a time zone, and how it repeats."""

    # An RFC 5545 RRULE value, e.g. "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"; blank for a one-off.
    rrule = models.CharField(_("repeats"), max_length=500, blank=True)
    start_date = models.DateField(_("first day"))
    start_time = models.TimeField(_("time"))
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    duration_minutes = models.PositiveIntegerField(_("how long (minutes)"), default=60)
    # Occurrences taken out of the series, as local "YYYY-MM-DDTHH:MM" strings (EXDATE).
    exdates = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


class Plan(Schedule):
    """A low-pressure plan, one-off or repeating: "call Mum on Sundays"."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="plans")
    title = models.CharField(_("what"), max_length=200)
    energy = models.CharField(
        _("energy"), max_length=4, choices=PlanEnergy.choices, default=PlanEnergy.LOW
    )
    place = models.CharField(_("where"), max_length=200, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    people: models.ManyToManyField[Person, PlanPerson] = models.ManyToManyField(
        Person, through="PlanPerson", related_name="plans"
    )
    # Minutes before each occurrence to send a gentle reminder; empty for none.
    remind_minutes = models.PositiveIntegerField(_("remind me before"), null=True, blank=True)
    # Stable across edits and feed regenerations (iCalendar UID), bumped SEQUENCE on change.
    uid = models.CharField(max_length=64, default=new_uid, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    # A link that lets someone with an account on this server join the plan.
    guest_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start_date", "start_time", "id"]
        indexes = [models.Index(fields=["owner", "ended_at"], name="plan_owner_open")]

    def __str__(self) -> str:
        return self.title


class PlanPerson(models.Model):
    """Someone from the circle who takes part in a plan."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, models.CASCADE)
    person = models.ForeignKey(Person, models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "person"], name="planperson_unique")]

    def __str__(self) -> str:
        return f"{self.person_id} in plan {self.plan_id}"


class PlanGuest(models.Model):
    """Someone with an account on this server who joined a plan by its link.

    `owner` is the guest: the row is theirs to leave, and it is what puts the
    plan on their own list and calendar feed.
    """

    owner = models.ForeignKey(User, models.CASCADE, related_name="guest_plans")
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="guests")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "owner"], name="planguest_unique")]

    def __str__(self) -> str:
        return f"{self.owner_id} joined plan {self.plan_id}"


class Rsvp(models.TextChoices):
    GOING = "going", _("Going")
    MAYBE = "maybe", _("Maybe")
    SKIP = "skip", _("Skip this time")


class Occurrence(models.Model):
    """One person's answer for one occurrence of a plan, and whether it happened.

    Rows exist only for occurrences someone answered; the rest are expanded
    from the schedule. `owner` is whoever answered (the plan's owner or a guest).
    """

    owner = models.ForeignKey(User, models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="occurrences")
    # The occurrence's start as an instant (UTC in the database).
    starts_at = models.DateTimeField()
    rsvp = models.CharField(max_length=5, choices=Rsvp.choices, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    interaction = models.ForeignKey(
        Interaction, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "plan", "starts_at"], name="occurrence_unique")
        ]

    def __str__(self) -> str:
        return f"plan {self.plan_id} at {self.starts_at}: {self.rsvp or 'no answer'}"


class CalendarFeed(models.Model):
    """The secret address of a person's iCalendar feed; delete it to revoke."""

    owner = models.OneToOneField(User, models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar feed of {self.owner_id}"


class CommunityKind(models.TextChoices):
    BOOK_CLUB = "book_club", _("Book club")
    VOLUNTEERING = "volunteering", _("Volunteering")
    MUSIC = "music", _("Choir or music")
    SPORT = "sport", _("Sport or movement")
    FAITH = "faith", _("Faith or spiritual")
    CRAFT = "craft", _("Craft or hobby")
    ONLINE = "online", _("Online community")
    OTHER = "other", _("Something else")


class Community(Schedule):
    """A group to belong to, with its own meeting schedule (optional)."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="communities")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=15, choices=CommunityKind.choices, default=CommunityKind.OTHER
    )
    energy = models.CharField(
        _("energy"), max_length=4, choices=PlanEnergy.choices, default=PlanEnergy.SOME
    )
    link = models.URLField(_("link"), max_length=500, blank=True)
    place = models.CharField(_("where"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    # False when the group has no regular meetings (start_date is then ignored).
    meets = models.BooleanField(_("meets regularly"), default=True)
    uid = models.CharField(max_length=64, default=new_uid, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "communities"

    def __str__(self) -> str:
        return self.name


class PlaceKind(models.TextChoices):
    LIBRARY = "library", _("Library")
    MARKET = "market", _("Market")
    CAFE = "cafe", _("Café")
    PARK = "park", _("Park or garden")
    COMMUNITY_CENTRE = "centre", _("Community centre")
    OTHER = "other", _("Somewhere else")


class Place(models.Model):
    """Somewhere people gather, with a note: "the library's Tuesday knitting table"."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="places")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=10, choices=PlaceKind.choices, default=PlaceKind.OTHER
    )
    energy = models.CharField(
        _("energy"), max_length=4, choices=PlanEnergy.choices, default=PlanEnergy.LOW
    )
    address = models.CharField(_("address or link"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
