"""Policy matrix cases for audits: each object is placed in ``body`` (a body it was addressed
to, the body responsible, or the body answering)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from etablera.accounts.roles import Role
from etablera.audits.models import EvidenceLink
from tests.audits.factories import (
    ActionFactory,
    AuditFactory,
    FollowUpFactory,
    RecommendationFactory,
    ResponseFactory,
    make_mandate,
)
from tests.policy_matrix import ALL, SCOPED, Case

EVERYONE = {role: ALL for role in Role}
BODIES = {Role.STRATEGIST: SCOPED, Role.REPORTER: SCOPED}


def _evidence(body, unit):
    action = ActionFactory(recommendation=RecommendationFactory(addressed_to=[body]))
    target = make_mandate(body)
    return EvidenceLink.objects.create(
        action=action,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
    )


CASES = {
    "audits.view": Case(
        build=lambda body, unit: AuditFactory(audited_bodies=[body]), expect=EVERYONE
    ),
    "audits.audit.change": Case(
        build=lambda body, unit: AuditFactory(audited_bodies=[body]),
        expect={Role.AUDITOR: ALL, Role.ADMIN: ALL},
    ),
    "audits.response.change": Case(
        build=lambda body, unit: ResponseFactory(
            recommendation=RecommendationFactory(addressed_to=[body])
        ),
        expect=BODIES,
    ),
    "audits.action.change": Case(
        build=lambda body, unit: ActionFactory(
            recommendation=RecommendationFactory(addressed_to=[body])
        ),
        expect=BODIES,
    ),
    "audits.evidence.change": Case(build=_evidence, expect=BODIES),
    "audits.followup.change": Case(
        build=lambda body, unit: FollowUpFactory(
            recommendation=RecommendationFactory(addressed_to=[body])
        ),
        expect={Role.AUDITOR: ALL},
    ),
}
