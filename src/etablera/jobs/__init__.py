"""Long work in the background: imports, syncs and other jobs a person starts and follows.

A job is enqueued with :func:`etablera.jobs.services.enqueue` and run by a worker
(``etablera worker``, or the one that ``etablera serve`` and ``etablera demo`` start beside the
server) through django-tasks' database backend (ADR 6). What a kind of job does is registered
with :func:`etablera.jobs.registry.job_kind` in a ``jobs`` module of the app that owns it.
"""
