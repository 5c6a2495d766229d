"""API for the organisation, governed by the same policy actions as the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from etablera.web.api import NO_DELETE, PolicyModelViewSet, ServiceSerializer, router

from . import services
from .models import Body, Municipality, Unit


class MunicipalitySerializer(ServiceSerializer):
    service = staticmethod(services.save_municipality)

    class Meta:
        model = Municipality
        fields = ["id", "name", "code", "comparison_group", "comparison_group_name", "is_demo"]
        read_only_fields = ["is_demo"]


class BodySerializer(ServiceSerializer):
    service = staticmethod(services.save_body)

    class Meta:
        model = Body
        fields = [
            "id",
            "municipality",
            "kind",
            "name",
            "short_name",
            "description",
            "active_from",
            "active_to",
        ]

    def validate(self, attrs):
        start = attrs.get("active_from", getattr(self.instance, "active_from", None))
        end = attrs.get("active_to", getattr(self.instance, "active_to", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"active_to": _("Slutdatum kan inte ligga före startdatum.")}
            )
        return attrs


class UnitSerializer(ServiceSerializer):
    service = staticmethod(services.save_unit)

    class Meta:
        model = Unit
        fields = ["id", "body", "parent", "kind", "name", "path", "depth"]
        read_only_fields = ["path", "depth"]

    def validate(self, attrs):
        parent = attrs.get("parent", getattr(self.instance, "parent", None))
        body = attrs.get("body", getattr(self.instance, "body", None))
        if parent is not None and body is not None and parent.body_id != body.pk:
            raise serializers.ValidationError(
                {"parent": _("Den överordnade enheten hör till ett annat organ.")}
            )
        return attrs


class MunicipalityViewSet(PolicyModelViewSet):
    queryset = Municipality.objects.order_by("pk")
    serializer_class = MunicipalitySerializer
    view_action = "organisation.view"
    change_action = "organisation.change"
    http_method_names = ["get", "put", "patch", "head", "options"]


class BodyViewSet(PolicyModelViewSet):
    queryset = Body.objects.all()
    serializer_class = BodySerializer
    view_action = "organisation.view"
    change_action = "organisation.change"
    filterset_fields = ["kind"]
    http_method_names = NO_DELETE


class UnitViewSet(PolicyModelViewSet):
    queryset = Unit.objects.all()
    serializer_class = UnitSerializer
    view_action = "organisation.view"
    change_action = "organisation.change"
    filterset_fields = ["body", "kind", "parent"]
    http_method_names = NO_DELETE


router.register("municipalities", MunicipalityViewSet, basename="municipality")
router.register("bodies", BodyViewSet, basename="body")
router.register("units", UnitViewSet, basename="unit")
