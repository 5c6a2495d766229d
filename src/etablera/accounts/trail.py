"""Who made a change: every service names its ``actor`` in the change trail (django-auditlog).

On a web request django-auditlog's middleware names the signed-in user, but services are also
called from the API's serializers, management commands, background jobs, the demo loader and the
admin. So every service is declared with :func:`records_actor`, and its keyword-only ``actor``
is what the trail records for the changes it makes — a user as the entry's actor, an
:class:`~etablera.accounts.policy.Operator` (a command or job) by its name in the entry's
``additional_data`` — whoever calls it.

The actor is held in a context variable rather than in a signal receiver connected per call, so
threads (the embedded worker beside the server) never lend each other their actor.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.db.models.signals import pre_save
from django.dispatch import receiver

from .policy import Operator

P = ParamSpec("P")
T = TypeVar("T")

_actor: ContextVar[Any] = ContextVar("etablera_trail_actor", default=None)


@contextmanager
def acting(actor: Any) -> Iterator[None]:
    """Name ``actor`` on every trail entry written inside the block (the innermost wins)."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def records_actor(service: Callable[P, T]) -> Callable[P, T]:
    """Declare a service: it takes ``actor`` keyword-only, and the trail names that actor."""

    @functools.wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        if "actor" not in kwargs:
            raise TypeError(f"{service.__qualname__}() needs the acting user: actor=…")
        with acting(kwargs["actor"]):
            return service(*args, **kwargs)

    wrapper.records_actor = True  # type: ignore[attr-defined]
    return wrapper


def person(actor: Any) -> Any:
    """The user to store in a "… by" field: ``None`` for an operator (a command or job)."""
    return actor if getattr(actor, "pk", None) is not None else None


@receiver(pre_save, sender="auditlog.LogEntry", dispatch_uid="etablera.accounts.trail")
def _name_actor(sender, instance, **kwargs) -> None:
    actor = _actor.get()
    if actor is None:
        return
    if isinstance(actor, Operator):
        instance.additional_data = {**(instance.additional_data or {}), "operator": actor.name}
    elif getattr(actor, "pk", None) is not None and instance.actor_id is None:
        instance.actor = actor
        instance.actor_email = getattr(actor, "email", None) or None
