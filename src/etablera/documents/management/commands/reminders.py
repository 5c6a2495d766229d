"""`etablera reminders`: e-mail today's reminders about steering documents (run it daily)."""

from __future__ import annotations

import argparse
import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from etablera.accounts.policy import Operator
from etablera.documents.reminders import DUE_WITHIN_DAYS, send_reminders


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"a date as YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        f"E-mail reminders: acknowledgements due within {DUE_WITHIN_DAYS} days or overdue (to "
        "the receiving body's reporters) and documents past their review date (to their owners). "
        "Safe to run more than once a day: nothing is sent twice on the same day."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be sent; send nothing."
        )
        parser.add_argument(
            "--today", type=_date, default=None, help="Run as if today were YYYY-MM-DD."
        )
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "ETABLERA_BASE_URL", ""),
            help="The site's address for links in the e-mails, e.g. https://etablera.example.se",
        )

    def handle(self, *args, dry_run: bool, today: dt.date | None, base_url: str, **options):
        today = today or timezone.localdate()
        outcome = send_reminders(
            today, reader=Operator("cron:reminders"), dry_run=dry_run, base_url=base_url
        )
        verb = "Would send" if dry_run else "Sent"
        for mail in outcome.mails:
            self.stdout.write(f"  {', '.join(mail.to)}: {mail.subject!s}")
            if dry_run and options["verbosity"] > 1:
                self.stdout.write(str(mail.body))
        self.stdout.write(
            f"{verb} {len(outcome.mails)} reminder e-mail(s) with {outcome.items} item(s) for "
            f"{today:%Y-%m-%d}; {outcome.already_sent} item(s) already sent today."
        )
        for line in outcome.without_recipient:
            self.stderr.write(f"  No one with an e-mail address to remind of: {line}")
        if outcome.failed:
            for line in outcome.failed:
                self.stderr.write(f"  Not sent: {line}")
            raise CommandError(f"{len(outcome.failed)} reminder e-mail(s) could not be sent.")
