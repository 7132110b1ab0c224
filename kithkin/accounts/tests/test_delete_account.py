from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from kithkin.accounts.actions import owned_models
from kithkin.accounts.models import ApiToken, Invite, User
from kithkin.circle.models import (
    ContactImport,
    ImportantDate,
    Interaction,
    InteractionPerson,
    Person,
)
from kithkin.conftest import (
    give_nudge_rows,
    give_partner_rows,
    give_plans_rows,
    give_today_rows,
    give_wellbeing_rows,
)


def _give_data(user: User) -> None:
    ApiToken.objects.create_token(user, "script")
    Invite.objects.create_invite(user)
    sam = Person.objects.create(owner=user, name="Sam")
    call = Interaction.objects.create(owner=user, channel="call")
    InteractionPerson.objects.create(
        owner=user, interaction=call, person=sam, happened_at=call.happened_at
    )
    ImportantDate.objects.create(owner=user, person=sam, label="Name day", month=5, day=3)
    ContactImport.objects.create(owner=user, payload="BEGIN:VCARD")
    give_today_rows(user)
    give_wellbeing_rows(user)
    give_plans_rows(user)
    give_partner_rows(user)
    give_nudge_rows(user)


@pytest.mark.django_db
def test_a_wrong_confirmation_deletes_nothing(alice_client: Client, alice: User) -> None:
    _give_data(alice)
    r = alice_client.post(reverse("delete_account"), {"confirm": "alicia"})
    assert r.status_code == 200
    assert "doesn&#x27;t match your username" in r.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()
    assert ApiToken.objects.filter(owner=alice).exists()


@pytest.mark.django_db
def test_it_removes_every_row_the_person_owns(
    alice_client: Client, alice: User, bob: User, client: Client
) -> None:
    _give_data(alice)
    _give_data(bob)
    client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="alice").exists()
    models = owned_models()
    assert {m.__name__ for m in models} >= {
        "ApiToken",
        "Invite",
        "Person",
        "Interaction",
        "InteractionPerson",
        "ImportantDate",
        "ContactImport",
        "CheckIn",
        "Measure",
        "Goal",
        "GoalSkip",
        "SafetyPlan",
        "HardDay",
        "Plan",
        "PlanPerson",
        "PlanGuest",
        "Occurrence",
        "CalendarFeed",
        "Community",
        "Place",
        "Partnership",
        "PartnerInvite",
        "PartnerNote",
        "PartnerLook",
        "NudgeSettings",
        "Channel",
        "Reminder",
        "Delivery",
    }
    for model in models:
        assert model._default_manager.filter(owner_id=alice.pk).exists(), model

    r = alice_client.post(reverse("delete_account"), {"confirm": "alice"})

    assert r.status_code == 200
    assert "Your account is deleted" in r.content.decode()
    assert not User.objects.filter(pk=alice.pk).exists()
    for model in models:
        assert not model._default_manager.filter(owner_id=alice.pk).exists(), model
    assert not AccessAttempt.objects.filter(username="alice").exists()
    # Someone else's data is untouched.
    assert ApiToken.objects.filter(owner=bob).count() == 1
    assert Invite.objects.filter(owner=bob).count() == 1
    assert Person.objects.filter(owner=bob).count() == 1
    # And the deleted person is logged out.
    assert alice_client.get(reverse("today")).status_code == 302
