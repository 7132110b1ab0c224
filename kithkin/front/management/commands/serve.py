from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication

from kithkin.lib.env import envint


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


class Command(BaseCommand):
    help = "Serve Kithkin with gunicorn (static files through whitenoise)."
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.getenv("KITHKIN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=envint("KITHKIN_PORT", "8000"))
        parser.add_argument(
            "--workers",
            type=int,
            default=envint("KITHKIN_WORKERS", "2"),
            help="gunicorn worker processes (KITHKIN_WORKERS)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("the database needs updating first: run `kithkin migrate`.")
        connection.close()

        call_command("collectstatic", interactive=False, verbosity=0)
        host = opts["host"]
        bind = f"[{host}]:{opts['port']}" if ":" in host else f"{host}:{opts['port']}"
        self.stdout.write(f"Kithkin is running at http://{bind}/ (Ctrl+C stops it)")
        KithkinServer(
            {
                "bind": bind,
                "workers": opts["workers"],
                "worker_class": "gthread",
                "threads": envint("KITHKIN_THREADS", "4"),
                "timeout": 30,
                "graceful_timeout": 20,
                "accesslog": "-",
                "control_socket_disable": True,
                "forwarded_allow_ips": os.getenv("KITHKIN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
            }
        ).run()
