"""Input for the justice records. The rules on dates live in the actions, so the
page and the API refuse the same things with the same messages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ura.justice.actions import report_places
from ura.justice.models import (
    Authority,
    Involvement,
    LitigationSupport,
    MeasureKind,
    Outcome,
    ProceedingKind,
    ProceedingStage,
    ReportedTo,
    Role,
)
from ura.people.forms import community_choices


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """An action's errors on the form's fields (or above the form for the rest);
    what the user typed stays in the bound form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = name if name in form.fields and name != NON_FIELD_ERRORS else None
        form.add_error(target, errors)


class InvolvementForm(forms.Form):
    role = forms.ChoiceField(label=_("Role of the child"), choices=Role.choices)
    since = _date(_("Since"), help_text=_("When the contact with the law began."))
    note = forms.CharField(
        label=_("What happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kept encrypted. Write facts, not opinions."),
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("since", timezone.localdate())


class ProceedingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    involvement = forms.ModelChoiceField(
        label=_("Contact with the law"), queryset=Involvement.objects.none()
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ProceedingKind.choices)
    authority = forms.ChoiceField(label=_("Authority"), choices=Authority.choices)
    authority_name = forms.CharField(
        label=_("Name of the authority"),
        max_length=200,
        help_text=_("The police station, prosecution office or court."),
    )
    reference = forms.CharField(
        label=_("Reference number"), max_length=100, required=False
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=ProceedingStage.choices)
    stage_since = _date(
        _("Date of the stage"),
        help_text=_(
            "When the proceedings reached this stage. A new stage is added to the "
            "history; the earlier ones are kept."
        ),
    )

    def __init__(
        self, *args, involvements=None, editing: bool = False, **kwargs
    ) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["involvement"]
        else:
            del self.fields["version"]
            self.fields["involvement"].queryset = involvements
            self.fields["involvement"].label_from_instance = lambda i: (
                f"{i.get_role_display()} · {i.since:%Y-%m-%d}"
            )
        if not self.is_bound:
            self.initial.setdefault("stage_since", timezone.localdate())

    def proceeding_data(self) -> dict:
        names = ("kind", "authority", "authority_name", "reference", "stage")
        data = {name: self.cleaned_data[name] for name in names}
        data["stage_since"] = self.cleaned_data["stage_since"]
        return data


class MeasureForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureKind.choices)
    started_on = _date(_("Started on"))
    ended_on = _date(
        _("Ended on"),
        required=False,
        help_text=_("Leave empty while the measure lasts."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept encrypted."),
    )

    def measure_data(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("kind", "started_on", "ended_on", "note")
        }


class DiscriminationReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    happened_on = _date(_("When it happened"))
    description = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Kept encrypted. Write facts, not opinions."),
    )
    community = forms.ChoiceField(label=_("Against which community"), choices=())
    place = forms.ModelChoiceField(
        label=_("Where it happened"),
        queryset=report_places(),
        required=False,
        empty_label=_("Not known"),
    )
    reported_to = forms.ChoiceField(
        label=_("Where it was reported"), choices=ReportedTo.choices
    )
    reported_on = _date(_("Reported on"), required=False)
    litigation_support = forms.ChoiceField(
        label=_("Litigation support given"), choices=LitigationSupport.choices
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    ruling_on = _date(
        _("Date of the ruling"),
        required=False,
        help_text=_("Only for a court ruling."),
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = community_choices()
        self.fields["place"].queryset = report_places()

    def report_data(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in self.fields if name != "version"
        }
