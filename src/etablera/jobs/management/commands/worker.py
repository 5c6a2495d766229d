"""`etablera worker`: run background jobs (imports, syncs) as they are queued."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from etablera.jobs.services import recover_abandoned
from etablera.jobs.worker import exit_with_parent as watch_parent
from etablera.jobs.worker import make_worker, run_routines


class Command(BaseCommand):
    help = (
        "Run background jobs as they are queued. Run one or more beside `etablera serve` in "
        "production (ETABLERA_EMBEDDED_WORKER=false); stop it with SIGTERM, which lets the "
        "current job finish."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at an empty queue."
        )
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then stop.")
        parser.add_argument("--exit-with-parent", type=int, default=0, help="(internal)")

    def handle(self, *args, interval: float, batch: bool, exit_with_parent: int, **options):
        if interval < 0:
            raise CommandError("--interval must be zero or more.")
        recovered = recover_abandoned()
        if recovered and options["verbosity"]:
            self.stdout.write(
                f"Marked {len(recovered)} job(s) abandoned by a stopped worker as failed."
            )
        if exit_with_parent:
            watch_parent(exit_with_parent)
        worker = make_worker(batch=batch, interval=interval)
        if not batch:
            run_routines()
        worker.configure_signals()
        worker.run()
