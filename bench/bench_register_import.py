"""Register import: rows per second against django-import-export, peak memory, search time.

    python -m bench.bench_register_import [--participants N] [--enrolments N]
        [--baseline-rows N] [--postgres URL]

Generates a CSV of N participants and one of N enrolments (synthetic numbers, see
``etablera.register.synthetic``), then, for SQLite and (when a server URL is given, or
``BENCH_POSTGRES_URL`` is set) PostgreSQL, in a fresh database and a fresh process each:

1. imports the participants with ``etablera.register.importing`` (validated, committed);
2. imports the first ``--baseline-rows`` enrolments with django-import-export (a
   ``ModelResource`` with foreign-key widgets, the same natural key and validation), times it,
   and deletes them again;
3. imports all enrolments with Etablera's importer, timed; peak RSS of the process afterwards;
4. imports the same file again (every row an unchanged upsert);
5. times the participant search by number (exact, through the keyed hash) at that size.

Prints one line of figures per database; the ratio is Etablera's rows/s over the baseline's.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_KEY = "8Bp6kq3Qn0Yb0m3hS4wHk0zv8Jg1X2c5T7d9R1e3F5c="  # a fixed Fernet key for the run
INTERVENTIONS = [
    ("ARB-TRAN", "Arbetsträning Jobbcentrum", "work_training"),
    ("PRAKTIK", "Praktik i kommunal verksamhet", "internship"),
    ("EXTRATJ", "Extratjänst", "subsidised_employment"),
    ("KOMANST", "Kommunal visstidsanställning", "municipal_employment"),
    ("YRKESUTB", "Yrkesutbildning vård och omsorg", "vocational_training"),
    ("YRKESSV", "Yrkessvenska", "vocational_swedish"),
    ("SPRAKPR", "Språkpraktik", "language_internship"),
    ("COACH", "Jobbcoachning", "guidance"),
    ("SHO", "Samhällsorientering", "civic_orientation"),
    ("KARTL", "Kompetenskartläggning", "skills_mapping"),
]
EXITS = ["arbete", "subventionerat arbete", "studier", "arbetssökande", "annan insats", "okänd"]


# --- data ------------------------------------------------------------------------------------


def generate(directory: Path, participants: int, enrolments: int, seed: int = 1487):
    """Write participants.csv and enrolments.csv; returns their paths and some numbers."""
    sys.path.insert(0, str(ROOT / "src"))
    from etablera.register.synthetic import NumberPool

    rng = random.Random(seed)
    pool = NumberPool(rng)
    numbers = []
    people = directory / "participants.csv"
    with people.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(
            [
                "Personnummer",
                "Kön",
                "Kommunmottagen",
                "Utbildningsnivå",
                "Födelseland",
                "Etableringsprogrammet",
                "Anvisad av",
                "Samtycke",
            ]
        )
        for _ in range(participants):
            gender = "M" if rng.random() < 0.55 else "K"
            kind, number = pool.take(rng.randint(1962, 2007), gender)
            if kind == "reserve":  # the file has no reserve-number column
                raise SystemExit(f"{participants} participants are more than the years hold")
            numbers.append(number)
            received = (
                f"20{rng.randint(15, 25):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            )
            writer.writerow(
                [
                    number,
                    gender,
                    received,
                    rng.choice(["gymnasial", "förgymnasial 9 år", "okänd"]),
                    rng.choice(["SY", "AF", "ER", "SO", "UA"]),
                    rng.choice(["ja", "nej"]),
                    rng.choice(["Arbetsförmedlingen", "socialtjänsten", "egen"]),
                    "ja",
                ]
            )
    rows = directory / "enrolments.csv"
    per_person = max(1, enrolments // max(participants, 1))
    with rows.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(
            [
                "Personnummer",
                "Insatskod",
                "Startdatum",
                "Planerat slutdatum",
                "Slutdatum",
                "Status vid start",
                "Försörjning vid start",
                "Status vid avslut",
                "Timmar per vecka",
            ]
        )
        written = 0
        while written < enrolments:
            number = numbers[written // per_person % len(numbers)]
            repeat = written // (per_person * len(numbers))
            index = written % per_person + repeat * per_person
            start_day = 1 + index * 40 % 3000
            year, day = 2016 + start_day // 365, start_day % 365
            start = f"{year}-{1 + day // 31 % 12:02d}-{1 + day % 28:02d}"
            ended = rng.random() < 0.8
            end = f"{year + 1}-{1 + day // 31 % 12:02d}-{1 + day % 28:02d}" if ended else ""
            writer.writerow(
                [
                    number,
                    INTERVENTIONS[index % len(INTERVENTIONS)][0],
                    start,
                    "",
                    end,
                    "arbetssökande",
                    "ekonomiskt bistånd",
                    rng.choice(EXITS) if ended else "",
                    rng.choice(["20", "30", "37,5", "40"]),
                ]
            )
            written += 1
    return people, rows, numbers


# --- one database, in its own process ----------------------------------------------------------


def child(args) -> None:
    os.environ["ETABLERA_DATA_KEY"] = DATA_KEY
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etablera.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0, interactive=False)
    from etablera.accounts.models import RoleAssignment, User
    from etablera.accounts.policy import Operator
    from etablera.accounts.roles import Role
    from etablera.organisation.models import Body, BodyKind, Municipality, Unit
    from etablera.organisation.services import save_unit

    operator = Operator("bench:register-import")
    from etablera.register import selectors
    from etablera.register.importing.engine import ImportScope, run_import
    from etablera.register.models import Enrolment, Intervention

    municipality = Municipality.objects.create(name="Benchkommun", code="1487")
    body = Body.objects.create(
        municipality=municipality, kind=BodyKind.COMMITTEE, name="SN", short_name="SN"
    )
    unit = save_unit(Unit(body=body, kind="unit", name="Arbetsmarknadsenheten"), actor=operator)
    for code, name, category in INTERVENTIONS:
        Intervention.objects.create(
            code=code, name=name, category=category, provider_unit=unit, start="2015-01-01"
        )
    user = User.objects.create(username="coach")
    RoleAssignment.objects.create(user=user, role=Role.COACH, unit=unit)
    scope = ImportScope(default_unit=unit, allowed_paths=(unit.path,))
    figures: dict[str, object] = {"database": connection.vendor}

    def timed_import(kind: str, path: Path):
        with path.open("rb") as raw:
            result = run_import(kind, raw, file_name=path.name, scope=scope, actor=user)
        if not result.committed:
            raise SystemExit(f"{kind} import failed: {result.errors.first[:5]}")
        return result

    people = timed_import("participants", Path(args.participants_csv))
    figures["participants_rows"] = people.rows
    figures["participants_rows_per_s"] = round(people.rows_per_second)

    # Baseline: django-import-export on the first rows, into an empty enrolment table.
    baseline_rows, baseline_seconds = baseline(Path(args.enrolments_csv), args.baseline_rows)
    figures["baseline_rows"] = baseline_rows
    figures["baseline_rows_per_s"] = round(baseline_rows / baseline_seconds, 1)
    with transaction.atomic():
        Enrolment.objects.all().delete()
    # Etablera on exactly the baseline's rows, for a like-for-like ratio.
    head = Path(args.enrolments_csv).with_name("enrolments-head.csv")
    with (
        Path(args.enrolments_csv).open(encoding="utf-8") as source,
        head.open("w", encoding="utf-8") as out,
    ):
        for index, line in enumerate(source):
            if index > baseline_rows:
                break
            out.write(line)
    same = timed_import("enrolments", head)
    figures["same_rows_per_s"] = round(same.rows_per_second)
    figures["same_ratio"] = round(same.rows_per_second / figures["baseline_rows_per_s"], 1)  # type: ignore[operator]
    with transaction.atomic():
        Enrolment.objects.all().delete()

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = timed_import("enrolments", Path(args.enrolments_csv))
    figures["enrolments_rows"] = result.rows
    figures["enrolments_created"] = result.created
    figures["enrolments_seconds"] = round(result.seconds, 2)
    figures["enrolments_rows_per_s"] = round(result.rows_per_second)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    figures["rss_before_mb"] = round(rss_before / 1024)
    figures["ratio"] = round(result.rows_per_second / figures["baseline_rows_per_s"], 1)  # type: ignore[operator]

    again = timed_import("enrolments", Path(args.enrolments_csv))
    figures["reimport_rows_per_s"] = round(again.rows_per_second)
    figures["reimport_created"] = again.created
    figures["reimport_unchanged"] = again.unchanged

    numbers = json.loads(Path(args.numbers).read_text())
    rng = random.Random(7)
    sample = [rng.choice(numbers) for _ in range(300)]
    lookups = []
    for number in sample:
        started = time.perf_counter()
        found = selectors.find_participant(user, f"{number[:8]}-{number[8:]}")
        lookups.append((time.perf_counter() - started) * 1000)
        if found is None:
            raise SystemExit("search did not find a participant it should have")
    lookups.sort()
    figures["search_median_ms"] = round(statistics.median(lookups), 2)
    figures["search_p95_ms"] = round(lookups[int(len(lookups) * 0.95)], 2)
    print(json.dumps(figures))


def baseline(path: Path, limit: int) -> tuple[int, float]:
    """django-import-export doing the same import of the first ``limit`` rows."""
    import tablib
    from import_export import fields, resources, widgets

    from etablera.register import crypto, identity
    from etablera.register.importing.fields import parse_date, parse_hours, parse_livelihood
    from etablera.register.models import Enrolment, Intervention, Participant, StatusCategory

    class ParticipantByNumber(widgets.ForeignKeyWidget):
        def clean(self, value, row=None, **kwargs):
            number = identity.parse(value)
            return Participant.objects.get(identity_hash=crypto.lookup_hash(number.canonical))

    class StatusByName(widgets.ForeignKeyWidget):
        def clean(self, value, row=None, **kwargs):
            if not value:
                return None
            return StatusCategory.objects.get(name__iexact=value)

    class SwedishDate(widgets.Widget):
        def clean(self, value, row=None, **kwargs):
            return parse_date(value) if value else None

    class Hours(widgets.Widget):
        def clean(self, value, row=None, **kwargs):
            return parse_hours(value)

    class Livelihood(widgets.Widget):
        def clean(self, value, row=None, **kwargs):
            return parse_livelihood(value, "unknown")

    class EnrolmentResource(resources.ModelResource):
        participant = fields.Field("participant", "Personnummer", ParticipantByNumber(Participant))
        intervention = fields.Field(
            "intervention", "Insatskod", widgets.ForeignKeyWidget(Intervention, "code")
        )
        start = fields.Field("start", "Startdatum", SwedishDate())
        planned_end = fields.Field("planned_end", "Planerat slutdatum", SwedishDate())
        end = fields.Field("end", "Slutdatum", SwedishDate())
        status_at_start = fields.Field(
            "status_at_start", "Status vid start", StatusByName(StatusCategory)
        )
        livelihood_at_start = fields.Field(
            "livelihood_at_start", "Försörjning vid start", Livelihood()
        )
        exit_status = fields.Field("exit_status", "Status vid avslut", StatusByName(StatusCategory))
        hours_per_week = fields.Field("hours_per_week", "Timmar per vecka", Hours())

        class Meta:
            model = Enrolment
            import_id_fields = ("participant", "intervention", "start")
            fields = (
                "participant",
                "intervention",
                "start",
                "planned_end",
                "end",
                "status_at_start",
                "livelihood_at_start",
                "exit_status",
                "hours_per_week",
            )
            clean_model_instances = True
            use_transactions = True
            skip_unchanged = True

    with path.open(encoding="utf-8") as source:
        reader = csv.reader(source, delimiter=";")
        header = next(reader)
        data = tablib.Dataset(headers=header)
        for index, row in enumerate(reader):
            if index >= limit:
                break
            data.append(row)
    started = time.perf_counter()
    result = EnrolmentResource().import_data(data, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        raise SystemExit("the baseline import reported errors")
    return len(data), seconds


# --- the command -----------------------------------------------------------------------------


def run_child(label: str, database_url: str, paths, numbers_path: Path, args) -> dict | None:
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        ETABLERA_ENV="development",
        ETABLERA_LOG_LEVEL="WARNING",
        ETABLERA_DATA_KEY=DATA_KEY,
    )
    command = [
        sys.executable,
        "-m",
        "bench.bench_register_import",
        "--child",
        "--participants-csv",
        str(paths[0]),
        "--enrolments-csv",
        str(paths[1]),
        "--numbers",
        str(numbers_path),
        "--baseline-rows",
        str(args.baseline_rows),
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"{label}: failed\n{done.stderr[-3000:]}")
        return None
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def postgres_database(url: str):
    """A fresh database on the given server; returns its URL and a function that drops it."""
    import psycopg

    name = f"etablera_bench_{os.getpid()}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.rsplit("/", 1)[0] + f"/{name}", drop


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_register_import")
    parser.add_argument("--participants", type=int, default=200_000)
    parser.add_argument("--enrolments", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=5_000)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", ""))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--participants-csv", help=argparse.SUPPRESS)
    parser.add_argument("--enrolments-csv", help=argparse.SUPPRESS)
    parser.add_argument("--numbers", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return

    with tempfile.TemporaryDirectory(prefix="etablera-bench-") as tmp:
        directory = Path(tmp)
        started = time.perf_counter()
        people, rows, numbers = generate(directory, args.participants, args.enrolments)
        numbers_path = directory / "numbers.json"
        numbers_path.write_text(json.dumps(numbers[:5000]))
        size = rows.stat().st_size / 1e6
        print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(
            f"generated {args.participants} participants and {args.enrolments} enrolments "
            f"({size:.0f} MB) in {time.perf_counter() - started:.1f} s"
        )
        runs = [("SQLite", f"sqlite:///{directory / 'bench.sqlite3'}", None)]
        if args.postgres:
            url, drop = postgres_database(args.postgres)
            runs.append(("PostgreSQL", url, drop))
        else:
            print("PostgreSQL: not run (give --postgres URL or set BENCH_POSTGRES_URL)")
        for label, url, drop in runs:
            try:
                figures = run_child(label, url, (people, rows), numbers_path, args)
            finally:
                if drop:
                    drop()
            if figures:
                print(
                    f"{label}: enrolments {figures['enrolments_rows']} rows in "
                    f"{figures['enrolments_seconds']} s = "
                    f"{figures['enrolments_rows_per_s']} rows/s; "
                    f"django-import-export {figures['baseline_rows_per_s']} rows/s on "
                    f"{figures['baseline_rows']} rows (Etablera on the same rows "
                    f"{figures['same_rows_per_s']} rows/s, {figures['same_ratio']}x); "
                    f"ratio {figures['ratio']}x; "
                    f"peak RSS {figures['peak_rss_mb']} MB; participants "
                    f"{figures['participants_rows_per_s']} rows/s; re-import "
                    f"{figures['reimport_rows_per_s']} rows/s ({figures['reimport_created']} new); "
                    f"search median {figures['search_median_ms']} ms, "
                    f"p95 {figures['search_p95_ms']} ms"
                )


if __name__ == "__main__":
    main(sys.argv[1:])
