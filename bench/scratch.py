"""Databases for benchmarks: a throwaway one with Django set up and migrated, and a child
process per database for the benchmarks that compare SQLite and PostgreSQL.

Several benchmarks measure in a database of their own, removed when they end, unless
``DATABASE_URL`` names one (a scratch PostgreSQL, say)."""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(name: str) -> None:
    """Point Django at a fresh SQLite file (unless ``DATABASE_URL`` is set), set it up and
    migrate; ``name`` tells the temporary folder apart."""
    os.environ.setdefault("ETABLERA_ENV", "test")
    if "DATABASE_URL" not in os.environ:
        directory = tempfile.mkdtemp(prefix=f"etablera-bench-{name}-")
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{os.path.join(directory, 'bench.sqlite3')}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etablera.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def add_size_arguments(
    parser: argparse.ArgumentParser, *, sqlite: str, postgres: str, repeat: int
) -> None:
    """The arguments every per-database benchmark takes: the register's size, where its
    SQLite file and PostgreSQL database are, how many runs, the seed, and ``--child``."""
    parser.add_argument("--participants", type=int, default=200_000)
    parser.add_argument("--enrolments", type=int, default=1_000_000)
    parser.add_argument("--sqlite", default=str(ROOT / "var" / sqlite), help="SQLite file")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", postgres))
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--seed", type=int, default=1487)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)


def run_child(
    module: str, database: str, url: str, args: argparse.Namespace, env: dict | None = None
) -> dict:
    """Run ``python -m module --child`` with the same sizes on ``url``, in a process of its
    own (one Django set-up per database), and return the JSON result it prints last, with
    ``database`` added. A failed child stops the benchmark with its output."""
    command = [sys.executable, "-m", module, "--child"]
    command += ["--participants", str(args.participants), "--enrolments", str(args.enrolments)]
    command += ["--repeat", str(args.repeat), "--seed", str(args.seed)]
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "ETABLERA_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "etablera.settings",
        "ETABLERA_LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    print(f"-- {database}: {url}", flush=True)
    done = subprocess.run(command, env=environment, cwd=ROOT, capture_output=True, text=True)
    sys.stderr.write(done.stderr)
    if done.returncode:
        print(done.stdout)
        raise SystemExit(f"the {database} run failed")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["database"] = database
    return result
