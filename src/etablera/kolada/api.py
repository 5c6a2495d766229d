"""Read-only API for Kolada's figures as stored, under the same policy action as the pages."""

from __future__ import annotations

from rest_framework import serializers

from etablera.web.api import PolicyReadOnlyViewSet, router

from .models import Kpi, Value


class KpiSerializer(serializers.ModelSerializer):
    flagged = serializers.BooleanField(read_only=True)

    class Meta:
        model = Kpi
        fields = [
            "id",
            "title",
            "accepted_title",
            "description",
            "operating_area",
            "is_divided_by_gender",
            "missing",
            "flagged",
            "is_example",
            "checked_at",
            "last_fetched_at",
        ]


class ValueSerializer(serializers.ModelSerializer):
    kpi = serializers.CharField(source="kpi_id", read_only=True)
    fetched = serializers.DateTimeField(source="fetched_at", read_only=True)

    class Meta:
        model = Value
        fields = ["kpi", "municipality", "year", "gender", "value", "count", "status", "fetched"]


class KpiViewSet(PolicyReadOnlyViewSet):
    """The catalogue of Kolada KPIs, with the flag for changed or vanished ones."""

    queryset = Kpi.objects.order_by("id")
    serializer_class = KpiSerializer
    view_action = "kolada.view"


class ValueViewSet(PolicyReadOnlyViewSet):
    """Stored Kolada values; filter with ``?kpi=N00973&municipality=1487&year=2024``."""

    queryset = Value.objects.order_by("kpi_id", "municipality", "year", "gender")
    serializer_class = ValueSerializer
    view_action = "kolada.view"
    filterset_fields = ["kpi", "municipality", "year", "gender"]


router.register("kolada-kpis", KpiViewSet, basename="kolada-kpi")
router.register("kolada-values", ValueViewSet, basename="kolada-value")
