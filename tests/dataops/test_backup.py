"""Backup while the server writes, restore into an empty database, every table the same; a
restore with another data key, or into a database that is not empty, restores nothing."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.sidedb import ROOT, Side, child_env

WRITER = """
import sys
from pathlib import Path
from django.db import transaction
from etablera.jobs.models import Job
signal = Path(sys.argv[1])
for batch in range(100000):
    with transaction.atomic():
        for row in range(10):
            Job.objects.create(kind="test.write", params={"batch": batch, "row": row})
    if batch == 5:
        (signal / "writing").write_text("yes")
    if (signal / "stop").exists():
        break
"""


def etablera(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etablera", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_a_backup_under_concurrent_writes_restores_every_table(side, tmp_path):
    side.python(
        "from tests.register.factories import ParticipantFactory, EnrolmentFactory\n"
        "EnrolmentFactory.create_batch(3)\n"
        "ParticipantFactory.create_batch(2)\n"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", "import django; django.setup()\n" + WRITER, str(side.var)],
        env=side.env,
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        side.wait_for(writer, side.var / "writing")
        file = tmp_path / "backup.sqlite3"
        made = etablera(side.env, "backup", str(file))
        assert made.returncode == 0, made.stderr
        assert "Backup written" in made.stdout
    finally:
        (side.var / "stop").write_text("stop")
        writer.wait(timeout=120)
    assert writer.returncode == 0, writer.stderr.read()

    restored = Side(tmp_path / "restored" / "etablera.sqlite3", tmp_path / "restored")
    restored.var.mkdir()
    done = etablera(restored.env, "restore", str(file))
    assert done.returncode == 0, done.stderr
    assert "the data key matches" in done.stdout

    snapshot = Side(file, tmp_path).tables()
    assert restored.tables() == snapshot
    assert len(snapshot["register_participant"]) == 5
    with sqlite3.connect(restored.db) as conn:  # names are in the backup like every column
        names = conn.execute("SELECT given_name, family_name FROM register_participant").fetchall()
    assert len(names) == 5 and all(given and family for given, family in names)
    # One moment: every transaction of the writer is in the copy whole, or not at all.
    with sqlite3.connect(restored.db) as conn:
        sizes = conn.execute(
            "SELECT COUNT(*) FROM jobs_job WHERE kind = 'test.write' "
            "GROUP BY json_extract(params, '$.batch')"
        ).fetchall()
    assert len(sizes) >= 6 and {size for (size,) in sizes} == {10}
    # The restored database is in use at once, with the key checked.
    started = etablera(restored.env, "shell", "-c", "print('started')")
    assert started.returncode == 0 and "started" in started.stdout


def test_a_restore_with_another_key_or_into_a_used_database_restores_nothing(side, tmp_path):
    side.python("from tests.register.factories import ParticipantFactory\nParticipantFactory()\n")
    file = tmp_path / "backup.sqlite3"
    assert etablera(side.env, "backup", str(file)).returncode == 0
    again = etablera(side.env, "backup", str(file))
    assert again.returncode == 1 and "exists already" in again.stderr

    target = Side(tmp_path / "other" / "etablera.sqlite3", tmp_path / "other")
    target.var.mkdir()
    wrong = etablera(dict(target.env, ETABLERA_DATA_KEY="not-the-key"), "restore", str(file))
    assert wrong.returncode == 1 and "another data key" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    assert target.tables() == {}

    used = etablera(side.env, "restore", str(file))
    assert used.returncode == 1 and "not empty" in used.stderr

    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    bad = etablera(target.env, "restore", str(junk))
    assert bad.returncode == 1 and "cannot be read" in bad.stderr
    assert Path(target.db).exists() is False or target.tables() == {}


# --- PostgreSQL: when the tests run on PostgreSQL and pg_dump is installed ------------------


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")) and shutil.which("pg_dump"):
        return url
    return None


POSTGRES_URL = _postgres_url()


class PgSide:
    """A database of the test's own on the PostgreSQL server the tests use."""

    def __init__(self, server_url: str, name: str, var: Path) -> None:
        self.server = urlsplit(server_url)
        self.name = name
        self.var = var
        self.url = urlunsplit(self.server._replace(path=f"/{name}"))
        self.env = dict(child_env(var / "unused.sqlite3", var), DATABASE_URL=self.url)

    def connect(self, database: str):
        import psycopg

        return psycopg.connect(
            urlunsplit(self.server._replace(path=f"/{database}")), autocommit=True
        )

    def create(self) -> None:
        with self.connect("postgres") as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        with self.connect("postgres") as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def tables(self) -> dict[str, list[tuple]]:
        with self.connect(self.name) as conn:
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                )
            ]
            return {
                name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)  # noqa: S608
                for name in names
            }


def _postgresql_backup_under_concurrent_writes_restores_every_table(server_url, tmp_path):
    tag = uuid.uuid4().hex[:10]
    source = PgSide(server_url, f"etablera_backup_{tag}", tmp_path)
    target = PgSide(server_url, f"etablera_restore_{tag}", tmp_path)
    source.create()
    target.create()
    try:
        assert etablera(source.env, "migrate", "-v", "0").returncode == 0
        populate = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup()\n"
                "from tests.register.factories import EnrolmentFactory\n"
                "EnrolmentFactory.create_batch(3)\n",
            ],
            env=source.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert populate.returncode == 0, populate.stderr
        writer = subprocess.Popen(
            [sys.executable, "-c", "import django; django.setup()\n" + WRITER, str(tmp_path)],
            env=source.env,
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            Side(tmp_path / "x", tmp_path).wait_for(writer, tmp_path / "writing")
            file = tmp_path / "backup.dump"
            made = etablera(source.env, "backup", str(file))
            assert made.returncode == 0, made.stderr
        finally:
            (tmp_path / "stop").write_text("stop")
            writer.wait(timeout=120)
        wrong = etablera(dict(target.env, ETABLERA_DATA_KEY="not-the-key"), "restore", str(file))
        assert wrong.returncode == 1 and "another data key" in wrong.stderr
        assert target.tables() == {}
        done = etablera(target.env, "restore", str(file))
        assert done.returncode == 0, done.stderr
        restored = target.tables()
        assert len(restored["register_enrolment"]) == 3
        batches: dict[int, int] = {}
        for row in restored["jobs_job"]:
            params = next(value for value in row if isinstance(value, dict))
            batches[params["batch"]] = batches.get(params["batch"], 0) + 1
        assert len(batches) >= 6 and set(batches.values()) == {10}
        # The restored database equals the source as it was at the backup: the writer's later
        # batches aside, every table is the same.
        now = source.tables()
        now["jobs_job"] = [row for row in now["jobs_job"] if row in restored["jobs_job"]]
        now["django_tasks_database_dbtaskresult"] = restored["django_tasks_database_dbtaskresult"]
        assert now == restored
    finally:
        source.drop()
        target.drop()


if POSTGRES_URL:
    # Collected only where the tests run on PostgreSQL with pg_dump (CI's second run).

    def test_a_postgresql_backup_under_concurrent_writes_restores_every_table(tmp_path):
        _postgresql_backup_under_concurrent_writes_restores_every_table(POSTGRES_URL, tmp_path)
