"""API of the register, under the same access policy and access log as the pages.

* Interventions: every role may read; admins, strategists and coaches (their units) may write.
* Participants, enrolments and observations: coaches, for their own units only; others get an
  empty list and 404s. Every response that contains participants is written to the access log.
* The identity number never appears in a list or detail response (only the masked form). A
  coach who needs it asks ``GET /api/participants/{id}/identity/``, which is logged. Searching
  by number is ``POST /api/participants/search/`` so the number never travels in a URL.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from etablera.accounts import policy
from etablera.accounts.access_log import log_access
from etablera.web.api import NO_DELETE, PolicyModelViewSet, ServiceSerializer, router

from . import selectors, services
from .forms import InterventionForm
from .models import (
    ConflictSource,
    Enrolment,
    IdentityKind,
    Intervention,
    OutcomeObservation,
    Participant,
    StatusCategory,
)


def _scoped(user, action_name: str, queryset):
    return policy.scope(user, action_name, queryset)


class InterventionSerializer(ServiceSerializer):
    service = staticmethod(services.save_intervention)

    class Meta:
        model = Intervention
        fields = ["id", *InterventionForm.Meta.fields]  # what the page edits

    def validate(self, attrs):
        unit = attrs.get("provider_unit", getattr(self.instance, "provider_unit", None))
        user = self.context["request"].user
        allowed = selectors.units_for(user, "register.intervention.change")
        if unit is not None and not allowed.filter(pk=unit.pk).exists():
            raise serializers.ValidationError(
                {"provider_unit": _("Du kan bara lägga insatser på dina egna enheter.")}
            )
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end": _("Slutdatum kan inte ligga före startdatum.")}
            )
        return attrs


class InterventionViewSet(PolicyModelViewSet):
    queryset = Intervention.objects.select_related("provider_unit").order_by("name", "pk")
    serializer_class = InterventionSerializer
    view_action = "register.intervention.view"
    change_action = "register.intervention.change"
    filterset_fields = ["category", "provider_unit", "commissioning_mandate", "funding"]
    http_method_names = NO_DELETE


class ParticipantSerializer(serializers.ModelSerializer):
    identity = serializers.CharField(source="label", read_only=True)
    identity_number = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=20
    )
    reserve_number = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=40
    )
    enrolment_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "identity_kind",
            "identity",
            "identity_number",
            "reserve_number",
            "given_name",
            "family_name",
            "responsible_coach",
            "birth_year",
            "gender",
            "country_of_birth",
            "received_on",
            "education_level",
            "in_establishment_programme",
            "referred_by",
            "consent_to_follow_up",
            "owning_unit",
            "enrolment_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["responsible_coach", "created_at", "updated_at"]

    def validate_owning_unit(self, unit):
        user = self.context["request"].user
        if not selectors.units_for(user, "register.participant.change").filter(pk=unit.pk).exists():
            raise serializers.ValidationError(
                _("Du kan bara registrera deltagare på dina egna enheter.")
            )
        return unit

    def create(self, validated_data):
        kind = validated_data.pop("identity_kind", IdentityKind.PERSONNUMMER)
        number = validated_data.pop("identity_number", "")
        reserve = validated_data.pop("reserve_number", "") or ""
        participant = Participant(**validated_data)
        return services.register_participant(
            participant,
            actor=self.context["request"].user,
            kind=kind,
            number=number,
            reserve=reserve,
            source=ConflictSource.API,
        )

    def update(self, instance, validated_data):
        for identity_field in ("identity_kind", "identity_number", "reserve_number", "owning_unit"):
            if (
                identity_field in validated_data
                and getattr(instance, identity_field, None) != validated_data[identity_field]
            ):
                raise serializers.ValidationError(
                    {identity_field: _("Identitet och ansvarig enhet ändras inte här.")}
                )
            validated_data.pop(identity_field, None)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return services.update_participant(instance, actor=self.context["request"].user)


class ParticipantSearchSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)


class _LoggedMixin:
    """Writes the participants of every response to the access log.

    Reads are answered from the scoped queryset alone (``scoped_reads``): a user who is no
    coach gets an empty list and 404s, as the API documents, never a 403. Responses to
    changes show the changed record, so they are logged as views too, beside the change
    the service logs.
    """

    scoped_reads = frozenset({"list", "retrieve"})

    def participants_of(self, objects) -> list[Participant]:
        """The participants shown by ``objects``; each viewset says how to reach them."""
        return []

    def _log(self, objects, detail: str) -> None:
        people = {p.pk: p for p in self.participants_of(objects)}
        if people:
            log_access(self.request.user, "view", list(people.values()), detail=detail)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        objects = page if page is not None else list(queryset)
        self._log(objects, "api list")
        serializer = self.get_serializer(objects, many=True)
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self._log([instance], "api detail")
        return Response(self.get_serializer(instance).data)

    def perform_create(self, serializer):
        super().perform_create(serializer)  # type: ignore[misc]
        self._log([serializer.instance], "api change response")

    def perform_update(self, serializer):
        super().perform_update(serializer)  # type: ignore[misc]
        self._log([serializer.instance], "api change response")


class ParticipantViewSet(_LoggedMixin, PolicyModelViewSet):
    queryset = (
        Participant.objects.select_related("owning_unit")
        .annotate(enrolment_count=Count("enrolments"))
        .order_by("-created_at", "-pk")
    )
    serializer_class = ParticipantSerializer
    view_action = "register.participant.view"
    change_action = "register.participant.change"
    identity_action = "register.participant.view"
    search_action = "register.participant.view"
    scoped_reads = frozenset({"list", "retrieve", "identity", "search"})
    filterset_fields = ["owning_unit", "gender", "education_level", "in_establishment_programme"]
    http_method_names = NO_DELETE

    def participants_of(self, objects):
        return list(objects)

    def perform_update(self, serializer):
        policy.require(self.request.user, self.change_action, serializer.instance)
        super().perform_update(serializer)

    @extend_schema(
        responses=inline_serializer(
            "ParticipantIdentity", {"identity_number": serializers.CharField()}
        )
    )
    @action(detail=True, methods=["get"])
    def identity(self, request, pk=None, format=None):
        """The number in clear, for a coach who needs it. Written to the access log."""
        participant = self.get_object()
        number = services.reveal_identity(participant, actor=request.user, purpose="api")
        response = Response({"identity_number": number})
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request=ParticipantSearchSerializer, responses=ParticipantSerializer)
    @action(detail=False, methods=["post"])
    def search(self, request, format=None):
        """Exact search by identity number or reserve number; 404 when not found in scope."""
        query = ParticipantSearchSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        found = selectors.find_participant(request.user, query.validated_data["number"])
        if found is None:
            return Response({"detail": _("Ingen träff.")}, status=status.HTTP_404_NOT_FOUND)
        log_access(request.user, "search", found, detail="api exact search")
        found = self.get_queryset().get(pk=found.pk)
        return Response(self.get_serializer(found).data)


class EnrolmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enrolment
        fields = [
            "id",
            "participant",
            "intervention",
            "start",
            "planned_end",
            "end",
            "status_at_start",
            "livelihood_at_start",
            "exit_status",
            "hours_per_week",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators: list = []  # the natural key is checked by the service, with a Swedish text

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "participant" in self.fields:
            self.fields["participant"].queryset = _scoped(
                request.user, "register.enrolment.change", Participant.objects.all()
            )
        for name in ("status_at_start", "exit_status"):
            if name in self.fields:
                self.fields[name].queryset = StatusCategory.objects.all()

    def create(self, validated_data):
        return services.enrol(Enrolment(**validated_data), actor=self.context["request"].user)

    def update(self, instance, validated_data):
        if validated_data.get("participant", instance.participant) != instance.participant:
            raise serializers.ValidationError({"participant": _("Deltagaren kan inte bytas.")})
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return services.update_enrolment(instance, actor=self.context["request"].user)


class EndSerializer(serializers.Serializer):
    end = serializers.DateField()
    exit_status = serializers.PrimaryKeyRelatedField(queryset=StatusCategory.objects.all())


class EnrolmentViewSet(_LoggedMixin, PolicyModelViewSet):
    queryset = Enrolment.objects.select_related("participant").order_by("-start", "-pk")
    serializer_class = EnrolmentSerializer
    view_action = "register.enrolment.view"
    change_action = "register.enrolment.change"
    filterset_fields = ["participant", "intervention", "exit_status"]
    http_method_names = NO_DELETE

    def participants_of(self, objects):
        return [e.participant for e in objects]

    @extend_schema(request=EndSerializer, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the enrolment with an exit status."""
        enrolment = self.get_object()
        data = EndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.end_enrolment(enrolment, actor=request.user, **data.validated_data)
        self._log([enrolment], "api change response")
        return Response(self.get_serializer(enrolment).data)


class ObservationSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutcomeObservation
        fields = ["id", "enrolment", "days_after_exit", "observed_on", "status", "created_at"]
        read_only_fields = ["created_at"]
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "enrolment" in self.fields:
            self.fields["enrolment"].queryset = _scoped(
                request.user, "register.observation.change", Enrolment.objects.all()
            )

    def create(self, validated_data):
        return services.record_observation(
            OutcomeObservation(**validated_data), actor=self.context["request"].user
        )

    def update(self, instance, validated_data):
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return services.record_observation(instance, actor=self.context["request"].user)


class ObservationViewSet(_LoggedMixin, PolicyModelViewSet):
    queryset = OutcomeObservation.objects.select_related("enrolment__participant").order_by(
        "-observed_on", "-pk"
    )
    serializer_class = ObservationSerializer
    view_action = "register.observation.view"
    change_action = "register.observation.change"
    filterset_fields = ["enrolment", "days_after_exit", "status"]
    http_method_names = NO_DELETE

    def participants_of(self, objects):
        return [o.enrolment.participant for o in objects]


router.register("interventions", InterventionViewSet, basename="intervention")
router.register("participants", ParticipantViewSet, basename="participant")
router.register("enrolments", EnrolmentViewSet, basename="enrolment")
router.register("observations", ObservationViewSet, basename="observation")
