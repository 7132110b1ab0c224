"""`kithkin export [-o FILE] [--user NAME]`: the whole account as one JSON document.

Written to standard output by default. With -o, to FILE, readable by its owner
only: first to a temporary file in the same folder, renamed over FILE once
complete, so FILE is never half-written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from kithkin.accounts.export import export_chunks, write_export_file
from kithkin.accounts.models import User
from kithkin.lib.commands import UserCommand


class Command(UserCommand):
    help = "Write a person's whole account as one JSON document (see docs/export-format.md)."
    # The output is JSON already.
    json_option = False

    def add_command_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help="write to FILE (mode 0600) instead of standard output",
        )

    def handle_user(self, user: User, **opts: Any) -> None:
        output = opts.get("output")
        if output is None or output == "-":
            for chunk in export_chunks(user):
                self.stdout.write(chunk, ending="")
            self.stdout.flush()
            return
        path = Path(output)
        if path.is_dir():
            raise CommandError(
                f"{output} is a folder: name the file to write, e.g. {path / 'kithkin.json'}"
            )
        if not path.parent.is_dir():
            raise CommandError(
                f"there is no folder {str(path.parent)!r} to write {path.name!r} in."
            )
        try:
            write_export_file(user, path)
        except OSError as e:
            raise CommandError(f"can't write {output}: {e.strerror or e}") from e
        self.stderr.write(f"Wrote the export of {user.username} to {output}.")
