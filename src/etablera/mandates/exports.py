"""The mandate register as an Excel workbook; the responsibility matrix as a workbook and a PDF.

The workbook and the PDF are built from the same selectors as the pages, so an export never
says something the page does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from etablera.web import pdf
from etablera.web.tables import Table
from etablera.web.xlsx import safe_text, write_table

from .models import Mandate
from .selectors import Matrix, MatrixEntry

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _yes_no(value: bool) -> str:
    return _("Ja") if value else _("Nej")


def mandate_table(mandates: Iterable[Mandate], caption: str) -> Table:
    """Every field of each mandate, one row each (the register's export)."""
    columns = [
        _("Id"),
        _("Rubrik"),
        _("Politikområde"),
        _("Ägare"),
        _("Utförare"),
        _("Nivå"),
        _("Ursprung"),
        _("Uppdragsgivare"),
        _("Beslut"),
        _("Uppföljningsansvarigt organ"),
        _("Uppföljningsansvarig funktion"),
        _("Återrapportering"),
        _("Startdatum"),
        _("Slutdatum"),
        _("Status"),
        _("Beslut saknas"),
        _("Uppföljningsansvarig saknas"),
        _("Beskrivning"),
    ]
    # Translated once: get_FOO_display translates every choice on every call.
    display = {
        name: {value: str(label) for value, label in Mandate._meta.get_field(name).choices}
        for name in ("level", "origin", "report_frequency", "status")
    }
    rows = [
        [
            m.pk,
            m.title,
            m.policy_area.name,
            m.owner.name,
            m.performer_label,
            display["level"][m.level],
            display["origin"][m.origin],
            m.commissioned_by.name if m.commissioned_by_id else "",
            m.decision.reference if m.decision_id else "",
            m.follow_up_body.name if m.follow_up_body_id else "",
            m.follow_up_role,
            display["report_frequency"][m.report_frequency],
            _date(m.start),
            _date(m.end),
            display["status"][m.status],
            _yes_no(m.missing_decision),
            _yes_no(m.missing_follow_up),
            m.description,
        ]
        for m in mandates
    ]
    return Table(caption=caption, columns=[str(c) for c in columns], rows=rows, row_headers=False)


def _autosize(sheet, widths: dict[int, int]) -> None:
    for col, width in widths.items():
        sheet.column_dimensions[get_column_letter(col)].width = width


def register_workbook(mandates: Iterable[Mandate], filter_text: str) -> Workbook:
    """The register, filtered as on the page, in one sheet with filters and a frozen header."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = str(pgettext("plural", "Uppdrag"))
    caption = _("Uppdragsregister – %(filters)s – uttag %(date)s") % {
        "filters": filter_text,
        "date": timezone.localdate().strftime("%Y-%m-%d"),
    }
    table = mandate_table(mandates, caption)
    write_table(sheet, table)
    last = len(table.rows) + 2
    sheet.freeze_panes = "C3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(table.columns))}{last}"
    _autosize(sheet, {1: 7, 2: 45, 3: 20, 4: 28, 5: 38, 9: 34, 10: 28, 11: 28, 18: 60})
    return workbook


# --- the responsibility matrix ---------------------------------------------------------------


def legend_lines() -> list[str]:
    """The matrix's legend, the same on the page, in the PDF and in the workbook."""
    return [
        _(
            "Raderna är politikområden och kolumnerna organ. Ett uppdrag står i kolumnen för "
            "det organ som äger det och i kolumnen för det organ som utför det; utförs det av "
            "en enhet står det under enhetens organ. Är ägare och utförare samma organ står "
            "uppdraget en gång, markerat med båda rollerna."
        ),
        _(
            "Roll: ”Ägare”, ”Utförare” eller ”Ägare och utförare” anger vilken del kolumnens "
            "organ har i uppdraget; ”genom …” namnger enheten som utför det."
        ),
        _("Nivå: ”Strategiskt” eller ”Operativt”."),
        _(
            "Ursprung: ”Ordinarie” (enligt reglementet), ”Beställt av KS”, ”Beställt av KF” "
            "eller ”Avtal” (med en extern part)."
        ),
        _("Uppföljning: det organ (och den funktion) som följer upp uppdraget."),
        _(
            "”Beslut saknas”: ett beställt uppdrag utan registrerat beslut. "
            "”Ingen uppföljningsansvarig”: ingen är utsedd att följa upp uppdraget."
        ),
    ]


def entry_text(entry: MatrixEntry) -> str:
    m = entry.mandate
    parts = [entry.role_label, entry.labels.level, entry.labels.origin]
    lines = [m.title, " · ".join(str(p) for p in parts)]
    if entry.labels.follow_up:
        lines.append(_("Uppföljning: %(who)s") % {"who": entry.labels.follow_up})
    else:
        lines.append(_("Ingen uppföljningsansvarig"))
    if m.missing_decision:
        lines.append(_("Beslut saknas"))
    return "\n".join(lines)


def matrix_workbook(data: Matrix, municipality_name: str, filter_text: str) -> Workbook:
    """Sheets: the matrix (areas × bodies), every mandate in it as a list, and the legend."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = str(_("Ansvarsmatris"))
    title = _("Ansvarsmatris – %(municipality)s") % {"municipality": municipality_name}
    sheet.cell(row=1, column=1, value=safe_text(title)).font = Font(bold=True, size=14)
    sheet.cell(
        row=2,
        column=1,
        value=safe_text(
            _("Urval: %(filters)s. Uttag %(date)s.")
            % {"filters": filter_text, "date": timezone.localdate().strftime("%Y-%m-%d")}
        ),
    )
    header_row = 4
    sheet.cell(row=header_row, column=1, value=str(_("Politikområde"))).font = _BOLD
    for col, body in enumerate(data.columns, start=2):
        c = sheet.cell(row=header_row, column=col, value=safe_text(body.short_name))
        c.font = _BOLD
        sheet.cell(row=header_row + 1, column=col, value=safe_text(body.name)).alignment = _WRAP
    sheet.cell(row=header_row + 1, column=1, value=str(_("(organets namn)")))
    for r, row in enumerate(data.rows, start=header_row + 2):
        area_cell = sheet.cell(row=r, column=1, value=safe_text(row.area.name))
        area_cell.font = _BOLD
        area_cell.alignment = _WRAP
        for col, entries in enumerate(row.cells, start=2):
            text = "\n\n".join(entry_text(e) for e in entries)
            sheet.cell(row=r, column=col, value=safe_text(text) if text else "").alignment = _WRAP
    sheet.freeze_panes = f"B{header_row + 2}"
    _autosize(sheet, {1: 22, **{col: 34 for col in range(2, len(data.columns) + 2)}})

    listing = workbook.create_sheet(str(pgettext("plural", "Uppdrag")))
    write_table(listing, mandate_table(data.mandates, str(_("Uppdragen i matrisen"))))
    listing.freeze_panes = "C3"
    _autosize(listing, {1: 7, 2: 45, 3: 20, 4: 28, 5: 38, 9: 34, 10: 28, 11: 28, 18: 60})

    legend = workbook.create_sheet(str(_("Teckenförklaring")))
    legend.cell(row=1, column=1, value=str(_("Teckenförklaring"))).font = _BOLD
    line_no = 2
    for line in legend_lines():
        legend.cell(row=line_no, column=1, value=safe_text(str(line))).alignment = _WRAP
        line_no += 1
    line_no += 1
    legend.cell(row=line_no, column=1, value=str(_("Organ"))).font = _BOLD
    for body in data.columns:
        line_no += 1
        legend.cell(row=line_no, column=1, value=safe_text(f"{body.short_name}: {body.name}"))
    legend.column_dimensions["A"].width = 110
    return workbook


MATRIX_TEMPLATE = Path(__file__).resolve().parent / "templates" / "mandates" / "matrix.typ"


def _matrix_cell(entries: list[MatrixEntry]) -> list[dict[str, Any]]:
    return [
        {
            "title": pdf.text(entry.mandate.title).strip() or "–",
            "line": pdf.text(f"{entry.role_label} · {entry.labels.level} · {entry.labels.origin}"),
            "follow_up": (
                pdf.text(f"{_('Uppföljning:')} {entry.labels.follow_up}")
                if entry.labels.follow_up
                else None
            ),
            "missing_decision": bool(entry.mandate.missing_decision),
        }
        for entry in entries
    ]


def matrix_pdf(data: Matrix, municipality_name: str, filter_text: str) -> bytes:
    """The matrix as a landscape PDF with its legend (A3 when there are many bodies).

    Typeset by Typst from the same matrix as the page (``web.pdf``, ADR 5) and tagged as
    PDF/UA-1, like the consolidated report: headings, the table with its header row, the
    document's language and title, so a screen reader can read it.
    """
    generated = timezone.localtime()
    count = len(data.mandates)
    intro = [
        _("Urval: %(filters)s. Uttag %(date)s.")
        % {"filters": filter_text, "date": f"{generated:%Y-%m-%d %H:%M}"},
        ngettext("%(n)s uppdrag.", "%(n)s uppdrag.", count) % {"n": count},
        _("Beställda uppdrag utan beslut: %(a)s. Uppdrag utan uppföljningsansvarig: %(b)s.")
        % {"a": len(data.missing_decision), "b": len(data.missing_follow_up)},
    ]
    title = (
        f"{_('Ansvarsmatris')} – {municipality_name}" if municipality_name else _("Ansvarsmatris")
    )
    document = {
        "lang": (get_language() or "sv").split("-")[0],
        "title": title,
        "author": municipality_name or "Etablera",
        "description": filter_text,
        "paper": "a3" if len(data.columns) > 12 else "a4",
        "intro": " ".join(intro),
        "legend": [str(line) for line in legend_lines()],
        "words": {
            "legend": _("Teckenförklaring"),
            "matrix": _("Matrisen"),
            "area": _("Politikområde"),
            "empty": _("Inga uppdrag matchar urvalet."),
            "no-follow-up": _("Ingen uppföljningsansvarig"),
            "no-decision": _("Beslut saknas"),
            "footer": f"{_('Ansvarsmatris')} {generated:%Y-%m-%d}",
            "page": _("Sida"),
            "of": _("av"),
        },
        "columns": [
            {"short": pdf.text(body.short_name), "name": pdf.text(body.name)}
            for body in data.columns
        ],
        "rows": [
            {"area": pdf.text(row.area.name), "cells": [_matrix_cell(cell) for cell in row.cells]}
            for row in data.rows
        ],
    }
    return pdf.render(MATRIX_TEMPLATE, document, created=generated)
