"""A throwaway database for a benchmark: Django set up on it and migrated.

Several benchmarks measure in a database of their own, removed when they end, unless
``DATABASE_URL`` names one (a scratch PostgreSQL, say)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile


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
