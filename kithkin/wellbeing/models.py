"""Check-ins, the monthly measures, and gentle goals."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kithkin.accounts.models import User
from kithkin.circle.models import Person
from kithkin.today.models import Energy


class Mood(models.IntegerChoices):
    VERY_LOW = 1, _("Very low")
    LOW = 2, _("Low")
    OKAY = 3, _("Okay")
    GOOD = 4, _("Good")
    VERY_GOOD = 5, _("Very good")


class Connected(models.IntegerChoices):
    NOT_AT_ALL = 1, _("Not at all")
    A_LITTLE = 2, _("A little")
    SOMEWHAT = 3, _("Somewhat")
    QUITE = 4, _("Quite connected")
    VERY = 5, _("Very connected")


class Rested(models.IntegerChoices):
    NOT_AT_ALL = 1, _("Not at all")
    A_LITTLE = 2, _("A little")
    SOMEWHAT = 3, _("Somewhat")
    MOSTLY = 4, _("Mostly")
    FULLY = 5, _("Fully")


class CheckIn(models.Model):
    """How a day went, in a few taps. One per day; it can be edited or back-dated."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="checkins")
    day = models.DateField(_("day"))
    mood = models.PositiveSmallIntegerField(_("mood"), choices=Mood.choices)
    energy = models.CharField(_("energy"), max_length=4, choices=Energy.choices, blank=True)
    sleep_hours = models.DecimalField(
        _("hours of sleep"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    rested = models.PositiveSmallIntegerField(
        _("how rested"), choices=Rested.choices, null=True, blank=True
    )
    meaningful = models.BooleanField(_("did something meaningful"), null=True, blank=True)
    connected = models.PositiveSmallIntegerField(
        _("felt connected"), choices=Connected.choices, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # When it was first written: the hours loneliness tends to come are read from it.
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["owner", "day"], name="checkin_once_a_day")]
        indexes = [models.Index(fields=["owner", "-day"], name="checkin_owner_day")]

    def __str__(self) -> str:
        return f"{self.day}: mood {self.mood}"


class MeasureKind(models.TextChoices):
    UCLA3 = "ucla3", _("Loneliness (UCLA 3-item)")
    WHO5 = "who5", _("Wellbeing (WHO-5)")


class Measure(models.Model):
    """One completed questionnaire: its answers as given and its score
    (wellbeing.scoring computes it)."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="measures")
    kind = models.CharField(max_length=5, choices=MeasureKind.choices)
    taken_on = models.DateField()
    answers = models.JSONField(default=list)
    score = models.PositiveSmallIntegerField()
    # UCLA-3 only: the ONS direct question, 1 = never ... 5 = often/always.
    direct = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-taken_on", "-pk"]
        indexes = [models.Index(fields=["owner", "kind", "-taken_on"], name="measure_owner_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.taken_on}: {self.score}"


class GoalMeasure(models.TextChoices):
    """What counts towards a goal."""

    CONTACT = "contact", _("Any contact")
    REACH_OUT = "reach_out", _("Reaching out first")
    CALL = "call", _("A call or video call")
    IN_PERSON = "in_person", _("Meeting in person")
    GATHERING = "gathering", _("A gathering (in person, two or more others)")
    CHECKIN = "checkin", _("A check-in")
    MEANINGFUL = "meaningful", _("Something meaningful (from check-ins)")


class Goal(models.Model):
    """An attainable goal, e.g. "a call with someone each week".

    Progress is the forgiving strength score (wellbeing.scoring.strength) over
    the things logged that count, `times` per `per_days` days.
    """

    owner = models.ForeignKey(User, models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    measure = models.CharField(_("what counts"), max_length=10, choices=GoalMeasure.choices)
    times = models.PositiveSmallIntegerField(_("how many times"), default=1)
    per_days = models.PositiveSmallIntegerField(_("every (days)"), default=7)
    # Only contacts with this person count, when set.
    person = models.ForeignKey(
        Person, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("with")
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set aside, kept with its history; never deleted unless asked.
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["owner", "created_at"],
                name="goal_owner_live",
                condition=Q(archived_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.title


class GoalSkip(models.Model):
    """A day set aside for a goal (rest, illness, travel): the score stays as it was."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="+")
    goal = models.ForeignKey(Goal, models.CASCADE, related_name="skips")
    day = models.DateField()

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["goal", "day"], name="goal_skip_once")]

    def __str__(self) -> str:
        return f"{self.goal_id} skips {self.day}"
