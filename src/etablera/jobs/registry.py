"""The kinds of job: a name, a label people see and the function that does the work; and the
routines a running worker does on its own, every so often.

A handler is called as ``handler(job, progress, **params)`` and returns the result summary (a
JSON-serialisable dict of counts, ids and file names). It does its writes in its own
transaction(s), so a worker that dies mid-job leaves nothing half-written; it raises
:class:`JobFailed` with a message for the person when the work cannot be done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


class JobFailed(Exception):
    """The job cannot be done; ``message`` is shown to the person who started it."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str | Promise
    handler: Callable[..., dict[str, Any]]
    #: Template that shows a finished job's result (gets ``job`` and ``result``).
    result_template: str = "jobs/includes/result.html"


_kinds: dict[str, JobKind] = {}


def job_kind(
    name: str, label: str | Promise, *, result_template: str = "jobs/includes/result.html"
) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
    """Register the decorated function as the handler of jobs of kind ``name``."""

    def register(handler: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        _kinds[name] = JobKind(name, label, handler, result_template)
        return handler

    return register


def kinds() -> dict[str, JobKind]:
    return dict(_kinds)


def get(name: str) -> JobKind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No job kind {name!r} is registered") from None


@dataclass(frozen=True)
class Routine:
    """Work a running worker does by itself every ``every()`` seconds (0 or less: never).

    Apps above this one register theirs (the statistics' monthly release), so the worker runs
    them without knowing what they are. A routine must be cheap when there is nothing to do
    and safe to run in several workers at once."""

    name: str
    every: Callable[[], float]
    run: Callable[[], object]


_routines: dict[str, Routine] = {}


def routine(name: str, every: Callable[[], float]) -> Callable[[Callable[[], object]], Callable]:
    """Register the decorated function as a worker's routine."""

    def register(run: Callable[[], object]) -> Callable[[], object]:
        _routines[name] = Routine(name, every, run)
        return run

    return register


def routines() -> list[Routine]:
    return list(_routines.values())
