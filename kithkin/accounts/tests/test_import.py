"""Bringing a Kithkin export into an empty account: the round trip, the refusals
(each leaving the account as it was), and the two ways in (`kithkin import` and
the Settings form)."""

from __future__ import annotations

import copy
import json
from datetime import date
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from kithkin.accounts.actions import owned_models
from kithkin.accounts.export import account_export
from kithkin.accounts.importer import ImportRefused, import_account, what_is_there
from kithkin.accounts.models import User
from kithkin.accounts.tests.rich_account import give_rich_rows
from kithkin.circle.models import Person
from kithkin.conftest import make_user
from kithkin.nudges.models import Reminder

# Sections whose rows carry an `id`, and where other rows point at them.
ID_SECTIONS = ("people", "interactions", "goals", "ideas")
REFERENCES = {
    ("important_dates", "person"): "people",
    ("interactions", "people"): "people",
    ("goals", "person"): "people",
    ("goal_skips", "goal"): "goals",
    ("plans", "people"): "people",
    ("suggestions", "person"): "people",
    ("suggestions", "idea"): "ideas",
    ("suggestions", "interaction"): "interactions",
}


def normalise(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with what legitimately differs between two accounts taken
    out: when it was made, whose it is, and ids (numbered by position instead)."""
    doc = copy.deepcopy(doc)
    del doc["exported_at"]
    for name in ("username", "email", "date_joined"):
        del doc["account"][name]
    number = {
        section: {row["id"]: n for n, row in enumerate(doc[section], 1)} for section in ID_SECTIONS
    }

    def renumber(value: Any, section: str) -> Any:
        if isinstance(value, list):
            return sorted(number[section][v] for v in value)
        return None if value is None else number[section][value]

    for section in ID_SECTIONS:
        for row in doc[section]:
            row["id"] = number[section][row["id"]]
    for (section, name), target in REFERENCES.items():
        for row in doc[section]:
            row[name] = renumber(row[name], target)
    for plan in doc["plans"]:
        for answer in plan["occurrences"]:
            answer["interaction"] = renumber(answer["interaction"], "interactions")
    return doc


def owned_rows(user: User) -> int:
    return sum(m._default_manager.filter(owner_id=user.pk).count() for m in owned_models())


def as_file(doc: Any) -> BytesIO:
    return BytesIO(json.dumps(doc, ensure_ascii=False).encode())


@pytest.fixture
def rich_doc(alice: User, bob: User) -> dict[str, Any]:
    give_rich_rows(alice, other=bob)
    return account_export(alice)


@pytest.fixture
def dana(db: None) -> User:
    return make_user("dana", timezone="Pacific/Auckland")


@pytest.mark.django_db
def test_an_export_comes_back_the_same(rich_doc: dict[str, Any], dana: User) -> None:
    result = import_account(dana, as_file(rich_doc))

    again = account_export(dana)
    assert normalise(again) == normalise(rich_doc)
    assert again["account"]["username"] == "dana"
    assert result.counts["people"] == 3
    assert result.counts["interactions"] == 3
    assert result.left_out == {}
    assert result.summary().startswith("Brought in 3 people, 3 contacts, 3 check-ins")


@pytest.mark.django_db
def test_derived_state_is_recomputed(rich_doc: dict[str, Any], dana: User) -> None:
    import_account(dana, as_file(rich_doc))

    zoe = Person.objects.get(owner=dana, nickname="Zo")
    # The newest contact with Zoë was from her and is waiting for a reply.
    assert zoe.last_contact_at is not None
    assert zoe.reply_owed_since == zoe.last_contact_at
    assert zoe.next_due_at is not None
    mum = Person.objects.get(owner=dana, name="Mum")
    assert mum.last_contact_at is not None  # the walk (the deleted call didn't come along)
    # The reminder schedule: the daily step, the plan reminder (off in the
    # settings, so none), and the weekly email to Ana.
    kinds = set(Reminder.objects.filter(owner=dana).values_list("kind", flat=True))
    assert "daily" in kinds
    assert "partner_summary" in kinds
    assert dana.__class__.objects.get(pk=dana.pk).timezone == "Europe/London"


@pytest.mark.django_db
def test_catalog_ideas_this_server_lacks_are_left_out_and_said(
    rich_doc: dict[str, Any], dana: User
) -> None:
    doc = copy.deepcopy(rich_doc)
    doc["hidden_catalog_ideas"] = ["an-idea-from-the-future"]
    for s in doc["suggestions"]:
        if s["catalog_idea"]:
            s["catalog_idea"] = "another-idea-from-the-future"
    result = import_account(dana, as_file(doc))
    assert result.left_out == {"hidden_catalog_ideas": 1, "suggestions": 1}
    assert "2 suggestions or hidden ideas were left out" in result.summary()


@pytest.mark.django_db
def test_a_minimal_hand_written_file_is_enough(dana: User) -> None:
    doc = {
        "format": "kithkin-export",
        "version": 1,
        "people": [{"id": 1, "name": "Sam"}],
        "interactions": [
            {"id": 7, "people": [1], "channel": "call", "happened_at": "2025-01-01T12:00:00+01:00"}
        ],
    }
    result = import_account(dana, as_file(doc))
    assert result.counts["people"] == 1
    sam = Person.objects.get(owner=dana)
    assert sam.ring == 3  # wider, the default
    assert sam.last_contact_at is not None
    assert sam.last_contact_at.isoformat() == "2025-01-01T11:00:00+00:00"


@pytest.mark.django_db
def test_only_an_empty_account_takes_an_export(rich_doc: dict[str, Any], alice: User) -> None:
    before = owned_rows(alice)
    with pytest.raises(ImportRefused, match="only be brought into an empty account") as e:
        import_account(alice, as_file(rich_doc))
    assert "people" in str(e.value)
    assert owned_rows(alice) == before


@pytest.mark.django_db
def test_what_todays_first_visit_made_gives_way(rich_doc: dict[str, Any], dana: User) -> None:
    from kithkin.today.models import DayEnergy

    DayEnergy.objects.create(owner=dana, day="2025-03-01", energy="low")
    assert what_is_there(dana) == []
    import_account(dana, as_file(rich_doc))
    days = dict(DayEnergy.objects.filter(owner=dana).values_list("day", "energy"))
    assert days == {date.fromisoformat(r["day"]): r["energy"] for r in rich_doc["day_energies"]}
    assert days[date(2025, 3, 1)] == "good"


def refused(user: User, data: bytes | dict[str, Any]) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    with pytest.raises(ImportRefused) as e:
        import_account(user, raw)
    assert owned_rows(user) == 0
    return str(e.value)


@pytest.mark.django_db
def test_another_version_is_refused_by_number(rich_doc: dict[str, Any], dana: User) -> None:
    assert refused(dana, {**rich_doc, "version": 2}) == (
        "This file is a Kithkin export version 2; this server reads version 1. "
        "Updating Kithkin here would let it read the file."
    )
    assert "version 0; this server reads version 1." in refused(dana, {**rich_doc, "version": 0})
    assert "no version number" in refused(dana, {**rich_doc, "version": "1"})
    assert "isn't a Kithkin export" in refused(dana, {**rich_doc, "format": "other"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "This file is empty."),
        (b'{"format": ', "isn't valid JSON"),
        (b"\xff\xfe{\x00", "UTF-16"),
        (b'{"format": "kithkin-export", "name": "\xe9"}', "isn't UTF-8"),
        (b"[1, 2]", "holds no JSON object"),
        (b"[" * 100_000, "isn't valid JSON"),
        (
            b'{"format": "kithkin-export", "version": 1, '
            b'"checkins": [{"day": "2025-01-01", "mood": NaN}]}',
            "isn't valid JSON",
        ),
    ],
)
def test_unreadable_files_are_refused(dana: User, data: bytes, says: str) -> None:
    assert says in refused(dana, data)


def _with(doc: dict[str, Any], section: str, n: int, **change: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    doc[section][n].update(change)
    return doc


@pytest.mark.django_db
def test_a_bad_row_is_named_with_its_section_and_row(rich_doc: dict[str, Any], dana: User) -> None:
    person = rich_doc["people"][1]
    message = refused(dana, _with(rich_doc, "people", 1, ring="best"))
    assert message == (
        f"people, row 2 (id {person['id']}): “ring” should be one of inner, close, wider, "
        "acquaintance, not “best”."
    )
    assert "checkins, row 1: “mood” should be from 1 to 5, not 9" in refused(
        dana, _with(rich_doc, "checkins", 0, mood=9)
    )
    assert "“mood” should be a whole number, not text" in refused(
        dana, _with(rich_doc, "checkins", 0, mood="3")
    )
    assert "“day” is a date that doesn't exist" in refused(
        dana, _with(rich_doc, "checkins", 0, day="2025-02-30")
    )
    assert "“happened_at” should be a date and time with its offset" in refused(
        dana, _with(rich_doc, "interactions", 0, happened_at="2025-01-01T10:00:00")
    )
    assert "“note” can't contain the NUL character" in refused(
        dana, _with(rich_doc, "interactions", 0, note="a\x00b")
    )
    assert "“name” has a broken character" in refused(
        dana, json.dumps(_with(rich_doc, "people", 0, name="\ud800")).encode()
    )
    assert "“happened_at” should be in the years 1900 to 2200" in refused(
        dana, _with(rich_doc, "interactions", 0, happened_at="0001-01-01T00:00:00+14:00")
    )
    assert "has a field this server doesn't know: “colour”" in refused(
        dana, _with(rich_doc, "places", 0, colour="blue")
    )
    assert "needs “channel”" in refused(
        dana, {**rich_doc, "interactions": [{"id": 1, "happened_at": "2025-01-01T00:00:00Z"}]}
    )
    assert "“score” should be from 0 to 100" in refused(
        dana, _with(rich_doc, "measures", 0, score=10**30)
    )
    assert "the score should be 5 for these answers" in refused(
        dana, _with(rich_doc, "measures", 0, kind="ucla3", answers=[2, 1, 2], score=6, direct=None)
    )
    assert "“rrule” can't be used" in refused(
        dana, _with(rich_doc, "plans", 0, rrule="FREQ=SOMETIMES")
    )
    assert "“target” isn't an address Kithkin can send to" in refused(
        dana, _with(rich_doc, "notification_channels", 0, target="file:///etc/passwd")
    )
    assert "“link” should be a web address" in refused(
        dana, _with(rich_doc, "plans", 0, link="javascript:alert(1)")
    )


@pytest.mark.django_db
def test_references_must_name_rows_of_the_file(rich_doc: dict[str, Any], dana: User) -> None:
    missing = max(p["id"] for p in rich_doc["people"]) + 1000
    assert f"“people” names people id {missing}, which isn't in the file" in refused(
        dana, _with(rich_doc, "interactions", 0, people=[missing])
    )
    assert "“goal” names goals id" in refused(dana, _with(rich_doc, "goal_skips", 0, goal=missing))
    doc = copy.deepcopy(rich_doc)
    doc["plans"][0]["occurrences"] = [{"starts_at": "2025-01-01T00:00:00Z", "interaction": missing}]
    assert "occurrence 1 names interactions id" in refused(dana, doc)
    doc = copy.deepcopy(rich_doc)
    doc["people"][1]["id"] = doc["people"][0]["id"]
    assert "uses an id another row of people has" in refused(dana, doc)


@pytest.mark.django_db
def test_rows_that_clash_are_refused(rich_doc: dict[str, Any], dana: User) -> None:
    doc = copy.deepcopy(rich_doc)
    doc["checkins"].append(dict(doc["checkins"][0]))
    assert "is a second check-in for the same day" in refused(dana, doc)
    doc = copy.deepcopy(rich_doc)
    doc["ideas"][1]["slug"] = doc["ideas"][0]["slug"]
    assert "uses a slug another idea has" in refused(dana, doc)


@pytest.mark.django_db
def test_problems_are_listed_together_up_to_a_limit(rich_doc: dict[str, Any], dana: User) -> None:
    doc = copy.deepcopy(rich_doc)
    doc["checkins"] = [{"day": "nope", "mood": 0} for _ in range(30)]
    with pytest.raises(ImportRefused) as e:
        import_account(dana, as_file(doc))
    assert len(e.value.problems) == 11
    assert e.value.problems[-1] == "(Stopped reading after 10 problems.)"


@pytest.mark.django_db
def test_a_failure_while_writing_leaves_nothing(
    rich_doc: dict[str, Any], dana: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kithkin.nudges.hooks

    def broken(*args: Any) -> None:
        raise RuntimeError("the reminder schedule broke")

    monkeypatch.setattr(kithkin.nudges.hooks, "reschedule", broken)
    with pytest.raises(RuntimeError):
        import_account(dana, as_file(rich_doc))
    assert owned_rows(dana) == 0
    assert User.objects.get(pk=dana.pk).timezone == "Pacific/Auckland"


# --- kithkin import -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_brings_a_file_in(rich_doc: dict[str, Any], dana: User, tmp_path: Path) -> None:
    path = tmp_path / "alice.json"
    path.write_text(json.dumps(rich_doc), encoding="utf-8")
    out = StringIO()
    call_command("import", str(path), "--user", "dana", stdout=out)
    assert out.getvalue().startswith("Brought in 3 people, 3 contacts, 3 check-ins,")
    assert Person.objects.filter(owner=dana).count() == 3


@pytest.mark.django_db
def test_the_command_prints_counts_as_json(
    rich_doc: dict[str, Any], dana: User, tmp_path: Path
) -> None:
    path = tmp_path / "alice.json"
    path.write_text(json.dumps(rich_doc), encoding="utf-8")
    out = StringIO()
    call_command("import", str(path), "--user", "dana", "--json", stdout=out)
    found = json.loads(out.getvalue())
    assert found["counts"]["people"] == 3
    assert found["left_out"] == {}


@pytest.mark.django_db
def test_the_command_refuses_clearly(rich_doc: dict[str, Any], dana: User, tmp_path: Path) -> None:
    path = tmp_path / "v2.json"
    path.write_text(json.dumps({**rich_doc, "version": 2}), encoding="utf-8")
    with pytest.raises(CommandError, match="version 2; this server reads version 1"):
        call_command("import", str(path), "--user", "dana")
    with pytest.raises(CommandError, match="can't read"):
        call_command("import", str(tmp_path / "missing.json"), "--user", "dana")
    assert owned_rows(dana) == 0


# --- The Settings form ----------------------------------------------------------------


def upload(doc: Any) -> SimpleUploadedFile:
    data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return SimpleUploadedFile("kithkin-export.json", data, content_type="application/json")


@pytest.mark.django_db
def test_settings_offers_every_download(alice_client: Client) -> None:
    page = alice_client.get(reverse("settings")).content.decode()
    for name in ("export", "export_contacts", "export_interactions_csv", "checkins_csv"):
        assert f'href="{reverse(name)}"' in page, name


@pytest.mark.django_db
def test_settings_offers_the_import_only_to_an_empty_account(
    alice_client: Client, alice: User
) -> None:
    assert "Bring in a Kithkin export" in alice_client.get(reverse("settings")).content.decode()
    Person.objects.create(owner=alice, name="Sam")
    assert "Bring in a Kithkin export" not in alice_client.get(reverse("settings")).content.decode()


@pytest.mark.django_db
def test_the_settings_form_brings_a_file_in(rich_doc: dict[str, Any], dana: User) -> None:
    client = Client()
    client.force_login(dana)
    r = client.post(reverse("import_account"), {"file": upload(rich_doc)}, follow=True)
    assert r.redirect_chain[-1][0] == reverse("settings")
    assert "Brought in 3 people, 3 contacts" in r.content.decode()
    assert Person.objects.filter(owner=dana).count() == 3
    # Now that the account isn't empty, the form is gone.
    assert "Bring in a Kithkin export" not in r.content.decode()


@pytest.mark.django_db
def test_the_settings_form_shows_why_and_writes_nothing(
    rich_doc: dict[str, Any], dana: User
) -> None:
    client = Client()
    client.force_login(dana)
    r = client.post(reverse("import_account"), {"file": upload({**rich_doc, "version": 3})})
    assert r.status_code == 200
    assert (
        "This file is a Kithkin export version 3; this server reads version 1."
        in r.content.decode()
    )
    r = client.post(reverse("import_account"), {"file": upload(b"not json")})
    assert "isn&#x27;t valid JSON" in r.content.decode()
    r = client.post(reverse("import_account"), {})
    assert "This field is required" in r.content.decode()
    assert owned_rows(dana) == 0


@pytest.mark.django_db
def test_the_settings_form_needs_a_login_and_a_post(client: Client, alice_client: Client) -> None:
    assert client.post(reverse("import_account")).status_code == 302
    assert alice_client.get(reverse("import_account")).status_code == 405
