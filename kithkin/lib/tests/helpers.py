"""Run the real `kithkin` command in a fresh data folder, as a host would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

KITHKIN = str(Path(sys.executable).parent / "kithkin")


def host_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
        and not k.startswith(("KITHKIN_", "PYTEST_"))
    }
    env["KITHKIN_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def kithkin(
    *args: str, data_dir: Path, stdin: str = "", **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KITHKIN, *args],
        env=host_env(data_dir, **extra),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
