"""Which account the person's commands act for: --user NAME, or the only one."""

from __future__ import annotations

import pytest

from kithkin.accounts.models import User
from kithkin.circle.tests.factories import person
from kithkin.conftest import make_user
from kithkin.front.tests.cli_helpers import refused, run_json
from kithkin.wellbeing.models import CheckIn

pytestmark = pytest.mark.django_db
COMMANDS = [
    ["today", "--energy", "low"],
    ["log", "Sam"],
    ["checkin", "--mood", "3"],
    ["people"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_the_only_account_needs_no_name(alice: User, args: list[str]) -> None:
    person(alice, "Sam Lee")
    assert run_json(*args) is not None


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_with_several_accounts_one_must_be_named(alice: User, bob: User, args: list[str]) -> None:
    person(alice, "Sam Lee")
    e = refused(*args)
    assert str(e) == "this server has several accounts: choose one with --user NAME."
    assert e.returncode == 1
    assert run_json(*args, "--user", "alice") is not None


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_an_unknown_account_is_named_in_the_error(alice: User, args: list[str]) -> None:
    e = refused(*args, "--user", "ghost")
    assert str(e) == "there is no account called 'ghost'."


def test_names_are_matched_regardless_of_case_and_inactive_ones_are_refused(
    alice: User, bob: User
) -> None:
    run_json("checkin", "--user", "ALICE", "--mood", "4")
    assert CheckIn.objects.get().owner == alice
    User.objects.filter(pk=bob.pk).update(is_active=False)
    assert "switched off" in str(refused("people", "--user", "bob"))
    # A switched-off account doesn't count as another one.
    assert run_json("people") == []


def test_without_accounts_it_says_how_to_make_one(db: None) -> None:
    assert "kithkin createuser" in str(refused("people"))


def test_several_accounts_even_when_one_is_the_demo(alice: User) -> None:
    make_user("demo", is_demo=True)
    assert "several accounts" in str(refused("people"))
