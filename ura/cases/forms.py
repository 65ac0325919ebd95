"""Input for the case itself: opening, editing, assigning, the list filters."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ura.accounts.models import User
from ura.cases.models import Concern, ReportSource, RiskLevel, Stage


class CaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    risk_level = forms.ChoiceField(
        label=_("Risk level"),
        choices=RiskLevel.choices,
        help_text=_(
            "As far as it is known now; the initial assessment confirms or changes it."
        ),
    )
    concerns = forms.MultipleChoiceField(
        label=_("Concerns"),
        choices=Concern.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    reported_on = forms.DateField(
        label=_("Reported on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reported_by = forms.ChoiceField(
        label=_("Reported by"), choices=ReportSource.choices
    )
    report_summary = forms.CharField(
        label=_("What was reported"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Kept encrypted. Write facts, not opinions."),
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        if not self.is_bound and "reported_on" not in self.initial:
            self.initial["reported_on"] = timezone.localdate()

    def case_data(self) -> dict:
        data = self.cleaned_data
        return {
            "risk_level": data["risk_level"],
            "reported_on": data["reported_on"],
            "reported_by": data["reported_by"],
            "report_summary": data["report_summary"],
        }


class AssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    worker = forms.ModelChoiceField(
        label=_("Responsible worker"), queryset=User.objects
    )

    def __init__(self, *args, workers=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        if workers is not None:
            self.fields["worker"].queryset = workers


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Open")), ("closed", _("Closed")), ("", _("All"))],
    )
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("Any"))] + Stage.choices
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level"),
        required=False,
        choices=[("", _("Any"))] + RiskLevel.choices,
    )
    concern = forms.ChoiceField(
        label=_("Concern"), required=False, choices=[("", _("Any"))] + Concern.choices
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    # Set by the supervisor's team table ("this worker's cases"); the list still
    # shows only the cases the supervisor may see.
    worker = forms.IntegerField(required=False, widget=forms.HiddenInput)
    no_contact_days = forms.IntegerField(
        label=_("No contact for more than (days)"),
        required=False,
        min_value=1,
        max_value=3650,
    )

    def filters(self) -> dict:
        if not self.is_bound:
            return {"status": "open"}
        if not self.is_valid():
            return {"status": "open"}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, False)}
