"""Readers during a large import on PostgreSQL: their worst latency, and the import's speed.

    python -m bench.bench_import_readers --postgres URL [--participants N] [--enrolments N]
        [--baseline-src PATH ...] [--rounds N]

Generates the files of ``bench_register_import`` (N participants, N enrolments), and for each
source tree (this one; with ``--baseline-src`` also another checkout's ``src``, run side by
side), in a fresh database and fresh processes:

1. imports the participants;
2. starts a reader process that, as a coach, asks for the participant list, the intervention
   list and the enrolment API over and over (Django's test client, its own connection) and
   records each answer's time;
3. after two seconds of readers alone, imports the enrolments (all or nothing, one
   transaction), then lets the readers run two seconds more;
4. prints the import's rows/s and the readers' median and worst latency while it ran, against
   their median before it.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_register_import import DATA_KEY, INTERVENTIONS, generate, postgres_database

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["/register/deltagare/", "/register/insatser/", "/api/enrolments/?limit=50"]


def _django(src: str) -> None:
    sys.path.insert(0, src)
    os.environ["ETABLERA_DATA_KEY"] = DATA_KEY
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etablera.settings")
    import django

    django.setup()


def reader(args) -> None:
    """Ask for the pages until the stop file exists; print (time, page, seconds) per answer."""
    _django(args.src)
    from django.test import Client

    from etablera.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="coach"))
    stop = Path(args.stop)
    answers = []
    while not stop.exists():
        for page in PAGES:
            started = time.time()
            status = client.get(page).status_code
            answers.append((started, page, time.time() - started, status))
        if len(answers) >= 3 * len(PAGES):
            Path(f"{args.stop}.ready").touch()
    print(json.dumps(answers))


def _cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by this process and by its PostgreSQL backend (the server runs
    on this machine): on a machine shared with other work, what the import cost, whatever the
    load did to its wall time."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "python": usage.ru_utime + usage.ru_stime,
        "server": (int(fields[11]) + int(fields[12])) / ticks,
    }


def _time_phases() -> dict[str, float]:
    """Seconds spent writing the rows into the register (``writer.finish``: the merge of the
    staged rows, or the upsert of the rows that may match) and rebuilding the facts."""
    from etablera.register.importing import writers
    from etablera.statistics import facts

    spent = {"writer_finish": 0.0, "facts": 0.0}

    def timed(owner, name: str, phase: str) -> None:
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[phase] += time.perf_counter() - started

        setattr(owner, name, wrapper)

    timed(writers.PostgresWriter, "finish", "writer_finish")
    timed(facts, "refresh", "facts")
    return spent


def child(args) -> None:
    _django(args.src)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from etablera.accounts.models import RoleAssignment, User
    from etablera.accounts.roles import Role
    from etablera.organisation.models import Body, BodyKind, Municipality, Unit
    from etablera.organisation.services import save_unit

    try:
        from etablera.accounts.policy import Operator

        operator = Operator("bench:import-readers")
    except ImportError:  # a baseline tree from before named operators: a system actor
        operator = None
    from etablera.register.importing.engine import ImportScope, run_import
    from etablera.register.models import Intervention

    municipality = Municipality.objects.create(name="Benchkommun", code="1487")
    body = Body.objects.create(
        municipality=municipality, kind=BodyKind.COMMITTEE, name="SN", short_name="SN"
    )
    new_unit = Unit(body=body, kind="unit", name="Arbetsmarknadsenheten")
    # A baseline tree from before every service named its actor takes the unit alone.
    unit = save_unit(new_unit, actor=operator) if operator else save_unit(new_unit)
    for code, name, category in INTERVENTIONS:
        Intervention.objects.create(
            code=code, name=name, category=category, provider_unit=unit, start="2015-01-01"
        )
    user = User.objects.create(username="coach")
    RoleAssignment.objects.create(user=user, role=Role.COACH, unit=unit)
    scope = ImportScope(default_unit=unit, allowed_paths=(unit.path,))

    # The importing user; a baseline tree from before services named an actor calls it user.
    who = {"actor" if "actor" in inspect.signature(run_import).parameters else "user": user}

    def timed_import(kind: str, path: str):
        with open(path, "rb") as raw:
            result = run_import(kind, raw, file_name=Path(path).name, scope=scope, **who)
        if not result.committed:
            raise SystemExit(f"{kind} import failed: {result.errors.first[:5]}")
        return result

    timed_import("participants", args.participants_csv)
    phases = _time_phases()
    stop = Path(args.participants_csv).with_name(f"stop-{os.getpid()}")
    if args.alone:
        Path(f"{stop}.ready").touch()
    readers = (
        None
        if args.alone
        else subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.bench_import_readers",
                "--reader",
                "--src",
                args.src,
                "--stop",
                str(stop),
            ],
            cwd=ROOT,
            env=os.environ,
            stdout=subprocess.PIPE,
            text=True,
        )
    )
    while not Path(f"{stop}.ready").exists():
        time.sleep(0.1)
    cpu = _cpu_seconds()
    started = time.time()
    result = timed_import("enrolments", args.enrolments_csv)
    ended = time.time()
    cpu = {name: round(after - cpu[name], 2) for name, after in _cpu_seconds().items()}
    time.sleep(2)
    stop.touch()
    answers = json.loads(readers.communicate()[0]) if readers else []
    before = [s for t, _p, s, _c in answers if t + s < started] or [0.0]
    during = [(s, p) for t, p, s, _c in answers if t < ended and t + s > started]
    worst = max(during) if during else (0.0, "")
    print(
        json.dumps(
            {
                "rows": result.rows,
                "seconds": round(ended - started, 2),
                "rows_per_s": round(result.rows / (ended - started)),
                "answers_before": len(before),
                "median_before_ms": round(statistics.median(before) * 1000, 1),
                "worst_before_ms": round(max(before) * 1000, 1),
                "answers_during": len(during),
                "median_during_ms": round(
                    statistics.median([s for s, _p in during] or [0.0]) * 1000, 1
                ),
                "worst_during_ms": round(worst[0] * 1000, 1),
                "worst_page": worst[1],
                **{f"{name}_s": round(seconds, 2) for name, seconds in phases.items()},
                "cpu_python_s": cpu["python"],
                "cpu_server_s": cpu["server"],
                "errors": sum(1 for *_x, c in answers if c >= 400),
                "statuses": sorted({f"{p} {c}" for _t, p, _s, c in answers if c != 200}),
            }
        )
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_import_readers")
    parser.add_argument("--participants", type=int, default=60_000)
    parser.add_argument("--enrolments", type=int, default=300_000)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", ""))
    parser.add_argument(
        "--baseline-src",
        action="append",
        default=[],
        metavar="PATH",
        help="another checkout's src, run first (may be given more than once)",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="run the trees in turn this many times"
    )
    parser.add_argument("--src", default=str(ROOT / "src"))
    parser.add_argument(
        "--alone", action="store_true", help="the import alone, without the reader process"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--reader", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--stop", help=argparse.SUPPRESS)
    parser.add_argument("--participants-csv", help=argparse.SUPPRESS)
    parser.add_argument("--enrolments-csv", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reader:
        reader(args)
        return
    if args.child:
        child(args)
        return
    if not args.postgres:
        raise SystemExit("give --postgres URL (or set BENCH_POSTGRES_URL)")
    with tempfile.TemporaryDirectory(prefix="etablera-bench-") as tmp:
        people, rows, _numbers = generate(Path(tmp), args.participants, args.enrolments)
        print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        trees = [(f"baseline {src}", src) for src in args.baseline_src]
        trees.append(("this tree", str(ROOT / "src")))
        for label, src in trees * args.rounds:
            url, drop = postgres_database(args.postgres)
            env = dict(
                os.environ,
                DATABASE_URL=url,
                ETABLERA_ENV="development",
                ETABLERA_LOG_LEVEL="WARNING",
                ETABLERA_DATA_KEY=DATA_KEY,
                # The reader signs in with force_login, which gives no second factor.
                ETABLERA_2FA_REQUIRED="0",
            )
            command = [
                sys.executable,
                "-m",
                "bench.bench_import_readers",
                "--child",
                "--src",
                src,
                "--participants-csv",
                str(people),
                "--enrolments-csv",
                str(rows),
                *(["--alone"] if args.alone else []),
            ]
            try:
                done = subprocess.run(
                    command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
                )
            finally:
                drop()
            if done.returncode != 0:
                print(f"{label}: failed\n{done.stderr[-3000:]}")
                continue
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{label}: {figures['rows']} enrolments in {figures['seconds']} s = "
                f"{figures['rows_per_s']} rows/s (writer.finish {figures['writer_finish_s']} s, "
                f"facts {figures['facts_s']} s; CPU {figures['cpu_python_s']} s Python + "
                f"{figures['cpu_server_s']} s server); readers {figures['median_before_ms']} ms "
                f"median and {figures['worst_before_ms']} ms worst before, "
                f"{figures['median_during_ms']} ms median and "
                f"{figures['worst_during_ms']} ms worst during the import "
                f"({figures['worst_page']}, {figures['answers_during']} answers, "
                f"{figures['errors']} errors{': ' if figures['errors'] else ''}"
                f"{', '.join(figures['statuses'])})"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
