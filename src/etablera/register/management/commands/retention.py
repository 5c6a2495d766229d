"""`etablera retention [--apply]`: list, or carry out, the removal of direct identifiers."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from etablera.register import retention


class Command(BaseCommand):
    help = (
        "List the participants whose direct identifiers are due to be removed "
        "(ETABLERA_RETENTION_YEARS after their last enrolment ended) and old import error "
        "reports; with --apply, remove them. Birth year, gender, cohort and enrolments stay, "
        "so earlier statistics do not change. Every run is recorded in the access log."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--apply", action="store_true", help="Carry out the removal.")
        parser.add_argument("--today", help="Count from this date (YYYY-MM-DD) instead of today.")

    def handle(self, *args, apply: bool, today: str | None, **options) -> None:
        day = None
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today must be a date as YYYY-MM-DD, not {today!r}.") from exc
        if settings.ETABLERA_RETENTION_YEARS < 1:
            raise CommandError("ETABLERA_RETENTION_YEARS must be at least 1.")
        record, found = retention.run(apply=apply, today=day)
        verbosity = options["verbosity"]
        if verbosity >= 2:
            for pk, unit, last_end in found.participants:
                self.stdout.write(f"participant {pk}\t{unit}\t{last_end or 'never enrolled'}")
        count = len(found.participants)
        reports = len(found.error_reports)
        if apply:
            self.stdout.write(
                f"Removed the direct identifiers of {count} participant(s) whose last enrolment "
                f"ended on or before {found.limit}, and {reports} old import error report(s) "
                f"(run {record.pk})."
            )
        else:
            self.stdout.write(
                f"{count} participant(s) whose last enrolment ended on or before {found.limit} "
                f"and {reports} import error report(s) are due. Nothing was changed: run with "
                f"--apply to remove them (-v 2 lists the participants)."
            )
