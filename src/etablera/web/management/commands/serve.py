"""`etablera serve`: the production server (gunicorn, static files by whitenoise, DEBUG off)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from etablera.web import plugins


class Command(BaseCommand):
    help = "Serve Etablera in production with gunicorn. Configure it with environment variables."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bind", default=os.environ.get("ETABLERA_BIND", "0.0.0.0:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("ETABLERA_WORKERS", "3"))
        )
        parser.add_argument(
            "--migrate", action="store_true", help="Apply database migrations first."
        )
        parser.add_argument(
            "--collectstatic",
            action="store_true",
            help="Collect static files first (done anyway when none have been collected).",
        )

    def handle(
        self, *args, bind: str, workers: int, migrate: bool, collectstatic: bool, **options
    ) -> None:
        if settings.DEBUG:
            raise CommandError(
                "DEBUG is on: `etablera serve` is for production. Unset ETABLERA_DEBUG."
            )
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        if migrate:
            call_command("migrate", interactive=False)
        manifest = settings.STATIC_ROOT / "staticfiles.json"
        if collectstatic or not manifest.exists():
            self.stdout.write("Collecting static files …")
            call_command("collectstatic", interactive=False, verbosity=0)
        import sys

        from gunicorn.app.wsgiapp import run

        # What the apps start beside the server (the embedded job worker): see web.plugins.
        for companion in plugins.contributions("server"):
            companion.start()

        sys.argv = [
            "gunicorn",
            "etablera.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        run()
