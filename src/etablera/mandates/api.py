"""API for decisions, policy areas and mandates, governed by the same policy as the pages.

Writes go through the services, so the API refuses exactly what the forms refuse, with the
same Swedish messages per field (HTTP 400). Nothing is deleted through the API: a mandate
ends with a status, a policy area is made inactive.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from etablera.web.api import NO_DELETE, PolicyModelViewSet, ServiceSerializer, router

from . import selectors, services
from .models import Decision, Mandate, PolicyArea


class PolicyAreaSerializer(ServiceSerializer):
    service = staticmethod(services.save_policy_area)

    class Meta:
        model = PolicyArea
        fields = ["id", "name", "code", "description", "order", "is_active"]
        extra_kwargs = {"code": {"required": False, "allow_blank": True}}


class DecisionSerializer(ServiceSerializer):
    service = staticmethod(services.save_decision)
    reference = serializers.CharField(
        read_only=True, help_text=gettext_lazy("Till exempel KS 2017-05-17 § 123, dnr …")
    )

    class Meta:
        model = Decision
        fields = ["id", "body", "date", "section", "case_number", "title", "url", "reference"]
        # The (body, date, section) constraint is checked by the service with its own message.
        validators: list = []


class MandateSerializer(ServiceSerializer):
    service = staticmethod(services.save_mandate)
    missing_decision = serializers.BooleanField(
        read_only=True, help_text=gettext_lazy("Beställt uppdrag utan registrerat beslut.")
    )
    missing_follow_up = serializers.BooleanField(
        read_only=True, help_text=gettext_lazy("Ingen uppföljningsansvarig är utsedd.")
    )
    performer = serializers.SerializerMethodField(help_text=gettext_lazy("Utföraren i klartext."))

    class Meta:
        model = Mandate
        fields = [
            "id",
            "title",
            "description",
            "policy_area",
            "owner",
            "performer_body",
            "performer_unit",
            "performer",
            "level",
            "origin",
            "commissioned_by",
            "decision",
            "follow_up_body",
            "follow_up_role",
            "report_frequency",
            "start",
            "end",
            "status",
            "missing_decision",
            "missing_follow_up",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    @extend_schema_field(serializers.CharField())
    def get_performer(self, obj: Mandate) -> str:
        return obj.performer_label


class MandateFilter(filters.FilterSet):
    performer = filters.NumberFilter(
        method="filter_performer", label=gettext_lazy("Utförande organ (också via dess enheter)")
    )
    q = filters.CharFilter(method="filter_text", label=gettext_lazy("Fritext"))

    class Meta:
        model = Mandate
        fields = ["owner", "policy_area", "level", "origin", "status", "decision"]

    def filter_performer(self, queryset, name, value):
        return queryset.filter(performer_body=value) | queryset.filter(performer_unit__body=value)

    def filter_text(self, queryset, name, value):
        return queryset.filter(selectors.text_q(value))


class PolicyAreaViewSet(PolicyModelViewSet):
    """Politikområden: the managed list mandates and goals belong to (integration, labour
    market, social inclusion …). Read by every role; changed by strategists. Not deleted:
    set ``is_active`` to false instead."""

    queryset = PolicyArea.objects.order_by("order", "name")
    serializer_class = PolicyAreaSerializer
    view_action = "mandates.policyarea.view"
    change_action = "mandates.policyarea.change"
    filterset_fields = ["is_active"]
    http_method_names = NO_DELETE


class DecisionViewSet(PolicyModelViewSet):
    """Beslut: decisions that give mandates ("KS 2017-05-17 § 123, dnr KS 2017/245"). Read by
    every role; registered and changed by strategists. A body's section (§) is unique per day."""

    queryset = Decision.objects.select_related("body").order_by("-date", "pk")
    serializer_class = DecisionSerializer
    view_action = "mandates.decision.view"
    change_action = "mandates.decision.change"
    filterset_fields = ["body", "date"]
    http_method_names = NO_DELETE


class MandateViewSet(PolicyModelViewSet):
    """Uppdrag: who is responsible for what (owner, performer body or unit, level, origin,
    commissioner, decision, follow-up responsible, period, status). Read by every role;
    created and changed by strategists, with the same validation as the web form (400 with
    Swedish messages per field). A commissioned mandate without decision is accepted and
    flagged by ``missing_decision``. Filters: owner, performer (a body, also through its
    units), policy_area, level, origin, status, decision, q (free text)."""

    queryset = selectors.mandate_queryset().order_by("pk")
    serializer_class = MandateSerializer
    view_action = "mandates.view"
    change_action = "mandates.change"
    filterset_class = MandateFilter
    http_method_names = NO_DELETE


router.register("policy-areas", PolicyAreaViewSet, basename="policy-area")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("mandates", MandateViewSet, basename="mandate")
