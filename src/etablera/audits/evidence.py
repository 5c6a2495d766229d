"""What may be linked as evidence, and who may see it.

Each kind of evidence names a model and the policy action that decides who may see an object
of it. Linking is refused unless the user may see the target, and an audit page shows only the
evidence its reader may see — so an evidence link never discloses an object outside the user's
scope. To allow a new kind of evidence, add one ``EvidenceKind`` to ``KINDS``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from etablera.accounts import policy


@dataclass(frozen=True)
class EvidenceKind:
    #: "app_label.model_name", as in ``ContentType.natural_key()``.
    model: str
    #: The policy action that decides who may see an object of this model.
    view_action: str
    label: str | Promise
    #: Lookups to follow when listing or labelling objects, so ``str(obj)`` costs no query.
    select_related: tuple[str, ...] = ()

    @property
    def model_class(self) -> type[models.Model] | None:
        app_label, model_name = self.model.split(".")
        try:
            return apps.get_model(app_label, model_name)
        except LookupError:
            return None

    @property
    def available(self) -> bool:
        return self.model_class is not None and self.view_action in policy.actions()

    def queryset(self) -> models.QuerySet:
        model = self.model_class
        assert model is not None
        qs = model._default_manager.all()
        return qs.select_related(*self.select_related) if self.select_related else qs

    def visible(self, user) -> models.QuerySet:
        """The objects of this kind that ``user`` may see."""
        return policy.scope(user, self.view_action, self.queryset())


KINDS: tuple[EvidenceKind, ...] = (
    EvidenceKind("mandates.mandate", "mandates.view", _("Uppdrag")),
    EvidenceKind(
        "documents.documentversion",
        "documents.view",
        _("Styrdokument (version)"),
        select_related=("document",),
    ),
    EvidenceKind("goals.goal", "goals.view", _("Mål")),
    EvidenceKind("goals.indicator", "goals.view", _("Indikator")),
    EvidenceKind(
        "followup.report", "followup.report.view", _("Rapport"), select_related=("body", "period")
    ),
    EvidenceKind("register.intervention", "register.intervention.view", _("Insats")),
)


def available_kinds() -> list[EvidenceKind]:
    """The kinds whose model and policy action exist in this installation."""
    return [kind for kind in KINDS if kind.available]


def kind_for_model(model: type[models.Model] | str) -> EvidenceKind | None:
    label = model if isinstance(model, str) else model._meta.label_lower
    for kind in KINDS:
        if kind.model == label and kind.available:
            return kind
    return None


def kind_for_content_type(content_type: ContentType) -> EvidenceKind | None:
    return kind_for_model(f"{content_type.app_label}.{content_type.model}")


def can_see(user, obj: models.Model) -> bool:
    """May ``user`` see ``obj`` — and may it therefore be linked as evidence by them?"""
    kind = kind_for_model(type(obj))
    if kind is None:
        return False
    return kind.visible(user).filter(pk=obj.pk).exists()


def resolve(user, content_type_id: int, object_id: int) -> models.Model | None:
    """The object, if it exists, is of an allowed kind, and ``user`` may see it."""
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist:
        return None
    kind = kind_for_content_type(content_type)
    if kind is None:
        return None
    return kind.visible(user).filter(pk=object_id).first()


#: Pages of models that have no ``get_absolute_url`` (URL name, called with the object's pk).
URL_NAMES = {"register.intervention": "register:intervention-detail"}


def object_url(obj: models.Model) -> str:
    """The object's page: its ``get_absolute_url``, or the page named in ``URL_NAMES``; "" if
    it has none (or the app's pages are not installed)."""
    try:
        getter = getattr(obj, "get_absolute_url", None)
        if getter is not None:
            return getter()
        name = URL_NAMES.get(obj._meta.label_lower)
        return reverse(name, args=[obj.pk]) if name else ""
    except NoReverseMatch:
        return ""


@dataclass
class ResolvedEvidence:
    """An evidence link with its target, as its reader may see it."""

    link: models.Model
    kind: EvidenceKind
    target: models.Model

    @property
    def label(self) -> str:
        return str(self.target)

    @property
    def url(self) -> str:
        return object_url(self.target)


def resolve_links(user, links: Iterable) -> dict[int, ResolvedEvidence]:
    """Resolve evidence links to the targets ``user`` may see, keyed by link id.

    One query per kind of evidence present, however many links there are; links to objects
    the user may not see (or that no longer exist) are left out.
    """
    links = list(links)
    by_type: dict[int, set[int]] = defaultdict(set)
    for link in links:
        by_type[link.content_type_id].add(link.object_id)
    targets: dict[tuple[int, int], tuple[EvidenceKind, models.Model]] = {}
    for content_type_id, ids in by_type.items():
        kind = kind_for_content_type(ContentType.objects.get_for_id(content_type_id))
        if kind is None:
            continue
        for obj in kind.visible(user).filter(pk__in=ids):
            targets[(content_type_id, obj.pk)] = (kind, obj)
    resolved: dict[int, ResolvedEvidence] = {}
    for link in links:
        found = targets.get((link.content_type_id, link.object_id))
        if found is not None:
            resolved[link.pk] = ResolvedEvidence(link, found[0], found[1])
    return resolved


def choices_for(user, limit_per_kind: int = 500) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices ("<content type id>:<pk>", label) of what ``user`` may link."""
    groups = []
    for kind in available_kinds():
        content_type = ContentType.objects.get_for_model(kind.queryset().model)
        options = [
            (f"{content_type.pk}:{obj.pk}", str(obj)) for obj in kind.visible(user)[:limit_per_kind]
        ]
        if options:
            groups.append((str(kind.label), options))
    return groups
