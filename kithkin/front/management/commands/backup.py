from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kithkin.lib.backup import BackupError, backup


class Command(BaseCommand):
    help = "Make a consistent copy of the SQLite database, even while Kithkin serves."
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", help="a new file, or a folder to put a dated copy in")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            made = backup(Path(opts["dest"]))
        except BackupError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"Backed up to {made}")
