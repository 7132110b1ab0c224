"""Shared parts of the person-facing `kithkin` commands (today, log, checkin, people,
export, import): which account they act for, and how they answer.

`--user NAME` names the account; without it the only active account is used, and
with several the command says so and stops. `--json` prints one JSON document on
standard output for scripts; otherwise the output is for people. Errors are a
CommandError: one plain line on standard error and a non-zero exit.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from kithkin.accounts.models import User


def find_user(username: str | None) -> User:
    """The account a command acts for, or a CommandError saying how to choose one."""
    people = User.objects.filter(is_active=True)
    if username is not None:
        user = people.filter(username=username).first()
        if user is None:
            raise CommandError(f"there is no account called {username!r}.")
        return user
    found = list(people.order_by("username")[:2])
    if not found:
        raise CommandError(
            "there are no accounts yet: make one with `kithkin createuser` or sign up."
        )
    if len(found) > 1:
        raise CommandError("this server has several accounts: choose one with --user NAME.")
    return found[0]


class UserCommand(BaseCommand):
    """A command that acts for one person, with --user and --json."""

    requires_system_checks: list[str] = []
    json_option = True

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", metavar="NAME", help="the account (default: the only one)")
        if self.json_option:
            parser.add_argument("--json", action="store_true", help="print JSON for scripts")
        self.add_command_arguments(parser)

    def add_command_arguments(self, parser: CommandParser) -> None:
        """Each command's own arguments."""

    def handle(self, *args: Any, **opts: Any) -> None:
        user = find_user(opts.get("user"))
        self.as_json = bool(opts.get("json"))
        self.handle_user(user, **opts)

    def handle_user(self, user: User, **opts: Any) -> None:
        raise NotImplementedError

    def emit_json(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
