"""`kithkin serve` runs the real production server (gunicorn + whitenoise)."""

from __future__ import annotations

import http.client
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kithkin.lib.tests.helpers import KITHKIN, host_env, kithkin


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, port: int, process: subprocess.Popen[str]) -> None:
        self.port = port
        self.process = process
        self.output = ""

    def get(self, path: str, **headers: str) -> http.client.HTTPResponse:
        """One request, redirects not followed."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        return response


@contextmanager
def running(data_dir: Path, **env: str) -> Iterator[Server]:
    assert kithkin("migrate", data_dir=data_dir).returncode == 0
    port = _free_port()
    process = subprocess.Popen(
        [KITHKIN, "serve", "--port", str(port), "--workers", "1"],
        env=host_env(data_dir, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = Server(port, process)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "the server did not start in 30 s"
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        server.output, _ = process.communicate(timeout=30)


def test_it_refuses_to_serve_an_unmigrated_database(tmp_path: Path) -> None:
    result = kithkin("serve", "--port", str(_free_port()), data_dir=tmp_path)
    assert result.returncode == 1
    assert "run `kithkin migrate`" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "99999"], "the port should be between 1 and 65535"),
        (["--port", "-1"], "the port should be between 1 and 65535"),
        (["--workers", "0"], "the number of workers should be between 1 and 64"),
    ],
)
def test_it_explains_impossible_options(tmp_path: Path, args: list[str], message: str) -> None:
    result = kithkin("serve", *args, data_dir=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_it_serves_pages_and_static_files_with_gunicorn(tmp_path: Path) -> None:
    with running(tmp_path) as server:
        r = server.get("/")
        assert r.status == 200
        assert r.headers["Server"] == "gunicorn"
        assert "unsafe-inline" not in r.headers["Content-Security-Policy"]

        r = server.get("/static/vendor/htmx/htmx.min.js")
        assert r.status == 200
        assert "max-age" in r.headers.get("Cache-Control", "")
    assert (tmp_path / "static" / "staticfiles.json").exists()
    assert (tmp_path / "secret_key").exists()


def test_the_access_log_keeps_secrets_out(tmp_path: Path) -> None:
    with running(tmp_path) as server:
        server.get("/password/reset/MQ/ctw2k3-5a7fd3c0ffee/")
        server.get("/signup/?invite=very-secret-invite")
    assert "GET /password/reset/MQ/…/" in server.output
    assert '"GET /signup/"' in server.output
    assert "5a7fd3c0ffee" not in server.output
    assert "very-secret-invite" not in server.output


def test_behind_an_https_proxy_cookies_are_secure_and_http_is_redirected(tmp_path: Path) -> None:
    with running(tmp_path, KITHKIN_HTTPS="true", ALLOWED_HOSTS="127.0.0.1") as server:
        r = server.get("/")
        assert r.status == 301
        assert r.headers["Location"].startswith("https://")

        # From a trusted proxy (loopback, by default) that says the client used https:
        r = server.get("/", **{"X-Forwarded-Proto": "https"})
        assert r.status == 200
        assert "max-age=31536000" in r.headers["Strict-Transport-Security"]
        assert "Secure" in r.headers["Set-Cookie"]


def test_only_trusted_proxies_may_claim_https(tmp_path: Path) -> None:
    env = {
        "KITHKIN_HTTPS": "true",
        "ALLOWED_HOSTS": "127.0.0.1",
        "KITHKIN_FORWARDED_ALLOW_IPS": "10.9.9.9",
    }
    with running(tmp_path, **env) as server:
        r = server.get("/", **{"X-Forwarded-Proto": "https"})
        assert r.status == 301
