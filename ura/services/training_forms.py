"""Input for trainings: the training itself, one participant, many at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ura.accounts.models import Agency, User
from ura.directory.models import Programme
from ura.people.forms import deployment_country, residence_places
from ura.people.models import Sex
from ura.places.models import Place
from ura.places.queries import municipalities
from ura.services.models import Profession, Training, TrainingTopic
from ura.services.training_actions import ParticipantRow
from ura.services.training_queries import organising_agencies

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def programme_choices(current: Programme | None = None) -> QuerySet[Programme]:
    """Active programmes, and the one already chosen even if it has ended."""
    condition = Q(is_active=True)
    if current is not None:
        condition |= Q(pk=current.pk)
    return Programme.objects.filter(condition).order_by("name")


def active_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).order_by("name")


class TrainingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    topic = forms.ChoiceField(label=_("Topic"), choices=TrainingTopic.choices)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("To"), widget=DATE)
    place = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Place.objects.none()
    )
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=5,
        decimal_places=1,
        min_value=0,
        required=False,
        help_text=_("Hours of training in all, over all its days."),
    )
    organiser = forms.ModelChoiceField(
        label=_("Organiser"), queryset=Agency.objects.none()
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("Other agencies that helped to run it."),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        help_text=_("The programme this training is counted under, if any."),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        training: Training | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = municipalities(deployment_country())
        self.fields["organiser"].queryset = organising_agencies(user).order_by("name")
        self.fields["partners"].queryset = active_agencies()
        self.fields["programme"].queryset = programme_choices(
            training.programme if training else None
        )

    def clean(self) -> dict:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The training cannot end before it starts."))
        return data

    def training_data(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("version", "partners")
        }

    @staticmethod
    def initial_of(training: Training) -> dict[str, Any]:
        return {
            "version": training.version,
            "title": training.title,
            "topic": training.topic,
            "starts_on": training.starts_on,
            "ends_on": training.ends_on,
            "place": training.place_id,
            "venue": training.venue,
            "hours": training.hours,
            "organiser": training.organiser_id,
            "partners": list(training.partners.values_list("pk", flat=True)),
            "programme": training.programme_id,
            "description": training.description,
        }


class ParticipationForm(forms.Form):
    """How someone took part: the same for a new or an existing person."""

    profession = forms.ChoiceField(label=_("Profession"), choices=Profession.choices)
    institution = forms.CharField(
        label=_("Institution"),
        max_length=200,
        required=False,
        help_text=_("Where they work."),
    )
    institution_agency = forms.ModelChoiceField(
        label=_("Or the institution in Ura"),
        queryset=Agency.objects.none(),
        required=False,
    )
    completed = forms.BooleanField(
        label=_("Completed the training"), required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution_agency"].queryset = active_agencies()

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("institution") or "").strip() and not data.get(
            "institution_agency"
        ):
            self.add_error(
                "institution",
                _("Give the institution, or choose it from the agencies in Ura."),
            )
        return data

    def participation(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ParticipationForm.base_fields}


class NewParticipantForm(ParticipationForm):
    """A professional not registered yet: the few facts a trainer knows."""

    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=DATE,
        required=False,
        help_text=_("If known. Participants must be 18 or over."),
    )
    place = forms.ModelChoiceField(
        label=_("Lives in"),
        queryset=Place.objects.none(),
        help_text=_("Municipality or settlement."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    field_order = [
        "given_name",
        "family_name",
        "sex",
        "date_of_birth",
        "place",
        "phone",
        "profession",
        "institution",
        "institution_agency",
        "completed",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = residence_places()

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not all(c.isdigit() or c in "+ -()" for c in phone):
            raise forms.ValidationError(_("Use digits, spaces and + only."))
        return phone

    def person_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "given_name": data["given_name"].strip(),
            "family_name": data["family_name"].strip(),
            "sex": data["sex"],
            "date_of_birth": data.get("date_of_birth"),
            "place": data["place"],
            "phone": data.get("phone", ""),
        }


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=100)


class ParticipantRowForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    family_name = forms.CharField(
        label=_("Family name"), max_length=100, required=False
    )
    sex = forms.ChoiceField(
        label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False
    )
    profession = forms.ChoiceField(
        label=_("Profession"), choices=[("", "—"), *Profession.choices], required=False
    )
    institution = forms.CharField(
        label=_("Institution"), max_length=200, required=False
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any((data.get(k) or "").strip() for k in self.fields)


BULK_ROWS = 15
BULK_MAX_ROWS = 100


def bulk_formset(data: Any = None, rows: int = BULK_ROWS) -> forms.BaseFormSet:
    """The sheet: ``rows`` empty rows; a posted sheet keeps its own number."""
    factory = forms.formset_factory(
        ParticipantRowForm,
        extra=max(1, min(rows, BULK_MAX_ROWS)),
        max_num=BULK_MAX_ROWS,
        absolute_max=BULK_MAX_ROWS,
    )
    return factory(data, prefix="rows")


def participant_rows(formset: forms.BaseFormSet) -> list[ParticipantRow]:
    """The filled-in rows, each with its number on the sheet (blank rows skipped)."""
    rows = []
    for number, form in enumerate(formset.forms, start=1):
        if form.is_blank():
            continue
        data = form.cleaned_data
        rows.append(
            ParticipantRow(
                number=number,
                given_name=data.get("given_name", ""),
                family_name=data.get("family_name", ""),
                sex=data.get("sex", ""),
                profession=data.get("profession", ""),
                institution=data.get("institution", ""),
            )
        )
    return rows


class BulkOptionsForm(forms.Form):
    register_anyway = forms.BooleanField(
        label=_("Register anyway the rows that may match someone already registered"),
        required=False,
    )
