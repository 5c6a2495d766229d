"""Every view of personal data is logged: a walk of every URL pattern and API route as a coach.

With demo-like register data — the coach's own participants with active, ended and followed-up
enrolments, a participant known by a reserve number, and a participant of another unit — every
URL pattern of the project (pages, forms, lists, exports, and the API router's routes) is
requested as a coach, each ``<int:…>`` filled with every id of the register's objects. For each
response, the participants whose details it shows must be exactly the participants the request
wrote to the access log, and such a response must not be stored. The other unit's participant
must never be shown.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from etablera.accounts.models import AccessLogEntry
from etablera.accounts.roles import Role
from etablera.register import crypto
from etablera.register.models import Enrolment, IdentityKind, ImportRun, OutcomeObservation
from tests.factories import UnitFactory
from tests.register.factories import (
    EnrolmentFactory,
    InterventionFactory,
    OutcomeObservationFactory,
    ParticipantFactory,
    status,
)

#: Patterns not walked, and why.
SKIPPED = {
    "admin",  # the Django admin: no participant model is registered (tests/accounts)
    "accounts:logout",  # POST only; ends the session
    "set_language",  # POST only; sets a cookie
}


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    """(route, name, kwargs) of every pattern; ``route`` is a template with ``{kwarg}``."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.app_name == "admin":
                continue
            yield from _patterns(entry, prefix + _template(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + _template(entry.pattern), f"{namespace}{entry.name}"


def _template(pattern) -> str:
    """A URL pattern (route or regex) as a ``str.format`` template."""
    text = str(pattern)
    if text.startswith("^") or text.endswith("$"):  # the API router's regexes
        text = text.lstrip("^").rstrip("$")
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)
        return text.replace("\\.", ".").replace("/?", "/")
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)


def _urls(candidates: list[int]) -> list[str]:
    urls = []
    for route, name in _patterns(get_resolver()):
        if name in SKIPPED or "{format}" in route:
            continue
        names = re.findall(r"\{(\w+)\}", route)
        if not names:
            urls.append("/" + route)
        elif set(names) <= {
            "pk",
            "body_pk",
            "indicator_pk",
            "audit_pk",
            "recommendation_pk",
            "action_pk",
        }:
            # Several ids in one route: each candidate fills all of them (the register's own
            # routes take one id each).
            urls.extend("/" + route.format(**dict.fromkeys(names, pk)) for pk in candidates)
        # Routes keyed by a period code show no participants (follow-up periods).
    return urls


@pytest.fixture
def register(make_user, body, settings):
    """The coach's unit with demo-like participants, and another unit's participant."""
    today = timezone.localdate()
    unit = UnitFactory(body=body, name="Arbetsmarknadsenheten")
    other = UnitFactory(body=body, name="Annan enhet")
    coach = make_user(Role.COACH, unit=unit)
    course = InterventionFactory(provider_unit=unit, name="Yrkessvenska")
    practice = InterventionFactory(provider_unit=unit, name="Praktik")
    own = [ParticipantFactory(owning_unit=unit) for _ in range(3)]
    own.append(
        ParticipantFactory(
            owning_unit=unit,
            identity_kind=IdentityKind.RESERVE,
            reserve_number="RES-2025-0042",
            masked_identity="",
            identity_encrypted="",
            identity_hash=None,
        )
    )
    EnrolmentFactory(participant=own[0], intervention=course, start=today - dt.timedelta(30))
    EnrolmentFactory(
        participant=own[1],
        intervention=practice,
        start=today - dt.timedelta(200),
        end=today - dt.timedelta(95),
        exit_status=status("work"),
    )
    OutcomeObservationFactory(
        enrolment=EnrolmentFactory(
            participant=own[2],
            intervention=course,
            start=today - dt.timedelta(400),
            end=today - dt.timedelta(190),
            exit_status=status("studies"),
        ),
        days_after_exit=90,
        observed_on=today - dt.timedelta(100),
    )
    EnrolmentFactory(participant=own[3], intervention=practice, start=today - dt.timedelta(10))
    stranger = ParticipantFactory(owning_unit=other)
    EnrolmentFactory(
        participant=stranger,
        intervention=InterventionFactory(provider_unit=other),
        start=today - dt.timedelta(300),
        end=today - dt.timedelta(92),
        exit_status=status("work"),
    )
    ImportRun.objects.create(
        kind="participants", file_name="deltagare.csv", owning_unit=unit, status="ok", rows=4
    )
    labels = [p.label for p in [*own, stranger]]
    assert len(set(labels)) == len(labels)
    return coach, own, stranger


def _shown_in_json(data, enrolment_owner: dict[int, int], numbers: dict[str, int]) -> set[int]:
    shown: set[int] = set()

    def visit(node) -> None:
        if isinstance(node, dict):
            if "identity" in node and isinstance(node.get("id"), int):
                shown.add(node["id"])
            if node.get("identity_number") in numbers:
                shown.add(numbers[node["identity_number"]])
            if isinstance(node.get("participant"), int):
                shown.add(node["participant"])
            if isinstance(node.get("enrolment"), int) and node["enrolment"] in enrolment_owner:
                shown.add(enrolment_owner[node["enrolment"]])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(data)
    return shown


def test_every_response_that_shows_a_participant_logs_exactly_them(client, register):
    coach, own, stranger = register
    people = {p.pk: p for p in [*own, stranger]}
    enrolment_owner = dict(Enrolment.objects.values_list("pk", "participant_id"))
    numbers = {
        f"{number[:8]}-{number[8:]}": pk
        for pk, p in people.items()
        if p.identity_encrypted and (number := crypto.decrypt(p.identity_encrypted))
    }
    candidates = sorted(
        {
            *people,
            *enrolment_owner,
            *OutcomeObservation.objects.values_list("pk", flat=True),
            *ImportRun.objects.values_list("pk", flat=True),
            *(e.intervention_id for e in Enrolment.objects.all()),
        }
    )
    client.force_login(coach)
    problems = []
    walked = 0
    for url in _urls(candidates):
        before = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.get(url)
        walked += 1
        if response.status_code != 200 or response.streaming:
            continue
        logged = {
            int(pk)
            for pk in AccessLogEntry.objects.filter(
                pk__gt=before, subject_type="register.participant"
            ).values_list("subject_id", flat=True)
        }
        body = response.content.decode(errors="replace")
        if response["Content-Type"].startswith("application/json"):
            shown = _shown_in_json(json.loads(body), enrolment_owner, numbers)
        else:
            shown = {pk for pk, p in people.items() if p.label and p.label in body}
            shown |= {pk for number, pk in numbers.items() if number in body}
        if shown != logged:
            problems.append(f"{url}: shows {sorted(shown)}, logs {sorted(logged)}")
        if stranger.pk in shown:
            problems.append(f"{url}: shows another unit's participant")
        if shown and response.get("Cache-Control") != "no-store":
            problems.append(f"{url}: personal data without Cache-Control: no-store")
    assert walked > 300
    assert problems == []


def _admin_urls() -> list[str]:
    """The admin's index, every changelist, and each object's change and history pages."""
    from django.contrib import admin
    from django.urls import reverse

    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        for pk in model._default_manager.order_by("-pk").values_list("pk", flat=True)[:25]:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[pk]))
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[pk]))
    return urls


def test_the_administrator_sees_no_participant_anywhere(client, register, make_user):
    """Pages, API, exports and the Django admin — its change history included — as the
    system administrator (a superuser, as in the demo): no participant's details at all."""
    _coach, own, stranger = register
    people = [*own, stranger]
    for participant in own:  # changes leave entries in django-auditlog's history
        participant.education_level = "post_secondary"
        participant.save()
    administrator = make_user(Role.ADMIN)
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    markers = {p.label for p in people}
    markers |= {
        f"{number[:8]}-{number[8:]}"
        for p in people
        if p.identity_encrypted and (number := crypto.decrypt(p.identity_encrypted))
    }
    candidates = sorted(
        {p.pk for p in people} | set(Enrolment.objects.values_list("pk", flat=True))
    )
    client.force_login(administrator)
    seen = []
    urls = [*_urls(candidates), *_admin_urls()]
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or response.streaming:
            continue
        body = response.content.decode(errors="replace")
        seen.extend(f"{url}: {marker}" for marker in markers if marker in body)
    assert len(urls) > 400
    assert seen == []
    assert not AccessLogEntry.objects.filter(subject_type="register.participant").exists()
