"""On a mandate's page: the outcomes of the interventions it commissions (a plugin hook, see
``etablera.web.plugins``), with the same disclosure control as everywhere."""

from __future__ import annotations

from django.template.loader import render_to_string

from . import disclosure
from .selectors import mandate_outcomes


def parts(request, mandate) -> list[str]:
    try:
        outcomes = mandate_outcomes(request.user, mandate)
    except disclosure.DisclosureConfigurationError:
        outcomes = {"refused": True}  # the protection is set up wrong: the page says so
    html = render_to_string(
        "statistics/includes/mandate_outcomes.html", {"outcomes": outcomes}, request=request
    )
    return [html] if html.strip() else []
