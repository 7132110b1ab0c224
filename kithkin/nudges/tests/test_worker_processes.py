"""Three real `kithkin worker` processes against one database: each reminder goes once.

The reminders are sent through apprise's json:// to a small HTTP server started
here, which records every request and can hold one open to catch a worker
mid-send. On SQLite the test database (in memory) is copied to a file the
workers open; on PostgreSQL they use the test database itself.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.nudges.models import Channel, NudgeSettings, Reminder

KITHKIN = Path(sys.executable).with_name("kithkin")
# Long enough for a busy machine to send a chunk within one lease.
LEASE_SECONDS = 5
# How long a test waits for something before it fails (it goes on as soon as it holds).
WAIT_SECONDS = 90
# Reminders made this far ahead wait until the test moves them to now.
NOT_YET = timedelta(days=1)
# What a worker prints once it is looking for work.
READY = "kithkin worker: sending reminders as they come due"


class Sink(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SinkHandler)
        self.paths: list[str] = []
        self.lock = threading.Lock()
        self.held = threading.Event()
        self.release = threading.Event()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def counted(self) -> Counter[str]:
        with self.lock:
            return Counter(self.paths)


class SinkHandler(BaseHTTPRequestHandler):
    server: Sink

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        path = self.path.split("?", 1)[0]
        with self.server.lock:
            self.server.paths.append(path)
        if path == "/hold":
            self.server.held.set()
            self.server.release.wait(WAIT_SECONDS)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def sink() -> Iterator[Sink]:
    server = Sink()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


class Database:
    """Where the worker processes find the data the test wrote, and how to read it back."""

    def __init__(self, tmp_path: Path) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self.file = tmp_path / "workers.sqlite3"
        db = connection.settings_dict
        if self.sqlite:
            self.url = f"sqlite:///{self.file}"
        else:
            self.url = (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            )

    def publish(self) -> None:
        """Make what the test wrote visible to the workers (again, on SQLite)."""
        if self.sqlite:
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.close()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.sqlite:
            con = sqlite3.connect(self.file, timeout=20)
            try:
                return con.execute(sql).fetchall()
            finally:
                con.close()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    def sent(self) -> int:
        return self.rows("SELECT count(*) FROM nudges_delivery WHERE status = 'sent'")[0][0]

    def deliveries(self) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for owner, status in self.rows("SELECT owner_id, status FROM nudges_delivery"):
            found.setdefault(owner, []).append(status)
        return found


def make_people(count: int, port: int, prefix: str, *, due: bool = True) -> list[User]:
    users = User.objects.bulk_create(
        [User(username=f"{prefix}{n}", password="!", timezone="UTC") for n in range(count)]
    )
    now = timezone.now()
    first = now - timedelta(seconds=30) if due else now + NOT_YET
    NudgeSettings.objects.bulk_create(
        [NudgeSettings(owner=u, daily_at=timezone.localtime(now).time()) for u in users]
    )
    Channel.objects.bulk_create(
        [Channel(owner=u, kind="apprise", target=f"json://127.0.0.1:{port}/u{u.pk}") for u in users]
    )
    Reminder.objects.bulk_create(
        [
            Reminder(
                owner=u,
                kind="daily",
                next_at=first + timedelta(microseconds=n),
                slot=now.date().isoformat(),
            )
            for n, u in enumerate(users)
        ]
    )
    return users


class Workers:
    def __init__(self, db: Database, tmp_path: Path) -> None:
        self.db = db
        self.tmp = tmp_path
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, count: int) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": self.db.url,
            "KITHKIN_DATA_DIR": str(self.tmp / "data"),
            "KITHKIN_STATIC_ROOT": str(self.tmp / "static"),
            "KITHKIN_LOG_LEVEL": "INFO",
            "DJANGO_SETTINGS_MODULE": "kithkin.settings",
            "PYTHONUNBUFFERED": "1",
        }
        for n in range(len(self.procs), len(self.procs) + count):
            log = open(self.tmp / f"worker{n}.log", "wb")  # noqa: SIM115 - closed with the process
            self.procs.append(
                subprocess.Popen(
                    [
                        str(KITHKIN),
                        "worker",
                        "--interval",
                        "0.2",
                        "--batch",
                        "10",
                        "--lease",
                        str(LEASE_SECONDS),
                    ],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=settings.BASE_DIR,
                )
            )

    def wait_until_ready(self) -> None:
        """Until every worker has started and is looking for work."""
        wait_for(
            lambda: all(READY in self.log(n) for n in range(len(self.procs))),
            "the workers to start",
        )

    def log(self, n: int) -> str:
        return (self.tmp / f"worker{n}.log").read_text(errors="replace")

    def stop(self) -> list[int | None]:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes: list[int | None] = []
        for proc in self.procs:
            try:
                codes.append(proc.wait(timeout=10))
            except subprocess.TimeoutExpired:
                proc.kill()
                codes.append(None)
        return codes


@pytest.fixture
def workers(transactional_db: None, tmp_path: Path) -> Iterator[Workers]:
    running = Workers(Database(tmp_path), tmp_path)
    yield running
    running.stop()


def wait_for(check: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_it_delivers_every_reminder_exactly_once_with_three_workers(
    workers: Workers, sink: Sink
) -> None:
    # Due only once all three are looking, so each has a fair chance at the work.
    users = make_people(200, sink.port, "p", due=False)
    workers.db.publish()
    workers.start(3)
    workers.wait_until_ready()
    Reminder.objects.update(next_at=F("next_at") - NOT_YET - timedelta(seconds=30))
    workers.db.publish()
    wait_for(lambda: workers.db.sent() == 200, "200 deliveries")
    wait_for(lambda: sum(sink.counted().values()) >= 200, "200 requests")
    assert workers.stop() == [0, 0, 0], [workers.log(n) for n in range(3)]

    assert sink.counted() == Counter({f"/u{u.pk}": 1 for u in users})
    assert all(statuses == ["sent"] for statuses in workers.db.deliveries().values())
    # Every reminder moved on to tomorrow.
    assert workers.db.rows("SELECT count(*) FROM nudges_reminder WHERE slot = ''") == [(0,)]
    # The work was shared (a worker that found nothing would still be correct).
    assert sum("sending daily" in workers.log(n) for n in range(3)) >= 2


def test_it_never_resends_what_a_killed_worker_was_sending(workers: Workers, sink: Sink) -> None:
    (stuck,) = make_people(1, sink.port, "stuck")
    Channel.objects.filter(owner=stuck).update(
        target=f"json://127.0.0.1:{sink.port}/hold?rto={WAIT_SECONDS}"
    )
    # First in line, so a worker picks it up straight away.
    Reminder.objects.filter(owner=stuck).update(next_at=timezone.now() - timedelta(minutes=5))
    others = make_people(60, sink.port, "q")
    workers.db.publish()
    workers.start(3)

    assert sink.held.wait(WAIT_SECONDS), "nobody tried to send the held reminder"
    line = f"for {stuck.pk}\n"

    def sender() -> int | None:
        found = [n for n in range(3) if line in workers.log(n)]
        return found[0] if found else None

    wait_for(lambda: sender() is not None, "the log line of the worker that is sending")
    victim = sender()
    assert victim is not None
    workers.procs[victim].kill()
    workers.procs[victim].wait()

    # The rest of the killed worker's chunk waits "queued" for its lease to end.
    wait_for(lambda: workers.db.sent() == 60, "everything else")
    wait_for(
        lambda: workers.db.deliveries().get(stuck.pk) == ["uncertain"],
        "the cut-short send to be marked uncertain",
    )
    sink.release.set()
    codes = workers.stop()
    assert [c for n, c in enumerate(codes) if n != victim] == [0, 0]

    seen = sink.counted()
    assert seen["/hold"] == 1
    assert {path: n for path, n in seen.items() if path != "/hold"} == {
        f"/u{u.pk}": 1 for u in others
    }
    statuses = workers.db.deliveries()
    assert all(statuses[u.pk] == ["sent"] for u in others)


def test_it_sends_the_rest_of_a_killed_workers_chunk_once(workers: Workers, sink: Sink) -> None:
    (stuck,) = make_people(1, sink.port, "stuck")
    Channel.objects.filter(owner=stuck).update(
        target=f"json://127.0.0.1:{sink.port}/hold?rto={WAIT_SECONDS}"
    )
    Reminder.objects.filter(owner=stuck).update(next_at=timezone.now() - timedelta(minutes=5))
    # Ten due in all: one worker (--batch 10) claims them as one chunk.
    others = make_people(9, sink.port, "r")
    workers.db.publish()
    workers.start(1)

    assert sink.held.wait(WAIT_SECONDS), "nobody tried to send the held reminder"
    # Claimed and queued together; only the first was started.
    wait_for(
        lambda: (
            sorted(s for (s,) in workers.db.rows("SELECT status FROM nudges_delivery"))
            == ["queued"] * 9 + ["sending"]
        ),
        "the chunk to be queued",
    )
    workers.procs[0].kill()
    workers.procs[0].wait()
    assert {path for path in sink.counted()} == {"/hold"}

    # Two fresh workers: once the lease ends, the nine go once each; the one cut
    # short is never resent.
    workers.start(2)
    wait_for(lambda: workers.db.sent() == 9, "the rest of the chunk")
    wait_for(
        lambda: workers.db.deliveries().get(stuck.pk) == ["uncertain"],
        "the cut-short send to be marked uncertain",
    )
    sink.release.set()
    codes = workers.stop()
    assert codes[1:] == [0, 0]
    assert sink.counted() == Counter({"/hold": 1, **{f"/u{u.pk}": 1 for u in others}})
    statuses = workers.db.deliveries()
    assert all(statuses[u.pk] == ["sent"] for u in others)
