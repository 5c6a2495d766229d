"""`etablera rotate-data-key --old OLD --new NEW`: move every identity number to a new data key."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError

from etablera.register.keycheck import RotationRefused, rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt and re-hash every identity number under a new ETABLERA_DATA_KEY, in one "
        "transaction. Stop the server and workers first; start them again with the new key. "
        "The keys may also be given as ETABLERA_OLD_DATA_KEY and ETABLERA_NEW_DATA_KEY, which "
        "keeps them out of the process list and shell history."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--old", default=os.environ.get("ETABLERA_OLD_DATA_KEY", ""))
        parser.add_argument("--new", default=os.environ.get("ETABLERA_NEW_DATA_KEY", ""))

    def handle(self, *args, old: str, new: str, **options) -> None:
        try:
            count = rotate(old, new)
        except RotationRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Re-encrypted {count} identity number(s) under the new key. Set ETABLERA_DATA_KEY "
            "to the new key before starting the server and workers again."
        )
