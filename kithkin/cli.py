"""The `kithkin` command: Django's management commands with friendly start-up errors.

Every day, for one person (--user NAME, or the only account; --json for scripts):
kithkin today [--energy low|some|good]   (then --done N [--felt ...], --not-today N,
                                          --another N, --space N, --tone N TONE)
kithkin log NAME... [--channel C] [--size micro|main] [--felt F] [--by me|them] [--at WHEN]
kithkin checkin --mood 1-5 [--energy E] [--sleep H] [--rested ...] [--note ...] [--day D]
kithkin people [--drifting] [--ring R]
kithkin export [-o FILE] | import FILE

Running Kithkin:
kithkin serve [--host H] [--port N]
kithkin worker [--once] [--interval SECONDS] [--batch N]   (sends reminders; run one or more)
kithkin backup DEST | restore SRC [--yes]   (SQLite; PostgreSQL uses pg_dump)
kithkin migrate | createuser | token | invite | demo | check ...

`kithkin`, `kithkin help` and `kithkin --help` print USAGE without starting
Django; `kithkin help COMMAND` shows one command's options.
"""

from __future__ import annotations

import os
import sys

# Commands that run without touching the database.
NO_DATABASE = {"help", "--help", "-h", "version", "--version", "makemessages", "compilemessages"}

USAGE = """\
usage: kithkin COMMAND [options]

Every day, for --user NAME (or the only account here); add --json for scripts:
  today [--energy low|some|good]     today's suggestions: who, what, why, and words to send
  today --done N [--felt lifted]     you did one: it's logged (or --not-today N,
                                     --another N, --space N, --tone N light)
  log "Sam" --channel call           log a contact [--size main] [--felt lifted] [--at 18:30]
  checkin --mood 3 [--energy low]    check in for today; only the mood is needed
  people [--drifting]                your circle by ring, and who it's been a while with
  export [-o FILE] | import FILE     your whole account as one JSON document

Running Kithkin:
  serve [--host H] [--port N]        the web app
  worker [--once]                    sends reminders; run one or more
  migrate                            create or update the database
  createuser NAME                    make an account
  token NAME | invite NAME           API tokens; sign-up invitations
  backup DEST | restore SRC          consistent copies of the SQLite database
  demo | check                       a demo account; check the set-up

`kithkin help COMMAND` shows a command's options; `kithkin help --commands` lists them all.
"""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv in (["help"], ["--help"], ["-h"]):
        # No need to start Django to say what there is.
        sys.stdout.write(USAGE)
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kithkin.settings")
    # Files Kithkin creates (the SQLite database, the secret key, backups) hold
    # sensitive data: readable by the account that runs it and nobody else.
    os.umask(0o077)

    import django
    from django.core.management import execute_from_command_line

    from kithkin.lib.env import ConfigError

    try:
        django.setup()
        asks_for_help = "-h" in argv or "--help" in argv
        if argv[0] not in NO_DATABASE and not asks_for_help:
            problem = database_problem()
            if problem:
                print(f"kithkin: {problem}", file=sys.stderr)
                return 2
        execute_from_command_line(["kithkin", *argv])
    except ConfigError as e:
        print(f"kithkin: {e}", file=sys.stderr)
        return 2
    return 0


def database_problem() -> str | None:
    """One plain line saying why the database can't be reached, or None."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError, connection

    try:
        connection.ensure_connection()
    except (DatabaseError, ImproperlyConfigured) as e:
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3"):
            where = f"the SQLite file {db['NAME']}"
        else:
            where = (
                f"DATABASE_URL (database {db.get('NAME')!r} on "
                f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432})"
            )
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return f"can't reach the database in {where}: {reason}"
    finally:
        # Closed again: some commands replace the database file or fork.
        connection.close()
    return None


if __name__ == "__main__":
    sys.exit(main())
