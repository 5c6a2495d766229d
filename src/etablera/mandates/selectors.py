"""Reads of the mandate register, the responsibility matrix and the decisions, scoped by policy.

Every list is one query (plus the policy's cached grants), whatever the number of rows: the
related bodies, units, decisions and areas come with ``select_related``, counts as annotations.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from etablera.accounts import policy
from etablera.organisation.models import Body, Municipality, Unit

from .models import (
    COMMISSIONED,
    ORIGIN_SHORT,
    Decision,
    Level,
    Mandate,
    MandateStatus,
    Origin,
    PolicyArea,
)

MANDATE_RELATED = (
    "policy_area",
    "owner",
    "performer_body",
    "performer_unit__body",
    "commissioned_by",
    "decision__body",
    "follow_up_body",
)

#: Sort keys offered by the register (``?sort=owner``, ``?sort=-owner``) and their ordering.
SORTS: dict[str, tuple[Any, ...]] = {
    "title": ("title",),
    "policy_area": ("policy_area__order", "policy_area__name", "title"),
    "owner": ("owner__kind_order", "owner__name", "title"),
    "performer": (
        Coalesce("performer_unit__body__short_name", "performer_body__short_name"),
        "performer_unit__name",
        "title",
    ),
    "level": ("level", "title"),
    "origin": ("origin", "title"),
    "follow_up": ("follow_up_body__short_name", "follow_up_role", "title"),
    "status": ("status", "title"),
    "start": ("start", "title"),
    "end": ("end", "title"),
}
DEFAULT_SORT = "policy_area"

GAP_DECISION = "decision"
GAP_FOLLOW_UP = "follow_up"
GAP_ANY = "any"
ORIGIN_COMMISSIONED = "commissioned"


def mandate_queryset() -> QuerySet[Mandate]:
    """Mandates with everything a list, a detail page or an export shows, in one query."""
    return Mandate.objects.select_related(*MANDATE_RELATED)


def missing_decision_q() -> Q:
    return Q(origin__in=[o.value for o in COMMISSIONED], decision__isnull=True)


def missing_follow_up_q() -> Q:
    return Q(follow_up_body__isnull=True)


def _ordering(sort: str) -> list[Any]:
    descending = sort.startswith("-")
    parts = SORTS.get(sort.lstrip("-"), SORTS[DEFAULT_SORT])
    ordering = []
    for part in (*parts, "pk"):
        expression = F(part) if isinstance(part, str) else part
        ordering.append(
            expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        )
    return ordering


def text_q(text: str) -> Q:
    """Every word must occur in the title, description, a body, the performer or the decision."""
    q = Q()
    for word in text.split():
        q &= (
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(owner__name__icontains=word)
            | Q(owner__short_name__iexact=word)
            | Q(performer_body__name__icontains=word)
            | Q(performer_body__short_name__iexact=word)
            | Q(performer_unit__name__icontains=word)
            | Q(follow_up_role__icontains=word)
            | Q(decision__case_number__icontains=word)
            | Q(decision__title__icontains=word)
        )
    return q


def mandates(
    user,
    *,
    owner: Body | int | None = None,
    performer: Body | int | None = None,
    level: str = "",
    origin: str = "",
    policy_area: PolicyArea | int | None = None,
    status: str = "",
    q: str = "",
    gap: str = "",
    sort: str = DEFAULT_SORT,
) -> QuerySet[Mandate]:
    """The mandate register as ``user`` may see it, filtered and sorted.

    ``performer`` is a body: it matches mandates performed by the body itself or by any of its
    units. ``origin="commissioned"`` matches every commissioned origin (KS, KF, agreement).
    ``gap`` is ``decision``, ``follow_up`` or ``any``: mandates the audit would criticise.
    """
    qs = mandate_queryset()
    if owner:
        qs = qs.filter(owner=owner)
    if performer:
        qs = qs.filter(Q(performer_body=performer) | Q(performer_unit__body=performer))
    if level:
        qs = qs.filter(level=level)
    if origin == ORIGIN_COMMISSIONED:
        qs = qs.filter(origin__in=[o.value for o in COMMISSIONED])
    elif origin:
        qs = qs.filter(origin=origin)
    if policy_area:
        qs = qs.filter(policy_area=policy_area)
    if status:
        qs = qs.filter(status=status)
    if q.strip():
        qs = qs.filter(text_q(q))
    if gap == GAP_DECISION:
        qs = qs.filter(missing_decision_q())
    elif gap == GAP_FOLLOW_UP:
        qs = qs.filter(missing_follow_up_q())
    elif gap == GAP_ANY:
        qs = qs.filter(missing_decision_q() | missing_follow_up_q())
    return policy.scope(user, "mandates.view", qs.order_by(*_ordering(sort)))


def gap_counts(user) -> dict[str, int]:
    """How many active mandates lack a decision or a follow-up responsible (one query)."""
    qs = policy.scope(user, "mandates.view", Mandate.objects.filter(status=MandateStatus.ACTIVE))
    return qs.aggregate(
        total=Count("pk"),
        missing_decision=Count("pk", filter=missing_decision_q()),
        missing_follow_up=Count("pk", filter=missing_follow_up_q()),
    )


# --- bodies and units offered in forms and filters ------------------------------------------


def municipality_bodies(municipality: Municipality | None = None) -> QuerySet[Body]:
    """The bodies of the installation's municipality (partners included), council first."""
    municipality = municipality or Municipality.objects.current()
    return Body.objects.filter(municipality=municipality).order_by("kind_order", "name")


def performer_choices(municipality: Municipality | None = None) -> list[tuple[Any, Any]]:
    """Grouped choices for "who performs": bodies first, then each body's units as a tree.

    Values are ``body:<id>`` or ``unit:<id>``; two queries, whatever the size of the tree.
    """
    bodies = list(municipality_bodies(municipality))
    units = list(
        Unit.objects.filter(body__in=bodies).select_related("body").order_by("body_id", "path")
    )
    names = {unit.pk: unit.name for unit in units}
    by_body: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for unit in units:
        ancestors = [int(p) for p in unit.path.strip("/").split("/") if p][:-1]
        label = " › ".join([*(names[a] for a in ancestors if a in names), unit.name])
        by_body[unit.body_id].append((f"unit:{unit.pk}", label))
    choices: list[tuple[Any, Any]] = [("", "–––")]
    choices.append((_("Organ"), [(f"body:{b.pk}", f"{b.name} ({b.short_name})") for b in bodies]))
    for body in bodies:
        if by_body.get(body.pk):
            choices.append((_("Enheter under %(body)s") % {"body": body.name}, by_body[body.pk]))
    return choices


def decision_choices_queryset() -> QuerySet[Decision]:
    return Decision.objects.select_related("body").order_by("-date", "body__short_name")


def decision_defaults(mandate: Mandate) -> dict[str, Any]:
    """What a decision registered from a commissioned mandate's page starts with: the body
    that decided it — the executive board or the council that commissioned it, or the owner
    that made the agreement — and the mandate's title."""
    if mandate.origin in (Origin.COMMISSIONED_KS, Origin.COMMISSIONED_KF):
        body_id = mandate.commissioned_by_id
    else:
        body_id = mandate.owner_id
    return {"body": body_id, "title": mandate.title}


# --- one mandate -----------------------------------------------------------------------------


@dataclass
class Linked:
    """Goals, interventions and follow-up entries that point at a mandate (empty when their
    apps have none)."""

    goals: list[Any] = field(default_factory=list)
    interventions: list[Any] = field(default_factory=list)
    #: The follow-up reports' entries about the mandate, newest period first.
    assessments: list[Any] = field(default_factory=list)


def linked(mandate: Mandate, user) -> Linked:
    """The goals (``goals.Goal.mandates``), the interventions that carry the mandate out
    (``register.Intervention.commissioning_mandate``) and the follow-up reports' entries about
    it, newest period first (``followup.ReportEntry``), each as far as ``user`` may read it
    under the access policy — a reader sees approved reports only. Each relation is read only
    if the other app defines it, so the page works when those apps are not installed."""
    result = Linked()
    if hasattr(mandate, "goals"):
        result.goals = list(policy.visible(user, "goals.view", mandate.goals.all()))
    if hasattr(mandate, "interventions"):
        result.interventions = list(
            policy.visible(
                user,
                "register.intervention.view",
                mandate.interventions.select_related("provider_unit"),
            )
        )
    if hasattr(mandate, "report_entries"):
        result.assessments = list(
            policy.visible(
                user,
                "followup.entry.view",
                mandate.report_entries.select_related("report__period", "report__body").order_by(
                    "-report__period__end", "report__body__name"
                ),
            )
        )
    return result


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: dt.datetime
    actor: str
    action: str
    changes: list[Change]
    created: bool = False


def _history_value(model_field, raw: Any, related: dict[tuple[type, str], str]) -> str:
    if raw in (None, "None", ""):
        return "–"
    if model_field.choices:
        return str(dict(model_field.choices).get(raw, raw))
    if model_field.is_relation:
        return related.get((model_field.related_model, str(raw)), _("(borttaget: %s)") % raw)
    if model_field.get_internal_type() == "DateField":
        try:
            return date_format(dt.date.fromisoformat(str(raw)), "Y-m-d")
        except ValueError:
            return str(raw)
    if model_field.get_internal_type() == "BooleanField":
        return _("Ja") if str(raw) == "True" else _("Nej")
    return str(raw)


def history(obj) -> list[HistoryEntry]:
    """Who changed what and when, newest first, with Swedish field names and readable values.

    Related objects named in the changes are read in one query per related model, so the page
    costs the same however long the history is.
    """
    from auditlog.models import LogEntry

    entries = list(LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-pk"))
    model = type(obj)
    fields = {f.name: f for f in model._meta.get_fields() if getattr(f, "concrete", False)}
    wanted: dict[type, set[str]] = defaultdict(set)
    for entry in entries:
        for name, values in (entry.changes_dict or {}).items():
            model_field = fields.get(name)
            if model_field is not None and model_field.is_relation:
                wanted[model_field.related_model].update(
                    str(v) for v in values if v not in (None, "None", "")
                )
    related: dict[tuple[type, str], str] = {}
    for related_model, pks in wanted.items():
        ids = [pk for pk in pks if pk.isdigit()]
        qs = related_model._default_manager.filter(pk__in=ids)
        if related_model in (Decision, Unit):  # their names show their body
            qs = qs.select_related("body")
        for instance in qs:
            related[(related_model, str(instance.pk))] = str(instance)
    actions = {0: _("Skapades"), 1: _("Ändrades"), 2: _("Togs bort")}
    result = []
    for entry in entries:
        changes = []
        for name, values in (entry.changes_dict or {}).items():
            model_field = fields.get(name)
            if model_field is None or name in {"id", "created_at", "updated_at"}:
                continue
            old, new = [*values, None, None][:2]
            if entry.action == 0 and new in (None, "None", ""):
                continue
            changes.append(
                Change(
                    field=str(model_field.verbose_name).capitalize(),
                    old=_history_value(model_field, old, related),
                    new=_history_value(model_field, new, related),
                )
            )
        operator = (entry.additional_data or {}).get("operator")  # a command or job's name
        actor = str(entry.actor) if entry.actor_id else operator or _("Systemet")
        result.append(
            HistoryEntry(
                at=entry.timestamp,
                actor=actor,
                action=str(actions.get(entry.action, entry.get_action_display())),
                changes=changes,
                created=entry.action == 0,
            )
        )
    return result


# --- decisions and policy areas --------------------------------------------------------------


def decisions(user, *, body: Body | int | None = None, q: str = "") -> QuerySet[Decision]:
    """Decisions with the number of mandates each one gives, newest first."""
    qs = Decision.objects.select_related("body").annotate(mandate_count=Count("mandates"))
    if body:
        qs = qs.filter(body=body)
    for word in q.split():
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(case_number__icontains=word)
            | Q(section__icontains=word)
            | Q(body__short_name__iexact=word)
        )
    return policy.scope(user, "mandates.decision.view", qs.order_by("-date", "body__short_name"))


def decision_mandates(decision: Decision) -> list[Mandate]:
    return list(mandate_queryset().filter(decision=decision).order_by("title"))


def policy_areas(user) -> QuerySet[PolicyArea]:
    """Policy areas with how many mandates (active ones, and all) each one has."""
    qs = PolicyArea.objects.annotate(
        mandate_count=Count("mandates"),
        active_count=Count("mandates", filter=Q(mandates__status=MandateStatus.ACTIVE)),
    )
    return policy.scope(user, "mandates.policyarea.view", qs.order_by("order", "name"))


# --- the responsibility matrix ---------------------------------------------------------------

OWNER = "owner"
PERFORMER = "performer"


@dataclass(frozen=True)
class MandateLabels:
    """A mandate's texts in the matrix, translated once however many cells show it."""

    level: str
    origin: str
    follow_up: str  # "" when nobody follows the mandate up

    @classmethod
    def of(cls, mandate: Mandate, texts: dict[str, str]) -> MandateLabels:
        """``texts``: the level and origin choices already translated (``choice_texts``)."""
        return cls(
            level=texts.get(mandate.level, mandate.level),
            origin=texts.get(f"origin:{mandate.origin}", mandate.origin),
            follow_up=mandate.follow_up_label,
        )


def choice_texts() -> dict[str, str]:
    """Level and short origin texts, translated once for a whole matrix or export.

    Django's ``get_FOO_display`` translates every choice of the field on each call, which
    dominates the cost of a matrix with thousands of mandates.
    """
    texts = {str(value): str(label) for value, label in Level.choices}
    texts.update({f"origin:{value}": str(label) for value, label in ORIGIN_SHORT.items()})
    return texts


@dataclass
class MatrixEntry:
    """One mandate in one cell, and the part the column's body plays in it."""

    mandate: Mandate
    roles: list[str]
    labels: MandateLabels

    @property
    def is_owner(self) -> bool:
        return OWNER in self.roles

    @property
    def is_performer(self) -> bool:
        return PERFORMER in self.roles

    @cached_property
    def role_label(self) -> str:
        unit = self.mandate.performer_unit
        if self.is_owner and self.is_performer:
            label = _("Ägare och utförare")
        elif self.is_owner:
            label = _("Ägare")
        else:
            label = _("Utförare")
        if self.is_performer and unit is not None:
            label = _("%(role)s genom %(unit)s") % {"role": label, "unit": unit.name}
        return label


@dataclass
class GridCell:
    """One cell of the matrix as a glance shows it: how many mandates the column's body owns,
    performs, or both, and how many of them lack a decision or a follow-up; the entries are
    the details behind it."""

    entries: list[MatrixEntry]

    @cached_property
    def both(self) -> int:
        return sum(1 for e in self.entries if e.is_owner and e.is_performer)

    @cached_property
    def owner(self) -> int:
        return sum(1 for e in self.entries if e.is_owner and not e.is_performer)

    @cached_property
    def performer(self) -> int:
        return sum(1 for e in self.entries if e.is_performer and not e.is_owner)

    @cached_property
    def gaps(self) -> int:
        return sum(
            1 for e in self.entries if e.mandate.missing_decision or e.mandate.missing_follow_up
        )


@dataclass
class MatrixRow:
    area: PolicyArea
    cells: list[list[MatrixEntry]]

    @property
    def grid(self) -> list[GridCell]:
        return [GridCell(cell) for cell in self.cells]

    @property
    def mandate_count(self) -> int:
        return len({e.mandate.pk for cell in self.cells for e in cell})


@dataclass
class Matrix:
    columns: list[Body]
    rows: list[MatrixRow]
    mandates: list[Mandate]

    @property
    def missing_decision(self) -> list[Mandate]:
        return [m for m in self.mandates if m.missing_decision]

    @property
    def missing_follow_up(self) -> list[Mandate]:
        return [m for m in self.mandates if m.missing_follow_up]


def matrix(
    user,
    *,
    status: str = MandateStatus.ACTIVE,
    level: str = "",
    origin: str = "",
    all_bodies: bool = False,
) -> Matrix:
    """Policy areas (rows) × bodies (columns); each cell lists the mandates of that area that
    the body owns or performs (a unit's mandates count under the unit's body).

    Three queries whatever the size: the mandates with their relations, the rows (every active
    area, and inactive ones that still have mandates), and — with ``all_bodies`` — the columns
    for the municipality's own bodies that have no mandate in view.
    """
    mandate_list = list(
        mandates(user, status=status, level=level, origin=origin).order_by(
            "policy_area__order", "policy_area__name", "level", "title", "pk"
        )
    )
    area_ids = {m.policy_area_id for m in mandate_list}
    areas = list(
        policy.scope(
            user,
            "mandates.policyarea.view",
            PolicyArea.objects.filter(Q(is_active=True) | Q(pk__in=area_ids)).order_by(
                "order", "name"
            ),
        )
    )
    bodies: dict[int, Body] = {}
    for m in mandate_list:
        bodies[m.owner_id] = m.owner
        performer = m.performer_body_effective
        if performer is not None:
            bodies[performer.pk] = performer
    if all_bodies:
        current = Municipality.objects.order_by("pk").values("pk")[:1]
        for body in Body.objects.municipal().active().filter(municipality_id=Subquery(current)):
            bodies.setdefault(body.pk, body)
    columns = sorted(bodies.values(), key=lambda b: (b.kind_order, b.name))
    column_index = {b.pk: i for i, b in enumerate(columns)}
    texts = choice_texts()
    row_index = {a.pk: i for i, a in enumerate(areas)}
    rows = [MatrixRow(area=a, cells=[[] for _ in columns]) for a in areas]
    for m in mandate_list:
        if m.policy_area_id not in row_index:
            continue
        cells = rows[row_index[m.policy_area_id]].cells
        labels = MandateLabels.of(m, texts)
        placed: dict[int, MatrixEntry] = {}
        performer = m.performer_body_effective
        for body_id, role in ((m.owner_id, OWNER), (getattr(performer, "pk", None), PERFORMER)):
            if body_id is None:
                continue
            if body_id in placed:
                placed[body_id].roles.append(role)
                continue
            entry = MatrixEntry(mandate=m, roles=[role], labels=labels)
            placed[body_id] = entry
            cells[column_index[body_id]].append(entry)
    return Matrix(columns=columns, rows=rows, mandates=mandate_list)


def matrix_filter_text(*, status: str, level: str, origin: str) -> str:
    """The matrix's filters in words, for the PDF and the workbook."""
    parts = [
        str(dict(MandateStatus.choices).get(status, _("Alla statusar")))
        if status
        else _("Alla statusar")
    ]
    if level:
        parts.append(str(dict(Level.choices).get(level, level)))
    if origin == ORIGIN_COMMISSIONED:
        parts.append(_("Beställda uppdrag"))
    elif origin:
        parts.append(str(dict(Origin.choices).get(origin, origin)))
    return ", ".join(parts)
