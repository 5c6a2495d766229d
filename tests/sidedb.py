"""A database file of a test's own, for commands run as child processes: crash tests (killed
with SIGKILL midway, the database compared with how it was before), the data key check, backup
and restore.

A child is told where "midway" is by a hook that writes a marker file and waits; the test waits
for the marker (bounded), kills the child and compares every table.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA_KEY = "crash-test-data-key"
#: Written by every command's start, whatever the command does: the record of the access log's
#: verification (docs/security.md).
STARTUP_TABLES = ("accounts_auditverification",)


def child_env(db: Path, var: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ETABLERA_ENV="test",
        DATABASE_URL=f"sqlite:///{db}",
        ETABLERA_VAR_DIR=str(var),
        ETABLERA_DATA_KEY=DATA_KEY,
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="etablera.settings",
    )
    env.pop("PYTEST_CURRENT_TEST", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    return env


@pytest.fixture(scope="session")
def migrated_file(tmp_path_factory) -> Path:
    """One migrated SQLite file for the session; each test works on a copy."""
    base = tmp_path_factory.mktemp("crash-base")
    db = base / "etablera.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "etablera", "migrate", "-v", "0"],
        env=child_env(db, base),
        check=True,
        cwd=ROOT,
    )
    return db


class Side:
    """A database file of the test's own and a way to run Python against it."""

    def __init__(self, db: Path, var: Path) -> None:
        self.db = db
        self.var = var
        self.env = child_env(db, var)

    def python(self, code: str) -> subprocess.CompletedProcess:
        prelude = "import django; django.setup()\n"
        done = subprocess.run(
            [sys.executable, "-c", prelude + code],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done

    def start(self, code: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-c", "import django; django.setup()\n" + code],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_for(self, process: subprocess.Popen, marker: Path, limit: float = 300) -> None:
        """Wait until the child has written ``marker``; fails if it ends or never gets there
        (``limit`` seconds, a safety net for a broken test, not a measurement)."""
        deadline = time.monotonic() + limit
        while not marker.exists():
            if process.poll() is not None:
                pytest.fail(f"the child ended before midway: {process.stderr.read()[-3000:]}")
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("the child never reached midway")
            time.sleep(0.05)

    def kill_at_marker(self, process: subprocess.Popen, marker: Path, limit: float = 300) -> None:
        """SIGKILL the child once it has written ``marker``."""
        self.wait_for(process, marker, limit)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert process.returncode == -signal.SIGKILL

    def query(self, sql: str) -> list[tuple]:
        """The rows of one query, read with sqlite3 itself."""
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql).fetchall()

    def tables(self, skip: tuple[str, ...] = STARTUP_TABLES) -> dict[str, list[tuple]]:
        """Every table's rows, sorted, read with sqlite3 itself (which also recovers the WAL);
        ``skip`` leaves tables out (by default what every command's start writes)."""
        if not self.db.exists():
            return {}
        with sqlite3.connect(self.db) as conn:
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
                if row[0] not in skip
            ]
            found = {
                name: sorted(
                    conn.execute(f'SELECT * FROM "{name}"').fetchall(),  # noqa: S608
                    key=repr,
                )
                for name in names
            }
        if "sqlite_sequence" in found:
            found["sqlite_sequence"] = [r for r in found["sqlite_sequence"] if r[0] not in skip]
        return found


@pytest.fixture
def side(migrated_file, tmp_path) -> Side:
    db = tmp_path / "etablera.sqlite3"
    shutil.copyfile(migrated_file, db)
    return Side(db, tmp_path)
