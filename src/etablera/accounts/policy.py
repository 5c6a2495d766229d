"""The access policy: the one place that answers who may do what to which object.

Two questions, asked by every view, API endpoint, export and command:

* ``can(user, action, obj=None)`` — may this user do this (to this object)?
* ``scope(user, action, queryset)`` — which of these objects may this user do it to?

Rules are declared per domain app in its ``rules.py`` with :func:`allow` and :func:`anchor`:

* ``allow(action, *roles, scoped=False, where=None)`` grants an action to roles. ``scoped``
  means the role assignment's scope (a body, a unit and its subtree, or the whole municipality)
  must cover the object; ``where`` adds a condition on the object as a ``Q`` (or a function of
  the user returning one), e.g. "readers see approved reports only".
* ``anchor(Model, bodies=[...], units=[...])`` says where an object of that model sits in the
  organisation: the lookups to the body/bodies and unit(s) it belongs to.

Object checks are answered by the same queryset filter as lists, so a list and a detail page
can never disagree. Objects a user may not see answer 404 (``get_or_404``), so their existence
does not leak; actions a user may not take on an object they can see answer 403.

Every read path takes the one asking explicitly: a user, or — for management commands and
scheduled jobs — an :class:`Operator`, which the policy treats as municipality-wide for every
declared action and which the access log records by its name. No read path has a default that
widens access. :func:`reach` is the one answer to "where, in the organisation, may they do
this?" for code that needs bodies and units rather than a queryset filter.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from .roles import Role

M = TypeVar("M", bound=models.Model)
Where = Q | Callable[[Any], Q] | None


@dataclass(frozen=True)
class Clause:
    action: str
    role: Role
    scoped: bool
    where: Where = None
    description: str = ""


@dataclass(frozen=True)
class Anchor:
    """Lookups from a model to the bodies and units it belongs to ("" is the model itself)."""

    bodies: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    many: bool = False  # True when a lookup crosses a to-many relation
    #: Unit lookups across a to-many relation that most objects do not use (a participant
    #: shared with other units): matched in one ``pk IN (subquery)`` beside the plain
    #: lookups, so the common case keeps its direct joins and a check of one object stays
    #: an index lookup.
    units_via: tuple[str, ...] = ()


@dataclass
class Grant:
    role: str
    body_id: int | None
    unit_id: int | None
    unit_path: str | None

    @property
    def municipality_wide(self) -> bool:
        return self.body_id is None and self.unit_id is None


@dataclass(frozen=True)
class Operator:
    """A management command or scheduled job acting for the municipality as a whole.

    The policy lets an operator do every declared action everywhere; the access log records it
    by ``name`` (e.g. ``Operator("cron:reminders")``), so a log entry always says which job read
    what. It is never a user: it has no primary key and no role assignments.
    """

    name: str
    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    @property
    def username(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Reach:
    """Where in the organisation someone may do an action (see :func:`reach`)."""

    everywhere: bool = False
    #: The scoped grants that hold the action, in assignment order, one per body or unit (a
    #: unit grant covers the units under it). Kept also when ``everywhere``, for code that
    #: offers someone their own parts of the organisation besides the whole.
    places: tuple[Grant, ...] = ()

    @property
    def nowhere(self) -> bool:
        return not self.everywhere and not self.places

    @property
    def body_ids(self) -> frozenset[int]:
        return frozenset(g.body_id for g in self.places if g.body_id and not g.unit_id)

    @property
    def unit_paths(self) -> frozenset[str]:
        return frozenset(g.unit_path for g in self.places if g.unit_path)

    def unit_q(self, prefix: str = "") -> Q:
        """A filter on ``organisation.Unit`` (through ``prefix``) for the units within reach."""
        if self.everywhere:
            return Q()
        parts = [Q(**{f"{prefix}body_id__in": sorted(self.body_ids)})] if self.body_ids else []
        parts += [Q(**{f"{prefix}path__startswith": path}) for path in sorted(self.unit_paths)]
        return reduce(or_, parts) if parts else Q(pk__in=[])


@dataclass
class _Registry:
    clauses: dict[str, list[Clause]] = field(default_factory=lambda: defaultdict(list))
    anchors: dict[type[models.Model], Anchor] = field(default_factory=dict)


_registry = _Registry()


class UnknownAction(KeyError):
    """An action no rule names: a programming error, never a user's."""


def allow(
    action: str, *roles: Role, scoped: bool = False, where: Where = None, description: str = ""
) -> None:
    """Grant ``action`` to ``roles`` (see the module docstring)."""
    if not roles:
        raise ValueError("allow() needs at least one role")
    for role in roles:
        _registry.clauses[action].append(Clause(action, role, scoped, where, description))


def anchor(
    model: type[models.Model],
    *,
    bodies: Iterable[str] = (),
    units: Iterable[str] = (),
    many: bool = False,
    units_via: Iterable[str] = (),
) -> None:
    """Say where objects of ``model`` sit in the organisation, for scoped rules."""
    _registry.anchors[model] = Anchor(tuple(bodies), tuple(units), many, tuple(units_via))


def actions() -> dict[str, list[Clause]]:
    """Every declared action and its clauses (for the policy matrix test and the docs)."""
    return dict(_registry.clauses)


def anchor_for(model: type[models.Model]) -> Anchor:
    for klass in model.__mro__:
        if klass in _registry.anchors:
            return _registry.anchors[klass]
    raise LookupError(f"No policy anchor declared for {model.__name__}")


# --- the user's grants ---------------------------------------------------------------------


def grants(user) -> list[Grant]:
    """The user's role assignments, read once per user object (i.e. once per request).

    An :class:`Operator` holds every role municipality-wide."""
    if isinstance(user, Operator):
        return [Grant(role, None, None, None) for role in Role]
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_etablera_grants", None)
    if cached is None:
        cached = [
            Grant(a.role, a.body_id, a.unit_id, a.unit.path if a.unit_id else None)
            for a in user.role_assignments.select_related("unit")
        ]
        user._etablera_grants = cached
    return cached


def roles(user) -> set[str]:
    return {g.role for g in grants(user)}


def forget_grants(user) -> None:
    """Drop the cached grants after the user's assignments changed."""
    if not isinstance(user, Operator) and hasattr(user, "_etablera_grants"):
        del user._etablera_grants


def _clauses(action: str) -> list[Clause]:
    if action not in _registry.clauses:
        raise UnknownAction(action)
    return _registry.clauses[action]


# --- the two questions ---------------------------------------------------------------------


def _scope_q(model: type[models.Model], user_grants: list[Grant]) -> Q:
    """A filter for the objects of ``model`` that lie inside any of the grants' scopes."""
    if any(g.municipality_wide for g in user_grants):
        return Q()
    anc = anchor_for(model)
    body_ids = sorted({g.body_id for g in user_grants if g.body_id is not None})
    unit_paths = sorted({g.unit_path for g in user_grants if g.unit_path})
    parts: list[Q] = []

    def lookup(path: str, rest: str) -> str:
        return f"{path}__{rest}" if path else rest

    if body_ids:
        for path in anc.bodies:
            parts.append(Q(**{lookup(path, "pk__in") if not path else f"{path}__in": body_ids}))
        for path in anc.units:
            parts.append(Q(**{lookup(path, "body_id__in"): body_ids}))
    for unit_path in unit_paths:
        for path in anc.units:
            parts.append(Q(**{lookup(path, "path__startswith"): unit_path}))
    via = [Q(**{f"{path}__body_id__in": body_ids}) for path in anc.units_via if body_ids]
    via += [
        Q(**{f"{path}__path__startswith": unit_path})
        for unit_path in unit_paths
        for path in anc.units_via
    ]
    if via:
        parts.append(Q(pk__in=model._default_manager.filter(reduce(or_, via)).values("pk")))
    if not parts:
        return Q(pk__in=[])
    return reduce(or_, parts)


def _where(clause: Clause, user) -> Q:
    if clause.where is None:
        return Q()
    return clause.where(user) if callable(clause.where) else clause.where


def filter_q(user, action: str, model: type[models.Model]) -> Q | None:
    """The filter for objects the user may ``action``; None means "none at all"."""
    if isinstance(user, Operator):
        _clauses(action)  # an undeclared action is still a programming error
        return Q()
    user_grants = grants(user)
    parts: list[Q] = []
    for clause in _clauses(action):
        role_grants = [g for g in user_grants if g.role == clause.role]
        if not role_grants:
            continue
        q = _scope_q(model, role_grants) if clause.scoped else Q()
        q &= _where(clause, user)
        if not q:  # an empty Q: everything
            return Q()
        parts.append(q)
    if not parts:
        return None
    return reduce(or_, parts)


def scope(user, action: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """The objects of ``queryset`` on which ``user`` may do ``action``."""
    q = filter_q(user, action, queryset.model)
    if q is None:
        return queryset.none()
    if not q:
        return queryset
    model = queryset.model
    try:
        many = anchor_for(model).many
    except LookupError:
        many = False
    if many:
        return queryset.filter(pk__in=model._default_manager.filter(q).values("pk"))
    return queryset.filter(q)


def visible(user, action: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """:func:`scope` for reads across apps that may not be installed: an action that no app
    declares denies (an empty queryset) instead of raising. Never widens."""
    if action not in _registry.clauses:
        return queryset.none()
    return scope(user, action, queryset)


def can(user, action: str, obj: models.Model | None = None) -> bool:
    """May ``user`` do ``action``; to ``obj`` when given, else to anything at all."""
    if isinstance(user, Operator):
        _clauses(action)
        return True
    user_grants = grants(user)
    held = {g.role for g in user_grants}
    clauses = [c for c in _clauses(action) if c.role in held]
    if not clauses:
        return False
    if obj is None:
        return True
    if any(not c.scoped and c.where is None for c in clauses):
        return True
    return scope(user, action, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def reach(user, action: str) -> Reach:
    """Where ``user`` may do ``action``: everywhere, or within these bodies and unit subtrees.

    The same grants and clauses as :func:`scope`, for code that needs the organisation itself
    (the units a form may offer, the scopes of aggregated figures) rather than a filter on a
    model. A role granted the action unscoped, or held municipality-wide, reaches everywhere;
    conditions (``where``) on objects do not narrow the reach. An undeclared action raises
    :class:`UnknownAction`; a user who holds none of its roles reaches nowhere.
    """
    clauses = _clauses(action)
    if isinstance(user, Operator):
        return Reach(everywhere=True)
    held = [g for g in grants(user) if any(c.role == g.role for c in clauses)]
    unscoped = {c.role for c in clauses if not c.scoped}
    places: dict[tuple[int | None, int | None], Grant] = {}
    for g in held:
        if not g.municipality_wide and g.role not in unscoped:
            places.setdefault((g.body_id, g.unit_id), g)
    everywhere = any(g.municipality_wide or g.role in unscoped for g in held)
    return Reach(everywhere=everywhere, places=tuple(places.values()))


def require(user, action: str, obj: models.Model | None = None) -> None:
    """Raise PermissionDenied (403) unless ``can``; for objects the user can already see."""
    if not can(user, action, obj):
        raise PermissionDenied


def get_for_change(
    user,
    view: str,
    change: str,
    queryset: QuerySet[M] | models.Manager[M],
    pk: Any = None,
    *,
    new: Callable[[], M] | None = None,
) -> M:
    """The object a form page creates or changes, as every such page asks for it.

    With no ``pk``: a new object (``new()``, or the queryset's model), if the user may
    ``change`` at all (else 403). With one: the object the user may ``view`` (else 404, so its
    existence does not leak) and may ``change`` (else 403).
    """
    if pk is None:
        require(user, change)
        return new() if new is not None else queryset.model()
    obj = get_or_404(user, view, queryset, pk=pk)
    require(user, change, obj)
    return obj


def get_or_404(user, action: str, queryset: QuerySet[M] | models.Manager[M], **lookup: Any) -> M:
    """The object, if it exists and the user may ``action`` it; otherwise 404, alike."""
    if isinstance(queryset, models.Manager):
        queryset = queryset.all()
    try:
        return scope(user, action, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
