"""Consistent copies of an SQLite database, and putting one back.

`backup()` uses SQLite's online backup API, so the copy is a consistent
snapshot even while Kithkin serves and writes. `restore()` checks a copy before
it touches anything, keeps a copy of what it replaces, and writes the backup
into the live database with the same API. PostgreSQL has pg_dump/pg_restore
for this (README: Deploying).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings

POSTGRES_HINT = (
    "this Kithkin keeps its data in PostgreSQL: back it up with "
    "`pg_dump -Fc kithkin > kithkin.dump` and restore with `pg_restore` (see the README)."
)


class BackupError(Exception):
    """Why a backup or restore can't go ahead, in one plain sentence."""


def live_database(db: dict[str, Any] | None = None) -> Path:
    """The SQLite file Kithkin uses, or BackupError (PostgreSQL has its own tools)."""
    db = db if db is not None else settings.DATABASES["default"]
    if not db["ENGINE"].endswith("sqlite3"):
        raise BackupError(POSTGRES_HINT)
    return Path(db["NAME"])


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup from `source` into `target`, page by page."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def problems(path: Path) -> list[str]:
    """What is wrong with `path` as a Kithkin backup (empty when it can be restored)."""
    if not path.is_file():
        return [f"{path} isn't a file."]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as e:
        return [f"{path} can't be opened as an SQLite database ({e})."]
    try:
        check = conn.execute("PRAGMA integrity_check").fetchall()
        if check != [("ok",)]:
            return [f"{path} is damaged: SQLite's integrity check found {len(check)} problem(s)."]
        applied = set(conn.execute("SELECT app, name FROM django_migrations").fetchall())
    except sqlite3.DatabaseError as e:
        return [f"{path} isn't a Kithkin database ({e})."]
    finally:
        conn.close()
    if not applied:
        return [f"{path} isn't a Kithkin database (it has never been set up)."]
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    newer = sorted(f"{app}.{name}" for app, name in applied - known)
    if newer:
        return [
            f"{path} was made by a newer Kithkin (it has {', '.join(newer[:3])}): "
            "update Kithkin first, then restore."
        ]
    return []


def backup(dest: Path) -> Path:
    """Copy the live database to `dest` (a new file, or a folder to put one in)."""
    live = live_database()
    if dest.is_dir():
        dest = dest / f"kithkin-{_stamp()}.sqlite3"
    if dest.exists():
        raise BackupError(f"{dest} already exists: choose a new name, so no backup is overwritten.")
    if not dest.parent.is_dir():
        raise BackupError(f"the folder {dest.parent} doesn't exist.")
    part = dest.with_name(dest.name + ".part")
    part.unlink(missing_ok=True)
    try:
        _copy(live, part)
        found = problems(part)
        if found:
            raise BackupError(f"the copy didn't check out, so it was removed: {found[0]}")
        os.chmod(part, 0o600)
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)
    return dest


def restore(source: Path) -> Path:
    """Put `source` back as the live database; return where the replaced data was kept."""
    live = live_database()
    found = problems(source)
    if found:
        raise BackupError(f"nothing was changed: {found[0]}")
    if source.resolve() == live.resolve():
        raise BackupError("that is the live database itself; nothing was changed.")
    kept = backup(live.parent / f"kithkin-before-restore-{_stamp()}.sqlite3")
    target = sqlite3.connect(live, timeout=20)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            src.backup(target)
        finally:
            src.close()
    finally:
        target.close()
    return kept
