"""The `etablera` command: Django's manage.py under a friendlier name.

`etablera serve` runs in the production environment, so a server never starts by accident
with a development secret key.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "etablera"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etablera.settings")
    if len(argv) > 1 and argv[1] == "serve":
        os.environ.setdefault("ETABLERA_ENV", "production")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line

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
