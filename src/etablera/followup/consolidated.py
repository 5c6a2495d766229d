"""The consolidated follow-up report of a period, built once as data and rendered three ways.

``build(period, user) -> ConsolidatedReport`` collects, for one ``followup.Period``:

1. a summary — every body's report status, and the assessments counted by body and by policy
   area (tables, and bar charts with their data tables);
2. every body's entries — assessment, analysis, planned measures and the indicator values as
   they stood on submission — and, under a commissioning body, the entries other bodies wrote
   about mandates it commissioned (R7);
3. indicator tables per policy area: the value of each indicator over this and earlier periods
   of the same kind, with the year's target, and a trend chart per indicator;
4. the sections other apps contribute (see *Extension point* below).

Everything is ``etablera.web.tables`` objects (``Section``, ``Table``, ``Chart``, ``Cell``), so
``followup.renderers`` renders the same content as a web page, a PDF and an Excel workbook.

Which reports are included: the submitted and approved reports the user may read
(``followup.report.view``: readers and auditors read approved ones only). The status overview
in the summary lists every body's report of the period — status and dates, never content — so
that the executive board sees who has not yet reported.

Extension point: ``<app>/report_sections.py``
=============================================

Any Etablera app may contribute to the consolidated report with a module
``etablera/<app>/report_sections.py`` (found by
``etablera.web.plugins.contributions("report_sections")``). It may define either or both
of:

``sections(period, user) -> list[Section]``
    Whole parts of the report, e.g. register KPIs, the governance check or the status of audit
    actions. ``period`` is the ``followup.models.Period`` (``.code``, ``.name``, ``.kind``,
    ``.start``, ``.end``, ``.deadline``); ``user`` is the reader (an ``accounts.policy.Operator``
    from the command line — the widest aggregated view, which contains no personal data). Each
    returned ``etablera.web.tables.Section`` becomes one part: a level-2 heading in the page and the
    PDF (with an entry in the table of contents and a PDF bookmark) and one sheet in the workbook
    (named after ``Section.title``, cut to 31 characters). Its ``intro``, ``charts`` (each drawn
    with its data table; the workbook gets the data table) and ``tables`` follow in that order.
    Parts are ordered by ``Section.order`` (the report's own parts use 10–30; use 40 and above);
    ``Section.anchor`` (a unique slug) is filled in from the title when empty.
    Suppressed figures must be ``Cell(suppressed=True)``: every format then shows "..".
    Return ``[]`` when there is nothing to say for the period.

``entry_extras(period, entries, user) -> dict[int, list[Table]]``
    Extra tables under individual report entries, keyed by ``ReportEntry.pk``. ``entries`` is
    the list of every entry being shown at once — all entries of the consolidated report, or
    of one report's page — with ``mandate``, ``mandate.policy_area``,
    ``mandate.commissioned_by``, ``goal`` and ``report.body`` already loaded, so a contributor
    answers for all of them with a fixed number of queries. Its main use is R7: for an entry
    about a commissioned mandate (``entry.mandate`` with ``entry.mandate.is_commissioned``),
    the statistics app adds the outcomes of the interventions run on that mandate; those tables
    then appear under the entry in the performing body's part and in the commissioning body's
    part, on the report's own page (``/uppfoljning/rapporter/<id>/``) and in all three
    formats of the consolidated report.

Both are called once per rendering, with the same ``period`` and ``user``. They must not write.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from etablera.goals.models import Goal, Indicator, Target
from etablera.goals.periods import earlier_codes, parse_standard
from etablera.goals.sources import bulk_indicator_values, value_cell
from etablera.mandates.models import PolicyArea
from etablera.web.charts import STATUS_STYLES, chart_with_table
from etablera.web.plugins import contributions
from etablera.web.tables import Cell, Section, Table

from . import selectors
from .indicators import GENDER_LABELS, snapshot_table
from .models import Assessment, Period, PeriodKind, Report, ReportEntry, ReportStatus

#: How many periods (this one included) the indicator trends show.
TREND_LENGTH = 5

ASSESSMENT_BADGE: dict[str, str] = {
    Assessment.MET: "ok",
    Assessment.PARTLY: "warn",
    Assessment.NOT_MET: "bad",
    Assessment.NOT_ASSESSED: "muted",
}
STATUS_BADGE: dict[str, str] = {
    ReportStatus.DRAFT: "muted",
    ReportStatus.SUBMITTED: "info",
    ReportStatus.RETURNED: "warn",
    ReportStatus.APPROVED: "ok",
}
ASSESSMENT_ORDER = [Assessment.MET, Assessment.PARTLY, Assessment.NOT_MET, Assessment.NOT_ASSESSED]


@dataclass
class EntryBlock:
    """One report entry as the consolidated report shows it."""

    pk: int
    title: str
    kind: str
    kind_label: str
    policy_area: str
    assessment: str
    assessment_label: str
    analysis: str
    measures: str
    reporting_body: str
    reporting_body_name: str
    commissioned_by: str
    #: The indicators that measure the subject; their values are in the body's table.
    indicator_names: list[str] = field(default_factory=list)
    #: Tables other apps add under the entry (``entry_extras``).
    tables: list[Table] = field(default_factory=list)
    #: The entry's snapshot (indicator values when submitted), for the body's table.
    snapshot: list[dict] = field(default_factory=list, repr=False)

    @property
    def badge(self) -> str:
        return ASSESSMENT_BADGE.get(self.assessment, "muted")

    @property
    def anchor(self) -> str:
        return f"post-{self.pk}"


@dataclass
class BodyPart:
    """A body's report in the consolidated report, with what others did on its behalf (R7)."""

    name: str
    short_name: str
    anchor: str
    status: str
    status_label: str
    decision: str
    summary: str
    entries: list[EntryBlock] = field(default_factory=list)
    commissioned: list[EntryBlock] = field(default_factory=list)
    #: The indicator values of the body's entries as they stood on submission, one row per
    #: indicator (entries about a goal and about a mandate serving it share indicators).
    indicator_table: Table | None = None
    #: The same for the entries other bodies wrote about mandates this body commissioned.
    commissioned_table: Table | None = None

    @property
    def badge(self) -> str:
        return STATUS_BADGE.get(self.status, "muted")

    @property
    def title(self) -> str:
        return f"{self.name} ({self.short_name})"


@dataclass
class TocItem:
    title: str
    anchor: str
    children: list[TocItem] = field(default_factory=list)


@dataclass
class ConsolidatedReport:
    period: Period
    title: str
    generated_at: datetime.datetime
    summary: Section
    bodies: list[BodyPart]
    indicators: list[Section]
    contributed: list[Section]
    municipality: str = ""
    #: Words the templates repeat for every entry, translated once.
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def bodies_anchor(self) -> str:
        return "organens-rapporter"

    @property
    def indicators_anchor(self) -> str:
        return "indikatorer"

    def toc(self) -> list[TocItem]:
        items = [TocItem(self.summary.title, self.summary.anchor)]
        items.append(
            TocItem(
                _("Organens rapporter"),
                self.bodies_anchor,
                [TocItem(part.title, part.anchor) for part in self.bodies],
            )
        )
        if self.indicators:
            items.append(
                TocItem(
                    _("Indikatorer"),
                    self.indicators_anchor,
                    [TocItem(s.title, s.anchor) for s in self.indicators],
                )
            )
        items.extend(TocItem(s.title, s.anchor) for s in self.contributed)
        return items

    def all_entries(self) -> list[tuple[BodyPart, EntryBlock]]:
        return [(part, entry) for part in self.bodies for entry in part.entries]


# --- building ----------------------------------------------------------------------------


class _Labels:
    """Translated labels, looked up once per report rather than once per entry."""

    def __init__(self) -> None:
        self.kind = {"mandate": _("Uppdrag"), "goal": _("Mål")}
        self.assessment = {value: str(label) for value, label in Assessment.choices}


def _entry_block(entry: ReportEntry, extras: list[Table], labels: _Labels) -> EntryBlock:
    subject: Any = entry.mandate if entry.mandate_id else entry.goal
    body = entry.report.body
    snapshot = entry.snapshot or []
    return EntryBlock(
        pk=entry.pk,
        title=subject.title,
        kind=entry.subject_kind,
        kind_label=labels.kind[entry.subject_kind],
        policy_area=subject.policy_area.name,
        assessment=entry.assessment,
        assessment_label=labels.assessment.get(entry.assessment, entry.assessment),
        analysis=entry.analysis,
        measures=entry.measures,
        reporting_body=body.short_name,
        reporting_body_name=body.name,
        commissioned_by=(
            entry.mandate.commissioned_by.short_name
            if entry.mandate_id and entry.mandate.commissioned_by_id
            else ""
        ),
        indicator_names=[item["name"] for item in snapshot],
        tables=extras,
        snapshot=snapshot,
    )


def _values_table(blocks: list[EntryBlock], caption: str, year: int) -> Table | None:
    """One row per indicator found in the entries' snapshots (the first occurrence wins: the
    entries of one report were all snapshotted at the same moment)."""
    seen: dict[int, dict] = {}
    for block in blocks:
        for item in block.snapshot:
            seen.setdefault(item["indicator"], item)
    items = sorted(seen.values(), key=lambda item: item["name"])
    return snapshot_table(items, caption, year)


def _contributor_modules() -> list[Any]:
    return contributions("report_sections")


def entry_extras_for(period: Period, entries: list[ReportEntry], user) -> dict[int, list[Table]]:
    """Every contributor's ``entry_extras`` for these entries, merged by entry id."""
    found: dict[int, list[Table]] = defaultdict(list)
    for module in _contributor_modules():
        hook = getattr(module, "entry_extras", None)
        if hook is None:
            continue
        for pk, tables in (hook(period, entries, user) or {}).items():
            found[pk].extend(tables)
    return found


def _status_table(reports: list[Report]) -> Table:
    rows = []
    for report in reports:
        rows.append(
            [
                f"{report.body.name} ({report.body.short_name})",
                Cell(report.status, display=str(report.get_status_display())),
                f"{report.submitted_at:%Y-%m-%d}" if report.submitted_at else "–",
                f"{report.approved_at:%Y-%m-%d}" if report.approved_at else "–",
                report.decision.reference if report.decision_id else "–",
            ]
        )
    return Table(
        caption=_("Organens rapporter och deras status"),
        columns=[_("Organ"), _("Status"), _("Inlämnad"), _("Godkänd"), _("Beslut")],
        rows=rows,
    )


def _assessment_chart(title: str, heading: str, counts: dict[str, Counter], description: str):
    labels = list(counts)
    series: dict[str, Sequence[Any]] = {
        str(Assessment(a).label): [counts[label][a] for label in labels] for a in ASSESSMENT_ORDER
    }
    return chart_with_table(
        "bar",
        title,
        labels,
        series,
        label_heading=heading,
        description=description,
        styles=[STATUS_STYLES[a] for a in ASSESSMENT_ORDER],
    )


def assessment_counts(entries: int, total: Counter) -> str:
    """ "Rapporterna innehåller 3 poster: 1 uppfyllt, 1 delvis uppfyllt, …" with the number of
    every word agreeing with its count."""
    counts = [
        ngettext("%(n)s uppfyllt", "%(n)s uppfyllda", total[Assessment.MET]),
        ngettext("%(n)s delvis uppfyllt", "%(n)s delvis uppfyllda", total[Assessment.PARTLY]),
        ngettext("%(n)s ej uppfyllt", "%(n)s ej uppfyllda", total[Assessment.NOT_MET]),
        ngettext("%(n)s ej bedömt", "%(n)s ej bedömda", total[Assessment.NOT_ASSESSED]),
    ]
    keys = [Assessment.MET, Assessment.PARTLY, Assessment.NOT_MET, Assessment.NOT_ASSESSED]
    parts = [text % {"n": total[key]} for text, key in zip(counts, keys, strict=True)]
    return ngettext(
        "Rapporterna innehåller %(entries)s post: %(parts)s och %(last)s.",
        "Rapporterna innehåller %(entries)s poster: %(parts)s och %(last)s.",
        entries,
    ) % {"entries": entries, "parts": ", ".join(parts[:-1]), "last": parts[-1]}


def _summary(period: Period, all_reports: list[Report], entries: list[ReportEntry]) -> Section:
    by_body: dict[str, Counter] = defaultdict(Counter)
    by_area: dict[str, Counter] = defaultdict(Counter)
    area_order: dict[str, tuple[int, str]] = {}
    for entry in entries:
        subject: Any = entry.mandate if entry.mandate_id else entry.goal
        by_body[entry.report.body.short_name][entry.assessment] += 1
        area = subject.policy_area
        by_area[area.name][entry.assessment] += 1
        area_order[area.name] = (area.order, area.name)
    by_area = {name: by_area[name] for name in sorted(by_area, key=lambda n: area_order[n])}
    total = Counter(entry.assessment for entry in entries)
    submitted = sum(1 for r in all_reports if r.status in selectors.SHOWN_STATUSES)
    approved = sum(1 for r in all_reports if r.status == ReportStatus.APPROVED)
    intro = " ".join(
        [
            ngettext(
                "%(approved)s av %(count)s organs rapporter är godkänd",
                "%(approved)s av %(count)s organs rapporter är godkända",
                approved,
            )
            % {"approved": approved, "count": len(all_reports)},
            ngettext(
                "och %(submitted)s är inlämnad eller godkänd.",
                "och %(submitted)s är inlämnade eller godkända.",
                submitted,
            )
            % {"submitted": submitted},
            assessment_counts(len(entries), total),
        ]
    )
    charts = []
    if entries:
        charts.append(
            _assessment_chart(
                _("Bedömningar per organ, %(code)s") % {"code": period.code},
                _("Organ"),
                by_body,
                _("Antal poster per bedömning för varje organ. Samma siffror finns i tabellen."),
            )
        )
        charts.append(
            _assessment_chart(
                _("Bedömningar per politikområde, %(code)s") % {"code": period.code},
                _("Politikområde"),
                by_area,
                _(
                    "Antal poster per bedömning för varje politikområde. Samma siffror finns i "
                    "tabellen."
                ),
            )
        )
    return Section(
        title=_("Sammanfattning"),
        intro=intro,
        tables=[_status_table(all_reports), _deviations_table(entries)],
        charts=charts,
        order=10,
        anchor="sammanfattning",
    )


def _deviations_table(entries: list[ReportEntry]) -> Table:
    """What deviates, on the first page: every entry not met, then every one partly met."""
    rank: dict[str, int] = {Assessment.NOT_MET: 0, Assessment.PARTLY: 1}
    deviating = sorted(
        (e for e in entries if e.assessment in rank),
        key=lambda e: (rank[e.assessment], e.report.body.name, e.order, e.pk),
    )
    rows = []
    for entry in deviating:
        subject: Any = entry.mandate if entry.mandate_id else entry.goal
        rows.append(
            [
                str(subject),
                entry.report.body.short_name,
                subject.policy_area.name,
                Cell(entry.assessment, display=str(entry.get_assessment_display())),
            ]
        )
    return Table(
        caption=_("Avvikelser: poster som inte är eller bara delvis är uppfyllda"),
        columns=[_("Rubrik"), _("Organ"), _("Politikområde"), _("Bedömning")],
        rows=rows,
    )


def trend_ranges(period: Period) -> list[tuple[str, datetime.date, datetime.date]]:
    """This period and up to ``TREND_LENGTH - 1`` earlier ones of the same kind, oldest first:
    stored periods first, filled up with the standard codes before them."""
    stored = list(
        Period.objects.filter(kind=period.kind, end__lte=period.end)
        .order_by("-end")
        .values_list("code", "start", "end")[:TREND_LENGTH]
    )
    ranges = {(s, e): code for code, s, e in stored}
    if len(ranges) < TREND_LENGTH and period.kind != PeriodKind.OTHER:
        for code in reversed(earlier_codes(period.code, TREND_LENGTH - 1)):
            standard = parse_standard(code)
            if standard is None or len(ranges) >= TREND_LENGTH:
                continue
            if (standard.start, standard.end) not in ranges and code not in ranges.values():
                ranges[(standard.start, standard.end)] = code
    ordered = sorted(ranges.items(), key=lambda item: item[0][1])[-TREND_LENGTH:]
    return [(code, start, end) for (start, end), code in ordered]


def _indicator_sections(period: Period, user) -> list[Section]:
    trend = trend_ranges(period)
    years = sorted({end.year for _code, _start, end in trend})
    indicators = list(
        Indicator.objects.filter(
            is_active=True,
            goals__valid_from__lte=period.end,
        )
        .exclude(goals__valid_to__lt=period.start)
        .distinct()
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.select_related("policy_area")),
            Prefetch("targets", queryset=Target.objects.filter(year__in=years)),
        )
        .order_by("name")
    )
    if not indicators:
        return []
    values = bulk_indicator_values(indicators, [(s, e) for _c, s, e in trend], user=user)
    by_area: dict[int, list[Indicator]] = defaultdict(list)
    areas: dict[int, PolicyArea] = {}
    for indicator in indicators:
        goals = sorted(
            indicator.goals.all(), key=lambda g: (g.policy_area.order, g.policy_area.name)
        )
        area = goals[0].policy_area
        areas[area.pk] = area
        by_area[area.pk].append(indicator)
    year = period.end.year
    codes = [code for code, _s, _e in trend]
    sections = []
    for area_pk in sorted(by_area, key=lambda pk: (areas[pk].order, areas[pk].name)):
        area = areas[area_pk]
        rows = []
        charts = []
        notes: dict[str, None] = {}  # the values' notes (register values: their accuracy)
        for indicator in by_area[area_pk]:
            own_notes: dict[str, None] = {}
            targets = {(t.year, t.gender): t.value for t in indicator.targets.all()}
            series: dict[str, Sequence[Any]] = {}
            totals: list[Any] = []
            for gender in indicator.genders:
                points = []
                for _code, start, end in trend:
                    found = {v.gender: v for v in values.get((indicator.pk, start, end), [])}
                    sv = found.get(gender)
                    points.append(sv.cell(indicator) if sv is not None else Cell(None))
                    if sv is not None and sv.note:
                        own_notes[sv.note] = notes[sv.note] = None
                series[str(GENDER_LABELS[gender])] = points
                if gender == "T":
                    totals = points
            target = targets.get((year, "T"))
            rows.append(
                [
                    indicator.name,
                    *totals,
                    value_cell(target, indicator) if target is not None else Cell(None),
                    str(indicator.get_direction_display()),
                    str(indicator.get_source_display()),
                ]
            )
            target_points = [
                value_cell(targets[(end.year, "T")], indicator)
                if (end.year, "T") in targets
                else Cell(None)
                for _code, _start, end in trend
            ]
            if any(not c.suppressed and c.value is not None for c in target_points):
                series[_("Målvärde")] = target_points
            if any(
                isinstance(c, Cell) and c.value is not None
                for points in series.values()
                for c in points
            ):
                charts.append(
                    chart_with_table(
                        "line",
                        _("%(name)s, utveckling") % {"name": indicator.name},
                        codes,
                        series,
                        unit=indicator.suffix,
                        label_heading=_("Period"),
                        description=_(
                            "Linjediagram över %(name)s för perioderna %(first)s–%(last)s. "
                            "Samma värden finns i tabellen bredvid."
                        )
                        % {"name": indicator.name, "first": codes[0], "last": codes[-1]},
                    )
                )
                charts[-1].table.note = " ".join(own_notes)
        table = Table(
            caption=_("Indikatorer inom %(area)s: utfall per period och målvärde %(year)s")
            % {"area": area.name, "year": year},
            columns=[
                _("Indikator"),
                *codes,
                _("Målvärde %(year)s") % {"year": year},
                _("Riktning"),
                _("Källa"),
            ],
            rows=rows,
            note=" ".join(notes),
        )
        sections.append(
            Section(
                title=str(area.name),
                intro=_("Utfall för totalt; uppdelning per kön finns i diagrammens tabeller."),
                tables=[table],
                charts=charts,
                order=30,
                anchor=f"indikatorer-{slugify(area.code or area.name)}",
            )
        )
    return sections


def _contributed(period: Period, user) -> list[Section]:
    sections: list[Section] = []
    for module in _contributor_modules():
        hook = getattr(module, "sections", None)
        if hook is not None:
            sections.extend(hook(period, user) or [])
    used = {"sammanfattning", "organens-rapporter", "indikatorer"}
    for section in sections:
        anchor = section.anchor or slugify(str(section.title)) or "del"
        base, n = anchor, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        section.anchor = anchor
    return sorted(sections, key=lambda s: s.order)


def build(period: Period, user) -> ConsolidatedReport:
    """The consolidated report of ``period`` as ``user`` may read it (see the module docstring).

    A fixed number of queries however many bodies, entries and indicators there are (plus what
    the contributed sections and value sources need).
    """
    from etablera.organisation.models import Municipality

    all_reports = list(
        Report.objects.filter(period=period)
        .select_related("body", "decision__body")
        .order_by("body__kind_order", "body__name")
    )
    visible_ids = set(
        selectors.reports(user, period=period)
        .filter(status__in=selectors.SHOWN_STATUSES)
        .values_list("pk", flat=True)
    )
    visible = [r for r in all_reports if r.pk in visible_ids]
    entries = list(
        ReportEntry.objects.select_related(
            "report__body", "mandate__policy_area", "mandate__commissioned_by", "goal__policy_area"
        )
        .filter(report__in=[r.pk for r in visible])
        .order_by("report__body__kind_order", "report__body__name", "order", "pk")
    )
    extras = entry_extras_for(period, entries, user)
    labels = _Labels()
    blocks = {e.pk: _entry_block(e, extras.get(e.pk, []), labels) for e in entries}

    parts: dict[int, BodyPart] = {}
    body_objects = {}
    for report in visible:
        body = report.body
        body_objects[body.pk] = body
        parts[body.pk] = BodyPart(
            name=body.name,
            short_name=body.short_name,
            anchor=f"organ-{slugify(body.short_name)}-{body.pk}",
            status=report.status,
            status_label=str(report.get_status_display()),
            decision=report.decision.reference if report.decision_id else "",
            summary=report.summary,
        )
    for entry in entries:
        parts[entry.report.body_id].entries.append(blocks[entry.pk])
    for entry in entries:
        commissioner = entry.mandate.commissioned_by if entry.mandate_id else None
        if commissioner is None or commissioner.pk == entry.report.body_id:
            continue
        if commissioner.pk not in parts:
            body_objects[commissioner.pk] = commissioner
            parts[commissioner.pk] = BodyPart(
                name=commissioner.name,
                short_name=commissioner.short_name,
                anchor=f"organ-{slugify(commissioner.short_name)}-{commissioner.pk}",
                status="",
                status_label=_("Ingen egen rapport i perioden"),
                decision="",
                summary="",
            )
        parts[commissioner.pk].commissioned.append(blocks[entry.pk])
    year = period.end.year
    for part in parts.values():
        part.indicator_table = _values_table(
            part.entries,
            _("Indikatorvärden i rapporten från %(body)s när den lämnades in")
            % {"body": part.short_name},
            year,
        )
        part.commissioned_table = _values_table(
            part.commissioned,
            _("Indikatorvärden i utförarnas poster om uppdrag från %(body)s")
            % {"body": part.short_name},
            year,
        )
    ordered = sorted(
        parts.items(),
        key=lambda item: (body_objects[item[0]].kind_order, body_objects[item[0]].name),
    )
    municipality = Municipality.objects.current()
    return ConsolidatedReport(
        period=period,
        title=_("Sammanställd uppföljning %(name)s") % {"name": period.name},
        generated_at=timezone.localtime().replace(microsecond=0),
        summary=_summary(period, all_reports, entries),
        bodies=[part for _pk, part in ordered],
        indicators=_indicator_sections(period, user),
        contributed=_contributed(period, user),
        municipality=municipality.name if municipality else "",
        labels={
            "assessment": _("Bedömning"),
            "reported_by": _("Rapporterat av"),
            "commissioned_by": _("Uppdrag från"),
            "analysis": _("Analys"),
            "measures": _("Planerade åtgärder"),
            "indicators": _("Indikatorer"),
        },
    )
