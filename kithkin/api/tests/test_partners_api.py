"""/api/v1/partners/shared: a partner sees only what was shared, and only while it is."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.test import Client

from kithkin.accounts.models import ApiToken, User
from kithkin.partners import actions
from kithkin.partners.models import PartnerLook, ShareItem
from kithkin.partners.tests.factories import (
    DAY_KEYS,
    NOW,
    PAGE_MARKERS,
    SECRET_NOTE,
    SECRET_TAG,
    TOP_KEYS,
    everything,
    partnership,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/partners/shared"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _auth(user: User, scope: str = "read") -> dict[str, str]:
    _, plain = ApiToken.objects.create_token(user, "t", scope=scope)
    return {"Authorization": f"Bearer {plain}"}


def _get(client: Client, url: str, user: User) -> tuple[int, dict | list]:
    r = client.get(url, headers=_auth(user))
    return r.status_code, r.json()


def _present(body: dict, item: str) -> bool:
    """Whether any of the item's data is in the answer."""
    if item in TOP_KEYS:
        return TOP_KEYS[item] in body
    return any(key in day for day in body.get("checkins", []) for key in DAY_KEYS[item])


def test_it_lists_only_accepted_live_partnerships_where_you_are_the_partner(
    client: Client, alice: User, bob: User, charlie: User
) -> None:
    alice.first_name = "Alice"
    alice.save()
    shared = partnership(alice, bob, shares=["sleep", "mood"])
    partnership(charlie, bob, revoked_at=NOW)
    partnership(charlie, None)  # waiting for someone to accept
    partnership(bob, alice)  # bob shares with alice, not the other way
    status, body = _get(client, URL, bob)
    assert status == 200
    assert body == [{"id": shared.pk, "person": "Alice", "items": ["mood", "sleep"]}]
    assert _get(client, URL, charlie) == (200, [])


@pytest.mark.parametrize("item", ShareItem.values)
def test_a_ticked_item_is_there(client: Client, alice: User, bob: User, item: str) -> None:
    everything(alice)
    only = partnership(alice, bob, shares=[item])
    status, body = _get(client, f"{URL}/{only.pk}", bob)
    assert status == 200
    assert isinstance(body, dict)
    assert body["items"] == [item]
    assert _present(body, item)
    for other in ShareItem.values:
        if other != item:
            assert not _present(body, other), other
    text = json.dumps(body, ensure_ascii=False)
    assert PAGE_MARKERS[item] in text or item == ShareItem.MEANINGFUL
    assert SECRET_NOTE not in text and SECRET_TAG not in text
    assert "note" not in text and "tags" not in text


@pytest.mark.parametrize("item", ShareItem.values)
def test_an_unticked_item_is_absent(client: Client, alice: User, bob: User, item: str) -> None:
    everything(alice)
    rest = partnership(alice, bob, shares=[i for i in ShareItem.values if i != item])
    status, body = _get(client, f"{URL}/{rest.pk}", bob)
    assert status == 200
    assert isinstance(body, dict)
    assert item not in body["items"]
    assert not _present(body, item)
    for other in ShareItem.values:
        if other != item:
            assert _present(body, other), other
    text = json.dumps(body, ensure_ascii=False)
    if item != ShareItem.MEANINGFUL:
        assert PAGE_MARKERS[item] not in text
    assert SECRET_NOTE not in text and SECRET_TAG not in text


def test_everything_shared_reads_in_words(client: Client, alice: User, bob: User) -> None:
    everything(alice)
    shared = partnership(alice, bob, shares=ShareItem.values)
    status, body = _get(client, f"{URL}/{shared.pk}", bob)
    assert status == 200
    assert isinstance(body, dict)
    assert body["checkins"] == [
        {
            "date": "2025-06-10",
            "mood": "Very good",
            "energy": "Running low",
            "sleep_hours": "7.5",
            "rested": "Mostly",
            "meaningful": True,
            "connected": "Quite connected",
        }
    ]
    assert body["plans"] == [{"title": "Choir practice", "starts_at": "2025-06-12T19:00:00+01:00"}]
    assert [m["label"] for m in body["measures"]] == [
        "Loneliness (UCLA 3-item)",
        "Wellbeing (WHO-5)",
    ]
    assert body["measures"][1]["range"] == (
        "In the range often linked with low wellbeing (50 or below)."
    )
    assert "score" not in json.dumps(body["measures"])
    (goal,) = body["goals"]
    assert goal["title"] == "Walk with Jo weekly" and goal["rhythm"] == "Once a week"
    assert goal["this_period"] == "1 of 1 this week"


def test_each_read_is_a_look_the_person_sees(client: Client, alice: User, bob: User) -> None:
    shared = partnership(alice, bob, shares=["mood"])
    _get(client, f"{URL}/{shared.pk}", bob)
    look = PartnerLook.objects.get()
    assert (look.owner_id, look.partnership_id, look.at) == (alice.pk, shared.pk, NOW)


def test_revoking_is_a_404_at_once(client: Client, alice: User, bob: User) -> None:
    shared = partnership(alice, bob, shares=ShareItem.values)
    assert _get(client, f"{URL}/{shared.pk}", bob)[0] == 200
    actions.do_revoke(shared)
    status, body = _get(client, f"{URL}/{shared.pk}", bob)
    assert status == 404
    assert body == {"code": "not_found", "message": "There's nothing here with that id."}
    assert _get(client, URL, bob) == (200, [])
    assert PartnerLook.objects.count() == 1


def test_someone_who_is_not_the_partner_gets_a_404(
    client: Client, alice: User, bob: User, charlie: User
) -> None:
    shared = partnership(alice, bob, shares=ShareItem.values)
    assert _get(client, f"{URL}/{shared.pk}", charlie)[0] == 404
    # The person who shares reads their own data elsewhere, not as a partner.
    assert _get(client, f"{URL}/{shared.pk}", alice)[0] == 404
    assert _get(client, f"{URL}/999999", bob)[0] == 404
    assert not PartnerLook.objects.exists()


def test_it_needs_a_token(client: Client, alice: User, bob: User) -> None:
    shared = partnership(alice, bob, shares=ShareItem.values)
    assert client.get(f"{URL}/{shared.pk}").status_code == 401
    assert client.get(URL).status_code == 401


def test_a_link_not_yet_accepted_reaches_nothing(client: Client, alice: User, bob: User) -> None:
    # Linked to bob but without accepted_at: not his yet, in the list or by id.
    pending = partnership(alice, None, shares=ShareItem.values)
    pending.partner = bob
    pending.save()
    assert _get(client, URL, bob) == (200, [])
    assert _get(client, f"{URL}/{pending.pk}", bob)[0] == 404
    assert not PartnerLook.objects.exists()
