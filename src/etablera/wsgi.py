"""WSGI entry point for gunicorn (`etablera serve`) and `runserver`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etablera.settings")
application = get_wsgi_application()

from etablera.accounts.startup import anchor_at_start  # noqa: E402  (needs Django set up)

anchor_at_start()
