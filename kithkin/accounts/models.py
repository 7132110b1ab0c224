from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "kk_"  # noqa: S105 - a label, not a secret


@lru_cache(maxsize=1)
def timezone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


def hash_secret(secret: str) -> str:
    # Tokens are 256 random bits, so one round of SHA-256 is enough: there is
    # nothing to brute-force, and lookups stay a single indexed equality.
    return hashlib.sha256(secret.encode()).hexdigest()


class User(AbstractUser):
    """A person who uses Kithkin. Rows that belong to them point here as `owner`."""

    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    locale = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    # Only used to put the right helplines first on the support page.
    country = models.CharField(_("country"), max_length=2, blank=True)
    onboarded_at = models.DateTimeField(null=True, blank=True)
    # The person's own quiet time: no suggestions to reach out, no reminders.
    quiet_start = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet until"), null=True, blank=True)
    quiet_days = models.JSONField(_("quiet days"), default=list, blank=True)  # 0 = Monday
    # Made by `kithkin demo`; only such accounts may be reset by it.
    is_demo = models.BooleanField(default=False)

    class Meta:
        constraints = [
            # Sign-up checks this too; the constraint settles two sign-ups racing
            # for "Sam" and "sam".
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_ci_unique",
                violation_error_message=_("That username is taken. Try another one?"),
            ),
        ]

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


class ApiTokenManager(models.Manager["ApiToken"]):
    def create_token(self, owner: User, name: str, scope: str = "write") -> tuple[ApiToken, str]:
        """Create a token and return it with its plain text, which is never stored."""
        plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = self.create(
            owner=owner,
            name=name,
            scope=scope,
            prefix=plain[: len(TOKEN_PREFIX) + 4],
            token_hash=hash_secret(plain),
        )
        return token, plain

    def for_plaintext(self, plain: str) -> ApiToken | None:
        if not plain.startswith(TOKEN_PREFIX):
            return None
        return (
            self.select_related("owner")
            .filter(token_hash=hash_secret(plain), owner__is_active=True)
            .first()
        )


class ApiToken(models.Model):
    """A personal access token for /api/v1, stored as a hash."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    owner = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.WRITE)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def touch(self) -> None:
        """Record use, at most once a minute, so busy scripts don't write on every call."""
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at > timedelta(minutes=1):
            self.last_used_at = now
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)


class InviteManager(models.Manager["Invite"]):
    def create_invite(self, owner: User, days: int = 7) -> tuple[Invite, str]:
        plain = secrets.token_urlsafe(24)
        invite = self.create(
            owner=owner,
            token_hash=hash_secret(plain),
            expires_at=timezone.now() + timedelta(days=days),
        )
        return invite, plain

    def usable(self, plain: str) -> Invite | None:
        if not plain:
            return None
        return self.filter(
            token_hash=hash_secret(plain), used_at__isnull=True, expires_at__gt=timezone.now()
        ).first()


class Invite(models.Model):
    """A single-use, expiring sign-up link made by someone with an account."""

    owner = models.ForeignKey(User, models.CASCADE, related_name="invites")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = InviteManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invite from {self.owner_id}, valid until {self.expires_at:%Y-%m-%d}"
