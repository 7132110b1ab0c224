"""The `kithkin` command: Django's management commands with friendly start-up errors.

kithkin serve [--host H] [--port N]
kithkin worker [--once] [--interval SECONDS] [--batch N]   (sends reminders; run one or more)
kithkin backup DEST | restore SRC [--yes]   (SQLite; PostgreSQL uses pg_dump)
kithkin migrate | createuser | token | invite | demo | check ...
"""

from __future__ import annotations

import os
import sys

# Commands that run without touching the database.
NO_DATABASE = {"help", "--help", "-h", "version", "--version", "makemessages", "compilemessages"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kithkin.settings")
    # Files Kithkin creates (the SQLite database, the secret key, backups) hold
    # sensitive data: readable by the account that runs it and nobody else.
    os.umask(0o077)

    import django
    from django.core.management import execute_from_command_line

    from kithkin.lib.env import ConfigError

    try:
        django.setup()
        if argv and argv[0] not in NO_DATABASE:
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
        connection.close()
    return None


if __name__ == "__main__":
    sys.exit(main())
