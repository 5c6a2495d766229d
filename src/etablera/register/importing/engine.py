"""Importing participants and enrolments: validate every row, then write all or nothing.

The file is read once, as a stream (``sources``). Each row is validated in Python by the
importer of its kind (``participants``, ``enrolments``, sharing ``base``), and the valid rows
go to the writer of the database (``writers``) in batches; the first invalid row stops the
writing but not the validation, so the error report (``report``) lists every bad row, and
nothing is written.

SQLite: the batches are written into the register inside the import's one transaction, rolled
back if any row is invalid. PostgreSQL: the batches are staged in temporary tables while no
transaction on the register is open, and moved into it in one short final transaction — so a
large import neither shuts readers out nor holds rows that coaches write to for its whole length.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from etablera.accounts.access_log import log_access
from etablera.accounts.trail import person, records_actor
from etablera.web import planner

from ..models import ImportKind, ImportRun, ImportStatus
from ..signals import register_changed
from .base import ImportScope, RowImporter
from .enrolments import EnrolmentImporter
from .fields import HeaderProblem
from .participants import ParticipantImporter
from .report import ErrorSink, ImportResult, save_error_report
from .sources import FileProblem, Table, open_table
from .writers import writer_for

__all__ = [
    "ErrorSink",
    "ImportResult",
    "ImportScope",
    "check_file",
    "run_import",
    "save_error_report",
]

#: Unknown columns named in the run's notes; the notes are capped at ``MAX_NOTES`` characters,
#: so nothing from a file reaches the database beyond a bounded report.
MAX_NAMED = 10
MAX_NOTES = 2000
#: From this many rows (estimated from the file) an import is a bulk load: the facts derived
#: from the register are rebuilt whole afterwards instead of per participant.
BULK_ROWS = 50_000

IMPORTERS: dict[str, type[RowImporter]] = {
    ImportKind.PARTICIPANTS: ParticipantImporter,
    ImportKind.ENROLMENTS: EnrolmentImporter,
}

Progress = Callable[[int, int, int], Any]


@dataclass
class ImportRunContext:
    """One run of an import: what it reads, who runs it, where it reports."""

    importer: RowImporter
    table: Table
    result: ImportResult
    scope: ImportScope
    actor: Any
    started: float
    progress: Progress | None = None

    @property
    def dry_run(self) -> bool:
        return self.result.dry_run


@records_actor
def run_import(
    kind: str,
    raw: IO[bytes],
    *,
    file_name: str,
    scope: ImportScope,
    actor,
    dry_run: bool = False,
    errors: ErrorSink | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Validate the file and, unless ``dry_run`` or any row is invalid, write it all.

    ``progress(rows, done, total)`` is called after each batch (done/total in bytes for CSV,
    rows for Excel). The run is recorded as an :class:`ImportRun` and in the access log.
    """
    started = time.perf_counter()
    sink = errors or ErrorSink()
    result = ImportResult(kind=kind, file_name=file_name, dry_run=dry_run, errors=sink)
    today = today or timezone.localdate()
    try:
        table = open_table(raw, file_name)
        result.format, result.encoding, result.delimiter = (
            table.format,
            table.encoding,
            table.delimiter,
        )
        importer = IMPORTERS[kind](table, scope, sink, today)
        unknown = importer.map_header()
        if unknown:
            names = ", ".join(unknown[:MAX_NAMED]) + (" …" if len(unknown) > MAX_NAMED else "")
            result.notes.append(
                _("Kolumner som inte känns igen och inte lästes: %(names)s.") % {"names": names}
            )
    except (FileProblem, HeaderProblem) as exc:
        sink.add(0, "", "", exc.message)
        return _finish(result, scope, actor, started)

    run = ImportRunContext(importer, table, result, scope, actor, started, progress)
    if connection.vendor == "postgresql" and not dry_run:
        _stage_then_merge(run)
    else:
        _in_one_transaction(run)
    if result.committed:
        if not connection.in_atomic_block:
            planner.refresh()  # SQLite's plans for the tables the import has grown
        # The time includes the commit (where PostgreSQL runs deferred constraint checks).
        result.seconds = time.perf_counter() - started
        ImportRun.objects.filter(pk=result.run.pk).update(seconds=round(result.seconds, 3))
    else:
        _finish(result, scope, actor, started)
    return result


def check_file(
    kind: str, raw: IO[bytes], *, file_name: str, scope: ImportScope, actor=None
) -> ImportResult | None:
    """Open a file and read its header as the import will, without importing it.

    For a file that is to be imported in the background: one that cannot be an import at all
    (not a text file, a workbook that would unpack beyond the limits, a header line too long or
    without the columns that must be there) is refused — recorded as a rejected run, with its
    message — at once instead of by a job later. None when the file may be queued.
    """
    started = time.perf_counter()
    result = ImportResult(kind=kind, file_name=file_name, dry_run=False, errors=ErrorSink())
    try:
        table = open_table(raw, file_name)
        IMPORTERS[kind](table, scope, result.errors, timezone.localdate()).map_header()
    except (FileProblem, HeaderProblem) as exc:
        result.errors.add(0, "", "", exc.message)
        return _finish(result, scope, actor, started)
    finally:
        raw.seek(0)
    return None


def _in_one_transaction(run: ImportRunContext) -> None:
    """Validate and write in one transaction: SQLite, and every dry run.

    SQLite readers (WAL) never wait for the writer, and its writers wait for each other
    anyway, so there is nothing to gain from staging.
    """
    relaxed = _relax_foreign_key_checks(run.dry_run)
    try:
        with transaction.atomic():
            if _prepare(run):
                writer = None if run.dry_run else _writer(run)
                before = run.importer.model().objects.count()
                try:
                    if _read_rows(run, writer) and writer is not None:
                        _commit_rows(run, writer, before)
                finally:
                    if writer is not None:
                        writer.close()
            if not run.result.committed:
                transaction.set_rollback(True)
    finally:
        if relaxed:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA foreign_keys = ON")


def _stage_then_merge(run: ImportRunContext) -> None:
    """PostgreSQL: validate the file into staging tables with no transaction on the register
    open, then move the rows in one short transaction (see ``writers``), all or nothing.

    Between reading the lookups and the merge the register may change (a coach deletes a
    participant, another import adds the same person): the merge then breaks a key or a
    constraint, rolls back whole, and the file is refused with a message to read it in again.
    """
    if not _prepare(run):
        return
    writer = _writer(run)
    try:
        if not _read_rows(run, writer):
            return
        try:
            with transaction.atomic():
                _commit_rows(run, writer)
        except IntegrityError:
            result = run.result
            result.committed, result.run = False, None
            result.created = result.updated = result.unchanged = 0
            result.errors.add(
                0,
                "",
                "",
                _(
                    "Registret ändrades medan filen lästes in, så att raderna inte längre "
                    "passar. Ingenting sparades. Läs in filen igen."
                ),
            )
    finally:
        writer.close()


def _relax_foreign_key_checks(dry_run: bool) -> bool:
    """SQLite: turn per-row foreign-key checks off for the import's own transaction.

    Every foreign key an import writes (participant, intervention, status, unit) was looked up
    in the database inside the same write transaction, which SQLite holds exclusively
    (BEGIN IMMEDIATE), so the checks could only repeat what is already known, and with them an
    upsert of a million rows costs three times the CPU. The pragma only works outside a
    transaction; inside one (a caller's atomic block) it is left as it is.
    """
    if dry_run or connection.vendor != "sqlite" or connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")
    return True


def _prepare(run: ImportRunContext) -> bool:
    """Read the lookups the rows are checked against; False (and the error) if the file's
    columns do not fit this kind."""
    try:
        run.importer.prepare()
    except HeaderProblem as exc:
        run.result.errors.add(0, "", "", exc.message)
        return False
    return True


def _writer(run: ImportRunContext):
    bulk = (run.table.estimated_rows or 0) >= BULK_ROWS
    return writer_for(run.importer.targets(), bulk=bulk)


def _read_rows(run: ImportRunContext, writer) -> bool:
    """Validate every row, handing the valid ones to ``writer`` while no row has failed;
    True if every row was valid (and there was one)."""
    importer, table, result = run.importer, run.table, run.result
    sink = result.errors
    try:
        for batch, fresh in importer.batches():
            if writer is not None and (batch or fresh) and not sink.count:
                writer.write(batch, fresh)
            if run.progress and table.progress:
                done, total = table.progress()
                run.progress(importer.rows_read, done, total)
    except FileProblem as exc:
        sink.add(0, "", "", exc.message)
    except UnicodeDecodeError:
        sink.add(0, "", "", _("Filen innehåller tecken som inte går att läsa."))
    result.rows = importer.rows_read
    result.encoding = table.encoding or result.encoding
    result.notes.extend(table.notes)
    if not sink.count and not importer.rows_valid:
        sink.add(0, "", "", _("Filen har inga rader att importera under rubrikraden."))
    return not sink.count


def _commit_rows(run: ImportRunContext, writer, before: int | None = None) -> None:
    """Inside the import's (final) transaction: write what the writer holds, follow it with
    what is derived from the register, and record the run. ``before``: the rows the table
    had before the import wrote any (counted here if None)."""
    importer, result = run.importer, run.result
    model = importer.model()
    bulk = (run.table.estimated_rows or 0) >= BULK_ROWS
    if connection.vendor == "postgresql":
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: checked as the rows go in,
        # not at commit, so that they never run while the access log's append lock (taken by
        # _finish below) is held, which every page that logs a view would wait for.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    if before is None:
        before = model.objects.count()
    changed = writer.finish()
    # What is derived from the register follows, in the same transaction: everyone after a
    # bulk load, else the participants whose rows this import wrote (stamped with its time).
    register_changed.send(
        sender=model, participant_ids=None if bulk else importer.changed_participants(model)
    )
    result.created = model.objects.count() - before
    result.updated = max(changed - result.created, 0)
    result.unchanged = result.rows - result.created - result.updated
    result.committed = True
    _finish(result, run.scope, run.actor, run.started)
    importer.finish(result.run, run.actor)


def _finish(result: ImportResult, scope: ImportScope, actor, started: float) -> ImportResult:
    result.seconds = time.perf_counter() - started
    if result.committed:
        status = ImportStatus.COMMITTED
    elif result.dry_run and result.ok:
        status = ImportStatus.DRY_RUN
    else:
        status = ImportStatus.REJECTED
    run = ImportRun.objects.create(
        kind=result.kind,
        file_name=result.file_name[:255],
        owning_unit=scope.default_unit,
        started_by=person(actor),
        status=status,
        rows=result.rows,
        created=result.created,
        updated=result.updated,
        error_count=result.errors.count,
        seconds=round(result.seconds, 3),
        notes="\n".join(result.notes)[:MAX_NOTES],
    )
    result.run = run
    detail = (
        f"import {result.kind} {status}: {result.rows} rows, {result.created} new, "
        f"{result.updated} changed, {result.errors.count} errors"
    )
    log_access(actor, "change" if result.committed else "search", run, detail=detail)
    return result
