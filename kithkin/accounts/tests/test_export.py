"""The account export: what is in it, what isn't, how it is documented, and the
three ways out (Settings, the API, `kithkin export`)."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Generator
from io import StringIO
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from kithkin.accounts import export
from kithkin.accounts.actions import owned_models
from kithkin.accounts.export import EXPORTED, LEFT_OUT, SECTIONS, account_export, export_chunks
from kithkin.accounts.importer import _specs
from kithkin.accounts.models import ApiToken, User
from kithkin.accounts.tests.rich_account import give_rich_rows
from kithkin.circle.models import Interaction, InteractionPerson, Person

DOCS = Path(settings.BASE_DIR) / "docs" / "export-format.md"


def test_every_owned_model_is_exported_or_left_out_on_purpose() -> None:
    owned = {m._meta.label for m in owned_models()}
    assert not set(EXPORTED) & set(LEFT_OUT)
    missing = owned - set(EXPORTED) - set(LEFT_OUT)
    assert not missing, (
        f"{sorted(missing)} belong to a person but the export neither includes them "
        "(EXPORTED) nor says why not (LEFT_OUT) in kithkin/accounts/export.py; "
        "and docs/export-format.md should say so too"
    )
    # And nothing listed that no longer exists.
    assert set(EXPORTED) | set(LEFT_OUT) <= owned


def _documented_sections() -> dict[str, str]:
    """Each `### \\`name\\`` heading of the docs, with the text up to the next one."""
    text = DOCS.read_text(encoding="utf-8")
    parts = re.split(r"^### `([a-z_]+)`\s*$", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


@pytest.mark.django_db
def test_every_key_the_export_writes_is_documented(alice: User, bob: User) -> None:
    give_rich_rows(alice, other=bob)
    doc = account_export(alice)
    documented = _documented_sections()
    assert list(doc) == [*export.HEADER, *SECTIONS]
    for key in doc:
        assert key in documented, f"docs/export-format.md has no section for `{key}`"
    specs = _specs()
    for section in SECTIONS:
        rows = doc[section]
        if section in export.OBJECT_SECTIONS:
            rows = [rows]
        elif section == "hidden_catalog_ideas":
            continue
        assert rows, f"the test account has no {section}: give it some"
        fields = {name for row in rows for name in row}
        # Everything written is read back by the import, and nothing more.
        assert fields == set(specs[section]), section
        for name in fields:
            assert f"| `{name}` |" in documented[section], f"{section}.{name} is not documented"
    for name in ("starts_at", "rsvp", "done_at", "interaction"):
        assert f"| `{name}` |" in documented["plans"]


@pytest.mark.django_db
def test_it_holds_the_persons_own_data_and_nothing_else(alice: User, bob: User) -> None:
    rows = give_rich_rows(alice, other=bob)
    give_rich_rows(bob)
    doc = account_export(alice)
    body = json.dumps(doc, ensure_ascii=False)

    assert doc["account"]["username"] == "alice"
    assert {p["name"] for p in doc["people"]} == {"Mum", "Zoë Ångström 🌻", "Sam"}
    zoe = next(p for p in doc["people"] if p["nickname"] == "Zo")
    assert zoe["ring"] == "inner"
    assert zoe["birthday_month"] == 2 and zoe["birthday_day"] == 29
    assert zoe["created_at"].endswith("Z")
    # A contact carries its people inline; the one in its undo window is left out.
    walk = next(i for i in doc["interactions"] if i["id"] == rows["walk"].pk)
    assert walk["people"] == sorted(p.pk for p in (rows["zoe"], rows["mum"], rows["sam"]))
    assert len(doc["interactions"]) == 3
    # Instants read raw for speed are written as every other instant is.
    assert (
        walk["happened_at"] == export._dt(rows["walk"].happened_at) == "2025-03-20T00:30:15.123456Z"
    )
    assert {i["happened_at"] for i in doc["interactions"]} >= {"2025-03-25T12:00:00.000000Z"}
    assert walk["awaiting_reply"] is False
    choir = next(p for p in doc["plans"] if p["title"] == "Choir with Zoë")
    assert sorted(choir["people"]) == sorted([rows["zoe"].pk, rows["sam"].pk])
    # Only alice's answers; the one pointing at a deleted contact points nowhere.
    assert [a["rsvp"] for a in choir["occurrences"]] == ["going", "skip"]
    assert choir["occurrences"][1]["interaction"] is None
    assert "Bob's picnic" not in body
    assert [c["kind"] for c in doc["notification_channels"]] == ["email", "apprise"]
    assert "push.example" not in body
    assert {p["name"] for p in doc["partnerships"]} == {"Ana", "Old partner", "Bob"}
    assert doc["checkins"][0]["sleep_hours"] == 7.5
    assert doc["safety_plan"]["helpers"] == "Zoë"
    assert doc["reminder_settings"]["per_day"] == 2
    assert len(doc["hidden_catalog_ideas"]) == 1
    assert {i["slug"]: i["hidden"] for i in doc["ideas"]} == {
        f"own-{alice.pk}": True,
        "bake-bread": False,
    }
    # Secrets and bookkeeping never leave the server.
    for word in ("token_hash", "password", "guest_token", "last_contact_at", "timeout", '"uid"'):
        assert word not in body, word
    assert "bob@example.org" not in body


@pytest.mark.django_db
def test_an_empty_account_exports_empty_sections(alice: User) -> None:
    doc = account_export(alice)
    assert doc["people"] == [] and doc["interactions"] == []
    assert doc["safety_plan"] is None and doc["reminder_settings"] is None


@pytest.mark.django_db
def test_it_is_written_in_chunks_with_a_few_queries_each(
    alice: User, monkeypatch: pytest.MonkeyPatch, django_assert_max_num_queries
) -> None:
    """Contacts are read a chunk at a time, with their people per chunk: the query
    count follows the number of chunks, not of rows."""
    monkeypatch.setattr(export, "CHUNK", 10)
    sam = Person.objects.create(owner=alice, name="Sam")
    made = Interaction.objects.bulk_create(
        [Interaction(owner=alice, channel="text") for _ in range(95)]
    )
    InteractionPerson.objects.bulk_create(
        InteractionPerson(owner=alice, interaction=i, person=sam, happened_at=i.happened_at)
        for i in made
    )
    # 10 chunks of contacts, each with one query for its people, and one query
    # per other section (plus the account, and the transaction's savepoint).
    with django_assert_max_num_queries(10 * 2 + len(SECTIONS) + 8):
        chunks = list(export_chunks(alice))
    assert len(chunks) >= 10
    doc = json.loads("".join(chunks))
    assert len(doc["interactions"]) == 95
    assert all(i["people"] == [sam.pk] for i in doc["interactions"])


@pytest.mark.django_db
def test_the_settings_download_is_streamed(alice_client: Client, alice: User) -> None:
    Person.objects.create(owner=alice, name="Sam")
    r = alice_client.get(reverse("export"))
    assert r.status_code == 200
    assert r.streaming
    assert re.fullmatch(
        r'attachment; filename="kithkin-export-\d{4}-\d{2}-\d{2}\.json"', r["Content-Disposition"]
    )
    assert "no-store" in r["Cache-Control"]
    doc = json.loads(b"".join(cast(Any, r).streaming_content))
    assert [p["name"] for p in doc["people"]] == ["Sam"]


@pytest.mark.django_db
def test_the_settings_download_needs_a_login(client: Client) -> None:
    r = client.get(reverse("export"))
    assert r.status_code == 302


@pytest.mark.django_db
def test_the_api_streams_the_same_document(client: Client, alice: User, charlie: User) -> None:
    Person.objects.create(owner=alice, name="Sam")
    Person.objects.create(owner=charlie, name="Charlie's friend")
    _, plain = ApiToken.objects.create_token(alice, "backup", scope="read")
    r = client.get("/api/v1/export", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/json")
    assert r["Content-Disposition"].startswith("attachment;")
    doc = json.loads(b"".join(cast(Any, r).streaming_content))
    assert (doc["format"], doc["version"]) == ("kithkin-export", 1)
    assert [p["name"] for p in doc["people"]] == ["Sam"]
    assert set(doc) == set(account_export(alice))


@pytest.mark.django_db
def test_the_api_export_needs_a_token(client: Client) -> None:
    r = client.get("/api/v1/export")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized"


@pytest.mark.django_db
def test_the_api_export_is_described_as_json(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/export"]["get"]
    content = operation["responses"]["200"]["content"]
    assert list(content) == ["application/json"]
    assert "401" in operation["responses"]


@pytest.mark.django_db
def test_the_command_writes_to_standard_output(alice: User) -> None:
    Person.objects.create(owner=alice, name="Sam")
    out = StringIO()
    call_command("export", "--user", "alice", stdout=out)
    doc = json.loads(out.getvalue())
    assert [p["name"] for p in doc["people"]] == ["Sam"]


@pytest.mark.django_db
def test_the_command_writes_a_private_file_whole(alice: User, tmp_path: Path) -> None:
    Person.objects.create(owner=alice, name="Sam")
    target = tmp_path / "alice.json"
    target.write_text("old")
    os.chmod(target, 0o644)
    call_command(
        "export", "-o", str(target), "--user", "alice", stdout=StringIO(), stderr=StringIO()
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p["name"] for p in json.loads(target.read_text())["people"]] == ["Sam"]
    # No temporary file left behind.
    assert [p.name for p in tmp_path.iterdir()] == ["alice.json"]


@pytest.mark.django_db
def test_a_failed_export_leaves_the_old_file(
    alice: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "alice.json"
    target.write_text("yesterday's export")

    def broken(user: User) -> object:
        yield "{"
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(export, "export_chunks", broken)
    with pytest.raises(RuntimeError):
        call_command("export", "-o", str(target), "--user", "alice", stdout=StringIO())
    assert target.read_text() == "yesterday's export"
    assert [p.name for p in tmp_path.iterdir()] == ["alice.json"]


@pytest.mark.django_db
def test_the_command_says_where_it_cannot_write(alice: User, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no folder"):
        call_command("export", "-o", str(tmp_path / "nope" / "a.json"), "--user", "alice")
    with pytest.raises(CommandError, match="is a folder"):
        call_command("export", "-o", str(tmp_path), "--user", "alice")
    with pytest.raises(CommandError, match="no account called"):
        call_command("export", "--user", "nobody")


@pytest.mark.django_db(transaction=True)
def test_the_export_reads_one_snapshot_without_holding_up_writers() -> None:
    """Outside any transaction, the export reads in one transaction of its own:
    on SQLite a deferred (read) one begun by hand, not Django's IMMEDIATE one that
    would take the write lock for as long as a download lasts; on PostgreSQL a
    REPEATABLE READ one. Stopping half-way (a download cancelled) ends it."""
    from django.db import connection

    user = User.objects.create(username="erin")
    Person.objects.bulk_create(Person(owner=user, name=f"P{n}") for n in range(5))

    def in_transaction() -> bool:
        if connection.vendor == "sqlite":
            return bool(connection.connection.in_transaction)
        return connection.in_atomic_block

    chunks = export_chunks(user)
    next(chunks)
    assert in_transaction()
    if connection.vendor == "sqlite":
        assert not connection.in_atomic_block
    rest = "".join(chunks)
    assert rest.endswith("}\n")
    assert not in_transaction()

    stopped = cast(Generator[str, None, None], export_chunks(user))
    next(stopped)
    stopped.close()
    assert not in_transaction()
