"""SQLite must let several writers queue instead of failing with "database is locked"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kithkin.lib.tests.helpers import host_env, kithkin

WRITER = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "kithkin.settings"
django.setup()
from django.db import connection, transaction
from kithkin.accounts.models import User
me = os.environ["WRITER"]
for i in range(40):
    # Read, then write, in one transaction: with SQLite's default DEFERRED mode
    # two of these upgrade their read locks and one fails at once.
    with transaction.atomic():
        n = User.objects.count()
        User.objects.create(username=f"{me}-{i}", password="!")
with connection.cursor() as c:
    c.execute("PRAGMA journal_mode")
    print(c.fetchone()[0])
"""


def test_concurrent_writers_wait_instead_of_failing(tmp_path: Path) -> None:
    assert kithkin("migrate", data_dir=tmp_path).returncode == 0
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER],
            env=host_env(tmp_path, WRITER=f"w{n}"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(6)
    ]
    results = [(w.wait(timeout=120), *w.communicate()) for w in writers]
    for code, out, err in results:
        assert code == 0, err
        assert "database is locked" not in err
        assert out.strip() == "wal"

    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='kithkin.settings';"
            "django.setup();from kithkin.accounts.models import User;print(User.objects.count())",
        ],
        env=host_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.strip() == str(6 * 40)
    assert (tmp_path / "kithkin.sqlite3").exists()
