"""API for the governance check's findings, governed by ``governance.view``."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from etablera.accounts import policy
from etablera.organisation.models import Body
from etablera.web.api import router

from . import selectors
from .registry import Severity


class ObjectRefSerializer(serializers.Serializer):
    """The object a finding concerns, as the command line's JSON names it."""

    def get_fields(self):
        # Declared here rather than as class attributes: "label" would shadow Field.label.
        return {
            "type": serializers.CharField(
                help_text=gettext_lazy("Objektets modell, t.ex. mandates.mandate.")
            ),
            "id": serializers.IntegerField(),
            "label": serializers.CharField(help_text=gettext_lazy("Vad objektet heter.")),
            "url": serializers.CharField(
                help_text=gettext_lazy("Objektets sida i webbgränssnittet.")
            ),
        }


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("Regelns fasta kod, GOV-01 … GOV-09."))
    severity = serializers.ChoiceField(choices=Severity.choices)
    object = ObjectRefSerializer()
    message = serializers.CharField(help_text=gettext_lazy("Vad som brister."))
    bodies = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=gettext_lazy("Id för de organ som avvikelsen gäller."),
    )


class GovernanceFindingViewSet(viewsets.ViewSet):
    """The findings of the governance check that the user may see."""

    view_action = "governance.view"

    def action_for(self, drf_action: str | None) -> str:
        return self.view_action

    @extend_schema(
        parameters=[
            OpenApiParameter("body", int, description="Only findings concerning this body."),
            OpenApiParameter("severity", str, enum=Severity.values),
            OpenApiParameter("code", str, description="Only this rule, e.g. GOV-02."),
        ],
        responses=FindingSerializer(many=True),
    )
    def list(self, request):
        body = None
        body_id = request.query_params.get("body", "")
        if body_id:
            if not body_id.isdigit():
                raise NotFound(_("Okänt organ."))
            body = policy.scope(
                request.user, self.view_action, Body.objects.filter(pk=body_id)
            ).first()
            if body is None:
                raise NotFound(_("Okänt organ."))
        findings = selectors.findings_for(
            request.user,
            body=body,
            severity=request.query_params.get("severity", ""),
            code=request.query_params.get("code", ""),
            today=timezone.localdate(),
        )
        return Response(FindingSerializer([f.as_dict() for f in findings], many=True).data)


router.register("governance-findings", GovernanceFindingViewSet, basename="governance-finding")
