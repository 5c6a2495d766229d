"""API for follow-up periods, reports and entries, governed by the same policy as the pages.

The workflow is a set of actions on a report: ``POST /api/reports/{id}/submit/``,
``/return/`` (``{"comment": "…"}``) and ``/approve/`` (``{"decision": id}``). Entries are
written with ``PATCH /api/report-entries/{id}/``. Refusals (an incomplete report, a locked
report, an overlapping period) answer 400 with the same Swedish messages as the pages.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from etablera.mandates.models import Decision
from etablera.web.api import NO_DELETE, PolicyModelViewSet, ServiceSerializer, router

from . import selectors, services
from .models import Period, Report, ReportEntry


class PeriodSerializer(ServiceSerializer):
    service = staticmethod(services.save_period)

    class Meta:
        model = Period
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "start",
            "end",
            "deadline",
            "status",
            "opened_at",
        ]
        read_only_fields = ["status", "opened_at"]
        validators: list = []
        extra_kwargs = {"code": {"validators": []}}


class ReportSerializer(serializers.ModelSerializer):
    body_name = serializers.CharField(source="body.name", read_only=True)
    period_code = serializers.CharField(source="period.code", read_only=True)
    entry_count = serializers.IntegerField(read_only=True)
    assessed_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "period",
            "period_code",
            "body",
            "body_name",
            "status",
            "summary",
            "submitted_at",
            "approved_at",
            "decision",
            "return_comment",
            "entry_count",
            "assessed_count",
        ]
        read_only_fields = [
            "period",
            "body",
            "status",
            "submitted_at",
            "approved_at",
            "decision",
            "return_comment",
        ]

    def update(self, instance, validated_data):
        return services.update_report(
            instance, {}, summary=validated_data.get("summary"), actor=self.context["request"].user
        )


class ReportEntrySerializer(serializers.ModelSerializer):
    subject = serializers.CharField(read_only=True)
    subject_kind = serializers.CharField(read_only=True)

    class Meta:
        model = ReportEntry
        fields = [
            "id",
            "report",
            "mandate",
            "goal",
            "subject",
            "subject_kind",
            "assessment",
            "analysis",
            "measures",
            "snapshot",
            "snapshot_at",
        ]
        read_only_fields = ["report", "mandate", "goal", "snapshot", "snapshot_at"]

    def update(self, instance, validated_data):
        return services.update_entry(instance, validated_data, actor=self.context["request"].user)


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text=gettext_lazy("Varför rapporten återremitteras."))


class ApproveSerializer(serializers.Serializer):
    decision = serializers.PrimaryKeyRelatedField(
        queryset=Decision.objects.all(), help_text=gettext_lazy("Beslutet som godkände rapporten.")
    )


class PeriodViewSet(PolicyModelViewSet):
    queryset = Period.objects.order_by("-end", "kind")
    serializer_class = PeriodSerializer
    view_action = "followup.period.view"
    change_action = "followup.period.change"
    filterset_fields = ["kind", "status", "code"]
    http_method_names = NO_DELETE
    open_action = "followup.period.change"
    close_action = "followup.period.change"

    @extend_schema(request=None, responses=PeriodSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        """Open the period: every body with something to follow up gets a draft report."""
        period = self.get_object()
        services.open_period(period, actor=request.user)
        period.refresh_from_db()
        return Response(PeriodSerializer(period, context={"request": request}).data)

    @extend_schema(request=None, responses=PeriodSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the period: no more submissions."""
        period = services.close_period(self.get_object(), actor=request.user)
        return Response(PeriodSerializer(period, context={"request": request}).data)


class ReportViewSet(PolicyModelViewSet):
    serializer_class = ReportSerializer
    view_action = "followup.report.view"
    change_action = "followup.report.change"
    submit_action = "followup.report.submit"
    return_report_action = "followup.report.return"
    approve_action = "followup.report.approve"
    filterset_fields = ["period", "body", "status"]
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        return selectors.reports(self.request.user).order_by("pk")

    def create(self, request, *args, **kwargs):
        return Response({"detail": _("Rapporter skapas när en period öppnas.")}, status=405)

    def _answer(self, request, report):
        fresh = selectors.reports(request.user).get(pk=report.pk)
        return Response(ReportSerializer(fresh, context={"request": request}).data)

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Hand in the report; every entry must be assessed. Stores the indicator values."""
        report = services.submit_report(self.get_object(), actor=request.user)
        return self._answer(request, report)

    @extend_schema(request=ReturnSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_report(self, request, pk=None):
        """Send a submitted report back to its body with a comment."""
        report = self.get_object()
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.return_report(report, data.validated_data["comment"], actor=request.user)
        return self._answer(request, report)

    @extend_schema(request=ApproveSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a submitted report with its decision; the report is then locked."""
        report = self.get_object()
        data = ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.approve_report(
            report, data.validated_data["decision"], actor=request.user
        )
        return self._answer(request, report)


class ReportEntryViewSet(PolicyModelViewSet):
    serializer_class = ReportEntrySerializer
    view_action = "followup.entry.view"
    change_action = "followup.entry.change"
    filterset_fields = ["report", "mandate", "goal", "assessment"]
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.entries(self.request.user)


router.register("periods", PeriodViewSet, basename="period")
router.register("reports", ReportViewSet, basename="report")
router.register("report-entries", ReportEntryViewSet, basename="report-entry")
