"""Shared parts of the person-facing `kithkin` commands (today, log, checkin, people,
export, import): which account they act for, and how they answer.

`--user NAME` names the account; without it the only active account is used, and
with several the command says so and stops. The command then runs in that
person's time zone and language, as their pages do. `--json` prints one JSON
document on standard output for scripts; otherwise the output is for people.

Errors are a CommandError: from the command line, one plain line on standard
error ("kithkin log: ...") and exit code 1; argument errors exit 2 (argparse).
Under call_command the CommandError is raised, as Django's are.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import formats, timezone, translation
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from kithkin.accounts.models import User

# Django's own options still work; they are only left out of --help, which stays short.
QUIET_BASE_ARGUMENTS = {
    "--version",
    "--verbosity",
    "--settings",
    "--pythonpath",
    "--traceback",
    "--no-color",
    "--force-color",
    "--skip-checks",
}


def find_user(username: str | None) -> User:
    """The account a command acts for, or a CommandError saying how to choose one."""
    accounts = User.objects.all()
    if username is not None:
        # Usernames are unique regardless of case (createuser and sign-up check).
        user = accounts.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"there is no account called {username!r}.")
        if not user.is_active:
            raise CommandError(f"the account {user.username!r} is switched off.")
        return user
    found = list(accounts.filter(is_active=True).order_by("username")[:2])
    if not found:
        raise CommandError(
            "there are no accounts yet: make one with `kithkin createuser` or sign up."
        )
    if len(found) > 1:
        raise CommandError("this server has several accounts: choose one with --user NAME.")
    return found[0]


def words_list(items: Iterable[str], last: str = "or") -> str:
    """ "a, b or c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def ago(moment: datetime, now: datetime) -> str:
    """ "3 days ago", "2 months ago": the largest unit only, as the pages show it;
    "just now" within a minute."""
    if abs(now - moment) < timedelta(minutes=1):
        return _("just now")
    # A plain space for the terminal, where the pages have a non-breaking one.
    return _("%(time)s ago") % {"time": timesince(moment, now, depth=1).replace("\xa0", " ")}


def day_words(moment: datetime | date, today: date) -> str:
    """A day as a person says it, in the active (the person's) time zone:
    "today", "yesterday", "tomorrow", else "Fri 16 May" (with the year when not this one)."""
    day = timezone.localtime(moment).date() if isinstance(moment, datetime) else moment
    offset = (day - today).days
    if offset == 0:
        return _("today")
    if offset == -1:
        return _("yesterday")
    if offset == 1:
        return _("tomorrow")
    text = formats.date_format(day, "D j M")
    return text if day.year == today.year else f"{text} {day.year}"


def local_iso(moment: datetime | None) -> str | None:
    """An aware time as ISO 8601 with the person's own offset (JSON output)."""
    return None if moment is None else timezone.localtime(moment).isoformat()


class UserCommand(BaseCommand):
    """A command that acts for one person, with --user and --json."""

    requires_system_checks: list[str] = []
    suppressed_base_arguments = QUIET_BASE_ARGUMENTS
    json_option = True
    as_json = False
    username: str | None = None

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", metavar="NAME", help="the account (default: the only one)")
        if self.json_option:
            parser.add_argument("--json", action="store_true", help="print JSON for scripts")
        self.add_command_arguments(parser)

    def add_command_arguments(self, parser: CommandParser) -> None:
        """Each command's own arguments."""

    @property
    def command_name(self) -> str:
        return type(self).__module__.rpartition(".")[2]

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except CommandError as e:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            # One plain line, named after the command, instead of "CommandError: ...".
            self.stderr.write(f"kithkin {self.command_name}: {e}")
            sys.exit(e.returncode)

    def handle(self, *args: Any, **opts: Any) -> None:
        # --user NAME is read here; handle_user gets the account and the other options.
        self.username = opts.pop("user", None)
        user = find_user(self.username)
        self.as_json = bool(opts.get("json"))
        # As on the pages: dates in the person's zone, words in their language.
        with timezone.override(user.zone), translation.override(user.locale):
            self.handle_user(user, **opts)

    def handle_user(self, user: User, **opts: Any) -> None:
        raise NotImplementedError

    def emit_json(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))

    def say(self, text: str = "") -> None:
        """A line for people (never used with --json)."""
        self.stdout.write(text)

    def again(self, *words: str, command: str | None = None) -> str:
        """A command line to run next (this command, or another), with --user
        when it was given."""
        who = f" --user {self.username}" if self.username else ""
        return " ".join(["kithkin", (command or self.command_name) + who, *words])
