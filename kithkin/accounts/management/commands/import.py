"""`kithkin import FILE [--user NAME] [--json]`: bring a Kithkin export into an empty account.

All of the file or nothing: a file that doesn't fit, or an account that isn't
empty, is refused with the reasons and a non-zero exit, and nothing is written.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser

from kithkin.accounts.importer import ImportRefused, import_account
from kithkin.accounts.models import User
from kithkin.lib.commands import UserCommand


class Command(UserCommand):
    help = "Bring a Kithkin export (JSON) into an empty account; all of it or nothing."

    def add_command_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the export; - reads standard input")

    def handle_user(self, user: User, **opts: Any) -> None:
        name = opts["file"]
        try:
            if name == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(name, "rb") as f:
                    data = f.read()
        except OSError as e:
            raise CommandError(f"can't read {name}: {e.strerror or e}") from e
        try:
            result = import_account(user, data)
        except ImportRefused as e:
            lines = "\n".join(f"  {p}" for p in e.problems)
            raise CommandError(f"nothing was brought in from {name}:\n{lines}") from e
        if self.as_json:
            self.emit_json({"counts": result.counts, "left_out": result.left_out})
        else:
            self.stdout.write(result.summary())
