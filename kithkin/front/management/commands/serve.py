from __future__ import annotations

import atexit
import os
import re
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from kithkin.lib.env import envint

# The access log never shows query strings, and hides the token in password
# reset links: a log file must not be a way into someone's account.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
RESET_LINK = re.compile(r"^(/password/reset/[^/]+/)(?!set-password/)[^/]+/")


class PrivateLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        atoms["U"] = RESET_LINK.sub(r"\1…/", atoms.get("U", ""))
        return atoms


class KithkinServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from kithkin.wsgi import application

        return application


def _between(name: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise CommandError(f"{name} should be between {low} and {high}, not {value}.")
    return value


def _start_worker() -> None:
    """Run the reminder worker as a child process that ends when the server does.

    One machine needs only `kithkin serve --with-worker` (what `make run` runs);
    bigger setups run `kithkin worker` on its own, on as many machines as they like.
    """
    worker = subprocess.Popen([sys.executable, "-m", "kithkin.cli", "worker"])
    server = os.getpid()

    def stop() -> None:
        # gunicorn's forked processes inherit this hook; only the server stops the worker.
        if os.getpid() == server and worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()

    atexit.register(stop)


class Command(BaseCommand):
    help = "Serve Kithkin with gunicorn (static files through whitenoise)."
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", help="address to listen on (KITHKIN_HOST, 127.0.0.1)")
        parser.add_argument("--port", type=int, help="port (KITHKIN_PORT, 8000)")
        parser.add_argument("--workers", type=int, help="processes (KITHKIN_WORKERS, 2)")
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="also run `kithkin worker` (reminders) alongside, stopped with the server",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        host = opts["host"] or os.getenv("KITHKIN_HOST") or "127.0.0.1"
        port = opts["port"] if opts["port"] is not None else envint("KITHKIN_PORT", "8000")
        workers = opts["workers"] if opts["workers"] is not None else envint("KITHKIN_WORKERS", "2")
        threads = envint("KITHKIN_THREADS", "4")
        _between("the port", port, 1, 65535)
        _between("the number of workers", workers, 1, 64)
        _between("KITHKIN_THREADS", threads, 1, 64)

        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("the database needs updating first: run `kithkin migrate`.")
        connection.close()

        call_command("collectstatic", interactive=False, verbosity=0)
        if opts["with_worker"]:
            _start_worker()
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self.stdout.write(f"Kithkin is running at http://{bind}/ (Ctrl+C stops it)")
        KithkinServer(
            {
                "bind": bind,
                "workers": workers,
                "worker_class": "gthread",
                "threads": threads,
                "timeout": 30,
                "graceful_timeout": 20,
                "accesslog": "-",
                "access_log_format": ACCESS_LOG_FORMAT,
                "logger_class": PrivateLogger,
                "control_socket_disable": True,
                # Proxies whose X-Forwarded-Proto is believed (see KITHKIN_HTTPS).
                "forwarded_allow_ips": os.getenv("KITHKIN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
            }
        ).run()
