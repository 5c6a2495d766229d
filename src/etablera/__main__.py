"""The `etablera` command: Django's manage.py under a friendlier name.

`etablera serve` runs in the production environment, so a server never starts by accident
with a development secret key. Every command but those in ``KEY_CHECK_EXEMPT`` first checks
that ``ETABLERA_DATA_KEY`` is the database's data key (``register.keycheck``) and refuses to
start, with one line, when it is not.
"""

from __future__ import annotations

import os
import sys

#: Commands that run whatever the data key: they do not read identity numbers, or they are how
#: a wrong key is put right.
KEY_CHECK_EXEMPT = frozenset(
    {
        "help",
        "version",
        "check",
        "generate_data_key",
        "rotate-data-key",
        "backup",
        "restore",
        "makemigrations",
        "makemessages",
        "compilemessages",
        "collectstatic",
        "showmigrations",
        "sqlmigrate",
        "dbshell",
    }
)


def _check_data_key(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else "help"
    if command in KEY_CHECK_EXEMPT or command.startswith("-"):
        return
    if command == "demo" and "--reset" in argv:
        return  # the demo database is deleted and made anew with the current key
    import django

    django.setup()
    from etablera.register.keycheck import DataKeyMismatch, verify

    try:
        verify()
    except DataKeyMismatch as exc:
        sys.stderr.write(f"etablera: {exc}\n")
        sys.exit(2)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "etablera"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etablera.settings")
    if len(argv) > 1 and argv[1] == "serve":
        os.environ.setdefault("ETABLERA_ENV", "production")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line

        _check_data_key(argv)
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"etablera: configuration error: {exc}\n")
        sys.exit(2)
    except Exception as exc:
        from django.db import OperationalError

        if isinstance(exc, OperationalError):
            sys.stderr.write(
                f"etablera: cannot use the database ({exc}). Check DATABASE_URL and that the "
                "database server is running.\n"
            )
            sys.exit(2)
        raise


if __name__ == "__main__":
    main()
