from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kithkin.lib.backup import BackupError, live_database, problems, restore


class Command(BaseCommand):
    help = "Put a backup made by `kithkin backup` back, after checking it."
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="a file made by `kithkin backup`")
        parser.add_argument("--yes", action="store_true", help="don't ask before replacing")

    def handle(self, *args: Any, **opts: Any) -> None:
        source = Path(opts["source"])
        try:
            live = live_database()
            found = problems(source)
            if found:
                raise BackupError(f"nothing was changed: {found[0]}")
            if not opts["yes"]:
                self.stdout.write(
                    f"This replaces everything in {live} with {source}. "
                    "What is there now is kept in a copy first. Type yes to go ahead: "
                )
                self.stdout.flush()
                if sys.stdin.readline().strip().lower() != "yes":
                    raise BackupError("nothing was changed.")
            kept = restore(source)
        except BackupError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(
            f"Restored from {source}. What was there before is kept in {kept}.\n"
            "Run `kithkin migrate` if the backup came from an older Kithkin."
        )
