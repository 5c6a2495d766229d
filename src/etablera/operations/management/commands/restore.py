"""`etablera restore FILE`: restore a backup into an empty database, checking the data key."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from etablera.operations.backup import OperationFailed, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `etablera backup` into an empty database. The backup's data "
        "key check value must match ETABLERA_DATA_KEY, else nothing is restored. Run "
        "`etablera migrate` afterwards when the backup is from an older version."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        try:
            restore(file)
        except OperationFailed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {file}; the data key matches the restored database.")
