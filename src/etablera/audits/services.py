"""Writes to audits: each one a use case in one transaction, validated in full.

Every service takes the acting user (``actor``, keyword-only). Views and the API check the policy
action before they call a service; a service checks again what only it can see — that the bodies of
an object not yet saved lie in the user's scope, and that an evidence target is visible to them — so
no path can write what the policy forbids.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from etablera.accounts import policy
from etablera.accounts.trail import person, records_actor
from etablera.organisation.models import Body

from . import evidence
from .models import (
    Action,
    ActionStatus,
    Audit,
    AuditorFollowUp,
    AuditQuestion,
    EvidenceLink,
    Recommendation,
    Response,
)


def bodies_in_scope(user, action: str, bodies=None):
    """The bodies (of ``bodies``, or all) for which ``user`` may do ``action``."""
    qs = Body.objects.all() if bodies is None else bodies
    return policy.scope(user, action, qs)


def _in_scope(user, action: str, body_ids: Iterable[int | None]) -> bool:
    ids = {pk for pk in body_ids if pk}
    return bool(ids) and bodies_in_scope(user, action, Body.objects.filter(pk__in=ids)).exists()


def _addressed_ids(recommendation: Recommendation) -> set[int]:
    return set(recommendation.addressed_to.values_list("pk", flat=True))


# --- the auditors' part ----------------------------------------------------------------------


@records_actor
@transaction.atomic
def save_audit(audit: Audit, *, actor, audited_bodies: Iterable[Body] | None = None) -> Audit:
    """Register or change an audit and the bodies it audited."""
    policy.require(actor, "audits.audit.change")
    audit.full_clean()
    audit.save()
    if audited_bodies is not None:
        bodies = list(audited_bodies)
        if not bodies:
            raise ValidationError({"audited_bodies": _("Ange minst ett organ som har granskats.")})
        audit.audited_bodies.set(bodies)
    return audit


@records_actor
@transaction.atomic
def save_question(question: AuditQuestion, *, actor) -> AuditQuestion:
    """Add or change an audit question and its verdict."""
    policy.require(actor, "audits.audit.change")
    question.full_clean()
    question.save()
    return question


@records_actor
@transaction.atomic
def save_recommendation(
    recommendation: Recommendation, *, actor, addressed_to: Iterable[Body]
) -> Recommendation:
    """Add or change a recommendation and the bodies it is addressed to."""
    policy.require(actor, "audits.audit.change")
    bodies = list(addressed_to)
    if not bodies:
        raise ValidationError(
            {"addressed_to": _("Ange minst ett organ som rekommendationen riktas till.")}
        )
    recommendation.full_clean()
    recommendation.save()
    recommendation.addressed_to.set(bodies)
    return recommendation


@records_actor
@transaction.atomic
def record_follow_up(follow_up: AuditorFollowUp, *, actor) -> AuditorFollowUp:
    """The auditors' assessment of a recommendation: addressed, partly or not addressed."""
    policy.require(actor, "audits.followup.change")
    follow_up.recorded_by = person(actor)
    follow_up.full_clean()
    follow_up.save()
    return follow_up


# --- the bodies' part ------------------------------------------------------------------------


@records_actor
@transaction.atomic
def save_response(response: Response, *, actor) -> Response:
    """A body's response to an audit or a recommendation.

    Refused unless the body is one the recommendation was addressed to (``Response.clean``)
    and one the user may answer for.
    """
    if response.recommendation_id and not response.audit_id:
        response.audit_id = response.recommendation.audit_id
    response.full_clean()
    if not _in_scope(actor, "audits.response.change", [response.body_id]):
        raise ValidationError(
            {"body": _("Du kan bara registrera svar för ett organ som du företräder.")}
        )
    response.save()
    return response


@records_actor
@transaction.atomic
def save_action(action: Action, *, actor) -> Action:
    """Add or change an action on a recommendation.

    The user must act for the responsible body or for a body the recommendation was addressed
    to — before the change (for an existing action) and after it.
    """
    if action.pk:
        before = Action.objects.select_related("recommendation").get(pk=action.pk)
        if not policy.can(actor, "audits.action.change", before):
            raise PermissionDenied
        if before.recommendation_id != action.recommendation_id:
            raise ValidationError(
                {"recommendation": _("En åtgärd kan inte flyttas till en annan rekommendation.")}
            )
    if action.status == ActionStatus.DONE and action.completed_on is None:
        action.completed_on = timezone.localdate()
    elif action.status != ActionStatus.DONE:
        action.completed_on = None
    action.full_clean()
    if not _in_scope(
        actor,
        "audits.action.change",
        [action.responsible_body_id, *_addressed_ids(action.recommendation)],
    ):
        raise ValidationError(
            {
                "responsible_body": _(
                    "Du kan bara registrera åtgärder för organ som du företräder eller för "
                    "rekommendationer som är riktade till dem."
                )
            }
        )
    action.save()
    return action


def _evidence_bodies(source: Action | Recommendation) -> list[int]:
    if isinstance(source, Action):
        return [source.responsible_body_id, *_addressed_ids(source.recommendation)]
    return list(_addressed_ids(source))


@records_actor
@transaction.atomic
def add_evidence(
    source: Action | Recommendation, target: Model | None, *, actor, note: str = ""
) -> EvidenceLink:
    """Link ``target`` as evidence of what was done about an action or recommendation.

    Refused — with the same message whether the object is missing or merely hidden, so that
    the answer discloses nothing — unless the user may see the target.
    """
    if not _in_scope(actor, "audits.evidence.change", _evidence_bodies(source)):
        raise PermissionDenied
    if target is None or not evidence.can_see(actor, target):
        raise ValidationError(
            {
                "target": _(
                    "Underlaget kan inte länkas: objektet finns inte, är inte av en typ som kan "
                    "länkas, eller så har du inte behörighet att se det."
                )
            }
        )
    link = EvidenceLink(
        content_type=ContentType.objects.get_for_model(type(target)),
        object_id=target.pk,
        note=note,
        created_by=person(actor),
    )
    if isinstance(source, Action):
        link.action = source
    else:
        link.recommendation = source
    same = EvidenceLink.objects.filter(content_type=link.content_type, object_id=link.object_id)
    if same.filter(action=link.action, recommendation=link.recommendation).exists():
        raise ValidationError({"target": _("Underlaget är redan länkat hit.")}, code="duplicate")
    link.full_clean()
    link.save()
    return link


@records_actor
def add_evidence_by_reference(
    source: Action | Recommendation, content_type_id: int, object_id: int, *, actor, note: str = ""
) -> EvidenceLink:
    """``add_evidence`` for a target named by content type and id (forms and the API)."""
    return add_evidence(
        source, evidence.resolve(actor, content_type_id, object_id), actor=actor, note=note
    )


@records_actor
@transaction.atomic
def remove_evidence(link: EvidenceLink, *, actor) -> None:
    """Remove an evidence link (the target itself is untouched)."""
    if not policy.can(actor, "audits.evidence.change", link):
        raise PermissionDenied
    link.delete()
