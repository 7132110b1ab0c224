from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kithkin.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Create a personal API token and print it (only the token) on standard output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="Command line")
        parser.add_argument("--read-only", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = User.objects.filter(username=opts["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"there is no account called {opts['username']!r}.")
        max_length = ApiToken._meta.get_field("name").max_length or 100
        if not opts["name"].strip() or len(opts["name"]) > max_length:
            raise CommandError(f"--name should be 1 to {max_length} characters.")
        scope = ApiToken.Scope.READ if opts["read_only"] else ApiToken.Scope.WRITE
        _, plain = ApiToken.objects.create_token(user, opts["name"].strip(), scope)
        self.stdout.write(plain)
