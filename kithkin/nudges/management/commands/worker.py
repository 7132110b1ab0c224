"""`kithkin worker`: send gentle reminders as they come due. Run one or several."""

from __future__ import annotations

import signal
import time
from datetime import timedelta
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from kithkin.nudges import channels, vapid
from kithkin.nudges.worker import DEFAULT_BATCH, DEFAULT_LEASE, Worker


class Command(BaseCommand):
    help = "Send reminders as they come due (Ctrl+C or SIGTERM finishes the current one and stops)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=5.0, help="seconds to sleep when nothing is due"
        )
        parser.add_argument("--once", action="store_true", help="one pass, then stop")
        parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="reminders per pass")
        parser.add_argument(
            "--lease",
            type=float,
            default=DEFAULT_LEASE.total_seconds(),
            help="seconds a claimed reminder stays this worker's (longer than any send)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stop = False

        def stop(signum: int, frame: FrameType | None) -> None:
            self.stop = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # Made here on first start, so web push works before anyone opens Settings.
        vapid.keys()
        channels.warm_up()
        worker = Worker(
            lease=timedelta(seconds=options["lease"]),
            batch=max(1, options["batch"]),
            stopping=lambda: self.stop,
        )
        self.stdout.write("kithkin worker: sending reminders as they come due")
        while not self.stop:
            close_old_connections()
            handled = worker.run_once()
            if options["once"]:
                break
            if handled < worker.batch:
                self.sleep(options["interval"])
        self.stdout.write("kithkin worker: stopped")

    def sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self.stop and time.monotonic() < end:
            time.sleep(min(0.2, end - time.monotonic()) if end > time.monotonic() else 0)
