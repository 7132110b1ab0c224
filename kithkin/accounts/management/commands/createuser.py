from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import IntegrityError

from kithkin.accounts.actions import do_create_account
from kithkin.accounts.models import User, timezone_names


class Command(BaseCommand):
    help = "Create an account. The password comes from a prompt or standard input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
        parser.add_argument("--timezone", default="UTC")

    def handle(self, *args: Any, **opts: Any) -> None:
        username = opts["username"].strip()
        max_length = User._meta.get_field("username").max_length or 150
        if len(username) > max_length:
            raise CommandError(f"the username should be at most {max_length} characters.")
        try:
            User.username_validator(username)
        except ValidationError as e:
            raise CommandError(f"the username {username!r} can't be used: {e.messages[0]}") from e
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"there is already an account called {username!r}.")
        if opts["timezone"] not in timezone_names():
            raise CommandError(f"{opts['timezone']!r} is not a time zone (try Europe/London).")
        if opts["email"]:
            try:
                validate_email(opts["email"])
            except ValidationError as e:
                raise CommandError(f"{opts['email']!r} doesn't look like an email address.") from e

        if opts["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the two passwords differ; nothing was created.")
        try:
            validate_password(password, User(username=username, email=opts["email"]))
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from e

        try:
            do_create_account(
                username=username, password=password, email=opts["email"], tz=opts["timezone"]
            )
        except IntegrityError as e:
            raise CommandError(f"there is already an account called {username!r}.") from e
        self.stdout.write(f"Created the account {username!r}.")
