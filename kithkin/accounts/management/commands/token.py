"""kithkin token: make, list and revoke a person's personal API tokens.

    kithkin token USERNAME [--name NAME] [--read-only]   print a new token, and only it
    kithkin token --list USERNAME [--json]               name, prefix, scope, created, last used
    kithkin token --revoke PREFIX USERNAME               stop one token working at once

Tokens are kept as hashes, so a listing shows each one's first characters (its
prefix), which is also how --revoke names it; the whole token works there too.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from kithkin.accounts.models import TOKEN_PREFIX, ApiToken, User, hash_secret

DEFAULT_NAME = "Command line"
USAGE = """
  %(prog)s USERNAME [--name NAME] [--read-only]   make a token and print it
  %(prog)s --list USERNAME [--json]               list the tokens
  %(prog)s --revoke PREFIX USERNAME               revoke one"""


class Command(BaseCommand):
    help = (
        "Make a personal API token and print it (only the token) on standard output; "
        "with --list, show a person's tokens; with --revoke PREFIX, stop one working."
    )
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("usage", USAGE)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", metavar="USERNAME", help="whose tokens")
        parser.add_argument("--name", help=f"what the new token is for (default: {DEFAULT_NAME!r})")
        parser.add_argument("--read-only", action="store_true", help="the new token can only read")
        what = parser.add_mutually_exclusive_group()
        what.add_argument(
            "--list",
            action="store_true",
            help="list the tokens: name, prefix, scope, created, last used",
        )
        what.add_argument(
            "--revoke",
            metavar="PREFIX",
            help="revoke the token with this prefix (as --list shows it) or this whole token; "
            "write --revoke=PREFIX when it starts with -",
        )
        parser.add_argument("--json", action="store_true", help="with --list: print JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        making = not (opts["list"] or opts["revoke"] is not None)
        if not making and (opts["name"] is not None or opts["read_only"]):
            raise CommandError("--name and --read-only are for making a token.")
        if opts["json"] and not opts["list"]:
            raise CommandError("--json goes with --list.")
        user = User.objects.filter(username=opts["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"there is no account called {opts['username']!r}.")
        if opts["list"]:
            self.list_tokens(user, as_json=opts["json"])
        elif opts["revoke"] is not None:
            self.revoke(user, opts["revoke"])
        else:
            self.make(user, DEFAULT_NAME if opts["name"] is None else opts["name"], opts)

    def make(self, user: User, name: str, opts: dict[str, Any]) -> None:
        max_length = ApiToken._meta.get_field("name").max_length or 100
        if not name.strip() or len(name) > max_length or "\x00" in name:
            raise CommandError(f"--name should be 1 to {max_length} characters.")
        scope = ApiToken.Scope.READ if opts["read_only"] else ApiToken.Scope.WRITE
        _, plain = ApiToken.objects.create_token(user, name.strip(), scope)
        self.stdout.write(plain)

    def list_tokens(self, user: User, *, as_json: bool) -> None:
        tokens = list(user.api_tokens.order_by("-created_at", "-pk"))
        if as_json:
            listed = [
                {
                    "name": t.name,
                    "prefix": t.prefix,
                    "scope": t.scope,
                    "created_at": t.created_at,
                    "last_used_at": t.last_used_at,
                }
                for t in tokens
            ]
            self.stdout.write(
                json.dumps(listed, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            )
            return
        if not tokens:
            self.stdout.write(
                f"{user.username} has no tokens yet. Make one with: kithkin token {user.username}"
            )
            return
        header = ("NAME", "PREFIX", "SCOPE", "CREATED", "LAST USED")
        rows = [header] + [
            (
                " ".join(t.name.split()),
                t.prefix,
                t.scope,
                self._when(t.created_at, user),
                self._when(t.last_used_at, user) if t.last_used_at else "never",
            )
            for t in tokens
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
        self.stdout.write(f"Times are in {user.timezone}.")

    @staticmethod
    def _when(at: datetime, user: User) -> str:
        return at.astimezone(user.zone).strftime("%Y-%m-%d %H:%M")

    def revoke(self, user: User, given: str) -> None:
        wanted = given.strip().rstrip(".…")
        if not wanted:
            raise CommandError("--revoke needs a prefix, as `kithkin token --list` shows it.")
        with transaction.atomic():
            found = self._matching(user, wanted)
            if not found:
                raise CommandError(
                    f"{user.username} has no token starting with {wanted!r}. "
                    f"See them with: kithkin token --list {user.username}"
                )
            if len(found) > 1:
                raise CommandError(
                    f"{len(found)} of {user.username}'s tokens start with {wanted!r}, so "
                    "nothing was revoked. Give the whole token, or revoke it in Settings."
                )
            (token,) = found
            token.delete()
        self.stdout.write(f"Revoked {token.name!r} ({token.prefix}…). It no longer works.")

    @staticmethod
    def _matching(user: User, wanted: str) -> list[ApiToken]:
        mine = ApiToken.objects.filter(owner=user)
        by_hash = list(mine.filter(token_hash=hash_secret(wanted)))
        if by_hash:
            return by_hash
        prefix = wanted if wanted.startswith(TOKEN_PREFIX) else TOKEN_PREFIX + wanted
        return list(mine.filter(prefix=prefix).order_by("-created_at", "-pk"))
