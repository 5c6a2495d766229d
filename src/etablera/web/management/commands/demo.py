"""`etablera demo`: migrate, load the demo data and serve it on 127.0.0.1."""

from __future__ import annotations

import shutil

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from etablera.web import plugins

from .loaddemo import print_demo_users


class Command(BaseCommand):
    help = "Run the demo: an SQLite database under var/, demo data, a server on 127.0.0.1."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="Port (default 8000).")
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo database and start afresh."
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare everything but do not serve."
        )

    def handle(self, *args, port: int, reset: bool, no_serve: bool, **options) -> None:
        if not 1 <= port <= 65535:
            raise CommandError("The port must be between 1 and 65535.")
        db = settings.DATABASES["default"]
        if reset:
            if db["ENGINE"] != "django.db.backends.sqlite3":
                raise CommandError("--reset only deletes the demo's SQLite database.")
            from django.db import connections

            connections.close_all()
            for suffix in ("", "-wal", "-shm"):
                path = f"{db['NAME']}{suffix}"
                try:
                    import os

                    os.remove(path)
                except FileNotFoundError:
                    pass
            shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
            self.stdout.write("Demo database deleted.")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("loaddemo", quiet_users=True, stdout=self.stdout)
        print_demo_users(self.stdout)
        if no_serve:
            return
        self.stdout.write(
            self.style.SUCCESS(f"\nEtablera runs on http://127.0.0.1:{port}/  (Ctrl+C stops it)")
        )
        # What the apps start beside the server (the embedded job worker): see web.plugins.
        for companion in plugins.contributions("server"):
            companion.start()
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)
