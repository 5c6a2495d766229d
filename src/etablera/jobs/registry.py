"""The kinds of job: a name, a label people see and the function that does the work.

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
