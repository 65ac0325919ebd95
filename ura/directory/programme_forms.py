"""Input for programmes: what they are, when, who leads and who funds them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ura.accounts.models import Agency
from ura.directory.models import Programme

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Short and unique, as the programme's documents name it."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    starts_on = forms.DateField(label=_("Starts"), widget=DATE, required=False)
    ends_on = forms.DateField(label=_("Ends"), widget=DATE, required=False)
    lead_agency = forms.ModelChoiceField(
        label=_("Lead agency"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("The agency that runs the programme, if one does."),
    )
    funders = forms.ModelMultipleChoiceField(
        label=_("Funded by"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_(
            "The partners and donors that fund it. Their partner users see the "
            "programme's results, in aggregate only."
        ),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.filter(is_active=True).order_by("name")
        self.fields["lead_agency"].queryset = agencies
        self.fields["funders"].queryset = agencies

    def clean(self) -> dict:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The programme cannot end before it starts."))
        return data

    def programme_data(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("version", "funders")
        }

    @staticmethod
    def initial_of(programme: Programme) -> dict[str, Any]:
        return {
            "version": programme.version,
            "code": programme.code,
            "name": programme.name,
            "description": programme.description,
            "starts_on": programme.starts_on,
            "ends_on": programme.ends_on,
            "lead_agency": programme.lead_agency_id,
            "funders": list(programme.funders.values_list("pk", flat=True)),
            "is_active": programme.is_active,
        }
