"""Nothing is published while the protection is set up wrong.

The system check (``statistics.checks``) stops a server from starting with settings that would
weaken or switch off disclosure control; should such settings reach a running process all the
same (a changed environment, an override), every computation refuses them
(``disclosure.thresholds``, ``disclosure.RecordKey``) and this middleware turns the refusal into
a page that says so — status 503, no figures — instead of an error page, on every output that
reaches figures: the dashboard and its exports, the consolidated report and its PDF and
workbook, goal and follow-up pages with register values, an audit's trace, the interventions.
The API answers the same way (``api.DisclosureUnavailable``); the command line stops with the
message.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .disclosure import DisclosureConfigurationError

logger = logging.getLogger(__name__)


class DisclosureRefusalMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DisclosureConfigurationError):
            return None
        logger.error("Figures refused: %s", exception)
        return render(request, "statistics/refused.html", status=503)
