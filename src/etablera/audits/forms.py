"""Forms for audits. Choices are narrowed to what the user may act on; services check again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from etablera.mandates.models import Decision
from etablera.organisation.models import Body
from etablera.web.forms import DateInput

from . import evidence
from .models import Action, Audit, AuditorFollowUp, AuditQuestion, Recommendation, Response
from .services import bodies_in_scope


class HttpsURLField(forms.URLField):
    """A URL field that reads "example.org" as https://example.org."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class AuditForm(forms.ModelForm):
    audited_bodies = forms.ModelMultipleChoiceField(
        label=_("Granskade organ"),
        queryset=Body.objects.municipal(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Audit
        fields = [
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
            "report_file",
        ]
        field_classes = {"report_url": HttpsURLField}
        widgets = {
            "published_on": DateInput(),
            "response_deadline": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "overall_assessment": forms.Textarea(attrs={"rows": 6}),
        }


class QuestionForm(forms.ModelForm):
    class Meta:
        model = AuditQuestion
        fields = ["number", "text", "verdict", "comment"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "comment": forms.Textarea(attrs={"rows": 4}),
        }


class RecommendationForm(forms.ModelForm):
    addressed_to = forms.ModelMultipleChoiceField(
        label=_("Riktad till"),
        queryset=Body.objects.municipal(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Recommendation
        fields = ["number", "text", "addressed_to"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class ResponseForm(forms.ModelForm):
    """A body's response: the bodies are those the user answers for (any body may be chosen
    among them; the service refuses one the recommendation was not addressed to)."""

    class Meta:
        model = Response
        fields = ["recommendation", "body", "decision", "date", "text"]
        widgets = {"date": DateInput(), "text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, audit: Audit, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.audit = audit
        self.fields["recommendation"].queryset = audit.recommendations.order_by("number")
        self.fields["recommendation"].empty_label = _("Hela granskningen")
        self.fields["recommendation"].label_from_instance = lambda r: r.label
        bodies = bodies_in_scope(user, "audits.response.change", Body.objects.municipal())
        self.fields["body"].queryset = bodies
        self.fields["decision"].queryset = Decision.objects.filter(body__in=bodies).select_related(
            "body"
        )
        self.fields["decision"].help_text = _(
            "Beslutet i organet som antog svaret, om det finns registrerat."
        )


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = [
            "description",
            "responsible_body",
            "responsible_person",
            "due_date",
            "status",
            "completed_on",
            "comment",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "due_date": DateInput(),
            "completed_on": DateInput(),
            "comment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, recommendation: Recommendation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.recommendation = recommendation
        addressed = recommendation.addressed_to.all()
        if bodies_in_scope(user, "audits.action.change", addressed).exists():
            # The addressed body may hand the action to any of the municipality's bodies.
            bodies = Body.objects.municipal()
        else:
            bodies = bodies_in_scope(user, "audits.action.change", Body.objects.municipal())
        self.fields["responsible_body"].queryset = bodies
        self.fields["completed_on"].help_text = _(
            "Fylls i med dagens datum om åtgärden markeras som genomförd utan datum."
        )


class EvidenceForm(forms.Form):
    # A plain field with a select: the service, not the list of choices, decides what may be
    # linked, so a target outside the list gets the service's clear message.
    target = forms.CharField(label=_("Underlag"), widget=forms.Select)
    note = forms.CharField(
        label=_("Hur underlaget svarar på rekommendationen"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].widget.choices = [
            ("", _("Välj underlag")),
            *evidence.choices_for(user),
        ]
        self.fields["target"].help_text = _(
            "Uppdrag, styrdokument, mål, indikatorer, rapporter och insatser som du har "
            "behörighet att se."
        )

    def clean_target(self) -> tuple[int, int]:
        raw = self.cleaned_data["target"]
        try:
            content_type_id, object_id = (int(part) for part in raw.split(":"))
        except ValueError as exc:
            raise forms.ValidationError(_("Välj ett underlag i listan.")) from exc
        return content_type_id, object_id


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = AuditorFollowUp
        fields = ["date", "assessment", "comment"]
        widgets = {
            "date": DateInput(),
            "assessment": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 4}),
        }


class AuditFilterForm(forms.Form):
    body = forms.ModelChoiceField(
        label=_("Organ"),
        queryset=Body.objects.municipal(),
        required=False,
        empty_label=_("Alla organ"),
    )
