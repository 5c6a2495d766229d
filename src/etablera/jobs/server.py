"""Started beside the web server (the ``server`` plugin hook): the embedded job worker.

Background jobs need no extra server in the embedded default: ``etablera serve`` and
``etablera demo`` start a worker as a child process that stops with them. Production with
several machines sets ``ETABLERA_EMBEDDED_WORKER=false`` and runs ``etablera worker`` on its own.
"""

from __future__ import annotations

from django.conf import settings


def start() -> None:
    if settings.ETABLERA_EMBEDDED_WORKER:
        from .worker import start_embedded

        start_embedded()
