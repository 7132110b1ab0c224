from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from kithkin.accounts.models import ApiToken, Invite, User, hash_secret


def _run(*args: str, stdin: str = "") -> str:
    out = io.StringIO()
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command(*args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


@pytest.mark.django_db
def test_createuser_reads_the_password_from_stdin() -> None:
    out = _run(
        "createuser",
        "erin",
        "--email",
        "erin@example.org",
        "--password-stdin",
        stdin="rain on the window\n",
    )
    assert "erin" in out
    user = User.objects.get(username="erin")
    assert user.check_password("rain on the window")
    assert user.email == "erin@example.org"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["alice"], "rain on the window\n", "already an account"),
        (["new"], "short\n", "too short"),
        (["new", "--email", "bad"], "rain on the window\n", "email address"),
        (["has space"], "rain on the window\n", "can't be used"),
        (["x" * 151], "rain on the window\n", "at most 150 characters"),
        (["new", "--timezone", "Mars/Base"], "rain on the window\n", "not a time zone"),
        (["ALICE"], "rain on the window\n", "already an account"),
    ],
)
def test_createuser_explains_bad_input(
    alice: User, args: list[str], stdin: str, message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        _run("createuser", *args, "--password-stdin", stdin=stdin)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_token_prints_only_the_token(alice: User) -> None:
    out = _run("token", "alice", "--name", "backup script")
    plain = out.strip()
    assert out == plain + "\n"
    token = ApiToken.objects.get(owner=alice)
    assert token.name == "backup script"
    assert token.token_hash == hash_secret(plain)


@pytest.mark.django_db
def test_token_for_nobody_fails_clearly() -> None:
    with pytest.raises(CommandError, match="no account called 'ghost'"):
        _run("token", "ghost")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["", "   ", "n" * 101])
def test_token_refuses_an_unusable_name(alice: User, name: str) -> None:
    with pytest.raises(CommandError, match="--name should be 1 to 100 characters"):
        _run("token", "alice", "--name", name)
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_invite_prints_a_working_link(alice: User) -> None:
    out = _run("invite", "alice", "--base-url", "https://kith.example.org/")
    assert out.startswith("https://kith.example.org/signup/?invite=")
    code = out.strip().split("invite=")[1]
    assert Invite.objects.usable(code) is not None
