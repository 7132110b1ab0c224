"""Account writes that touch several rows or have side effects."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.db.models import Model
from django.forms import ModelForm
from django.utils import timezone

from kithkin.accounts.models import Invite, User


@transaction.atomic
def do_create_account(
    *,
    username: str,
    password: str | None,
    email: str = "",
    tz: str = "UTC",
    locale: str = "en",
    invite: Invite | None = None,
) -> User:
    """Create an account, and use up the invite it came with, both or neither."""
    if invite is not None:
        # The conditional update is the claim: of two sign-ups racing on one
        # invite, only the one that changes the row may go on.
        claimed = Invite.objects.filter(pk=invite.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if claimed != 1:
            raise Invite.DoesNotExist("This invite has already been used.")
    user = User(username=username, email=email, timezone=tz, locale=locale)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    return user


def owned_models() -> list[type[Model]]:
    """Every model with an `owner` field: the rows that belong to a person."""
    return [
        model
        for model in apps.get_models()
        if any(field.name == "owner" for field in model._meta.get_fields())
    ]


@transaction.atomic
def do_delete_account(user: User) -> None:
    """Remove the person and every row they own.

    1. Delete owned rows model by model (most go by cascade anyway; doing it
       explicitly means a new model with a protective foreign key cannot quietly
       keep data behind).
    2. Forget login-throttling records, which name the username.
    3. Delete the user row.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in owned_models():
        model._default_manager.filter(owner=user).delete()
    for log in (AccessAttempt, AccessLog, AccessFailureLog):
        log.objects.filter(username__iexact=user.get_username()).delete()
    user.delete()


@transaction.atomic
def do_update_profile(form: ModelForm[User]) -> User:
    """Save profile settings; a new time zone moves every "next due" time with it."""
    with transaction.atomic():
        user = form.save()
        if "timezone" in form.changed_data:
            from kithkin.circle.actions import refresh_everyone

            refresh_everyone(user)
        if {"timezone", "quiet_start", "quiet_end", "quiet_days"} & set(form.changed_data):
            # The daily step keeps to the person's clock and quiet time.
            from kithkin.nudges.hooks import reschedule

            reschedule(user.pk, "daily")
    return user
