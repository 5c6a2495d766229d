"""API for steering documents, governed by the same policy actions and services as the pages.

Versions are created as drafts and adopted through ``POST /api/document-versions/{id}/adopt/``;
an uploaded PDF is never given a public address: ``file_url`` points at the download view,
which asks the policy. Acknowledgements name the version and the body (or unit) they are given
for; one for a body the version was not sent to is a 400 with a field error.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from etablera.mandates.models import Decision
from etablera.organisation.models import Body, Unit
from etablera.web.api import NO_DELETE, PolicyModelViewSet, ServiceSerializer, router

from . import services
from .models import (
    Acknowledgement,
    Distribution,
    DocumentVersion,
    SteeringDocument,
    VersionStatus,
)
from .rendering import render_markdown
from .validation import validate_pdf

UNCHANGEABLE = gettext_lazy("Kan inte ändras här.")


class SteeringDocumentSerializer(ServiceSerializer):
    service = staticmethod(services.save_document)

    current_version = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("Id för den antagna versionen, om någon."),
    )

    class Meta:
        model = SteeringDocument
        fields = [
            "id",
            "kind",
            "title",
            "owner",
            "review_by",
            "description",
            "current_version",
            "created_at",
            "updated_at",
        ]


class DocumentVersionSerializer(serializers.ModelSerializer):
    file = serializers.FileField(
        write_only=True,
        required=False,
        allow_null=True,
        validators=[validate_pdf],
        help_text=gettext_lazy(
            "En pdf (kontrolleras efter innehållet), högst ETABLERA_MAX_UPLOAD_MB."
        ),
    )
    file_url = serializers.SerializerMethodField(
        help_text=gettext_lazy("Adress för nedladdning, efter behörighetskontroll.")
    )
    text_html = serializers.SerializerMethodField(help_text=gettext_lazy("Texten som renad HTML."))

    class Meta:
        model = DocumentVersion
        fields = [
            "id",
            "document",
            "number",
            "status",
            "text",
            "text_html",
            "file",
            "file_name",
            "file_url",
            "changes",
            "decision",
            "adopted_on",
            "superseded_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "number",
            "status",
            "file_name",
            "decision",
            "adopted_on",
            "superseded_on",
            "created_at",
            "updated_at",
        ]

    def get_file_url(self, obj: DocumentVersion) -> str | None:
        if not obj.file:
            return None
        url = reverse("documents:version-file", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_text_html(self, obj: DocumentVersion) -> str:
        return str(render_markdown(obj.text)) if obj.text else ""

    def validate_document(self, document):
        if self.instance is not None and document.pk != self.instance.document_id:
            raise serializers.ValidationError(UNCHANGEABLE)
        return document

    def create(self, validated_data):
        user = self.context["request"].user
        return services.save_version(DocumentVersion(**validated_data), actor=user)

    def update(self, instance, validated_data):
        for key, value in validated_data.items():
            if key == "file" and value is None:
                continue
            setattr(instance, key, value)
        return services.save_version(instance, actor=self.context["request"].user)


class AdoptSerializer(serializers.Serializer):
    decision = serializers.PrimaryKeyRelatedField(queryset=Decision.objects.all())
    review_by = serializers.DateField(required=False, allow_null=True)


class DistributionSerializer(serializers.ModelSerializer):
    acknowledged = serializers.SerializerMethodField()

    class Meta:
        model = Distribution
        fields = [
            "id",
            "version",
            "body",
            "unit",
            "deadline",
            "sent_on",
            "sent_by",
            "acknowledged",
        ]
        read_only_fields = ["sent_on", "sent_by"]

    def get_acknowledged(self, obj: Distribution) -> bool:
        return obj.is_acknowledged

    def validate(self, attrs):
        if self.instance is not None:
            errors = {
                key: UNCHANGEABLE
                for key in ("version", "body", "unit")
                if key in attrs and attrs[key] != getattr(self.instance, key)
            }
            if errors:
                raise serializers.ValidationError(errors)
            return attrs
        if bool(attrs.get("body")) == bool(attrs.get("unit")):
            raise serializers.ValidationError(
                {"body": _("Ange mottagare: antingen ett organ eller en enhet.")}
            )
        return attrs

    def create(self, validated_data):
        body, unit = validated_data.get("body"), validated_data.get("unit")
        try:
            created = services.distribute(
                validated_data["version"],
                bodies=[body] if body else [],
                units=[unit] if unit else [],
                deadline=validated_data.get("deadline"),
                actor=self.context["request"].user,
            )
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                renamed = {"bodies": "body", "units": "unit"}
                raise serializers.ValidationError(
                    {
                        renamed.get(k, k): [m for e in v for m in e.messages]
                        for k, v in exc.error_dict.items()
                    }
                ) from exc
            raise
        return created[0]

    def update(self, instance, validated_data):
        if "deadline" not in validated_data:
            return instance
        return services.change_deadline(
            instance, validated_data["deadline"], actor=self.context["request"].user
        )


class AcknowledgementSerializer(serializers.ModelSerializer):
    version = serializers.PrimaryKeyRelatedField(
        source="distribution.version", queryset=DocumentVersion.objects.all()
    )
    body = serializers.PrimaryKeyRelatedField(
        source="distribution.body",
        queryset=Body.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Det kvitterande organet (eller ange unit)."),
    )
    unit = serializers.PrimaryKeyRelatedField(
        source="distribution.unit",
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Den kvitterande enheten (eller ange body)."),
    )

    class Meta:
        model = Acknowledgement
        fields = [
            "id",
            "distribution",
            "version",
            "body",
            "unit",
            "text",
            "acknowledged_by",
            "acknowledged_at",
            "updated_at",
        ]
        read_only_fields = ["distribution", "acknowledged_by", "acknowledged_at", "updated_at"]

    def validate(self, attrs):
        given = attrs.get("distribution", {})
        if self.instance is not None:
            current = self.instance.distribution
            errors = {
                key: UNCHANGEABLE for key, value in given.items() if value != getattr(current, key)
            }
            if errors:
                raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data):
        target = validated_data.get("distribution", {})
        return services.acknowledge(
            actor=self.context["request"].user,
            version=target["version"],
            body=target.get("body"),
            unit=target.get("unit"),
            text=validated_data["text"],
        )

    def update(self, instance, validated_data):
        text = validated_data.get("text", instance.text)
        return services.change_acknowledgement(
            instance, actor=self.context["request"].user, text=text
        )


class DistributionFilter(filters.FilterSet):
    acknowledged = filters.BooleanFilter(
        field_name="acknowledgement", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Distribution
        fields = ["version", "body", "unit", "acknowledged"]


_adopted = DocumentVersion.objects.filter(document=OuterRef("pk"), status=VersionStatus.ADOPTED)


class SteeringDocumentViewSet(PolicyModelViewSet):
    queryset = (
        SteeringDocument.objects.select_related("owner")
        .annotate(current_version=Subquery(_adopted.values("pk")[:1]))
        .order_by("title", "pk")
    )
    serializer_class = SteeringDocumentSerializer
    view_action = "documents.view"
    change_action = "documents.change"
    filterset_fields = ["kind", "owner"]
    http_method_names = NO_DELETE


class DocumentVersionViewSet(PolicyModelViewSet):
    queryset = DocumentVersion.objects.select_related("document").order_by("document_id", "number")
    serializer_class = DocumentVersionSerializer
    view_action = "documents.view"
    change_action = "documents.change"
    adopt_action = "documents.change"
    filterset_fields = ["document", "status"]
    http_method_names = NO_DELETE

    @extend_schema(request=AdoptSerializer, responses=DocumentVersionSerializer)
    @action(detail=True, methods=["post"])
    def adopt(self, request, pk=None):
        """Adopt a draft by a decision; the version adopted before it becomes superseded."""
        version = self.get_object()
        serializer = AdoptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        adopted = services.adopt_version(
            version,
            serializer.validated_data["decision"],
            actor=request.user,
            review_by=serializer.validated_data.get("review_by"),
        )
        return Response(self.get_serializer(adopted).data)


class DistributionViewSet(PolicyModelViewSet):
    queryset = Distribution.objects.select_related("acknowledgement").order_by("deadline", "pk")
    serializer_class = DistributionSerializer
    view_action = "documents.view"
    change_action = "documents.distribute"
    filterset_class = DistributionFilter
    http_method_names = ["get", "post", "patch", "head", "options"]


class AcknowledgementViewSet(PolicyModelViewSet):
    queryset = Acknowledgement.objects.select_related("distribution").order_by(
        "-acknowledged_at", "-pk"
    )
    serializer_class = AcknowledgementSerializer
    view_action = "documents.view"
    change_action = "documents.acknowledge"
    filterset_fields = ["distribution", "distribution__version"]
    http_method_names = ["get", "post", "patch", "head", "options"]


router.register("steering-documents", SteeringDocumentViewSet, basename="steeringdocument")
router.register("document-versions", DocumentVersionViewSet, basename="documentversion")
router.register("document-distributions", DistributionViewSet, basename="distribution")
router.register("document-acknowledgements", AcknowledgementViewSet, basename="acknowledgement")
