from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kithkin.accounts.models import Invite, User


class Command(BaseCommand):
    help = "Make a single-use sign-up invite (for KITHKIN_REGISTRATION=invite)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the account the invite comes from")
        parser.add_argument("--days", type=int, default=7, help="how long it stays valid")
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="where people reach Kithkin"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        user = User.objects.filter(username=opts["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"there is no account called {opts['username']!r}.")
        if opts["days"] < 1:
            raise CommandError("--days should be 1 or more.")
        _, plain = Invite.objects.create_invite(user, days=opts["days"])
        self.stdout.write(f"{opts['base_url'].rstrip('/')}/signup/?invite={plain}")
