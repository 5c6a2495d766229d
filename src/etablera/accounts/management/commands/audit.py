"""`etablera audit verify|anchor|review`: the access log's proof and its review.

* ``verify`` checks the whole chain against the key and every anchor; exits 1 at a break.
* ``anchor`` verifies what was added since the last good anchor and anchors the head outside
  the database. Run it daily (cron or a systemd timer); the server also anchors at start.
* ``review [--since DATE] [--email]`` summarises unusual access for the register's owners.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from etablera.accounts import review
from etablera.accounts.access_log import anchor, verify
from etablera.accounts.anchors import path as anchor_path


def _since(text: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError as exc:
            raise CommandError(f"--since must be a date (2026-01-31), not {text!r}.") from exc
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


class Command(BaseCommand):
    help = "Verify, anchor and review the access log of personal data."
    requires_system_checks: list = []

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        sub.add_parser("verify", help="Check the whole chain; exit 1 at the first break.")
        sub.add_parser("anchor", help="Anchor the chain's head outside the database (daily).")
        rev = sub.add_parser("review", help="Summarise unusual access (loggkontroll).")
        rev.add_argument("--since", help="From this date or time (default: 24 hours ago).")
        rev.add_argument(
            "--email",
            action="store_true",
            help="Send the summary to ETABLERA_REVIEW_RECIPIENTS instead of printing it.",
        )

    def handle(self, *args, what: str, **options) -> None:
        if what == "verify":
            self.verify()
        elif what == "anchor":
            self.anchor()
        else:
            self.review(options.get("since"), options.get("email", False))

    def verify(self) -> None:
        result = verify(full=True)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"Access log broken ({problem.kind}): {problem.message}.")
            raise CommandError(
                f"The access log does not hold; {result.checked} entries checked before the break."
            )
        self.stdout.write(
            f"The access log holds: {result.checked} entries checked, head {result.head[:16]}…"
        )

    def anchor(self) -> None:
        try:
            written, result = anchor()
        except OSError as exc:
            raise CommandError(f"Cannot write the anchor in {anchor_path().parent}: {exc}") from exc
        self.stdout.write(f"Anchored entry {written.seq} in {anchor_path()}.")
        if not result.ok:
            raise CommandError(f"The access log does not hold: {result.problems[0].message}.")

    def review(self, since_text: str | None, email: bool) -> None:
        since = _since(since_text) if since_text else timezone.now() - dt.timedelta(days=1)
        summary = review.summarise(since)
        text = render(summary)
        if email:
            recipients = settings.ETABLERA_REVIEW_RECIPIENTS
            if not recipients:
                raise CommandError("Set ETABLERA_REVIEW_RECIPIENTS to e-mail the summary.")
            subject = (
                _("Etablera: loggkontroll – avvikelser")
                if summary.unusual
                else _("Etablera: loggkontroll")
            )
            send_mail(subject, text, None, recipients)
            self.stdout.write(f"Sent the summary to {', '.join(recipients)}.")
        else:
            self.stdout.write(text)


def render(summary: review.Summary) -> str:
    """The summary as plain text for the register's owner: a report to a Swedish reader, like
    the e-mail it is sent as, so in the site's language whatever the command itself prints."""
    fmt = "%Y-%m-%d %H:%M"
    lines = [
        _("Loggkontroll av åtkomst till personuppgifter"),
        ngettext(
            "Period: %(since)s – %(until)s; %(count)s loggpost.",
            "Period: %(since)s – %(until)s; %(count)s loggposter.",
            summary.entries,
        )
        % {
            "since": f"{timezone.localtime(summary.since):{fmt}}",
            "until": f"{timezone.localtime(summary.until):{fmt}}",
            "count": summary.entries,
        },
        "",
    ]
    if not summary.unusual:
        lines.append(_("Inga avvikelser."))
    if summary.many:
        limit = settings.ETABLERA_REVIEW_MANY_PARTICIPANTS
        lines.append(_("Många deltagare öppnade samma dag (minst %(limit)s):") % {"limit": limit})
        lines += [
            "  "
            + _("%(user)s %(day)s: %(count)s deltagare")
            % {"user": user, "day": day, "count": count}
            for user, day, count in summary.many
        ]
        lines.append("")
    if summary.after_hours:
        start, end = review.office_hours()
        lines.append(
            _("Åtkomst utanför kontorstid (%(start)s–%(end)s, vardagar):")
            % {"start": start, "end": end}
        )
        lines += [
            "  "
            + ngettext(
                "%(user)s: %(count)s loggpost, första %(first)s",
                "%(user)s: %(count)s loggposter, första %(first)s",
                count,
            )
            % {"user": user, "count": count, "first": f"{first:{fmt}}"}
            for user, count, first in summary.after_hours
        ]
        lines.append("")
    if summary.other_units:
        lines.append(_("Åtkomst till deltagare utanför användarens enheter:"))
        lines += [
            "  " + _("%(user)s: deltagare %(ids)s") % {"user": user, "ids": ", ".join(ids)}
            for user, ids in summary.other_units
        ]
        lines.append("")
    lines.append(
        _("Sök i åtkomstloggen för detaljer: %(url)s")
        % {"url": settings.ETABLERA_BASE_URL + "/konto/atkomstlogg/"}
    )
    return "\n".join(lines).rstrip() + "\n"
