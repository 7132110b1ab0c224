"""`python -m bench.run --only cli`: `kithkin today` from a cold start.

1. In the throwaway database bench.run has made and migrated: one person with
   200 people and 5,000 contacts over two years (bench.generate.generate_circle).
2. Run the real `kithkin` executable as a new process each time, the way a
   person or a script does, with the environment bench.run set up (the same
   data folder, or the scratch PostgreSQL database). Python's bytecode cache
   goes to a folder inside the data folder (PYTHONPYCACHEPREFIX), so nothing is
   written to the project or the virtualenv, and the first run compiles it, as
   the first run after an install does.
3. One warm-up run (shown on its own), then RUNS timed runs of each case:
   - `kithkin today --energy some`: Today as a person checks back on it (the
     day's suggestions exist; they are read, checked again and shown);
   - `kithkin today --energy low|good`, in turn: a changed energy, so every run
     makes fresh suggestions (snapshot of the circle, engine, drafts, writes);
   - `kithkin today --help`: Python and Django starting, no database work;
   - `kithkin check`: what the system checks a command runs by default cost
     (they load every URL, view and API schema); Kithkin's own commands skip them.
4. Each row: the median and the slowest wall-clock time (with RUNS runs, the p95
   column is the slowest), and the median CPU time of the process (user + system),
   which the load of other programs on the machine changes less.

Target: `kithkin today` answers in under a second from a cold start.

Measured on a 2-core machine, with the bytecode cached (other work was running,
so the benchmark's processes were given priority: wall time then stays close to
CPU time):

| case | SQLite: median / slowest | PostgreSQL 15 |
|---|---|---|
| `today --energy some` | 533 / 699 ms | 755 / 946 ms |
| `today --energy low|good` (fresh suggestions) | 610 / 638 ms | 759 / 798 ms |
| `today --help` (start-up only) | 501 / 578 ms | 711 / 853 ms |
| `check` (the default system checks) | 1.33 / 1.67 s | 1.53 / 1.79 s |

With Django's default system checks, which the person's commands skip
(`requires_system_checks = []`), `kithkin today` took 1.32 s (slowest 1.52 s).
The rest is start-up: importing Django and the installed apps (django-ninja
and pydantic, imported because "ninja" is in INSTALLED_APPS, are about a third
of it; on PostgreSQL, psycopg adds about 0.2 s). The command's own work, queries
included, is about 30 ms. Without a bytecode cache (PYTHONDONTWRITEBYTECODE and
no __pycache__), every start compiles the sources again: about 1.3 s.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.run import Row

PEOPLE = 200
INTERACTIONS = 5_000
USERNAME = "cli"
RUNS = 10
CHECK_RUNS = 5
TARGET_MS = 1_000.0
KITHKIN = str(Path(sys.executable).parent / "kithkin")


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Bytecode as an installed Kithkin has it, cached in the throwaway folder.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(data_dir / "pycache")
    return env


def _run(args: list[str], env: dict[str, str], expect: str) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds of one `kithkin` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - Kithkin's own executable, arguments from here
        [KITHKIN, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    wall = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or expect not in done.stdout:
        raise SystemExit(
            f"bench: kithkin {' '.join(args)} exited {done.returncode}:\n"
            f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


def _case(
    rows: list[Row],
    what: str,
    argv: list[list[str]],
    env: dict[str, str],
    expect: str,
    target: float | None,
) -> None:
    from bench.run import Row

    walls: list[float] = []
    cpus: list[float] = []
    for args in argv:
        wall, cpu = _run(args, env, expect)
        walls.append(wall)
        cpus.append(cpu)
    rows.append(Row(what, statistics.median(walls), max(walls), target_ms=target))
    print(
        f"{what}: median {statistics.median(walls):.0f} ms, slowest {max(walls):.0f} ms "
        f"(wall); median CPU {statistics.median(cpus):.0f} ms over {len(argv)} runs"
    )


def bench_cli(rows: list[Row]) -> None:
    from bench.generate import generate_circle
    from bench.run import Row, timed

    circle, ms, n = timed(
        lambda: generate_circle(USERNAME, people=PEOPLE, interactions=INTERACTIONS)
    )
    rows.append(Row(f"generate {PEOPLE} people, {INTERACTIONS:,} contacts", ms, queries=n))
    data_dir = Path(os.environ["KITHKIN_DATA_DIR"])
    env = _env(data_dir)
    user = ["--user", circle.owner.username]

    wall, cpu = _run(["today", *user, "--energy", "some"], env, "#")
    rows.append(Row("first run: compiles the bytecode, makes the day's suggestions", wall))
    print(f"first run: {wall:.0f} ms wall, {cpu:.0f} ms CPU")

    _case(
        rows,
        f"kithkin today --energy some ({PEOPLE} people)",
        [["today", *user, "--energy", "some"]] * RUNS,
        env,
        "#",
        TARGET_MS,
    )
    _case(
        rows,
        "kithkin today --energy low|good (fresh suggestions)",
        [["today", *user, "--energy", ("low", "good")[i % 2]] for i in range(RUNS)],
        env,
        "#",
        TARGET_MS,
    )
    _case(
        rows,
        "  kithkin today --help (start-up only)",
        [["today", "--help"]] * RUNS,
        env,
        "--energy",
        None,
    )
    _case(
        rows,
        "  kithkin check (the default system checks)",
        [["check"]] * CHECK_RUNS,
        env,
        "no issues",
        None,
    )
    print(
        f"{RUNS} timed runs per row after the warm-up (5 for `check`); "
        "the p95 column is the slowest run."
    )
