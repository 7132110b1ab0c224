"""`kithkin backup` and `kithkin restore`, run as a host would, on a real SQLite file."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from kithkin.lib import backup as backup_module
from kithkin.lib.tests.helpers import kithkin


def _users(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT username FROM accounts_user ORDER BY username")]


def _setup(data: Path, *names: str) -> Path:
    assert kithkin("migrate", "-v0", data_dir=data).returncode == 0
    for name in names:
        made = kithkin(
            "createuser", name, "--password-stdin", data_dir=data, stdin="a long password\n"
        )
        assert made.returncode == 0, made.stderr
    return data / "kithkin.sqlite3"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    _setup(folder, "ana")
    return folder


def test_it_copies_the_database_and_never_overwrites_a_backup(data: Path, tmp_path: Path) -> None:
    dest = tmp_path / "one.sqlite3"
    made = kithkin("backup", str(dest), data_dir=data)
    assert made.returncode == 0, made.stderr
    assert f"Backed up to {dest}" in made.stdout
    assert _users(dest) == ["ana"]
    assert dest.stat().st_mode & 0o077 == 0
    again = kithkin("backup", str(dest), data_dir=data)
    assert again.returncode != 0
    assert "already exists" in again.stderr
    # Into a folder: a dated file of its own.
    into = kithkin("backup", str(tmp_path), data_dir=data)
    assert into.returncode == 0
    assert len(list(tmp_path.glob("kithkin-*.sqlite3"))) == 1


def test_a_copy_made_while_someone_writes_is_whole(data: Path, tmp_path: Path) -> None:
    live = data / "kithkin.sqlite3"
    stop = threading.Event()

    def write() -> None:
        conn = sqlite3.connect(live, timeout=20)
        conn.execute("CREATE TABLE IF NOT EXISTS busy (n INTEGER)")
        n = 0
        while not stop.is_set():
            with conn:
                conn.execute("INSERT INTO busy (n) VALUES (?)", (n,))
                conn.execute("INSERT INTO busy (n) VALUES (?)", (-n,))
            n += 1
        conn.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        made = kithkin("backup", str(tmp_path / "busy.sqlite3"), data_dir=data)
    finally:
        stop.set()
        writer.join()
    assert made.returncode == 0, made.stderr
    with sqlite3.connect(tmp_path / "busy.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # Each transaction wrote a pair: a consistent copy never holds half of one.
        assert conn.execute("SELECT COALESCE(SUM(n), 0) FROM busy").fetchone() == (0,)


def test_restore_puts_a_backup_back_and_keeps_what_it_replaced(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    live = _setup(data, "ana")
    saved = tmp_path / "saved.sqlite3"
    assert kithkin("backup", str(saved), data_dir=data).returncode == 0
    _setup(data, "ben")
    assert _users(live) == ["ana", "ben"]

    asked = kithkin("restore", str(saved), data_dir=data, stdin="no\n")
    assert asked.returncode != 0 and "nothing was changed" in asked.stderr
    assert _users(live) == ["ana", "ben"]

    done = kithkin("restore", str(saved), "--yes", data_dir=data)
    assert done.returncode == 0, done.stderr
    assert _users(live) == ["ana"]
    (kept,) = data.glob("kithkin-before-restore-*.sqlite3")
    assert _users(kept) == ["ana", "ben"]
    assert str(kept) in done.stdout


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: None, "isn't a file"),
        (lambda p: p.write_bytes(b"not a database at all" * 100), "isn't a Kithkin database"),
        (
            lambda p: sqlite3.connect(p).execute("CREATE TABLE t (x)").connection.close(),
            "isn't a Kithkin database",
        ),
    ],
    ids=["missing", "not-sqlite", "other-sqlite"],
)
def test_a_bad_backup_is_refused_and_nothing_changes(
    data: Path, tmp_path: Path, make, words: str
) -> None:
    bad = tmp_path / "bad.sqlite3"
    make(bad)
    before = (data / "kithkin.sqlite3").read_bytes()
    result = kithkin("restore", str(bad), "--yes", data_dir=data)
    assert result.returncode != 0
    assert words in result.stderr
    assert (data / "kithkin.sqlite3").read_bytes() == before
    assert not list(data.glob("kithkin-before-restore-*"))


def test_a_backup_from_a_newer_kithkin_is_refused(data: Path, tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    assert kithkin("backup", str(newer), data_dir=data).returncode == 0
    with sqlite3.connect(newer) as conn:
        conn.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('plans', '0099_from_the_future', '2030-01-01')"
        )
    result = kithkin("restore", str(newer), "--yes", data_dir=data)
    assert result.returncode != 0
    assert "made by a newer Kithkin" in result.stderr


def test_postgresql_points_to_pg_dump() -> None:
    with pytest.raises(backup_module.BackupError, match="pg_dump"):
        backup_module.live_database({"ENGINE": "django.db.backends.postgresql", "NAME": "kithkin"})
