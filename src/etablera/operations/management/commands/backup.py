"""`etablera backup FILE`: a consistent backup of the database, taken while the server runs."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from etablera.operations.backup import OperationFailed, backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the whole database to FILE while the server runs "
        "(SQLite's online backup; pg_dump's custom format on PostgreSQL). Keep the data key "
        "apart from the backup: see docs/operations.md."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        try:
            size = backup(file)
        except OperationFailed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {file} ({size:,} bytes).")
