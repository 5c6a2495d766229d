"""API of the register KPIs: aggregated figures only, under the same policy and disclosure control.

``GET /api/kpis/?period=2025&by=gender,category&scope=kommun&kpis=...`` returns the KPI table of
a period; ``GET /api/kpis/definitions/`` the definitions. A suppressed cell is
``{"value": null, "suppressed": true}``: its value never leaves the server.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from etablera.web.api import PolicyViewSetMixin, router

from . import kpis, presentation, selectors


class CellSerializer(serializers.Serializer):
    value = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("Null när värdet döljs.")
    )
    suppressed = serializers.BooleanField()


class RowSerializer(serializers.Serializer):
    group = serializers.DictField(
        child=serializers.CharField(allow_null=True),
        help_text=gettext_lazy("Gruppens värde per indelning; null på en total- eller summarad."),
    )
    labels = serializers.DictField(child=serializers.CharField())
    values = serializers.DictField(child=CellSerializer(), help_text=gettext_lazy("Per nyckeltal."))


class DefinitionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.CharField()
    definition = serializers.CharField()


class KpiPeriodSerializer(serializers.Serializer):
    text = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    start = serializers.DateField()
    end = serializers.DateField()


class ScopeSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class DisclosureSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    explanation = serializers.CharField()
    count_threshold = serializers.IntegerField()
    share_min_group = serializers.IntegerField()
    share_min_each = serializers.IntegerField()
    median_min_group = serializers.IntegerField()
    noise_max = serializers.IntegerField()
    method = serializers.CharField()
    deviation = serializers.DictField(
        child=serializers.FloatField(),
        help_text="Per KPI, the most a published value may lie from the register (its unit).",
    )
    note = serializers.CharField()


class RevisedSerializer(serializers.Serializer):
    release = serializers.CharField(help_text="The month the revised figures are of (2026-12).")
    rows = RowSerializer(many=True)


class KpiReportSerializer(serializers.Serializer):
    period = KpiPeriodSerializer()
    scope = ScopeSerializer()
    by = serializers.ListField(child=serializers.CharField())
    kpis = DefinitionSerializer(many=True)
    rows = RowSerializer(many=True)
    disclosure = DisclosureSerializer()
    status = serializers.ChoiceField(
        choices=["preliminary", "final"],
        help_text="final: a closed follow-up period's figures, kept as published; preliminary: "
        "this month's release of an open period's.",
    )
    revised = RevisedSerializer(
        allow_null=True,
        help_text="A final period's figures as the register gives them now, with the same "
        "protection, when late registrations have changed any published value; else null.",
    )


class DisclosureUnavailable(APIException):
    status_code = 503
    default_detail = gettext_lazy(
        "Röjandekontrollen är felaktigt inställd (tröskelvärdena); inga uppgifter lämnas ut."
    )
    default_code = "disclosure_misconfigured"


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc)


class KpiViewSet(PolicyViewSetMixin, viewsets.ViewSet):
    """Register KPIs for a period, broken down by up to two dimensions."""

    view_action = "statistics.kpis.view"
    definitions_action = "statistics.kpis.view"

    def get_queryset(self):  # no model behind the figures
        return None

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                required=True,
                description="A year (2025, 2025H), the interim period (2025D), a tertial "
                "(2025T1) or a calendar month (2025-03-01..2025-03-31); other periods are "
                "refused (400).",
            ),
            OpenApiParameter(
                "by",
                OpenApiTypes.STR,
                description="One or two of " + ", ".join(kpis.DIMENSIONS) + ", comma-separated.",
            ),
            OpenApiParameter(
                "scope",
                OpenApiTypes.STR,
                description="kommun, or enhet-<id> / organ-<id> among the caller's scopes; "
                "the widest one by default.",
            ),
            OpenApiParameter(
                "kpis",
                OpenApiTypes.STR,
                description="Only these KPI keys, comma-separated: " + ", ".join(kpis.KPIS),
            ),
        ],
        responses={200: KpiReportSerializer},
        description="The KPIs with disclosure control applied (cell-key perturbation, ADR 7): "
        'a hidden cell is {"value": null, "suppressed": true}; disclosure.deviation gives per '
        "KPI how far a published value may lie from the register; status is preliminary or "
        "final.",
    )
    def list(self, request: Request) -> Response:
        params = request.query_params
        try:
            text = params.get("period", "")
            period = selectors.resolve(text)
            by = kpis.parse_breakdown(params.get("by", ""))
            scope = selectors.scope_for(request.user, params.get("scope") or None)
            names = [k.strip() for k in params.get("kpis", "").split(",") if k.strip()]
            unknown = [k for k in names if kpis.kpi_key(k) is None]
            if unknown:
                raise ApiValidationError(
                    {"kpis": [_("Okänt nyckeltal ”%(key)s”.") % {"key": unknown[0]}]}
                )
            wanted = [kpis.kpi_key(k) or "" for k in names]
            report = selectors.compute(period, scope, by, kpis_wanted=wanted or None)
        except ValidationError as exc:
            field = "scope" if isinstance(exc, selectors.InvalidScope) else "period"
            raise ApiValidationError({field: [_message(exc)]}) from exc
        except kpis.InvalidBreakdown as exc:
            raise ApiValidationError({"by": [str(exc)]}) from exc
        except ImproperlyConfigured as exc:
            raise DisclosureUnavailable from exc
        if report.is_empty:
            raise ApiValidationError(
                {
                    "period": [
                        _("Det finns inga deltaganden under %(period)s.")
                        % {"period": report.period.label}
                    ]
                }
            )
        shown = tuple(wanted) if wanted else presentation.ALL_KPIS
        return Response(presentation.as_json(report, shown, text=text))

    @extend_schema(responses={200: DefinitionSerializer(many=True)})
    @action(detail=False)
    def definitions(self, request: Request) -> Response:
        """How each KPI is defined, with its unit."""
        return Response(presentation.definitions())


router.register("kpis", KpiViewSet, basename="kpi")
