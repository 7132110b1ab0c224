"""`python -m bench.run --only export`: the account export with 100,000 contacts.

1. Write one person with 2,000 people and 100,000 contacts (bench.generate,
   the same circle as the main benchmark).
2. Run `kithkin export -o FILE --user …` as a separate process, as a person
   or a cron job would, three times: its wall time (start-up included), its CPU
   time (from os.wait4, which is getrusage(RUSAGE_CHILDREN) for this child
   alone) and its peak resident memory. Targets: at most 5 s and under 150 MB.
   The memory is the child's own high-water mark (VmHWM in /proc/self/status,
   read as it ends): ru_maxrss is not used, because Linux carries into it the
   pages the child shared with this process between fork and exec, and this
   process holds the generated data (ru_maxrss is printed for comparison).
3. The same for an empty account, to show what start-up alone costs.
4. Check the file, then bring it into a new empty account in-process
   (`import_account`: read, check, write, recompute) and time that; no target.

With `--profile`, the export generator runs once more in-process under cProfile.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.run import Row

EXPORT_TARGET_MS = 5_000.0
MEMORY_TARGET_MB = 150.0
RUNS = 3


# The child: `kithkin export ...`, then its own peak resident memory (VmHWM)
# on the last line of standard error.
CHILD = """
import sys
from kithkin.cli import main
try:
    code = main(sys.argv[1:])
finally:
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    sys.stderr.write(f"\\nVmHWM {peak}\\n")
sys.exit(code)
"""


@dataclass
class Run:
    wall_ms: float
    cpu_ms: float
    peak_mb: float
    maxrss_mb: float


def run_export(username: str, path: Path) -> Run:
    """One `kithkin export -o path --user username` in its own process."""
    command = [sys.executable, "-c", CHILD, "export", "-o", str(path), "--user", username]
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)  # noqa: S603
        _pid, status, usage = os.wait4(child.pid, 0)
        elapsed = (time.perf_counter() - started) * 1000
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        said = errors.read().decode(errors="replace").strip()
    if child.returncode != 0:
        raise SystemExit(f"bench: kithkin export failed ({child.returncode}): {said}")
    peak_kib = int(said.rsplit("VmHWM ", 1)[1])
    return Run(
        wall_ms=elapsed,
        cpu_ms=(usage.ru_utime + usage.ru_stime) * 1000,
        peak_mb=peak_kib / 1024,
        # Linux reports ru_maxrss in KiB, and counts in the pages the child
        # shared with this (much bigger) process between fork and exec.
        maxrss_mb=usage.ru_maxrss / 1024,
    )


def bench_export(rows: list[Row], profile: bool = False) -> None:
    import json
    import resource

    from django.db import connection

    from bench.generate import INTERACTIONS, PEOPLE, generate_circle
    from bench.run import Row, analyze, profile_report, timed
    from kithkin.accounts.actions import do_create_account
    from kithkin.accounts.export import export_chunks
    from kithkin.accounts.importer import import_account

    circle, ms, n = timed(lambda: generate_circle("export"))
    rows.append(Row(f"generate {PEOPLE:,} people, {INTERACTIONS:,} contacts", ms, queries=n))
    if connection.vendor == "postgresql":
        analyze()
    do_create_account(username="export-empty", password=None)
    # The child processes open the database themselves: let go of ours.
    connection.close()

    folder = Path(tempfile.mkdtemp(prefix="kithkin-bench-export-"))
    path = folder / "export.json"
    try:
        for who, label in (("export-empty", "an empty account"), ("export", "100,000 contacts")):
            runs = [run_export(who, path) for _ in range(RUNS)]
            wall = statistics.median(r.wall_ms for r in runs)
            cpu = statistics.median(r.cpu_ms for r in runs)
            peak = max(r.peak_mb for r in runs)
            size = path.stat().st_size / 1024 / 1024
            memory = "ok" if peak < MEMORY_TARGET_MB else "MISSED"
            print(
                f"kithkin export, {label}: {wall / 1000:.2f} s wall, {cpu / 1000:.2f} s CPU, "
                f"{size:.1f} MB written, peak memory {peak:.0f} MB "
                f"(target < {MEMORY_TARGET_MB:.0f} MB: {memory}); ru_maxrss "
                f"{max(r.maxrss_mb for r in runs):.0f} MB",
                flush=True,
            )
            rows.append(
                Row(
                    f"kithkin export -o FILE: {label} (peak {peak:.0f} MB, {size:.1f} MB file)",
                    wall,
                    max(r.wall_ms for r in runs),
                    target_ms=EXPORT_TARGET_MS if who == "export" else None,
                )
            )
            rows.append(Row("  the same, CPU time of the process (user + system)", cpu))
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"largest child so far (getrusage RUSAGE_CHILDREN): {children:.0f} MB")

        data = path.read_bytes()
        doc = json.loads(data)
        if len(doc["interactions"]) != circle.interactions or len(doc["people"]) != PEOPLE:
            raise SystemExit("bench: the export doesn't hold every contact and person")
        del doc
        fresh = do_create_account(username="export-import", password=None)
        result, ms, n = timed(lambda: import_account(fresh, data))
        rows.append(
            Row(
                f"import_account: {result.counts['interactions']:,} contacts, "
                f"{result.counts['people']:,} people into an empty account",
                ms,
                queries=n,
            )
        )
        if profile:
            owner = circle.owner
            profile_report(lambda: sum(len(c) for c in export_chunks(owner)), "export_chunks")
    finally:
        for leftover in folder.iterdir():
            leftover.unlink()
        folder.rmdir()
