"""kithkin token: make, list and revoke personal API tokens from the command line."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from kithkin.accounts.models import ApiToken, User, hash_secret

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def _snapshot() -> list[Any]:
    return list(ApiToken.objects.order_by("pk").values())


def test_making_a_token_prints_only_it_and_read_only_means_read(alice: User) -> None:
    out = _run("alice", "--name", "backup script", "--read-only")
    plain = out.strip()
    assert out == plain + "\n"
    token = ApiToken.objects.get(owner=alice)
    assert (token.name, token.scope, token.token_hash) == (
        "backup script",
        "read",
        hash_secret(plain),
    )
    _run("alice")
    assert ApiToken.objects.get(owner=alice, name="Command line").scope == "write"


def test_list_shows_name_prefix_scope_and_times_in_the_persons_zone(alice: User) -> None:
    with time_machine.travel(datetime(2026, 7, 1, 8, 5, tzinfo=UTC), tick=False):
        used, _ = ApiToken.objects.create_token(alice, "Phone shortcut", "read")
        unused, _ = ApiToken.objects.create_token(alice, "Backup script")
    ApiToken.objects.filter(pk=used.pk).update(
        last_used_at=datetime(2026, 7, 2, 21, 30, tzinfo=UTC)
    )
    lines = _run("--list", "alice").splitlines()
    assert lines[0].split() == ["NAME", "PREFIX", "SCOPE", "CREATED", "LAST", "USED"]
    # Europe/London is an hour ahead of UTC in July.
    assert lines[1].split() == [
        "Backup",
        "script",
        unused.prefix,
        "write",
        "2026-07-01",
        "09:05",
        "never",
    ]
    assert lines[2].split() == [
        "Phone",
        "shortcut",
        used.prefix,
        "read",
        "2026-07-01",
        "09:05",
        "2026-07-02",
        "22:30",
    ]
    assert lines[3] == "Times are in Europe/London."
    # Columns line up: the prefix starts at the same place on every row.
    assert (
        len(
            {
                line.index(p)
                for line, p in zip(lines[1:3], [unused.prefix, used.prefix], strict=True)
            }
        )
        == 1
    )


def test_list_never_shows_a_hash_and_json_is_for_scripts(alice: User, bob: User) -> None:
    token, plain = ApiToken.objects.create_token(alice, "Script")
    ApiToken.objects.create_token(bob, "Bob's")
    text = _run("--list", "alice")
    assert token.token_hash not in text and plain not in text and "Bob's" not in text
    listed = json.loads(_run("--list", "alice", "--json"))
    assert listed == [
        {
            "name": "Script",
            "prefix": token.prefix,
            "scope": "write",
            "created_at": listed[0]["created_at"],
            "last_used_at": None,
        }
    ]


def test_list_with_no_tokens_says_how_to_make_one(alice: User) -> None:
    assert _run("--list", "alice") == (
        "alice has no tokens yet. Make one with: kithkin token alice\n"
    )
    assert json.loads(_run("--list", "alice", "--json")) == []


def test_revoke_by_prefix_stops_the_token_at_once(client: Client, alice: User) -> None:
    token, plain = ApiToken.objects.create_token(alice, "Old script")
    keep, _ = ApiToken.objects.create_token(alice, "Keep")
    auth = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    out = _run("--revoke", token.prefix, "alice")
    assert out == f"Revoked 'Old script' ({token.prefix}…). It no longer works.\n"
    assert client.get("/api/v1/me", headers=auth).status_code == 401
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [keep.pk]


@pytest.mark.parametrize("shape", ["without kk_", "with an ellipsis", "whole token"])
def test_revoke_takes_the_prefix_as_shown_or_the_whole_token(alice: User, shape: str) -> None:
    token, plain = ApiToken.objects.create_token(alice, "Script")
    given = {
        "without kk_": token.prefix.removeprefix("kk_"),
        "with an ellipsis": token.prefix + "…",
        "whole token": plain,
    }[shape]
    # `--revoke=` keeps a prefix that starts with "-" (tokens are URL-safe base64)
    # from reading as an option.
    _run(f"--revoke={given}", "alice")
    assert not ApiToken.objects.exists()


def test_revoke_reaches_only_that_persons_tokens(alice: User, bob: User) -> None:
    theirs, plain = ApiToken.objects.create_token(bob, "Bob's")
    before = _snapshot()
    for given in (theirs.prefix, plain):
        with pytest.raises(CommandError, match="alice has no token starting with"):
            _run("--revoke", given, "alice")
    assert _snapshot() == before


def test_two_tokens_with_one_prefix_are_not_guessed_between(alice: User) -> None:
    first, plain = ApiToken.objects.create_token(alice, "One")
    second, _ = ApiToken.objects.create_token(alice, "Two")
    ApiToken.objects.filter(pk=second.pk).update(prefix=first.prefix)
    before = _snapshot()
    with pytest.raises(
        CommandError, match=r"2 of alice's tokens start with .* nothing was revoked"
    ):
        _run("--revoke", first.prefix, "alice")
    assert _snapshot() == before
    _run("--revoke", plain, "alice")
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["Two"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ghost"], "no account called 'ghost'"),
        (["--list", "ghost"], "no account called 'ghost'"),
        (["--revoke", "kk_abcd", "ghost"], "no account called 'ghost'"),
        (["alice", "--name", ""], "--name should be 1 to 100 characters"),
        (["alice", "--name", "   "], "--name should be 1 to 100 characters"),
        (["alice", "--name", "n" * 101], "--name should be 1 to 100 characters"),
        (["--list", "alice", "--name", "x"], "--name and --read-only are for making a token"),
        (["--revoke", "kk_abcd", "alice", "--read-only"], "are for making a token"),
        (["alice", "--json"], "--json goes with --list"),
        (["--revoke", " … ", "alice"], "--revoke needs a prefix"),
        (["--revoke", "kk_zzzz", "alice"], "See them with: kithkin token --list alice"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(
    alice: User, args: list[str], message: str
) -> None:
    ApiToken.objects.create_token(alice, "Existing")
    before = _snapshot()
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert _snapshot() == before


def test_list_and_revoke_cannot_be_combined(alice: User) -> None:
    with pytest.raises(CommandError, match="not allowed with argument"):
        _run("--list", "--revoke", "kk_abcd", "alice")


def test_the_help_shows_each_way_to_use_it() -> None:
    from kithkin.accounts.management.commands.token import Command

    text = Command().create_parser("kithkin", "token").format_help()
    assert "kithkin token USERNAME [--name NAME] [--read-only]" in text
    assert "kithkin token --list USERNAME [--json]" in text
    assert "kithkin token --revoke PREFIX USERNAME" in text


def test_a_prefix_starting_with_a_dash_is_revoked_when_written_with_equals(alice: User) -> None:
    token, _ = ApiToken.objects.create_token(alice, "Script")
    ApiToken.objects.filter(pk=token.pk).update(prefix="kk_-BbH")
    _run("--revoke=-BbH", "alice")
    assert not ApiToken.objects.exists()
