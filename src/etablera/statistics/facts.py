"""Keeping :class:`~etablera.statistics.models.EnrolmentFact` in step with the register.

A participant's facts are rebuilt as a whole — deleted and inserted again from the register
with one ``INSERT … SELECT`` that the database runs itself — whenever anything of theirs
changes: a handful of rows for a single save, set-based for an import. Rebuilding rather than
patching keeps one definition of every column (the query in :func:`_source`), so facts made by
an import and facts made by a form are the same.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import F, FilteredRelation, Min, Q, QuerySet, Value, Window
from django.db.models.signals import post_delete, post_save

from etablera.register.models import Enrolment, OutcomeObservation, Participant
from etablera.register.signals import register_changed

from .definitions import band_bit
from .expressions import DaysBetween
from .models import EnrolmentFact

EPOCH = datetime.date(1970, 1, 1)
#: From this many participants a refresh rebuilds every fact (one statement each way).
REBUILD_FROM = 20_000
#: Participants per statement when refreshing some.
CHUNK = 500

COLUMNS = (
    "enrolment_id",
    "participant_id",
    "unit_id",
    "intervention_id",
    "start_day",
    "end_day",
    "first_day",
    "gender",
    "education",
    "reception",
    "age",
    "exit_status_id",
    "status_90",
    "status_180",
    "status_365",
)


def day_number(date: datetime.date) -> int:
    """A date as the facts keep it: days since 1970-01-01."""
    return (date - EPOCH).days


def _source(enrolments: QuerySet[Enrolment]) -> QuerySet:
    """The facts of ``enrolments`` as a query, its columns in the order of :data:`COLUMNS`."""

    def days(field: str):
        return DaysBetween(F(field), Value(EPOCH))

    # The observations through one join each (LEFT JOIN … ON enrolment AND days), and the
    # participant's first start over their enrolments in the same rows: set-based, so a
    # rebuild of a million facts is a few joins rather than millions of probes.
    observed = {
        f"o{d}": FilteredRelation("observations", condition=Q(observations__days_after_exit=d))
        for d in (90, 180, 365)
    }
    first = Window(Min("start"), partition_by=[F("participant_id")])
    columns = {
        "x_enrolment_id": F("pk"),
        "x_participant_id": F("participant_id"),
        "x_unit_id": F("participant__owning_unit_id"),
        "x_intervention_id": F("intervention_id"),
        "x_start_day": days("start"),
        "x_end_day": days("end"),
        "x_first_day": DaysBetween(first, Value(EPOCH)),
        "x_gender": F("participant__gender"),
        "x_education": F("participant__education_level"),
        "x_reception": band_bit("reception"),
        "x_age": band_bit("age"),
        "x_exit_status_id": F("exit_status_id"),
        "x_status_90": F("o90__status_id"),
        "x_status_180": F("o180__status_id"),
        "x_status_365": F("o365__status_id"),
    }
    return enrolments.order_by().annotate(**observed).annotate(**columns).values_list(*columns)


def _select_sql(enrolments: QuerySet[Enrolment]) -> tuple[str, list]:
    compiler = _source(enrolments).query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    selected = [alias for _expression, _sql, alias in compiler.select]
    if selected != [f"x_{c}" for c in COLUMNS]:  # INSERT and EXCEPT rely on the order
        raise RuntimeError(f"Unexpected column order in the facts query: {selected}")
    return sql, list(params)


def _table() -> str:
    return connection.ops.quote_name(EnrolmentFact._meta.db_table)


def _names() -> str:
    return ", ".join(connection.ops.quote_name(c) for c in COLUMNS)


def _insert_sql(enrolments: QuerySet[Enrolment]) -> tuple[str, list]:
    sql, params = _select_sql(enrolments)
    return f"INSERT INTO {_table()} ({_names()}) {sql}", params


def _execute(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


#: A participant id no participant has, marking where the id goes in the cached statement.
_MARK = -2_000_000_001
#: Per database: the statement that inserts one participant's facts and where its id goes.
#: Building the query through the ORM costs milliseconds; a form's save needs only the id.
_ONE: dict[str, tuple[str, list, int]] = {}


def _insert_one(participant_id: int) -> None:
    if connection.alias not in _ONE:
        sql, params = _insert_sql(Enrolment.objects.filter(participant_id=_MARK))
        (at,) = [i for i, value in enumerate(params) if value == _MARK]
        _ONE[connection.alias] = (sql, params, at)
    sql, params, at = _ONE[connection.alias]
    _execute(sql, [*params[:at], participant_id, *params[at + 1 :]])


def _delete(where: str = "", params: Sequence[int] = ()) -> None:
    _execute(f"DELETE FROM {_table()} {where}", list(params))  # noqa: S608


@transaction.atomic
def rebuild() -> int:
    """Every fact anew from the register; the number of facts.

    Emptied with DELETE, not TRUNCATE: TRUNCATE takes an ACCESS EXCLUSIVE lock that would make
    every KPI page wait until the transaction (a large import) commits; with DELETE readers go
    on seeing the old facts until then.
    """
    _delete()
    _execute(*_insert_sql(Enrolment.objects.all()))
    return EnrolmentFact.objects.count()


@transaction.atomic
def refresh(participant_ids: Iterable[int] | None) -> None:
    """The facts of these participants anew (None: everyone's)."""
    if participant_ids is None:
        rebuild()
        return
    ids = sorted(set(participant_ids))
    if len(ids) >= REBUILD_FROM:
        rebuild()
        return
    if len(ids) == 1:
        _delete('WHERE "participant_id" = %s', ids)
        _insert_one(ids[0])
        return
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        _delete(f'WHERE "participant_id" IN ({", ".join(["%s"] * len(chunk))})', chunk)
        _execute(*_insert_sql(Enrolment.objects.filter(participant_id__in=chunk)))


# --- following the register -------------------------------------------------------------------


def _participant_saved(sender, instance: Participant, raw: bool = False, **kwargs) -> None:
    if not raw:
        refresh([instance.pk])


def _enrolment_changed(sender, instance: Enrolment, raw: bool = False, **kwargs) -> None:
    if not raw:
        refresh([instance.participant_id])


def _observation_changed(sender, instance: OutcomeObservation, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    participant = (
        Enrolment.objects.filter(pk=instance.enrolment_id)
        .values_list("participant_id", flat=True)
        .first()
    )
    if participant is not None:  # None: deleted together with its enrolment
        refresh([participant])


def _bulk_change(sender, participant_ids: Iterable[int] | None = None, **kwargs) -> None:
    refresh(participant_ids)


def connect() -> None:
    """Follow every change of the register (called once, from the app's ``ready``)."""
    post_save.connect(_participant_saved, sender=Participant, dispatch_uid="facts-participant")
    post_save.connect(_enrolment_changed, sender=Enrolment, dispatch_uid="facts-enrolment-save")
    post_delete.connect(_enrolment_changed, sender=Enrolment, dispatch_uid="facts-enrolment-delete")
    for signal, uid in ((post_save, "facts-observation-save"), (post_delete, "facts-obs-del")):
        signal.connect(_observation_changed, sender=OutcomeObservation, dispatch_uid=uid)
    register_changed.connect(_bulk_change, dispatch_uid="facts-register-changed")


def differences() -> int:
    """How many facts differ from what the register says (0: all in step): the kept facts
    and the facts built afresh, compared as sets both ways by the database."""
    select, params = _select_sql(Enrolment.objects.all())
    kept = f"SELECT {_names()} FROM {_table()}"  # noqa: S608
    counts = []
    with connection.cursor() as cursor:
        for first, second in ((kept, select), (select, kept)):
            sql = f"SELECT COUNT(*) FROM ({first} EXCEPT {second}) AS only_one"  # noqa: S608
            cursor.execute(sql, params)
            counts.append(cursor.fetchone()[0])
    return max(counts)
