"""The register's background job: a web import of a large file.

The upload is kept in the job files directory until the job has read it; the import itself is
the same all-or-nothing run as in the request (one transaction), so a worker that dies midway
leaves the register as it was.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from etablera.jobs.models import Job
from etablera.jobs.registry import JobFailed, job_kind
from etablera.jobs.services import enqueue
from etablera.organisation.models import Unit

from .importing.engine import ErrorSink, ImportScope, run_import, save_error_report
from .models import ImportRun

KIND = "register.import"
ERROR_DIR = "register-imports"  # as the upload page's error reports


def _upload_dir() -> Path:
    return Path(settings.ETABLERA_JOB_FILES_DIR) / "uploads"


def start_import_job(
    user, upload, *, kind: str, unit: Unit, allowed_paths: tuple[str, ...], dry_run: bool
) -> Job:
    """Keep the uploaded file and queue its import; the job to follow."""
    directory = _upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}{Path(upload.name).suffix.lower()[:10]}"
    with (directory / stored).open("wb") as out:
        upload.seek(0)
        shutil.copyfileobj(upload, out, 1024 * 1024)
    return enqueue(
        KIND,
        actor=user,
        kind=kind,
        stored=stored,
        file_name=Path(upload.name).name[:255],
        unit=unit.pk,
        allowed_paths=list(allowed_paths),
        dry_run=dry_run,
    )


@job_kind(KIND, _("Import från fil"), result_template="register/includes/import_job_result.html")
def import_file(
    job: Job,
    progress,
    *,
    kind: str,
    stored: str,
    file_name: str,
    unit: int,
    allowed_paths: list[str],
    dry_run: bool,
) -> dict:
    path = _upload_dir() / Path(stored).name
    try:
        default_unit = Unit.objects.filter(pk=unit).first()
        if default_unit is None or not path.is_file():
            raise JobFailed(_("Filen eller enheten finns inte längre. Läs in filen igen."))
        scope = ImportScope(default_unit=default_unit, allowed_paths=tuple(allowed_paths))

        def report(rows: int, done: int, total: int) -> None:
            progress(
                done,
                total,
                ngettext("%(n)d rad läst.", "%(n)d rader lästa.", rows) % {"n": rows},
            )

        with path.open("rb") as raw:
            result = run_import(
                kind,
                raw,
                file_name=file_name,
                scope=scope,
                actor=job.owner,
                dry_run=dry_run,
                errors=ErrorSink(keep=500),
                progress=report,
            )
    finally:
        path.unlink(missing_ok=True)
    if result.errors.count and result.run:
        name = save_error_report(result, Path(settings.MEDIA_ROOT) / ERROR_DIR)
        ImportRun.objects.filter(pk=result.run.pk).update(error_file=f"{ERROR_DIR}/{name}")
    return {
        "run": result.run.pk if result.run else None,
        "committed": result.committed,
        "dry_run": dry_run,
        "ok": result.ok,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": result.errors.count,
        "file_name": file_name,
    }
