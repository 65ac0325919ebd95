"""Input of the directory pages. The rules live in the actions, so the pages and
the API refuse the same things with the same messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ura.accounts.models import Agency
from ura.cases.models import Concern
from ura.directory.actions import EDITABLE
from ura.directory.models import Eligible, Programme, Service, ServiceType
from ura.directory.queries import municipalities
from ura.people.equity import Language
from ura.people.models import Sex
from ura.places.models import Place


def _any(label: str, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", label), *choices]


class ServiceSearchForm(forms.Form):
    """The directory search; ``person`` and ``case`` (ids) carry whom it is for."""

    need = forms.ChoiceField(
        label=_("Need"),
        choices=_any(_("Any type"), ServiceType.choices),
        required=False,
    )
    concern = forms.ChoiceField(
        label=_("Concern"),
        choices=_any(_("Any concern"), Concern.choices),
        required=False,
    )
    place = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("Anywhere"),
    )
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=120, required=False)
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=_any(
            _("Any"), [(Sex.FEMALE, Sex.FEMALE.label), (Sex.MALE, Sex.MALE.label)]
        ),
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=_any(_("Any language"), Language.choices),
        required=False,
    )
    text = forms.CharField(
        label=_("Words"),
        max_length=100,
        required=False,
        help_text=_("In any language or script."),
    )
    referrals_only = forms.BooleanField(
        label=_("Only services that take referrals"), required=False
    )
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    case = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FILTERS = ("need", "concern", "place", "age", "sex", "language", "text")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = municipalities()

    def search(self) -> dict[str, Any]:
        """The keyword arguments of ``service_search``; a field typed wrongly is
        left out (its message shows on the form) rather than failing the page."""
        if self.is_bound:
            self.is_valid()
            data = getattr(self, "cleaned_data", {})
        else:
            data = self.initial
        found = {name: data.get(name) for name in self.FILTERS}
        found = {
            name: (value if value != "" else None) for name, value in found.items()
        }
        found["referrals_only"] = bool(data.get("referrals_only"))
        return found

    def carried(self) -> list[tuple[str, str]]:
        """The search as hidden fields, for the pager (age 0 is a search too)."""
        carried = []
        for name in (*self.FILTERS, "referrals_only", "person", "case"):
            value = self[name].value()
            if value is None or value == "" or value is False:
                continue
            carried.append((self[name].html_name, "on" if value is True else value))
        return carried


def _model_field(name: str, **kwargs: Any) -> forms.Field:
    return Service._meta.get_field(name).formfield(**kwargs)


class ServiceForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    name = _model_field("name")
    type = _model_field("type")
    description = _model_field("description", widget=forms.Textarea(attrs={"rows": 4}))
    min_age = _model_field("min_age", max_value=120)
    max_age = _model_field("max_age", max_value=120)
    sex = _model_field("sex")
    concerns = forms.MultipleChoiceField(
        label=_("Concerns"),
        choices=Concern.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for a service open to every concern."),
    )
    places = forms.ModelMultipleChoiceField(
        label=_("Places covered"),
        queryset=Place.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Leave empty for the places the agency covers. Hold Ctrl (or Cmd) "
            "to choose more than one."
        ),
    )
    address = _model_field("address")
    opening_hours = _model_field("opening_hours")
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = _model_field("capacity")
    contact_name = _model_field("contact_name")
    phone = _model_field("phone")
    email = _model_field("email")
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    accepts_referrals = _model_field("accepts_referrals")

    def __init__(
        self,
        *args: Any,
        agencies: Any = None,
        service: Service | None = None,
        **kwargs: Any,
    ) -> None:
        if service is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_of(service)
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies
        self.fields["places"].queryset = municipalities()
        programmes = Programme.objects.filter(is_active=True)
        if service is not None and service.programme_id:
            # A programme that has ended stays on the services it funded.
            programmes = Programme.objects.filter(pk=service.programme_id) | programmes
        self.fields["programme"].queryset = programmes.order_by("name")
        if service is None:
            self.initial.setdefault("sex", Eligible.ANY)

    @staticmethod
    def initial_of(service: Service) -> dict[str, Any]:
        initial = {name: getattr(service, name) for name in EDITABLE}
        initial["programme"] = service.programme_id
        initial["places"] = [p.pk for p in service.places.all()]
        initial["version"] = service.version
        return initial

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in EDITABLE}
        data["places"] = list(self.cleaned_data["places"])
        return data


def add_errors(form: forms.Form, exc: Exception) -> None:
    """An action's refusal on the form's fields, or above the form for the rest
    (a stale edit); what the user typed stays in the bound form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)
