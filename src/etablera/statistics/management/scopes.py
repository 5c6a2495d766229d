"""What the statistics commands share: a scope named on the command line, read through the same
access policy as a user's choice, and a refusal's message as one line."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from etablera.accounts import policy
from etablera.organisation.models import Body, Unit
from etablera.statistics import selectors
from etablera.statistics.kpis import MUNICIPALITY_KEY, Scope


def error_text(exc: Exception) -> str:
    """A validation error's messages (or any error's text) as one line."""
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc)


def scope_from_text(text: str, operator: policy.Operator) -> Scope:
    """The scope ``text`` names, if the access policy offers it to an operator exactly as
    to a user (``selectors.scope_for``): the municipality, or a unit or body where roles
    that see KPIs are assigned — not any unit one picks, whose figures beside its
    sub-units' would be differences no one else is shown."""
    kind, _sep, value = text.partition(":")
    kind, value = kind.strip().lower(), value.strip()
    if kind in ("kommun", "municipality") and not value:
        key = MUNICIPALITY_KEY
    elif kind in ("enhet", "unit") and value:
        units = (
            Unit.objects.filter(pk=int(value))
            if value.isdigit()
            else Unit.objects.filter(name=value)
        )
        found = list(units[:2])
        if len(found) != 1:
            raise CommandError(
                f"No single unit is called {value!r}: give its id (see the organisation pages)."
            )
        key = selectors.unit_scope(found[0]).key
    elif kind in ("organ", "body") and value:
        bodies = (
            Body.objects.filter(pk=int(value))
            if value.isdigit()
            else Body.objects.filter(short_name=value)
        )
        body = bodies.first()
        if body is None:
            raise CommandError(f"No body has the short name or id {value!r}.")
        key = selectors.body_scope(body).key
    else:
        raise CommandError(
            f"Unknown scope {text!r}: use kommun, enhet:<unit id or name> or organ:<short name>."
        )
    try:
        return selectors.scope_for(operator, key)
    except selectors.InvalidScope as exc:
        offered = ", ".join(command_text(s.key) for s in selectors.scopes_for(operator))
        raise CommandError(
            f"{text!r} is not a scope statistics are published for: a unit or body is one "
            "only where a role that sees the KPIs is assigned (the scopes users see). "
            f"Choose from: {offered}."
        ) from exc


def command_text(key: str) -> str:
    """A scope's key as this command takes it (``enhet-3`` → ``enhet:3``)."""
    kind, _sep, pk = key.partition("-")
    return f"{kind}:{pk}" if pk else key
