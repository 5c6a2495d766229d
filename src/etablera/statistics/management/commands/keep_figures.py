"""``etablera keep_figures``: this month's release of the dashboard's figures, computed and kept
before anyone opens it (``statistics.ahead``).

A running worker keeps every dashboard users can open by itself; this command does it by hand,
for the period and scopes given (e.g. with the worker's routine switched off)::

    etablera keep_figures --scope kommun --scope organ:SN --scope enhet:Arbetsmarknadsenheten

It asks exactly what the dashboard asks by default (this year, with the dashboard's
breakdowns and its trend), as a named operator through the same scope rules as
``etablera kpis``, so what it keeps is what the dashboard would have computed: nothing
else is published, and the figures are the same either way.
"""

from __future__ import annotations

import time

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from etablera.accounts import policy
from etablera.statistics import ahead, selectors

from ..scopes import error_text, scope_from_text

OPERATOR = "cron:keep-figures"


class Command(BaseCommand):
    help = "Compute and keep this month's release of the dashboard's figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period",
            default="",
            help="The dashboard's period (default: this year, as the dashboard opens).",
        )
        parser.add_argument(
            "--scope",
            action="append",
            default=[],
            help="kommun (default), enhet:<unit id or name> or organ:<body short name or id>; "
            "may be given more than once.",
        )

    def handle(self, *args, **options) -> None:
        texts = options["scope"] or ["kommun"]
        asked = options["period"] or ahead.default_period_code()
        operator = policy.Operator(OPERATOR)
        try:
            period = selectors.resolve(asked)
            scopes = [(text, scope_from_text(text, operator)) for text in texts]
        except (ValidationError, ImproperlyConfigured) as exc:
            raise CommandError(error_text(exc)) from exc
        for text, scope in scopes:
            started = time.perf_counter()
            try:
                earlier = ahead.keep(operator, period, scope)
            except (ValidationError, ImproperlyConfigured) as exc:
                raise CommandError(f"{text}: {error_text(exc)}") from exc
            self.stdout.write(
                f"{text}: {asked} and the {earlier} periods before it kept "
                f"({time.perf_counter() - started:.1f} s)"
            )
