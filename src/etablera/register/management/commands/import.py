"""`etablera import participants|enrolments FILE`: validate a file and write it, all or nothing.

Like every command it speaks English — its notes, its errors and the ``--errors`` file — while
the import page says the same things in Swedish.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from etablera.accounts.models import User
from etablera.accounts.policy import Operator
from etablera.organisation.models import Unit
from etablera.register.importing.engine import ErrorSink, ImportScope, run_import
from etablera.register.models import ImportKind


class Command(BaseCommand):
    help = (
        "Import participants or enrolments from CSV (UTF-8, UTF-8 with BOM or Windows-1252; "
        "; , or tab) or XLSX. All or nothing: any invalid row and nothing is written. "
        "See docs/register-import.md for the columns."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate everything, write nothing."
        )
        parser.add_argument(
            "--errors", type=Path, metavar="OUT.csv", help="Write every error to this CSV file."
        )
        parser.add_argument(
            "--unit",
            help="Owning unit (name or id) of new participants whose row names none; for "
            "enrolments, limits the participants to this unit and the units under it.",
        )
        parser.add_argument(
            "--user",
            help="Import as this user: recorded as having run it, and limited to the units "
            "the user may import into (as on the upload page).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options) -> None:
        with translation.override("en"):
            self._import(**options)

    def _import(
        self,
        *,
        kind: str,
        file: Path,
        dry_run: bool,
        errors: Path | None,
        unit: str | None,
        user: str | None,
        no_progress: bool,
        **options,
    ) -> None:
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        scope = ImportScope(default_unit=self._unit(unit) if unit else None)
        if scope.default_unit is not None and kind == ImportKind.ENROLMENTS:
            scope.allowed_paths = (scope.default_unit.path,)
        actor: User | Operator = Operator("command:import")
        if user:
            found = User.objects.filter(username=user).first()
            if found is None:
                raise CommandError(f"no user named {user!r}")
            actor = found
            reach = self._reach(found, scope.default_unit)
            if scope.allowed_paths is None:  # else narrowed to --unit already (enrolments)
                scope.allowed_paths = reach
        bar = None
        if not no_progress:
            bar = tqdm(
                total=file.stat().st_size,
                unit="B",
                unit_scale=True,
                desc=file.name,
                file=sys.stderr,
                leave=False,
            )

        def progress(rows: int, done: int, total: int) -> None:
            if bar is None:
                return
            if bar.total != total and total:
                bar.total = total
            bar.n = done
            bar.set_postfix(rows=rows, refresh=False)
            bar.refresh()

        out = errors.open("w", newline="", encoding="utf-8-sig") if errors else None
        try:
            with file.open("rb") as raw:
                result = run_import(
                    kind,
                    raw,
                    file_name=file.name,
                    scope=scope,
                    actor=actor,
                    dry_run=dry_run,
                    errors=ErrorSink(out, keep=20),
                    progress=progress,
                )
        finally:
            if bar is not None:
                bar.close()
            if out is not None:
                out.close()
        for note in result.notes:
            self.stdout.write(note)
        summary = (
            f"{result.rows} rows in {result.seconds:.1f} s ({result.rows_per_second:.0f} rows/s)"
        )
        if result.errors.count:
            for error in result.errors.first:
                where = f"row {error.row}" if error.row else "file"
                column = f", {error.column}" if error.column else ""
                value = f" [{error.value}]" if error.value else ""
                self.stderr.write(f"{where}{column}{value}: {error.message}")
            more = result.errors.count - len(result.errors.first)
            if more > 0:
                self.stderr.write(
                    f"… and {more} more errors" + (f" (all in {errors})" if errors else "")
                )
            raise CommandError(
                f"Nothing was written: {result.errors.count} errors on {result.bad_rows} rows. "
                + summary
            )
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"Dry run: no errors, nothing written. {summary}"))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {kind}: {result.created} new, {result.updated} changed, "
                f"{result.unchanged} unchanged. {summary}"
            )
        )

    @staticmethod
    def _reach(user: User, unit: Unit | None) -> tuple[str, ...]:
        """The units a named user may import into, as on the upload page: an import run in
        a coach's name sees and answers exactly what theirs would (nothing about people of
        other units). Without ``--user`` the command acts for the whole register."""
        from etablera.register import selectors

        units = list(selectors.units_for(user, "register.import"))
        if not units:
            raise CommandError(f"{user.username} may not import participants or enrolments")
        if unit is not None and unit.pk not in {u.pk for u in units}:
            raise CommandError(f"{user.username} may not import into {unit.name}")
        return tuple(
            u.path
            for u in units
            if not any(u.path.startswith(o.path) and u.pk != o.pk for o in units)
        )

    def _unit(self, value: str) -> Unit:
        if value.isdigit():
            found = Unit.objects.filter(pk=int(value)).first()
            if found:
                return found
        units = list(Unit.objects.filter(name=value))
        if len(units) == 1:
            return units[0]
        if units:
            raise CommandError(f"several units are named {value!r}: give the id")
        raise CommandError(f"no unit named {value!r}")
