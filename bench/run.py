"""`python -m bench.run` (or `make bench`): the circle's speed with a big circle.

1. Make a throwaway database: SQLite in a temporary data folder by default; with
   a PostgreSQL DATABASE_URL, a separate database named `<name>_bench` on the
   same server (created here and dropped at the end; the database in the URL is
   never written to).
2. Migrate, and write 2,000 people and 100,000 contacts (bench.generate).
3. Time GET /people/ and GET /people/<id>/ in-process with django.test.Client:
   3 warm-up requests, then 20 timed ones; count the SQL queries of one more.
4. Time GET /insights/ for someone with five years of daily check-ins and
   100,000 contacts (bench.generate.generate_history), for three periods.
5. Time a 10,000-card vCard 3.0 import through its pages (upload, preview,
   confirm: parse, plan and apply), then the same file again.
6. Print a table. The exit code is 0 even when a target is missed: it's a report.

`--profile` also prints the hottest functions (cProfile) of each timed row;
`--analyze` runs ANALYZE on SQLite too before timing (see bench/README.md).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import math
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from kithkin.accounts.models import User

WARMUP = 3
RUNS = 20
CIRCLE_TARGET_MS = 50.0
PERSON_TARGET_MS = 30.0
ENGINE_TARGET_MS = 5.0
TODAY_TARGET_MS = 15.0
TODAY_PEOPLE = 500
TODAY_INTERACTIONS = 100_000
INSIGHTS_TARGET_MS = 100.0
IMPORT_TARGET_MS = 10_000.0
# The person page is timed for someone with about this many contacts, and for
# whoever has the most.
TYPICAL_CONTACTS = 60
# Marks a PostgreSQL database as this benchmark's own, so a leftover one from an
# interrupted run may be dropped and nothing else ever is.
SCRATCH_MARK = "kithkin bench scratch database: safe to drop"


@dataclass
class Row:
    what: str
    median_ms: float
    p95_ms: float | None = None
    queries: int | None = None
    target_ms: float | None = None

    @property
    def ok(self) -> str:
        if self.target_ms is None:
            return "-"
        return "ok" if self.median_ms <= self.target_ms else "MISSED"


# --- The throwaway database ----------------------------------------------------------


class ScratchPostgres:
    """`<name>_bench` next to the database in DATABASE_URL, created and dropped here."""

    def __init__(self, url: str) -> None:
        import dj_database_url

        self.admin_url = url
        parts = urlsplit(url)
        self.base = dj_database_url.parse(url)["NAME"]
        self.name = f"{self.base}_bench"
        if len(self.name.encode()) > 63:
            # PostgreSQL would silently cut a longer name short.
            raise SystemExit(f"bench: {self.name!r} is too long for a PostgreSQL database name.")
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        self.fallback_url = urlunsplit(parts._replace(path="/postgres"))

    def _run(self, *statements: Any) -> list[tuple[Any, ...]]:
        import psycopg

        try:
            return self._execute(*statements)
        except psycopg.Error as e:
            reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise SystemExit(f"bench: PostgreSQL said: {reason}") from e

    def _execute(self, *statements: Any) -> list[tuple[Any, ...]]:
        import psycopg

        rows: list[tuple[Any, ...]] = []
        # Connected to the database named in the URL (or, if it doesn't exist yet,
        # to the server's `postgres` database, as Django's test runner does) only
        # to create and drop ours: nothing is written to it.
        try:
            conn = psycopg.connect(self.admin_url, autocommit=True)
        except psycopg.OperationalError:
            conn = psycopg.connect(self.fallback_url, autocommit=True)
        with conn:
            for statement in statements:
                cursor = conn.execute(*statement)
                if cursor.description:
                    rows.extend(cursor.fetchall())
        return rows

    def create(self) -> None:
        from psycopg import sql

        found = self._run(
            (
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [self.name],
            )
        )
        if found and found[0][0] != SCRATCH_MARK:
            raise SystemExit(
                f"bench: a database named {self.name!r} already exists and is not one this "
                "benchmark made, so it was left alone. Drop or rename it, or point "
                "DATABASE_URL at another database name."
            )
        if found:
            self.drop()
        ident = sql.Identifier(self.name)
        self._run(
            (sql.SQL("CREATE DATABASE {}").format(ident),),
            (sql.SQL("COMMENT ON DATABASE {} IS {}").format(ident, sql.Literal(SCRATCH_MARK)),),
        )

    def drop(self) -> None:
        from psycopg import sql

        self._run(
            (sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)),)
        )


@contextmanager
def throwaway_database() -> Iterator[tuple[str, Path]]:
    """Point the settings at a fresh database and data folder; remove both after.

    Must run before django.setup(), since the settings read the environment once.
    """
    data_dir = Path(tempfile.mkdtemp(prefix="kithkin-bench-"))
    created: ScratchPostgres | None = None
    try:
        os.environ["KITHKIN_DATA_DIR"] = str(data_dir)
        os.environ["KITHKIN_STATIC_ROOT"] = str(data_dir / "static")
        # Production-like: DEBUG off, so Django doesn't keep every query it runs.
        os.environ["DEBUG"] = "false"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kithkin.settings")
        url = os.environ.get("DATABASE_URL", "").strip()
        if url and not url.startswith("sqlite"):
            scratch = ScratchPostgres(url)
            scratch.create()
            # Only now is there a database of ours to drop at the end.
            created = scratch
            os.environ["DATABASE_URL"] = scratch.url
            where = f"PostgreSQL, scratch database {scratch.name!r} (dropped at the end)"
        else:
            # A SQLite DATABASE_URL names someone's real file: use a new one instead.
            os.environ.pop("DATABASE_URL", None)
            where = f"SQLite in {data_dir} (removed at the end)"
        yield where, data_dir
    finally:
        try:
            from django.apps import apps

            if apps.ready:
                from django.db import connections

                connections.close_all()
        finally:
            if created is not None:
                created.drop()
            shutil.rmtree(data_dir, ignore_errors=True)


# --- Measuring -----------------------------------------------------------------------


class QueryCounter:
    """Counts SQL statements through an execute wrapper: cheap enough to leave on."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counting() -> Iterator[QueryCounter]:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


def profile_report(fn: Callable[[], object], title: str, top: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print(f"\n--- profile: {title} " + "-" * 40)
    print(out.getvalue())


def time_page(
    client: Any, path: str, what: str, target_ms: float | None, expect: str, profile: bool
) -> Row:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        response = client.get(path)
        if response.status_code != 200 or expect not in response.content.decode():
            raise SystemExit(f"bench: GET {path} answered {response.status_code}, not the page")
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    # Read now: the next request's request_started signal empties the query log.
    queries = len(ctx.captured_queries)
    if profile:
        profile_report(lambda: [client.get(path) for _ in range(5)], f"{what} (5 requests)")
    return Row(
        what,
        statistics.median(samples),
        percentile(samples, 95),
        queries,
        target_ms,
    )


def timed(fn: Callable[[], Any]) -> tuple[Any, float, int]:
    """Run once; the result, milliseconds and SQL statements it took."""
    with counting() as counter:
        started = time.perf_counter()
        result = fn()
        elapsed = (time.perf_counter() - started) * 1000
    return result, elapsed, counter.count


def print_table(rows: list[Row]) -> None:
    def ms(value: float | None) -> str:
        if value is None:
            return "-"
        return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.1f} ms"

    table = [["what", "median", "p95", "queries", "target", "ok"]]
    for r in rows:
        target = f"<= {ms(r.target_ms)}" if r.target_ms is not None else "-"
        queries = "-" if r.queries is None else str(r.queries)
        table.append([r.what, ms(r.median_ms), ms(r.p95_ms), queries, target, r.ok])
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    for n, line in enumerate(table):
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        print(" | ".join(cells).rstrip())
        if n == 0:
            print("-+-".join("-" * w for w in widths))


# --- The benchmark -------------------------------------------------------------------


def pick_people(owner: User) -> tuple[tuple[int, str, int], tuple[int, str, int]]:
    """(pk, name, contacts) of the busiest person, and of a typical one with ~60."""
    from django.db.models import Count

    from kithkin.circle.models import Person

    counted = list(
        Person.objects.filter(owner=owner, archived_at__isnull=True)
        .annotate(n=Count("interactionperson"))
        .values_list("pk", "name", "n")
        .order_by("-n", "pk")
    )
    busiest = counted[0]
    typical = min(
        [row for row in counted if row[2] >= 50] or [busiest],
        key=lambda row: (abs(row[2] - TYPICAL_CONTACTS), row[0]),
    )
    return busiest, typical


def static_in_place() -> None:
    """The manifest storage needs `collectstatic`; read static files in place, as
    the tests do. Either way a {% static %} tag is a dictionary lookup."""
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def bench_pages(owner: User, rows: list[Row], profile: bool) -> None:
    from django.test import Client
    from django.urls import reverse

    static_in_place()
    client = Client(HTTP_HOST="localhost")
    client.force_login(owner)
    rows.append(
        time_page(
            client,
            reverse("people"),
            "GET /people/ (circle)",
            CIRCLE_TARGET_MS,
            "Acquaintances",
            profile,
        )
    )
    busiest, typical = pick_people(owner)
    for label, (pk, name, n) in (("typical", typical), ("busiest", busiest)):
        rows.append(
            time_page(
                client,
                reverse("person", args=[pk]),
                f"GET /people/<id>/ ({label}: {n} contacts)",
                PERSON_TARGET_MS,
                name.split()[0],
                profile,
            )
        )


def import_flow(client: Any, data: bytes, label: str, rows: list[Row], profile: bool) -> None:
    """Upload, preview and confirm one file through the import pages; add its rows.

    1. POST /people/import/: decode the upload, count its cards, keep the text.
    2. GET the preview: parse every card, plan it against the circle, render
       what will be created, merged and skipped.
    3. POST confirm: `do_import_contacts` parses and plans the kept text again
       (so the import is exactly what the preview showed), writes in bulk and
       refreshes the stored due times, all in one transaction.
    """
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from kithkin.circle.models import Person, Ring

    def request(step: str, send: Callable[[], Any], expect: int) -> Any:
        if profile:
            # Timed with the profiler on, so slower than without: marked as such.
            holder: list[Any] = []
            _, ms, n = timed(lambda: profile_report(lambda: holder.append(send()), step))
            response, step = holder[0], f"{step} [cProfile on]"
        else:
            response, ms, n = timed(send)
        if response.status_code != expect:
            raise SystemExit(f"bench: {step} answered {response.status_code}, not {expect}")
        rows.append(Row(f"  {step}", ms, queries=n))
        return response

    before = Person.objects.count()
    upload = SimpleUploadedFile("bench.vcf", data, content_type="text/vcard")
    response = request(
        "upload: POST /people/import/",
        lambda: client.post(reverse("import_contacts"), {"file": upload}),
        302,
    )
    preview = response["Location"]
    request("preview: GET /people/import/<id>/", lambda: client.get(preview), 200)
    response = request(
        "confirm: POST /people/import/<id>/",
        lambda: client.post(preview, {"confirm": "1", "ring": str(Ring.ACQUAINTANCE)}),
        302,
    )
    if response["Location"] != reverse("people"):
        # Back to the preview means the import failed and nothing was written.
        raise SystemExit(f"bench: {label} was not applied (sent back to {response['Location']})")
    steps = rows[-3:]
    rows.append(
        Row(
            f"{label} ({Person.objects.count() - before:,} new people)"
            + (" [cProfile on]" if profile else ""),
            sum(r.median_ms for r in steps),
            queries=sum(r.queries or 0 for r in steps),
            target_ms=IMPORT_TARGET_MS,
        )
    )


def bench_import(owner: User, data_dir: Path, rows: list[Row], profile: bool) -> None:
    from django.test import Client

    from bench.generate import VCARDS, write_vcards

    path = data_dir / "bench.vcf"
    _, ms, _ = timed(lambda: write_vcards(path))
    rows.append(
        Row(f"write {VCARDS:,}-card vCard 3.0 file ({path.stat().st_size // 1024:,} KiB)", ms)
    )
    try:
        from kithkin.circle import vcard
    except ImportError as e:
        print(f"bench: vCard import not measured ({e})")
        return
    data = path.read_bytes()
    # The two steps every import page runs, alone: pure functions, nothing written.
    text = vcard.decode_file(data)
    cards, ms, _ = timed(lambda: vcard.parse_vcards(text))
    rows.append(Row(f"  parse_vcards: {VCARDS:,} cards", ms, queries=0))
    plan, ms, n = timed(lambda: vcard.plan_import(cards, vcard.load_people(owner)))
    rows.append(Row("  load_people + plan_import", ms, queries=n))
    print(
        f"import plan: {plan.created:,} new, {plan.merged:,} merged, {plan.skipped:,} "
        f"with nothing new, {plan.bad:,} left out"
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(owner)
    import_flow(client, data, f"import {VCARDS:,} cards", rows, profile)
    import_flow(client, data, "the same file again", rows, profile=False)


def analyze() -> None:
    """Give the query planner table statistics."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def bench_engine(owner: User, rows: list[Row]) -> None:
    """The pure engine alone, on a snapshot of the whole 2,000-person circle."""
    from django.utils import timezone

    from kithkin.today import actions, engine

    now = timezone.localtime(timezone.now(), owner.zone)
    snap, _people, _ideas = actions.snapshot(owner, now, "some")
    for _ in range(WARMUP):
        engine.rank(snap, seed=1)
    samples = []
    for seed in range(50):
        started = time.perf_counter()
        engine.rank(snap, seed=seed)
        samples.append((time.perf_counter() - started) * 1000)
    rows.append(
        Row(
            f"engine.rank: {len(snap.people):,} people, {len(snap.ideas)} ideas",
            statistics.median(samples),
            percentile(samples, 95),
            0,
            ENGINE_TARGET_MS,
        )
    )


def bench_today(rows: list[Row], profile: bool) -> None:
    """The Today page for someone with 500 people and 100,000 contacts."""
    from django.test import Client
    from django.urls import reverse

    from bench.generate import generate_circle

    circle, ms, n = timed(
        lambda: generate_circle("today", people=TODAY_PEOPLE, interactions=TODAY_INTERACTIONS)
    )
    rows.append(
        Row(f"generate {TODAY_PEOPLE} people, {TODAY_INTERACTIONS:,} contacts", ms, queries=n)
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(circle.owner)
    _, ms, n = timed(lambda: client.post(reverse("set_energy"), {"energy": "some"}))
    rows.append(Row("  POST /today/energy/ (snapshot + engine + drafts)", ms, queries=n))
    rows.append(
        time_page(
            client,
            reverse("today"),
            "GET /today/ (500 people)",
            TODAY_TARGET_MS,
            "Show me another",
            profile,
        )
    )


def bench_insights(rows: list[Row], profile: bool, sqlite_analyze: bool = False) -> None:
    """The Insights page for someone with five years of daily check-ins and
    100,000 contacts with 150 people, logged as they happened (oldest first)."""
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.generate import (
        INSIGHTS_INTERACTIONS,
        INSIGHTS_PEOPLE,
        INSIGHTS_YEARS,
        generate_circle,
        generate_history,
    )

    def write() -> tuple[Any, Any]:
        circle = generate_circle(
            "insights",
            people=INSIGHTS_PEOPLE,
            interactions=INSIGHTS_INTERACTIONS,
            days=INSIGHTS_YEARS * 365,
            in_time_order=True,
        )
        return circle, generate_history(circle.owner)

    (circle, history), ms, n = timed(write)
    rows.append(
        Row(
            f"generate {INSIGHTS_YEARS} years: {history.checkins:,} check-ins, "
            f"{INSIGHTS_INTERACTIONS:,} contacts, {INSIGHTS_PEOPLE} people",
            ms,
            queries=n,
        )
    )
    if connection.vendor == "postgresql" or sqlite_analyze:
        analyze()
    static_in_place()
    client = Client(HTTP_HOST="localhost")
    client.force_login(circle.owner)
    for period, label, target in (
        ("12m", "12 months, the default", INSIGHTS_TARGET_MS),
        ("3m", "3 months", INSIGHTS_TARGET_MS),
        ("all", "all 5 years", None),
    ):
        rows.append(
            time_page(
                client,
                f"{reverse('insights')}?period={period}",
                f"GET /insights/ ({label})",
                target,
                "Who lifts you",
                profile,
            )
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description="Kithkin's circle with 2,000 people: how fast?"
    )
    parser.add_argument("--profile", action="store_true", help="print cProfile hot spots per row")
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="run ANALYZE on SQLite as well before timing (always done on PostgreSQL)",
    )
    parser.add_argument(
        "--only",
        choices=["insights", "planner", "export", "cli"],
        help="run one case alone (each writes its own data; planner: the reminder worker "
        "with 100,000 people, see bench/planner.py; export: `kithkin export` of 100,000 "
        "contacts, its time and peak memory, see bench/export.py; cli: `kithkin today` "
        "from a cold start, see bench/cli.py)",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    with throwaway_database() as (where, data_dir):
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from bench.generate import HISTORY_DAYS, INTERACTIONS, PEOPLE, generate_circle

        print(f"kithkin bench: {where}")
        call_command("migrate", verbosity=0, interactive=False)
        rows: list[Row] = []
        if args.only == "insights":
            bench_insights(rows, args.profile, args.analyze)
            return _report(rows, started)
        if args.only == "planner":
            from bench.planner import bench_planner

            bench_planner(rows, profile=args.profile)
            return _report(rows, started)
        if args.only == "export":
            from bench.export import bench_export

            bench_export(rows, profile=args.profile)
            return _report(rows, started)
        if args.only == "cli":
            from bench.cli import bench_cli

            bench_cli(rows)
            return _report(rows, started)
        circle, ms, n = timed(generate_circle)
        rows.append(
            Row(
                f"generate {PEOPLE:,} people, {INTERACTIONS:,} contacts / {HISTORY_DAYS} days",
                ms,
                queries=n,
            )
        )
        print(
            f"wrote {len(circle.person_ids):,} people, {circle.interactions:,} contacts, "
            f"{circle.links:,} contact-person links in {ms / 1000:.1f} s"
        )
        # PostgreSQL's autovacuum would have analyzed two years of rows long ago;
        # Kithkin never runs ANALYZE on SQLite, so by default neither do we.
        if connection.vendor == "postgresql" or args.analyze:
            analyze()
            print("ran ANALYZE: the query planner has table statistics")
        else:
            print("no ANALYZE (as in a real Kithkin SQLite file): the planner has no statistics")
        bench_pages(circle.owner, rows, args.profile)
        bench_engine(circle.owner, rows)
        bench_today(rows, args.profile)
        bench_insights(rows, args.profile, args.analyze)
        bench_import(circle.owner, data_dir, rows, args.profile)
        from bench.export import bench_export

        bench_export(rows, profile=args.profile)
        from bench.cli import bench_cli

        bench_cli(rows)
    return _report(rows, started)


def _report(rows: list[Row], started: float) -> int:
    print()
    print_table(rows)
    print(f"\n{WARMUP} warm-up + {RUNS} timed requests per page; median and p95 of the timed ones.")
    print("Import rows are one run each; queries are SQL statements sent to the database.")
    print(f"whole run: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
