"""The value source for indicators computed from the participant register.

An indicator with ``source == "register"`` names a KPI in ``source_key`` (the keys of
``statistics.kpis.KPIS``, e.g. ``exit_work_or_studies_share``); goals, follow-up reports and the
consolidated report then get its values from the KPI engine through the goals app's source
registry (``etablera.goals.sources``), with disclosure control applied: a hidden value is
``SourceValue(gender, None, suppressed=True)``. Every value's note states how far it may lie
from the register and whether it is final (``presentation.series_note``); the tables that show
the values put their notes beside them.

Whose figures: the whole municipality's for the command line and background jobs (an
``accounts.policy.Operator``) and for municipality-wide roles; a coach's or reporter's own
scope otherwise — the value's note then says which.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from etablera.goals.sources import SourceValue, register_source

from . import kpis, lattice, presentation, selectors
from .kpis import Scope

GENDERS = ("K", "M")


def _scope(user) -> Scope | None:
    return selectors.widest_scope(user)


class RegisterKpiSource:
    """Computes register KPIs for indicators; one computation per date range, however many
    indicators ask for it."""

    def values(
        self, indicator, start: datetime.date, end: datetime.date, *, user: Any
    ) -> list[SourceValue]:
        return self.bulk_values([(indicator, start, end)], user=user).get(
            (indicator.pk, start, end), []
        )

    def bulk_values(self, requests, *, user: Any) -> dict:
        from etablera.goals.periods import PeriodRange, label_for_range

        result: dict[tuple[int, datetime.date, datetime.date], list[SourceValue]] = {}
        scope = _scope(user)
        if scope is None:
            return {(indicator.pk, start, end): [] for indicator, start, end in requests}
        by_range: dict[tuple[datetime.date, datetime.date], list] = defaultdict(list)
        for indicator, start, end in requests:
            result[(indicator.pk, start, end)] = []
            if kpis.kpi_key(indicator.source_key):
                by_range[(start, end)].append(indicator)
        where = (
            ""
            if scope is None or scope.is_municipality
            else _("Avser %(scope)s") % {"scope": scope.label}
        )
        for (start, end), indicators in by_range.items():
            if lattice.kind(start, end) is None:
                continue  # a period the protection cannot cover gets no figures
            wanted = {kpis.kpi_key(i.source_key) or "" for i in indicators}
            gendered = any(i.gender_breakdown for i in indicators)
            period = PeriodRange(start, end, label_for_range(start, end))
            report = selectors.compute(
                period,
                scope,
                ("gender",) if gendered else (),
                kpis_wanted=wanted,
                revised=False,  # an indicator's value of a closed period is the final one
            )
            if report.is_empty:
                continue
            for indicator in indicators:
                key = kpis.kpi_key(indicator.source_key) or ""
                # Every value says how far it may lie from the register and if it is final.
                accuracy = presentation.series_note([report], (key,), with_revised=False)
                note = f"{where}. {accuracy}" if where else accuracy
                values = [_source_value("T", report.total.cells[key], note)]
                if indicator.gender_breakdown:
                    for gender in GENDERS:
                        group = report.groups.get((("gender", gender),))
                        if group is not None:
                            cell = group.cells[key]
                            values.append(_source_value(gender, cell, note))
                result[(indicator.pk, start, end)] = values
        return result


def _source_value(gender: str, cell, note: str) -> SourceValue:
    if cell.suppressed:
        return SourceValue(gender, None, suppressed=True, note=note)
    return SourceValue(gender, Decimal(str(cell.value)), note=note)


register_source("register", RegisterKpiSource())
