"""API for goals, indicators, targets and values, governed by the same policy as the pages.

Writes go through the services, so the API refuses what the forms refuse, with the same Swedish
messages (HTTP 400): a target year outside the goals' validity, a value in the wrong unit (a
share above 100 %), text where a number belongs.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from etablera.accounts import policy
from etablera.goals.periods import InvalidPeriod, resolve_period
from etablera.web.api import NO_DELETE, PolicyModelViewSet, ServiceSerializer, router

from . import services
from .forms import GoalForm
from .models import Goal, Indicator, IndicatorValue, Target


class GoalSerializer(ServiceSerializer):
    service = staticmethod(services.save_goal)
    relations = ("mandates",)
    missing_owner = serializers.BooleanField(
        read_only=True, help_text=gettext_lazy("Målet saknar ägare.")
    )

    class Meta:
        model = Goal
        fields = ["id", *GoalForm.Meta.fields, "missing_owner"]  # the page's fields, and more
        extra_kwargs = {"mandates": {"required": False}}


class IndicatorSerializer(ServiceSerializer):
    service = staticmethod(services.save_indicator)
    relations = ("goals",)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "definition",
            "unit",
            "direction",
            "source",
            "source_key",
            "gender_breakdown",
            "goals",
            "is_active",
        ]
        extra_kwargs = {"goals": {"required": False}}


class TargetSerializer(ServiceSerializer):
    service = staticmethod(services.save_target)

    class Meta:
        model = Target
        fields = ["id", "indicator", "year", "gender", "value", "comment"]
        # The uniqueness of (indicator, year, gender) is checked by the model with its message.
        validators: list = []


class IndicatorValueSerializer(ServiceSerializer):
    service = staticmethod(services.save_value)

    period = serializers.CharField(
        write_only=True,
        required=False,
        help_text=gettext_lazy(
            "I stället för start och end: en periodkod (2025T1, 2025D, 2025H), ett år (2025) "
            "eller ett datumintervall (2025-01-01..2025-06-30)."
        ),
    )
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "period",
            "start",
            "end",
            "gender",
            "value",
            "suppressed",
            "source",
            "municipality_code",
            "comment",
            "entered_by",
            "entered_at",
        ]
        read_only_fields = ["source", "entered_by", "entered_at"]
        validators: list = []

    def validate(self, attrs):
        text = attrs.pop("period", None)
        if text:
            try:
                resolved = resolve_period(text)
            except InvalidPeriod as exc:
                raise serializers.ValidationError({"period": exc.messages}) from exc
            attrs["start"], attrs["end"] = resolved.start, resolved.end
        instance = self.instance
        for field in ("start", "end"):
            if field not in attrs and getattr(instance, field, None) is None:
                raise serializers.ValidationError(
                    {"period": _("Ange en period eller både start och end.")}
                )
        return attrs


class GoalViewSet(PolicyModelViewSet):
    queryset = Goal.objects.prefetch_related("mandates").order_by("pk")
    serializer_class = GoalSerializer
    view_action = "goals.view"
    change_action = "goals.change"
    filterset_fields = ["level", "owner", "policy_area", "parent"]
    http_method_names = NO_DELETE


class IndicatorViewSet(PolicyModelViewSet):
    queryset = Indicator.objects.prefetch_related("goals").order_by("pk")
    serializer_class = IndicatorSerializer
    view_action = "goals.view"
    change_action = "goals.change"
    filterset_fields = ["source", "unit", "gender_breakdown", "is_active", "goals"]
    http_method_names = NO_DELETE


class TargetViewSet(PolicyModelViewSet):
    queryset = Target.objects.order_by("indicator_id", "year", "gender")
    serializer_class = TargetSerializer
    view_action = "goals.view"
    change_action = "goals.change"
    filterset_fields = ["indicator", "year", "gender"]

    def perform_destroy(self, instance):
        services.delete_target(instance, actor=self.request.user)


class IndicatorValueViewSet(PolicyModelViewSet):
    """Values typed in by hand (and stored Kolada values). Reporters enter values for
    indicators of goals their own body owns; strategists for any."""

    queryset = IndicatorValue.objects.order_by("indicator_id", "-end", "gender")
    serializer_class = IndicatorValueSerializer
    view_action = "goals.view"
    change_action = "goals.value.change"
    filterset_fields = ["indicator", "gender", "start", "end", "source", "municipality_code"]

    def perform_create(self, serializer):
        indicator = serializer.validated_data["indicator"]
        if not policy.can(self.request.user, "goals.value.change", indicator):
            raise PermissionDenied
        with transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance):
        services.delete_value(instance, actor=self.request.user)


router.register("goals", GoalViewSet, basename="goal")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("targets", TargetViewSet, basename="target")
router.register("indicator-values", IndicatorValueViewSet, basename="indicator-value")
