"""The start page, the accessibility statement and the error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from etablera.accounts import policy

from .plugins import contributions


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: an overview for the user's roles, from the panels each app adds
    (``<app>/home.py: panels``), the most telling first (a panel's ``order``, default 50), and
    one list of what waits for the user gathered from the apps (``home.py: waiting``)."""
    policy.require(request.user, "web.home")
    panels = []
    waiting = []
    for module in contributions("home"):
        panels.extend(module.panels(request))
        if hasattr(module, "waiting"):
            waiting.extend(module.waiting(request))
    if waiting:
        waiting.sort(key=lambda item: item.get("order", 50))
        panels.append(
            {
                "template": "web/panel_waiting.html",
                "items": waiting,
                "any": any(item["count"] for item in waiting),
                "order": 0.5,  # right after the overview: for those who act, the first question
            }
        )
    panels.sort(key=lambda panel: panel.get("order", 50))
    return render(
        request,
        "web/home.html",
        {
            "panels": panels,
            "assignments": request.user.role_assignments.select_related("body", "unit"),
        },
    )


@cache_control(max_age=3600, public=True)
def accessibility(request: HttpRequest) -> HttpResponse:
    """Tillgänglighetsredogörelse: required of public-sector web sites (lag 2018:1937)."""
    return render(request, "web/accessibility.html")


def about_data(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about_data.html")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may be the database.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render({}), status=500)
