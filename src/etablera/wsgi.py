"""WSGI entry point for gunicorn (`etablera serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etablera.settings")
application = get_wsgi_application()
