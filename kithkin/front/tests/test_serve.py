"""`kithkin serve` runs the real production server (gunicorn + whitenoise)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from kithkin.lib.tests.helpers import KITHKIN, host_env, kithkin


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - loopback only
        return r.status, dict(r.headers), r.read()


def test_it_refuses_to_serve_an_unmigrated_database(tmp_path: Path) -> None:
    result = kithkin("serve", "--port", str(_free_port()), data_dir=tmp_path)
    assert result.returncode == 1
    assert "run `kithkin migrate`" in result.stderr


def test_it_serves_pages_and_static_files_with_gunicorn(tmp_path: Path) -> None:
    assert kithkin("migrate", data_dir=tmp_path).returncode == 0
    port = _free_port()
    server = subprocess.Popen(
        [KITHKIN, "serve", "--port", str(port), "--workers", "1"],
        env=host_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, headers, body = _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "the server did not start in 30 s"
                time.sleep(0.2)
        assert status == 200
        assert headers["Server"] == "gunicorn"
        assert b"Need support now?" in body
        assert "unsafe-inline" not in headers["Content-Security-Policy"]

        status, headers, body = _get(f"http://127.0.0.1:{port}/static/vendor/htmx/htmx.min.js")
        assert status == 200
        assert b"htmx" in body[:2000]
        assert "max-age" in headers.get("Cache-Control", "")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert (tmp_path / "static" / "staticfiles.json").exists()
    assert (tmp_path / "secret_key").exists()
