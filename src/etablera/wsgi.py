"""WSGI entry point for gunicorn (`etablera serve`) and `runserver`. A server started with another
data key than the database's refuses to start (``register.keycheck``)."""

import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etablera.settings")
application = get_wsgi_application()

from etablera.register.keycheck import DataKeyMismatch, verify  # noqa: E402

try:
    verify()
except DataKeyMismatch as exc:
    sys.stderr.write(f"etablera: {exc}\n")
    sys.exit(2)

from etablera.accounts.startup import anchor_at_start  # noqa: E402  (needs Django set up)

anchor_at_start()
