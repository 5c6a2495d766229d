"""Reads: the catalogue, stored values and the comparison of the own municipality with its
comparison group and the country."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, QuerySet

from .models import COUNTRY, Area, Kpi, MunicipalityGroup, SyncRun, Value


def catalogue() -> QuerySet[Kpi]:
    """Every KPI in the catalogue with how many values are stored."""
    return Kpi.objects.annotate(value_count=Count("values")).order_by("id")


def indicators_by_kpi(kpi_ids) -> dict[str, list]:
    from etablera.goals.models import Indicator

    found: dict[str, list] = defaultdict(list)
    for indicator in Indicator.objects.filter(source="kolada", source_key__in=list(kpi_ids)):
        found[indicator.source_key].append(indicator)
    return found


def recent_runs(limit: int = 10) -> list[SyncRun]:
    return list(SyncRun.objects.select_related("actor")[:limit])


def groups() -> QuerySet[MunicipalityGroup]:
    return MunicipalityGroup.objects.order_by("title")


def area_names(codes) -> dict[str, str]:
    return dict(Area.objects.filter(code__in=list(codes)).values_list("code", "title"))


def stored_values(kpi_ids: list[str]) -> QuerySet[Value]:
    return Value.objects.filter(kpi_id__in=kpi_ids).order_by(
        "kpi_id", "municipality", "year", "gender"
    )


@dataclass
class Comparison:
    """One KPI for the own municipality, each comparison-group member and the country."""

    kpi: Kpi
    gender: str
    own_code: str
    own_name: str
    group_name: str
    members: list[tuple[str, str]]
    years: list[int]
    values: dict[tuple[str, int], Value] = field(default_factory=dict)
    fetched_at: dt.datetime | None = None

    def value(self, code: str, year: int) -> Value | None:
        return self.values.get((code, year))

    def group_mean(self, year: int) -> Decimal | None:
        """The unweighted mean of the members that have a value that year (as Kolada's own
        group figures are unweighted means)."""
        present = [
            v.value
            for code, _name in self.members
            if (v := self.values.get((code, year))) is not None and v.value is not None
        ]
        if not present:
            return None
        return sum(present, Decimal(0)) / len(present)

    def group_count(self, year: int) -> int:
        return sum(
            1
            for code, _name in self.members
            if (v := self.values.get((code, year))) is not None and v.value is not None
        )


def comparison(kpi_id: str, *, gender: str = "T", years: list[int] | None = None):
    """The comparison for ``kpi_id``, or None when the KPI is unknown or has no values."""
    from etablera.organisation.models import Municipality

    kpi = Kpi.objects.filter(pk=kpi_id.strip().upper()).first()
    municipality = Municipality.objects.current()
    if kpi is None or municipality is None:
        return None
    member_codes = [c for c in municipality.comparison_group if c != municipality.code]
    codes = [municipality.code, *member_codes, COUNTRY]
    rows = Value.objects.filter(kpi=kpi, gender=gender, municipality__in=codes)
    if years:
        rows = rows.filter(year__in=years)
    values = {(v.municipality, v.year): v for v in rows}
    if not values:
        return None
    names = area_names(member_codes)
    fetched = rows.aggregate(latest=Max("fetched_at"))["latest"]
    return Comparison(
        kpi=kpi,
        gender=gender,
        own_code=municipality.code,
        own_name=municipality.name,
        group_name=municipality.comparison_group_name,
        members=[(c, names.get(c, c)) for c in member_codes],
        years=sorted({year for _code, year in values}),
        values=values,
        fetched_at=kpi.last_fetched_at or fetched,
    )


def comparisons(
    kpi_ids: list[str], *, gender: str = "T", municipality=None
) -> dict[str, Comparison]:
    """The comparison of each of ``kpi_ids`` that has values, in three queries whatever their
    number — two when the caller has the ``municipality`` already (the start page's overview;
    ``comparison`` reads one KPI with the members' names)."""
    from etablera.organisation.models import Municipality

    municipality = municipality or Municipality.objects.current()
    wanted = [k.strip().upper() for k in kpi_ids if k.strip()]
    if municipality is None or not wanted:
        return {}
    kpis = Kpi.objects.in_bulk(wanted)
    member_codes = [c for c in municipality.comparison_group if c != municipality.code]
    codes = [municipality.code, *member_codes, COUNTRY]
    rows: dict[str, dict[tuple[str, int], Value]] = defaultdict(dict)
    for v in Value.objects.filter(kpi_id__in=list(kpis), gender=gender, municipality__in=codes):
        rows[v.kpi_id][(v.municipality, v.year)] = v
    return {
        kpi_id: Comparison(
            kpi=kpis[kpi_id],
            gender=gender,
            own_code=municipality.code,
            own_name=municipality.name,
            group_name=municipality.comparison_group_name,
            members=[(c, c) for c in member_codes],
            years=sorted({year for _code, year in values}),
            values=values,
            fetched_at=kpis[kpi_id].last_fetched_at,
        )
        for kpi_id, values in rows.items()
    }
