"""API for audits, governed by the same policy actions and services as the pages.

Writes go through ``services``: a response from a body the recommendation was not addressed
to, an action due before the audit was published, or evidence linking to an object the user
cannot see is answered with 400 and a Swedish message, and nothing is saved.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response as ApiResponse

from etablera.web.api import NO_DELETE, PolicyModelViewSet, ServiceSerializer, router

from . import evidence, services
from .models import (
    Action,
    Audit,
    AuditorFollowUp,
    AuditQuestion,
    EvidenceLink,
    Recommendation,
    Response,
)


class AuditSerializer(ServiceSerializer):
    service = staticmethod(services.save_audit)
    relations = ("audited_bodies",)

    class Meta:
        model = Audit
        fields = [
            "id",
            "title",
            "auditor_firm",
            "commissioned_by",
            "case_number",
            "published_on",
            "audited_bodies",
            "purpose",
            "overall_assessment",
            "response_deadline",
            "report_url",
        ]


class AuditQuestionSerializer(ServiceSerializer):
    service = staticmethod(services.save_question)

    class Meta:
        model = AuditQuestion
        fields = ["id", "audit", "number", "text", "verdict", "comment"]


class RecommendationSerializer(ServiceSerializer):
    relations = ("addressed_to",)

    class Meta:
        model = Recommendation
        fields = ["id", "audit", "number", "text", "addressed_to"]

    def service(self, instance, *, actor, **extra):
        if "addressed_to" in extra:
            addressed_to = extra["addressed_to"]
        else:  # a partial update that leaves the bodies as they are
            addressed_to = list(instance.addressed_to.all())
        return services.save_recommendation(instance, actor=actor, addressed_to=addressed_to)


class ResponseSerializer(ServiceSerializer):
    service = staticmethod(services.save_response)

    class Meta:
        model = Response
        fields = ["id", "audit", "recommendation", "body", "decision", "date", "text"]


class ActionSerializer(ServiceSerializer):
    service = staticmethod(services.save_action)

    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "id",
            "recommendation",
            "description",
            "responsible_body",
            "responsible_person",
            "due_date",
            "status",
            "completed_on",
            "comment",
            "overdue",
        ]

    def get_overdue(self, obj: Action) -> bool:
        return obj.is_overdue(timezone.localdate())


class AuditorFollowUpSerializer(ServiceSerializer):
    service = staticmethod(services.record_follow_up)

    class Meta:
        model = AuditorFollowUp
        fields = ["id", "recommendation", "date", "assessment", "comment", "recorded_by"]
        read_only_fields = ["recorded_by"]


class EvidenceLinkSerializer(serializers.ModelSerializer):
    target_type = serializers.CharField(
        help_text=gettext_lazy(
            "Målets modell: mandates.mandate, documents.documentversion, goals.goal, "
            "goals.indicator, followup.report eller register.intervention."
        )
    )
    target_id = serializers.IntegerField(source="object_id")
    target_label = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceLink
        fields = [
            "id",
            "action",
            "recommendation",
            "target_type",
            "target_id",
            "target_label",
            "note",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    @extend_schema_field(serializers.CharField())
    def get_target_label(self, obj: EvidenceLink) -> str:
        resolved = self.context.get("resolved", {}).get(obj.pk)
        return resolved.label if resolved else ""

    def validate(self, attrs):
        if bool(attrs.get("action")) == bool(attrs.get("recommendation")):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Ange antingen en åtgärd eller en rekommendation.")]}
            )
        kind = evidence.kind_for_model(attrs["target_type"].lower())
        if kind is None:
            raise serializers.ValidationError(
                {"target_type": [_("Den här typen av objekt kan inte länkas som underlag.")]}
            )
        attrs["content_type"] = ContentType.objects.get_for_model(kind.model_class)
        return attrs

    def create(self, validated_data):
        source = validated_data.get("action") or validated_data.get("recommendation")
        return services.add_evidence_by_reference(
            source,
            validated_data["content_type"].pk,
            validated_data["object_id"],
            actor=self.context["request"].user,
            note=validated_data.get("note", ""),
        )


class AuditViewSet(PolicyModelViewSet):
    queryset = Audit.objects.prefetch_related("audited_bodies").order_by("-published_on", "pk")
    serializer_class = AuditSerializer
    view_action = "audits.view"
    change_action = "audits.audit.change"
    http_method_names = NO_DELETE


class AuditQuestionViewSet(PolicyModelViewSet):
    queryset = AuditQuestion.objects.order_by("audit", "number")
    serializer_class = AuditQuestionSerializer
    view_action = "audits.view"
    change_action = "audits.audit.change"
    filterset_fields = ["audit", "verdict"]
    http_method_names = NO_DELETE


class RecommendationViewSet(PolicyModelViewSet):
    queryset = Recommendation.objects.prefetch_related("addressed_to").order_by("audit", "number")
    serializer_class = RecommendationSerializer
    view_action = "audits.view"
    change_action = "audits.audit.change"
    filterset_fields = ["audit"]
    http_method_names = NO_DELETE


class ResponseViewSet(PolicyModelViewSet):
    queryset = Response.objects.order_by("audit", "date", "pk")
    serializer_class = ResponseSerializer
    view_action = "audits.view"
    change_action = "audits.response.change"
    filterset_fields = ["audit", "recommendation", "body"]
    http_method_names = NO_DELETE


class ActionViewSet(PolicyModelViewSet):
    queryset = Action.objects.order_by("recommendation", "due_date", "pk")
    serializer_class = ActionSerializer
    view_action = "audits.view"
    change_action = "audits.action.change"
    filterset_fields = ["recommendation", "status", "responsible_body"]
    http_method_names = NO_DELETE


class AuditorFollowUpViewSet(PolicyModelViewSet):
    queryset = AuditorFollowUp.objects.order_by("recommendation", "-date", "-pk")
    serializer_class = AuditorFollowUpSerializer
    view_action = "audits.view"
    change_action = "audits.followup.change"
    filterset_fields = ["recommendation", "assessment"]
    http_method_names = ["get", "post", "head", "options"]


class EvidenceLinkViewSet(PolicyModelViewSet):
    """Evidence links whose targets the user may see (the others are not listed)."""

    queryset = EvidenceLink.objects.select_related("content_type").order_by("pk")
    serializer_class = EvidenceLinkSerializer
    view_action = "audits.view"
    change_action = "audits.evidence.change"
    filterset_fields = ["action", "recommendation"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset()
        visible = Q(pk__in=[])
        for kind in evidence.available_kinds():
            content_type = ContentType.objects.get_for_model(kind.model_class)
            visible |= Q(
                content_type=content_type,
                object_id__in=Subquery(kind.visible(self.request.user).values("pk")),
            )
        return qs.filter(visible)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["resolved"] = getattr(self, "resolved", {})
        return context

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self.resolved = evidence.resolve_links(request.user, page or [])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self.resolved = evidence.resolve_links(request.user, [instance])
        return ApiResponse(self.get_serializer(instance).data)

    def perform_destroy(self, instance):
        services.remove_evidence(instance, actor=self.request.user)


router.register("audits", AuditViewSet, basename="audit")
router.register("audit-questions", AuditQuestionViewSet, basename="audit-question")
router.register("audit-recommendations", RecommendationViewSet, basename="audit-recommendation")
router.register("audit-responses", ResponseViewSet, basename="audit-response")
router.register("audit-actions", ActionViewSet, basename="audit-action")
router.register("audit-follow-ups", AuditorFollowUpViewSet, basename="audit-follow-up")
router.register("audit-evidence", EvidenceLinkViewSet, basename="audit-evidence")
