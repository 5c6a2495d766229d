"""The coach's lists at scale: participant list (each filter and order), intervention list and
follow-ups due, against the way they were read before (numbered pages, counts over the whole
scope), side by side in the same run.

One command runs everything and prints the figures (docs/performance.md records them)::

    python -m bench register_lists
    python -m bench.bench_register_lists --participants 200000 --enrolments 1000000 \\
        --databases sqlite,postgres --postgres postgres://etablera@127.0.0.1:55417/bench_lists

For each database, in a child process with ``DATABASE_URL`` set:

1. a register of exactly ``--participants`` people (with names and, for four in five, a
   responsible coach among 20) and ``--enrolments`` enrolments (about one person in twelve in
   an ongoing one; ends spread over twelve years, so the follow-ups due have work in them) and
   their outcome observations is written once with bulk inserts (``executemany`` on SQLite,
   ``COPY`` on PostgreSQL) and kept for later runs (SQLite: ``--sqlite``, default
   ``var/bench-register-lists.sqlite3``);
2. a coach of the whole unit tree is signed in (both factors, as after signing in), and each
   page is requested through Django's test client (view, queries, template, access log; no
   network): one warm-up, then the median of ``--repeat`` runs, in milliseconds — the
   server's time;
3. beside each list, **before**: the queries the same list made before keyset pages (a
   ``Paginator`` counting every row the filters match, then the page with its counts annotated
   over the whole scope); the ratio is before / now.

Nothing here asserts: the figures are read, and written to docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time

from bench.scratch import add_size_arguments, run_child

TARGET_MS = 200
COACHES = 20
#: Participants drawn and written per round: bounds the memory whatever the size.
CHUNK = 20_000


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench_register_lists", description=__doc__)
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite and/or postgres")
    add_size_arguments(
        parser,
        sqlite="bench-register-lists.sqlite3",
        postgres="postgres://etablera@127.0.0.1:55417/bench_lists",
        repeat=7,
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse(argv)
    if args.child:
        print(json.dumps(child(args)))
        return
    results = []
    for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
        url = f"sqlite:///{args.sqlite}" if database == "sqlite" else args.postgres
        results.append(run_child("bench.bench_register_lists", database, url, args))
    report(results)


def report(results: list[dict]) -> None:
    for r in results:
        print(
            f"\n{r['database']}: {r['participants']} participants, {r['enrolments']} enrolments, "
            f"{r['observations']} observations; median of {r['repeat']} runs, ms"
        )
        print(
            f"{'page':<34} {'now':>8} {'cpu':>8} {'queries':>8} {'rows':>5} {'before':>9} "
            f"{'ratio':>7}"
        )
        for row in r["pages"]:
            before = f"{row['before']:>9.1f}" if row.get("before") is not None else f"{'':>9}"
            ratio = f"{row['before'] / row['now']:>6.1f}×" if row.get("before") is not None else ""
            flag = "" if row["now"] < TARGET_MS else "  over target"
            print(
                f"{row['name']:<34} {row['now']:>8.1f} {row['cpu']:>8.1f} {row['queries']:>8} "
                f"{row['rows']:>5} "
                f"{before} {ratio:>7}{flag}"
            )
    print(
        "\nnow: the page through Django's test client (view, queries, template, access log), "
        "wall clock; cpu: this process's CPU time for it (SQLite's work included, PostgreSQL's "
        "not); "
        "queries: the page's queries; rows: participants, interventions or follow-ups shown; "
        "before: the queries alone (no template) of the same list as read before keyset "
        f"pages; ratio: before / now. Target: every page under {TARGET_MS} ms."
    )


# --- the child: one database ------------------------------------------------------------------


def child(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    counts = ensure_register(args.participants, args.enrolments, args.seed)
    pages = time_pages(args.repeat)
    return {**counts, "repeat": args.repeat, "pages": pages}


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
        build(participants, enrolments, seed)
        sys.stderr.write(f"built in {time.monotonic() - started:.0f} s\n")
    return {
        "participants": Participant.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "observations": OutcomeObservation.objects.count(),
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
EXITS = ["work", "subsidised_work", "studies", "job_seeking", "other_intervention", "moved"]


def _insert(table: str, columns: list[str], rows) -> None:
    """Bulk insert: ``COPY`` on PostgreSQL, ``executemany`` on SQLite."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("%s" for _ in columns)
            batch: list = []
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            for row in rows:
                batch.append(row)
                if len(batch) == 50_000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)


def build(participants: int, enrolments: int, seed: int) -> None:
    """The register, written in bulk with explicit ids (so enrolments need no read-back)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from etablera.accounts.models import RoleAssignment, User
    from etablera.accounts.policy import Operator
    from etablera.accounts.roles import Role
    from etablera.organisation.models import Body, BodyKind, Municipality, Unit, UnitKind
    from etablera.organisation.services import save_unit
    from etablera.register.generator import FAMILY_NAMES, GIVEN_NAMES
    from etablera.register.models import Intervention, StatusCategory

    rng = random.Random(seed)
    today = dt.date.today()
    now = timezone.now()
    sqlite = connection.vendor == "sqlite"

    def moment(value: dt.datetime):
        """A timestamp as the backend stores it (SQLite: naive UTC text, as Django writes)."""
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ") if sqlite else value

    def day_value(value: dt.date | None):
        return value.isoformat() if sqlite and value is not None else value

    stamp = moment(now)
    with transaction.atomic():
        municipality = Municipality.objects.create(name="Benchkommunen", code="1487", is_demo=True)
        body = Body.objects.create(
            municipality=municipality,
            kind=BodyKind.COMMITTEE,
            name="Socialnämnden",
            short_name="SN",
        )
        operator = Operator("bench:register-lists")
        top = save_unit(
            Unit(body=body, kind=UnitKind.UNIT, name="Arbetsmarknadsenheten"), actor=operator
        )
        units = [top] + [
            save_unit(
                Unit(body=body, kind=UnitKind.TEAM, name=f"Team {n}", parent=top), actor=operator
            )
            for n in range(4)
        ]
        coach = User.objects.create_user("benchcoach", password=None, first_name="Bench")
        RoleAssignment.objects.create(user=coach, role=Role.COACH, unit=top)
        coaches = [coach.pk]
        for n in range(COACHES - 1):
            other = User.objects.create_user(f"coach{n}", password=None)
            RoleAssignment.objects.create(user=other, role=Role.COACH, unit=rng.choice(units))
            coaches.append(other.pk)
        interventions = [
            Intervention.objects.create(
                name=f"{category} {n + 1}",
                code=f"B-{category}-{n}",
                category=category,
                provider_unit=rng.choice(units),
                start=dt.date(2014, 1, 1),
            ).pk
            for category, count in CATEGORIES
            for n in range(count)
        ]
        status = {s.code: s.pk for s in StatusCategory.objects.all()}
        unit_ids = [u.pk for u in units]
        per_person, extra = divmod(enrolments, participants)
        days = (today - dt.date(2014, 1, 1)).days

        enrolment_id = observation_id = 0
        for first in range(1, participants + 1, CHUNK):
            people_rows: list[tuple] = []
            enrolment_rows: list[tuple] = []
            observation_rows: list[tuple] = []
            for pk in range(first, min(first + CHUNK, participants + 1)):
                gender = rng.choice("KM")
                received = dt.date(2014, 1, 1) + dt.timedelta(rng.randrange(0, days - 400))
                created = now - dt.timedelta(
                    days=rng.randrange(0, days), seconds=rng.randrange(86400)
                )
                people_rows.append(
                    (
                        pk,
                        rng.choice(GIVEN_NAMES[gender]),
                        rng.choice(FAMILY_NAMES),
                        "reserve",
                        "",
                        None,
                        "",
                        f"B{pk:08d}",
                        rng.randrange(1960, 2006),
                        gender,
                        "SY",
                        day_value(received),
                        "unknown",
                        False,
                        "other",
                        True,
                        rng.choice(unit_ids),
                        rng.choice(coaches) if rng.random() < 0.8 else None,
                        moment(created),
                        moment(created),
                        moment(created + dt.timedelta(days=rng.randrange(0, 400))),
                    )
                )
                count = per_person + (1 if pk <= extra else 0)
                # Each person's enrolments follow one another from a start somewhere in the twelve
                # years; about one in twelve is still in the last one.
                day = dt.date(2014, 1, 1) + dt.timedelta(rng.randrange(0, days))
                for index, intervention in enumerate(rng.sample(interventions, count)):
                    length = rng.randrange(20, 160)
                    start = min(day, today - dt.timedelta(days=length + 1))
                    end: dt.date | None = start + dt.timedelta(days=length)
                    if index == count - 1 and rng.random() < 0.085:
                        end = None
                    enrolment_id += 1
                    enrolment_rows.append(
                        (
                            enrolment_id,
                            pk,
                            intervention,
                            day_value(start),
                            None,
                            day_value(end),
                            status["job_seeking"],
                            "unknown",
                            status[rng.choice(EXITS)] if end else None,
                            None,
                            stamp,
                            stamp,
                        )
                    )
                    if end is not None and (today - end).days < 800:
                        for point, chance in ((90, 0.8), (180, 0.7), (365, 0.6)):
                            seen = end + dt.timedelta(days=point)
                            if seen <= today and rng.random() < chance:
                                observation_id += 1
                                observation_rows.append(
                                    (
                                        observation_id,
                                        enrolment_id,
                                        point,
                                        day_value(seen),
                                        status["work"],
                                        stamp,
                                    )
                                )
                    day = start + dt.timedelta(days=length + rng.randrange(1, 90))
            _insert(
                "register_participant",
                [
                    "id",
                    "given_name",
                    "family_name",
                    "identity_kind",
                    "identity_encrypted",
                    "identity_hash",
                    "masked_identity",
                    "reserve_number",
                    "birth_year",
                    "gender",
                    "country_of_birth",
                    "received_on",
                    "education_level",
                    "in_establishment_programme",
                    "referred_by",
                    "consent_to_follow_up",
                    "owning_unit_id",
                    "responsible_coach_id",
                    "created_at",
                    "updated_at",
                    "last_activity_at",
                ],
                people_rows,
            )
            _insert(
                "register_enrolment",
                [
                    "id",
                    "participant_id",
                    "intervention_id",
                    "start",
                    "planned_end",
                    '"end"',
                    "status_at_start_id",
                    "livelihood_at_start",
                    "exit_status_id",
                    "hours_per_week",
                    "created_at",
                    "updated_at",
                ],
                enrolment_rows,
            )
            _insert(
                "register_outcomeobservation",
                ["id", "enrolment_id", "days_after_exit", "observed_on", "status_id", "created_at"],
                observation_rows,
            )
            sys.stderr.write(f"  {min(first + CHUNK - 1, participants)} participants\n")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for table in ("participant", "enrolment", "outcomeobservation"):
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('register_{table}', 'id'), "
                        f"(SELECT MAX(id) FROM register_{table}))"
                    )
    with connection.cursor() as cursor:
        # Planner statistics, as autovacuum gathers them on a server (and ``PRAGMA optimize``
        # on SQLite, which a deployment runs on closing connections).
        cursor.execute("ANALYZE")


# --- timing -----------------------------------------------------------------------------------


def _median_ms(call, runs: int) -> float:
    return _medians(call, runs)[0]


def _medians(call, runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU time of this process, in ms, after one warm-up.

    The CPU time leaves out the waiting for a core on a loaded machine; on SQLite it holds the
    database's work too (it runs in this process), on PostgreSQL it does not."""
    call()  # warm-up
    wall, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def time_pages(repeat: int) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from etablera.accounts.models import User
    from etablera.register.models import Intervention, StatusCategory

    coach = User.objects.get(username="benchcoach")
    device, _made = TOTPDevice.objects.get_or_create(
        user=coach, name="bench", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(coach)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    intervention = Intervention.objects.order_by("pk").first()
    work = StatusCategory.objects.get(code="work")
    assert intervention is not None

    def with_context(path: str, params: dict):
        """A response with its template context (instrumented rendering, never timed)."""
        setup_test_environment()
        try:
            return client.get(path, params)
        finally:
            teardown_test_environment()

    def page_after(params: dict) -> dict:
        response = with_context("/register/deltagare/", params)
        return {**params, "efter": response.context["page"].next_after}

    participant_pages = [
        ("participants, newest", {}),
        ("participants, by name", {"ordning": "namn"}),
        ("participants, latest activity", {"ordning": "aktivitet"}),
        ("participants, page 2 by name", "page2"),
        ("participants, mine", {"mina": "on"}),
        ("participants, mine by name", {"mina": "on", "ordning": "namn"}),
        ("participants, active", {"aktiva": "on"}),
        ("participants, intervention", {"insats": intervention.pk}),
        ("participants, exit status", {"status": work.pk}),
        ("participants, follow-up due", {"uppfoljning": "on"}),
        ("participants, name search", {"namn": "amina osman"}),
        ("participants, name search by name", {"namn": "amina", "ordning": "namn"}),
        (
            "participants, every filter",
            {
                "mina": "on",
                "aktiva": "on",
                "insats": intervention.pk,
                "ordning": "namn",
            },
        ),
    ]
    results = []

    def measure(name: str, path: str, params: dict, rows, before=None) -> None:
        # A search by name is posted and kept in the session, as the page does; the list
        # pages are then timed as they are read.
        params = dict(params)
        searched = params.pop("namn", "")
        if path == "/register/deltagare/":
            client.post(path, {"namn": searched} if searched else {"namn": "", "rensa": "1"})

        def get() -> object:
            response = client.get(path, params)
            assert response.status_code == 200, (path, params, response.status_code)
            return response

        now, cpu = _medians(get, repeat)
        executed: list[str] = []

        def count(execute, sql, sql_params, many, context):
            executed.append(sql)
            return execute(sql, sql_params, many, context)

        with connection.execute_wrapper(count):
            get()
        response = with_context(path, params)
        results.append(
            {
                "name": name,
                "now": now,
                "cpu": cpu,
                "queries": len(executed),
                "rows": rows(response.context),
                "before": _median_ms(before, max(3, repeat // 2)) if before else None,
            }
        )
        sys.stderr.write(f"  {name}: {now:.1f} ms\n")

    def participants_shown(context) -> int:
        return len(context["page"].rows)

    measure("floor: a page that reads nothing", "/tillganglighet/", {}, lambda context: 0)
    for name, params in participant_pages:
        if params == "page2":
            params = page_after({"ordning": "namn"})
        measure(
            name,
            "/register/deltagare/",
            params,
            participants_shown,
            before=(lambda: _before_participants(coach)) if name.endswith("newest") else None,
        )
    measure(
        "interventions",
        "/register/insatser/",
        {},
        lambda context: len(context["page"].object_list),
        before=lambda: _before_interventions(coach),
    )
    measure(
        "follow-ups due",
        "/register/uppfoljningar/",
        {},
        lambda context: len(context["points"]),
        before=lambda: _before_follow_ups(coach),
    )
    measure(
        "follow-ups due, page 2",
        "/register/uppfoljningar/",
        {"efter": with_context("/register/uppfoljningar/", {}).context["page"].next_after},
        lambda context: len(context["points"]),
    )
    return results


# --- before: the lists as they were read with numbered pages ----------------------------------


def _before_participants(user) -> None:
    from django.core.paginator import Paginator
    from django.db.models import Count, Q

    from etablera.accounts import policy
    from etablera.register.models import Participant

    qs = Participant.objects.select_related("owning_unit").annotate(
        enrolment_count=Count("enrolments"),
        active_count=Count("enrolments", filter=Q(enrolments__end__isnull=True)),
    )
    qs = policy.scope(user, "register.participant.view", qs).order_by("-created_at", "-pk")
    list(Paginator(qs, 50).get_page(1).object_list)


def _before_interventions(user) -> None:
    from django.core.paginator import Paginator
    from django.db.models import Count, Q

    from etablera.accounts import policy
    from etablera.register.models import Intervention

    today = dt.date.today()
    qs = Intervention.objects.select_related(
        "provider_unit", "provider_unit__body", "commissioning_mandate"
    ).annotate(
        active_count=Count(
            "enrolments",
            filter=Q(enrolments__start__lte=today)
            & (Q(enrolments__end__isnull=True) | Q(enrolments__end__gte=today)),
        )
    )
    qs = policy.scope(user, "register.intervention.view", qs).order_by("name", "pk")
    list(Paginator(qs, 50).get_page(1).object_list)


def _before_follow_ups(user) -> None:
    from django.core.paginator import Paginator

    from etablera.register import selectors

    queryset, expand = selectors.due_follow_ups(user)
    expand(list(Paginator(queryset, 50).get_page(1).object_list))


if __name__ == "__main__":
    main(sys.argv[1:])
