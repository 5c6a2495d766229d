"""Forms for periods and reports; the services validate again."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from etablera.goals.periods import parse_standard
from etablera.mandates.forms import DecisionForm
from etablera.mandates.models import Decision
from etablera.organisation.models import BodyKind
from etablera.web.forms import DateInput

from .models import Assessment, Period, ReportEntry, ReportStatus
from .selectors import approval_decisions, approving_bodies


class PeriodForm(forms.ModelForm):
    class Meta:
        model = Period
        fields = ["code", "kind", "name", "start", "end", "deadline"]
        widgets = {"start": DateInput(), "end": DateInput(), "deadline": DateInput()}
        help_texts = {
            "name": _("Lämna tomt för ett namn efter koden, till exempel ”Tertial 1 2025”."),
            "start": _("Lämna tomt för koden standarddatum."),
            "end": _("Lämna tomt för koden standarddatum."),
        }

    #: The fields the code fills in (as it is typed, with htmx; on save, without JavaScript).
    FILLED = ("kind", "name", "start", "end", "deadline")

    def __init__(self, *args, fill_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "start", "end", "kind"):
            self.fields[name].required = False
        if fill_url:
            self.fields["code"].widget.attrs.update(
                {
                    "hx-post": fill_url,
                    "hx-trigger": "input changed delay:400ms, change",
                    "hx-include": "closest form",
                    "hx-vals": '{"fill": "1"}',
                    "hx-swap": "none",
                }
            )

    @classmethod
    def suggestion(cls, code: str) -> dict:
        """What a standard code says about the period, with a report deadline six weeks after
        its end; empty for any other code."""
        standard = parse_standard(code) if code else None
        if standard is None:
            return {}
        return {
            "kind": standard.kind,
            "name": standard.name,
            "start": standard.start,
            "end": standard.end,
            "deadline": standard.end + datetime.timedelta(weeks=6),
        }

    def clean(self):
        data = super().clean()
        code = (data.get("code") or "").strip().upper()
        standard = parse_standard(code) if code else None
        if standard is not None:
            data["kind"] = data.get("kind") or standard.kind
            data["start"] = data.get("start") or standard.start
            data["end"] = data.get("end") or standard.end
            data["name"] = data.get("name") or standard.name
        for name, message in (
            ("kind", _("Välj periodens typ.")),
            ("start", _("Ange periodens startdatum.")),
            ("end", _("Ange periodens slutdatum.")),
            ("name", _("Ange periodens namn.")),
        ):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        for name in ("kind", "start", "end", "name"):
            if data.get(name):
                setattr(self.instance, name, data[name])
        data["code"] = code
        return data


class EntryForm(forms.ModelForm):
    """One entry of a report: the assessment as radio buttons, the analysis and measures."""

    class Meta:
        model = ReportEntry
        fields = ["assessment", "analysis", "measures"]
        widgets = {
            "assessment": forms.RadioSelect,
            "analysis": forms.Textarea(attrs={"rows": 4}),
            "measures": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "analysis": _("Vad har gjorts under perioden och vad visar indikatorerna?"),
            "measures": _("Vad organet planerar att göra framöver."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].choices = Assessment.choices
        # A draft may leave entries unassessed; submitting checks that all are assessed.
        self.fields["assessment"].required = False

    def clean_assessment(self):
        return self.cleaned_data.get("assessment") or Assessment.NOT_ASSESSED


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Sammanfattning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Organets samlade bedömning av perioden (valfri)."),
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Kommentar till organet"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Vad behöver kompletteras eller ändras?"),
    )


class ApproveForm(forms.Form):
    decision = forms.ModelChoiceField(
        label=_("Beslut om godkännande"),
        queryset=Decision.objects.none(),
        help_text=_(
            "Kommunstyrelsens eller organets beslut sedan perioden började, med datum, "
            "paragraf och rubrik."
        ),
    )

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        decisions = Decision.objects.select_related("body").order_by("-date", "section")
        if report is not None:
            decisions = approval_decisions(report)
        self.fields["decision"].queryset = decisions
        self.fields["decision"].label_from_instance = self.label

    @staticmethod
    def label(decision: Decision) -> str:
        """ "KS 2026-03-18 § 45 – Uppföljning helår 2025": date, § and title in one line."""
        return f"{decision.reference} – {decision.title}" if decision.title else decision.reference


class ApprovalDecisionForm(DecisionForm):
    """A new decision registered on the approval page, pre-filled for the report: the
    executive board (or the reporting body), today's date and a title naming the report."""

    def __init__(self, *args, report, **kwargs):
        bodies = approving_bodies(report)
        board = next((b for b in bodies if b.kind == BodyKind.EXECUTIVE_BOARD), None)
        kwargs.setdefault(
            "initial",
            {
                "body": (board or report.body).pk,
                "date": timezone.localdate(),
                "title": _("Godkännande av %(body)s uppföljningsrapport för %(period)s")
                % {"body": report.body.short_name, "period": report.period.name},
            },
        )
        super().__init__(*args, prefix="beslut", **kwargs)
        self.fields["body"].queryset = bodies
        self.fields["date"].help_text = _(
            "Beslutet ska vara fattat efter att perioden började (%(start)s)."
        ) % {"start": report.period.start.isoformat()}


class ReportFilterForm(forms.Form):
    period = forms.ModelChoiceField(
        label=_("Period"),
        required=False,
        queryset=Period.objects.order_by("-end"),
        empty_label=_("Alla perioder"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alla statusar")), *ReportStatus.choices],
    )
