"""Register KPIs at scale: the engine on SQLite and PostgreSQL against DuckDB over Parquet.

One command runs everything side by side and prints the figures (docs/performance.md
records them)::

    python -m bench statistics
    python -m bench.bench_statistics --participants 200000 --enrolments 1000000 \\
        --databases sqlite,postgres --postgres postgres://etablera@127.0.0.1:55306/bench

For each database, in a child process with ``DATABASE_URL`` set:

1. a register of exactly ``--participants`` people and ``--enrolments`` enrolments (with outcome
   observations) is generated once by this file's bulk generator and kept for later runs —
   ``etablera generate`` makes one to four enrolments per person, so it cannot reach five per
   person;
2. the rows the KPIs read are exported to Parquet;
3. timed, best of ``--repeat`` runs after one warm-up: the engine computing the full KPI set for
   one year with every one-way breakdown (``statistics.kpis.compute`` with disclosure control)
   with its queries side by side and one after another; the same aggregates computed from the
   register tables per breakdown, without the facts (one run); DuckDB computing the same
   aggregates from the Parquet files (its best form: one query with GROUPING SETS each for the
   counts and for the observations); the dashboard page rendered through Django's test client;
   and a rebuild of every fact;
4. the engine's unprotected aggregates are checked against the register-based ones and
   DuckDB's, group by group.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from bench.scratch import add_size_arguments, run_child

YEAR = 2025
DIMENSIONS = ("gender", "category", "intervention", "reception", "age", "education")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench_statistics", description=__doc__)
    parser.add_argument(
        "--databases",
        default="sqlite,sqlite-mmap,postgres,postgres-tuned",
        help="any of sqlite, sqlite-mmap, postgres, postgres-tuned",
    )
    add_size_arguments(
        parser,
        sqlite="bench-statistics.sqlite3",
        postgres="postgres://etablera@127.0.0.1:55306/bench",
        repeat=3,
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse(argv)
    if args.child:
        print(json.dumps(child(args)))
        return
    results = []
    for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
        url = f"sqlite:///{args.sqlite}" if database.startswith("sqlite") else args.postgres
        if database == "postgres-tuned":
            # No JIT compilation (it costs more than these queries take) and room to sort
            # in memory: session options a deployment sets in DATABASE_URL.
            url += "?options=-c%20jit%3Doff%20-c%20work_mem%3D64MB"
        # sqlite-mmap: the same file read through memory mapping and a 256 MB page cache
        # (PRAGMA mmap_size, cache_size), as a deployment could configure it.
        mmap = {"BENCH_SQLITE_MMAP": "1" if database == "sqlite-mmap" else ""}
        result = run_child("bench.bench_statistics", database, url, args, env=mmap)
        print(json.dumps(result), flush=True)
        results.append(result)
    report(results)


def report(results: list[dict]) -> None:
    print()
    print(
        f"{'database':<15} {'year rows':>9} {'engine s':>9} {'1-by-1 s':>9} {'kept s':>7} "
        f"{'register s':>10} {'duckdb s':>9} {'ratio':>6} {'page s':>7} {'cached':>7} "
        f"{'rebuild s':>9} {'same':>5}"
    )
    for r in results:
        print(
            f"{r['database']:<15} {r['year_enrolments']:>9} {r['engine']:>9.3f} "
            f"{r['engine_sequential']:>9.3f} {r['engine_kept']:>7.3f} {r['register']:>10.3f} "
            f"{r['duckdb']:>9.3f} "
            f"{r['engine'] / r['duckdb']:>6.1f} {r['dashboard']:>7.3f} "
            f"{r['dashboard_cached']:>7.3f} {r['facts_rebuild']:>9.1f} "
            f"{'yes' if r['same'] else 'NO':>5}"
        )
    print(
        "\nengine: full KPI set, one year, total and every one-way breakdown, with disclosure "
        "control (cell-key perturbation), computed afresh with its queries side by side; "
        "1-by-1: the same with its queries one after another; kept: the same figures read from "
        "the month's kept release, as most views get them; register: the same aggregates "
        "computed from the register tables per breakdown (no facts); duckdb: the same "
        "aggregates from Parquet; ratio: engine / duckdb; page: the dashboard rendered (total, "
        "trend of five periods, three breakdowns); cached: the same page viewed again, from the"
        " KPI cache; rebuild: every fact rebuilt from the register; same: engine = register = "
        "DuckDB in every group."
    )


# --- the child: one database ------------------------------------------------------------------


def child(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    if os.environ.get("BENCH_SQLITE_MMAP"):
        from django.db.backends.signals import connection_created

        def tune(sender, connection, **kwargs) -> None:
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA mmap_size=2147483648")
                    cursor.execute("PRAGMA cache_size=-262144")

        connection_created.connect(tune)

    call_command("migrate", verbosity=0)
    counts = ensure_register(args.participants, args.enrolments, args.seed)
    with tempfile.TemporaryDirectory() as folder:
        export(Path(folder))
        engine = time_engine(args.repeat)
        duck_s, duck = time_duckdb(Path(folder), args.repeat)
    raw = engine.pop("raw")
    same = compare(raw, duck) and engine.pop("register_same")
    page_s = time_dashboard(args.repeat)
    cached_s = time_dashboard(args.repeat, cache_seconds=600)
    return {
        **counts,
        **engine,
        "duckdb": duck_s,
        "dashboard": page_s,
        "dashboard_cached": cached_s,
        "same": same,
    }


def ensure_register(participants: int, enrolments: int, seed: int) -> dict:
    from etablera.register.models import Enrolment, OutcomeObservation, Participant

    have = (Participant.objects.count(), Enrolment.objects.count())
    if have != (participants, enrolments):
        if have != (0, 0):
            raise SystemExit(
                f"the database holds {have[0]} participants and {have[1]} enrolments, not the "
                f"{participants} and {enrolments} asked for: use an empty database"
            )
        started = time.monotonic()
        generate(participants, enrolments, seed)
        sys.stderr.write(f"generated in {time.monotonic() - started:.0f} s\n")
    year = Enrolment.objects.filter(start__lte=dt.date(YEAR, 12, 31)).exclude(
        end__lt=dt.date(YEAR, 1, 1)
    )
    return {
        "participants": Participant.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "observations": OutcomeObservation.objects.count(),
        "year_enrolments": year.count(),
    }


CATEGORIES = [
    ("work_training", 6),
    ("internship", 6),
    ("subsidised_employment", 3),
    ("municipal_employment", 3),
    ("vocational_training", 5),
    ("vocational_swedish", 4),
    ("language_internship", 3),
    ("guidance", 4),
    ("civic_orientation", 2),
    ("skills_mapping", 2),
    ("other", 2),
]
EXITS = [
    ("work", 15),
    ("subsidised_work", 8),
    ("studies", 12),
    ("job_seeking", 30),
    ("other_intervention", 22),
    ("sick", 4),
    ("moved", 4),
    ("other", 5),
]
EDUCATION = [
    ("primary_short", 24),
    ("primary", 18),
    ("upper_secondary", 26),
    ("post_secondary_short", 10),
    ("post_secondary_long", 15),
    ("unknown", 7),
]


def generate(participants: int, enrolments: int, seed: int) -> None:
    """A register with exactly the numbers asked for: each person has ``enrolments //
    participants`` (or one more) enrolments in a row, in distinct interventions."""
    from django.db import transaction

    from etablera.accounts.policy import Operator
    from etablera.organisation.models import Body, BodyKind, Municipality, Unit, UnitKind
    from etablera.organisation.services import save_unit

    operator = Operator("bench:statistics")
    from etablera.register.models import (
        Enrolment,
        IdentityKind,
        Intervention,
        OutcomeObservation,
        Participant,
        StatusCategory,
    )

    rng = random.Random(seed)
    today = dt.date(2026, 11, 1)
    municipality = Municipality.objects.create(name="Benchkommunen", code="1487", is_demo=True)
    body = Body.objects.create(
        municipality=municipality, kind=BodyKind.COMMITTEE, name="Socialnämnden", short_name="SN"
    )
    top = save_unit(
        Unit(body=body, kind=UnitKind.UNIT, name="Arbetsmarknadsenheten"), actor=operator
    )
    units = [
        top,
        *(
            save_unit(
                Unit(body=body, kind=UnitKind.TEAM, name=f"Team {n}", parent=top), actor=operator
            )
            for n in range(3)
        ),
    ]
    interventions = []
    for category, count in CATEGORIES:
        for n in range(count):
            interventions.append(
                Intervention.objects.create(
                    name=f"{category} {n + 1}",
                    code=f"B-{category}-{n}",
                    category=category,
                    provider_unit=rng.choice(units),
                    cost_per_participant_month=None if n == 3 else rng.randrange(800, 14000),
                    start=dt.date(2014, 1, 1),
                )
            )
    status = {s.code: s.pk for s in StatusCategory.objects.all()}
    exit_codes = [c for c, _w in EXITS]
    exit_weights = [w for _c, w in EXITS]
    per_person, extra = divmod(enrolments, participants)
    batch = 20_000
    with transaction.atomic():
        made = 0
        while made < participants:
            size = min(batch, participants - made)
            people = []
            for n in range(made, made + size):
                received = (
                    None
                    if rng.random() < 0.03
                    else dt.date(2014, 1, 1) + dt.timedelta(rng.randrange(0, 4560))
                )
                people.append(
                    Participant(
                        identity_kind=IdentityKind.RESERVE,
                        reserve_number=f"B{n:08d}",
                        birth_year=None if rng.random() < 0.01 else rng.randrange(1958, 2009),
                        gender=rng.choices("KMX", weights=[45, 53, 2])[0],
                        received_on=received,
                        education_level=rng.choices(
                            [c for c, _w in EDUCATION], weights=[w for _c, w in EDUCATION]
                        )[0],
                        owning_unit=rng.choice(units),
                    )
                )
            Participant.objects.bulk_create(people, batch_size=5000)
            rows, plans = [], []
            for index, person in enumerate(people):
                count = per_person + (1 if made + index < extra else 0)
                day = (person.received_on or dt.date(2016, 1, 1)) + dt.timedelta(
                    rng.randrange(10, 120)
                )
                for intervention in rng.sample(interventions, count):
                    if day > today:
                        day = today - dt.timedelta(rng.randrange(0, 60))
                    end = day + dt.timedelta(rng.randrange(30, 300))
                    closed = end <= today
                    rows.append(
                        Enrolment(
                            participant_id=person.pk,
                            intervention=intervention,
                            start=day,
                            end=end if closed else None,
                            status_at_start_id=status["job_seeking"],
                            exit_status_id=status[rng.choices(exit_codes, exit_weights)[0]]
                            if closed
                            else None,
                        )
                    )
                    plans.append(end if closed else None)
                    day = end + dt.timedelta(rng.randrange(1, 120))
            Enrolment.objects.bulk_create(rows, batch_size=5000)
            observations = []
            for enrolment, end in zip(rows, plans, strict=True):
                if end is None:
                    continue
                for days, chance in ((90, 0.7), (180, 0.6), (365, 0.5)):
                    seen = end + dt.timedelta(days)
                    if seen <= today and rng.random() < chance:
                        observations.append(
                            OutcomeObservation(
                                enrolment_id=enrolment.pk,
                                days_after_exit=days,
                                observed_on=seen,
                                status_id=status[rng.choices(exit_codes, exit_weights)[0]],
                            )
                        )
            OutcomeObservation.objects.bulk_create(observations, batch_size=5000)
            made += size
            sys.stderr.write(f"  {made} participants\n")
    # Written in bulk past the register's services: the engine's facts are built once, as
    # after a bulk import.
    from etablera.register.signals import register_changed

    register_changed.send(sender=None, participant_ids=None)


def export(folder: Path) -> None:
    """The rows the KPIs read, as Parquet files (not timed)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from etablera.register.models import (
        Enrolment,
        Intervention,
        OutcomeObservation,
        Participant,
        StatusCategory,
    )

    def write(name: str, queryset, fields: list[str], types: list) -> None:
        columns: list[list] = [[] for _ in fields]
        for row in queryset.values_list(*fields).iterator(chunk_size=20_000):
            for i, value in enumerate(row):
                columns[i].append(value)
        names = [f.replace("__", "_") for f in fields]
        table = pa.table(
            {n: pa.array(c, type=t) for n, c, t in zip(names, columns, types, strict=True)}
        )
        pq.write_table(table, folder / f"{name}.parquet")

    write(
        "enrolments",
        Enrolment.objects.order_by(),
        ["id", "participant_id", "intervention_id", "start", "end", "exit_status_id"],
        [pa.int64(), pa.int64(), pa.int64(), pa.date32(), pa.date32(), pa.int64()],
    )
    write(
        "participants",
        Participant.objects.order_by(),
        ["id", "gender", "birth_year", "received_on", "education_level", "owning_unit_id"],
        [pa.int64(), pa.string(), pa.int64(), pa.date32(), pa.string(), pa.int64()],
    )
    write(
        "interventions",
        Intervention.objects.order_by(),
        ["id", "category", "cost_per_participant_month"],
        [pa.int64(), pa.string(), pa.decimal128(12, 2)],
    )
    write(
        "observations",
        OutcomeObservation.objects.order_by(),
        ["enrolment_id", "days_after_exit", "status_id"],
        [pa.int64(), pa.int64(), pa.int64()],
    )
    write(
        "statuses",
        StatusCategory.objects.order_by(),
        ["id", "is_work", "is_subsidised_work", "is_studies"],
        [pa.int64(), pa.bool_(), pa.bool_(), pa.bool_()],
    )


def _period():
    from etablera.goals.periods import resolve_period

    return resolve_period(str(YEAR))


AS_OF = dt.date(2026, 11, 1)


def time_engine(repeat: int) -> dict:
    """The full KPI set with every one-way breakdown: best wall time with the queries side by
    side (the default) and one after another; the same aggregates computed straight from the
    register (per breakdown, as a two-way breakdown is); the time to rebuild every fact."""
    from django.test import override_settings

    from etablera.statistics import facts, kpis
    from etablera.statistics.models import PublishedFigures

    period = _period()
    scope = kpis.municipality_scope()

    def forget() -> None:
        """Computed afresh, not read from the month's kept release (``statistics.frozen``)."""
        PublishedFigures.objects.all().delete()

    def run():
        return kpis.compute(period, scope, (), one_way=DIMENSIONS, as_of=AS_OF)

    def best(function, times: int, before=lambda: None) -> float:
        before()
        function()  # warm-up: the page cache and the database's own caches
        fastest = float("inf")
        for _ in range(times):
            before()
            started = time.perf_counter()
            function()
            fastest = min(fastest, time.perf_counter() - started)
        return fastest

    side_by_side = best(run, repeat, forget)
    with override_settings(ETABLERA_KPI_WORKERS=1):
        one_after_another = best(run, repeat, forget)
    kept_release = best(run, repeat)  # the month's release, kept: what most views get

    from_register: dict = {}

    def register_based():
        for grouping in [(), *((d,) for d in DIMENSIONS)]:
            from_register.update(kpis.raw_from_register(period, scope, grouping, as_of=AS_OF))

    register_s = best(register_based, 1)
    raw = {}
    for grouping in [(), *((d,) for d in DIMENSIONS)]:
        for key, value in kpis.raw_figures(period, scope, grouping, as_of=AS_OF).items():
            raw[key] = value
    started = time.perf_counter()
    facts.rebuild()
    rebuild_s = time.perf_counter() - started
    return {
        "engine": side_by_side,
        "engine_sequential": one_after_another,
        "engine_kept": kept_release,
        "register": register_s,
        "register_same": _same_raw(raw, from_register),
        "facts_rebuild": rebuild_s,
        "raw": raw,
    }


def _same_raw(ours: dict, theirs: dict) -> bool:
    """Whether two sets of unprotected aggregates agree in every group."""
    if set(ours) != set(theirs):
        sys.stderr.write(f"groups differ: {set(ours) ^ set(theirs)}\n")
        return False
    same = True
    for key, a in ours.items():
        b = theirs[key]
        if (
            (a.active, a.new, a.ended, a.exit_ws, a.exit_work, a.observed, a.observed_ws)
            != (
                b.active,
                b.new,
                b.ended,
                b.exit_ws,
                b.exit_work,
                b.observed,
                b.observed_ws,
            )
            or abs(a.cost - b.cost) > 0
            or a.median != b.median
        ):
            sys.stderr.write(f"facts and register differ in {key}: {a} != {b}\n")
            same = False
    return same


DUCK_BASE = """
WITH first AS (
    SELECT participant_id, min(start) AS first_start FROM '{f}/enrolments.parquet' GROUP BY 1
), e AS (
    SELECT e.id, e.participant_id, e.start, e."end", e.exit_status_id,
        p.gender, i.category, e.intervention_id AS intervention, p.education_level AS education,
        CASE WHEN p.received_on IS NULL THEN 'unknown'
             WHEN date_diff('day', p.received_on, e.start) <= 730 THEN '0-2'
             WHEN date_diff('day', p.received_on, e.start) <= 1826 THEN '2-5'
             ELSE '5+' END AS reception,
        CASE WHEN year(e.start) - p.birth_year < 16 THEN 'other'
             WHEN year(e.start) - p.birth_year <= 24 THEN '16-24'
             WHEN year(e.start) - p.birth_year <= 39 THEN '25-39'
             WHEN year(e.start) - p.birth_year <= 64 THEN '40-64'
             ELSE 'other' END AS age,
        coalesce(i.cost_per_participant_month, 0) AS monthly,
        f.first_start,
        e."end" BETWEEN DATE '{s}' AND DATE '{t}' AS ended
    FROM '{f}/enrolments.parquet' e
    JOIN '{f}/participants.parquet' p ON p.id = e.participant_id
    JOIN '{f}/interventions.parquet' i ON i.id = e.intervention_id
    JOIN first f ON f.participant_id = e.participant_id
    WHERE e.start <= DATE '{t}' AND (e."end" IS NULL OR e."end" >= DATE '{s}')
), ws AS (
    SELECT id FROM '{f}/statuses.parquet' WHERE is_work OR is_subsidised_work OR is_studies
), work AS (
    SELECT id FROM '{f}/statuses.parquet' WHERE is_work
)
"""
DUCK_SETS = (
    "GROUPING SETS ((), (gender), (category), (intervention), (reception), (age), (education))"
)
DUCK_MAIN = (
    DUCK_BASE
    + """
SELECT gender, category, intervention, reception, age, education,
    grouping(gender, category, intervention, reception, age, education) AS g,
    count(DISTINCT participant_id) AS active,
    count(DISTINCT participant_id) FILTER (WHERE start >= DATE '{s}' AND first_start >= DATE '{s}')
        AS new,
    count(*) FILTER (WHERE ended) AS ended,
    count(*) FILTER (WHERE ended AND exit_status_id IN (SELECT id FROM ws)) AS exit_ws,
    count(*) FILTER (WHERE ended AND exit_status_id IN (SELECT id FROM work)) AS exit_work,
    sum(greatest(date_diff('day', greatest(start, DATE '{s}'),
        least(coalesce("end", DATE '{open}'), DATE '{t}')) + 1, 0) * monthly) AS cost,
    quantile_cont(date_diff('day', start, "end") + 1, 0.5) FILTER (WHERE ended) AS median
FROM e GROUP BY {sets}
"""
)
DUCK_OBSERVATIONS = (
    DUCK_BASE
    + """
SELECT gender, category, intervention, reception, age, education,
    grouping(gender, category, intervention, reception, age, education) AS g,
    count(*) FILTER (WHERE o.days_after_exit = 90) AS n90,
    count(*) FILTER (WHERE o.days_after_exit = 90 AND o.status_id IN (SELECT id FROM ws)) AS k90,
    count(*) FILTER (WHERE o.days_after_exit = 180) AS n180,
    count(*) FILTER (WHERE o.days_after_exit = 180 AND o.status_id IN (SELECT id FROM ws)) AS k180,
    count(*) FILTER (WHERE o.days_after_exit = 365) AS n365,
    count(*) FILTER (WHERE o.days_after_exit = 365 AND o.status_id IN (SELECT id FROM ws)) AS k365
FROM e JOIN '{f}/observations.parquet' o ON o.enrolment_id = e.id
WHERE e.ended
GROUP BY {sets}
"""
)


def time_duckdb(folder: Path, repeat: int) -> tuple[float, dict]:
    import duckdb

    period = _period()
    params = {
        "f": folder,
        "s": period.start.isoformat(),
        "t": period.end.isoformat(),
        "open": min(period.end, AS_OF).isoformat(),
        "sets": DUCK_SETS,
    }
    main_sql, obs_sql = DUCK_MAIN.format(**params), DUCK_OBSERVATIONS.format(**params)
    connection = duckdb.connect()

    def run():
        return connection.execute(main_sql).fetchall(), connection.execute(obs_sql).fetchall()

    run()
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        rows = run()
        best = min(best, time.perf_counter() - started)
    return best, _duck_groups(*rows)


def _duck_groups(main_rows, obs_rows) -> dict:
    def key(row):
        values = dict(zip(DIMENSIONS, row[:6], strict=True))
        present = [d for i, d in enumerate(DIMENSIONS) if not (row[6] >> (5 - i)) & 1]
        return tuple((d, values[d]) for d in present)

    groups: dict = {}
    for row in main_rows:
        active, new, ended, exit_ws, exit_work, cost, median = row[7:]
        groups[key(row)] = {
            "active": active,
            "new": new,
            "ended": ended,
            "exit_ws": exit_ws,
            "exit_work": exit_work,
            "cost": float(cost or 0),
            "median": median,
        }
    for row in obs_rows:
        groups.setdefault(key(row), {}).update(
            dict(zip(["n90", "k90", "n180", "k180", "n365", "k365"], row[7:], strict=True))
        )
    return groups


def compare(raw: dict, duck: dict) -> bool:
    """Whether the engine's aggregates equal DuckDB's in every group."""
    same = set(raw) == set(duck)
    for key, r in raw.items():
        d = duck.get(key, {})
        mine = {
            "active": r.active,
            "new": r.new,
            "ended": r.ended,
            "exit_ws": r.exit_ws,
            "exit_work": r.exit_work,
            **{f"n{x}": r.observed[x] for x in (90, 180, 365)},
            **{f"k{x}": r.observed_ws[x] for x in (90, 180, 365)},
        }
        theirs = {k: d.get(k, 0) for k in mine}
        if mine != theirs:
            sys.stderr.write(f"differs in {key}: {mine} != {theirs}\n")
            same = False
        if abs(float(r.cost) - d.get("cost", 0.0)) > 0.02:
            sys.stderr.write(f"cost differs in {key}: {r.cost} != {d.get('cost')}\n")
            same = False
        if (r.median is None) != (d.get("median") is None) or (
            r.median is not None and abs(r.median - d["median"]) > 1e-9
        ):
            sys.stderr.write(f"median differs in {key}: {r.median} != {d.get('median')}\n")
            same = False
    return same


def time_dashboard(repeat: int, cache_seconds: int = 0) -> float:
    """The dashboard's best render time: computed afresh, or (``cache_seconds``) a repeated
    view served from the KPI cache."""
    from django.core.cache import cache
    from django.test import Client, override_settings

    from etablera.accounts.models import RoleAssignment, User
    from etablera.statistics.models import PublishedFigures

    user, created = User.objects.get_or_create(username="bench-strateg")
    if created:
        RoleAssignment.objects.create(user=user, role="strategist")
    client = Client()
    client.force_login(user)
    url = f"/statistik/?period={YEAR}"
    cache.clear()
    with override_settings(ETABLERA_KPI_CACHE_SECONDS=cache_seconds):
        assert client.get(url).status_code == 200
        best = float("inf")
        for _ in range(repeat):
            if not cache_seconds:  # afresh: not from the month's kept release either
                PublishedFigures.objects.all().delete()
            started = time.perf_counter()
            response = client.get(url)
            best = min(best, time.perf_counter() - started)
            assert response.status_code == 200
    return best


if __name__ == "__main__":
    main(sys.argv[1:])
