from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from etablera.mandates.models import Decision
from etablera.organisation.models import Body, Unit
from etablera.web.forms import DateInput

from .models import Acknowledgement, Distribution, DocumentKind, DocumentVersion, SteeringDocument


class DocumentForm(forms.ModelForm):
    class Meta:
        model = SteeringDocument
        fields = ["kind", "title", "owner", "review_by", "description"]
        widgets = {"review_by": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Body.objects.municipal()


class VersionForm(forms.ModelForm):
    """Text in Markdown or a PDF file. The file input never links to a stored file."""

    class Meta:
        model = DocumentVersion
        fields = ["text", "file", "changes"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 18}),
            "file": forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
            "changes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.file:
            self.fields["file"].help_text = _(
                "Nuvarande fil: %(name)s. Välj en ny fil bara om den ska bytas ut."
            ) % {"name": self.instance.file_name or _("PDF-fil")}


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Decision) -> str:
        return f"{obj.reference} – {obj.title}"


class AdoptForm(forms.Form):
    decision = DecisionChoiceField(
        label=_("Beslut om antagande"),
        queryset=Decision.objects.none(),
        help_text=_("Beslutet som antar versionen. Saknas det registrerar du det under Beslut."),
    )
    review_by = forms.DateField(
        label=_("Nytt datum för revidering"),
        required=False,
        widget=DateInput(),
        help_text=_("Lämna tomt för att behålla dokumentets nuvarande revisionsdatum."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = Decision.objects.select_related("body").order_by(
            "-date", "pk"
        )


class RecipientChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        if isinstance(obj, Unit):
            return f"{obj.name} ({obj.body.short_name})"
        return f"{obj.name} ({obj.short_name})"


class DistributeForm(forms.Form):
    """Choose the bodies and units to send an adopted version to, and the deadline."""

    bodies = RecipientChoiceField(
        label=_("Organ"),
        queryset=Body.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    units = RecipientChoiceField(
        label=_("Enheter"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Välj enheter när en enhet själv ska kvittera, till exempel en förvaltning."),
    )
    deadline = forms.DateField(label=_("Kvitteras senast"), widget=DateInput())

    def __init__(self, *args, version: DocumentVersion, **kwargs):
        super().__init__(*args, **kwargs)
        sent = version.distributions.all()
        self.fields["bodies"].queryset = (
            Body.objects.municipal()
            .exclude(pk__in=sent.filter(body__isnull=False).values("body_id"))
            .order_by("kind_order", "name")
        )
        self.fields["units"].queryset = (
            Unit.objects.exclude(body__kind="external_partner")
            .exclude(pk__in=sent.filter(unit__isnull=False).values("unit_id"))
            .select_related("body")
            .order_by("body__kind_order", "body__name", "path")
        )


class DistributionForm(forms.ModelForm):
    class Meta:
        model = Distribution
        fields = ["deadline"]
        widgets = {"deadline": DateInput()}


class AcknowledgementForm(forms.ModelForm):
    class Meta:
        model = Acknowledgement
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}


class DocumentFilterForm(forms.Form):
    text = forms.CharField(label=_("Sök"), required=False)
    kind = forms.ChoiceField(
        label=_("Typ"), required=False, choices=[("", _("Alla typer")), *DocumentKind.choices]
    )
    owner = forms.ModelChoiceField(
        label=_("Ägare"),
        required=False,
        queryset=Body.objects.none(),
        empty_label=_("Alla ägare"),
    )
    past_review = forms.BooleanField(label=_("Bara de som skulle ha reviderats"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Body.objects.municipal()
