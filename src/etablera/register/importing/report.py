"""What an import tells its user: the errors row by row, the result, the error report file."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from etablera.web.tables import SafeCSVWriter

from .. import identity
from ..models import ImportRun

MAX_VALUE_SHOWN = 60


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str


def shown(value: Any) -> str:
    """A cell's value as an error report shows it: at most ``MAX_VALUE_SHOWN`` characters."""
    text = "" if value is None else str(value)
    return text if len(text) <= MAX_VALUE_SHOWN else text[: MAX_VALUE_SHOWN - 1] + "…"


class ErrorSink:
    """Every error, in order: the first ``keep`` in memory for pages, all to ``out`` if given."""

    HEADER = ["rad", "kolumn", "värde", "fel"]

    def __init__(self, out: IO[str] | None = None, keep: int = 1000) -> None:
        self.keep = keep
        self.first: list[RowError] = []
        self.count = 0
        self.rows: set[int] = set()
        self._writer = SafeCSVWriter(out, delimiter=";") if out is not None else None
        if self._writer:
            self._writer.writerow(self.HEADER)

    def add(self, row: int, column: str, value: str, message: str) -> None:
        value = identity.redact(value)
        self.count += 1
        self.rows.add(row)
        error = RowError(row, column, value, message)
        if len(self.first) < self.keep:
            self.first.append(error)
        if self._writer:
            self._writer.writerow([row, column, value, message])


@dataclass
class ImportResult:
    kind: str
    file_name: str
    dry_run: bool
    format: str = ""
    encoding: str = ""
    delimiter: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    errors: ErrorSink = field(default_factory=ErrorSink)
    run: ImportRun | None = None

    @property
    def ok(self) -> bool:
        return self.errors.count == 0

    @property
    def bad_rows(self) -> int:
        return len(self.errors.rows - {0})

    @property
    def delimiter_name(self) -> str:
        names = {";": _("semikolon"), ",": _("komma"), "\t": _("tabb")}
        return str(names.get(self.delimiter, self.delimiter))

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def save_error_report(result: ImportResult, directory: Path) -> str:
    """Write the kept errors as CSV under ``directory``; the file name relative to it."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"import-{result.run.pk if result.run else 'x'}-fel.csv"
    buffer = io.StringIO()
    writer = SafeCSVWriter(buffer, delimiter=";")
    writer.writerow(ErrorSink.HEADER)
    for error in result.errors.first:
        writer.writerow([error.row, error.column, error.value, error.message])
    (directory / name).write_text(buffer.getvalue(), encoding="utf-8-sig")
    return name
