"""Input for home visiting: enrolling, changing, the birth, ending, protocols."""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from ura.accounts.models import Agency, User
from ura.cases.models import Concern as CaseConcern
from ura.cases.models import RiskLevel
from ura.directory.models import Service
from ura.people.models import Household, Person
from ura.referrals.models import ConsentGiver, Urgency
from ura.visiting.models import (
    Anchor,
    EnrolmentEndReason,
    EnrolmentKind,
    Feeding,
    HomeSafety,
    Immunisation,
    Milestones,
    Present,
    PriorityReason,
    Protocol,
    ProtocolKind,
    RecordSection,
    ScheduledVisit,
    VisitConcern,
)
from ura.visiting.protocols import VisitInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def person_label(person: Person) -> str:
    born = person.date_of_birth.isoformat() if person.date_of_birth else "—"
    return f"{person.family_name}, {person.given_name} · {born}"


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return person_label(obj)


class NurseChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class HouseholdChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Household) -> str:
        return f"{obj} · {obj.place}" + (f" · {obj.address}" if obj.address else "")


class EnrolForm(forms.Form):
    # A fresh token per form shown: posting the same form twice enrols once.
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    kind = forms.ChoiceField(
        label=_("Enrolled"),
        choices=EnrolmentKind.choices,
        widget=forms.RadioSelect,
        initial=EnrolmentKind.PREGNANCY,
    )
    caregiver = PersonChoice(
        label=_("Caregiver"),
        queryset=Person.objects.none(),
        required=False,
        empty_label="—",
        help_text=_("The mother, father or other caregiver the nurse visits."),
    )
    child = PersonChoice(
        label=_("Child"),
        queryset=Person.objects.none(),
        required=False,
        empty_label="—",
        help_text=_("After birth only: the child's own record."),
    )
    household = HouseholdChoice(
        label=_("Household"), queryset=Household.objects.none(), required=False
    )
    expected_delivery_on = forms.DateField(
        label=_("Expected date of delivery"), widget=DATE, required=False
    )
    born_on = forms.DateField(
        label=_("Child's date of birth"), widget=DATE, required=False
    )
    centre = forms.ModelChoiceField(
        label=_("Family health centre"), queryset=Agency.objects.none()
    )
    nurse = NurseChoice(label=_("Nurse"), queryset=User.objects.none())
    priority_reasons = forms.MultipleChoiceField(
        label=_("Why the family is prioritised"),
        choices=PriorityReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A prioritised family gets the intensified protocol."),
    )
    priority_note = forms.CharField(
        label=_("Other reason"), max_length=200, required=False
    )
    protocol = forms.ModelChoiceField(
        label=_("Protocol"),
        queryset=Protocol.objects.none(),
        required=False,
        empty_label=_("The default for the family"),
    )

    def __init__(  # noqa: PLR0913
        self,
        *args,  # noqa: ANN002
        people,  # noqa: ANN001
        households,  # noqa: ANN001
        centres,  # noqa: ANN001
        nurses,  # noqa: ANN001
        **kwargs,  # noqa: ANN003
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["caregiver"].queryset = people
        self.fields["child"].queryset = people
        self.fields["household"].queryset = households
        self.fields["centre"].queryset = centres
        self.fields["nurse"].queryset = nurses
        self.fields["protocol"].queryset = Protocol.objects.filter(is_active=True)
        if not self.is_bound:
            self.initial.setdefault("token", secrets.token_hex(16))


class ChangeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    protocol = forms.ModelChoiceField(
        label=_("Protocol"), queryset=Protocol.objects.none()
    )
    expected_delivery_on = forms.DateField(
        label=_("Expected date of delivery"), widget=DATE, required=False
    )
    priority_reasons = forms.MultipleChoiceField(
        label=_("Why the family is prioritised"),
        choices=PriorityReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    priority_note = forms.CharField(
        label=_("Other reason"), max_length=200, required=False
    )

    def __init__(self, *args, born: bool, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["protocol"].queryset = Protocol.objects.filter(is_active=True)
        if born:
            # After the birth the visits count from the date of birth.
            del self.fields["expected_delivery_on"]


class BirthForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    child = PersonChoice(
        label=_("Child"),
        queryset=Person.objects.none(),
        empty_label="—",
        help_text=_(
            "The child's record, seen by you in full (register the child first)."
        ),
    )
    born_on = forms.DateField(label=_("Date of birth"), widget=DATE)

    def __init__(self, *args, people, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = people


class EndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=_("Why the enrolment ends"), choices=EnrolmentEndReason.choices
    )
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE, required=False)


class ListFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("Enrolments"),
        required=False,
        choices=[("active", _("Active")), ("ended", _("Ended")), ("all", _("All"))],
    )


class ProtocolForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("For"), choices=ProtocolKind.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_default = forms.BooleanField(
        label=_("Default for new enrolments of its kind"), required=False
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class VisitForm(forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Visit"), max_length=120)
    # A blank first choice, so that an extra row left alone is unchanged (and
    # skipped) rather than a row "timed by pregnancy" missing its numbers.
    anchor = forms.ChoiceField(
        label=_("Timed by"), choices=[("", "—"), *Anchor.choices]
    )
    target = forms.IntegerField(
        label=_("Week or age in days"),
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "narrow"}),
    )
    opens = forms.IntegerField(
        label=_("Opens"), widget=forms.NumberInput(attrs={"class": "narrow"})
    )
    due = forms.IntegerField(
        label=_("Due"), widget=forms.NumberInput(attrs={"class": "narrow"})
    )
    overdue = forms.IntegerField(
        label=_("Overdue"), widget=forms.NumberInput(attrs={"class": "narrow"})
    )
    closes = forms.IntegerField(
        label=_("Closes"), widget=forms.NumberInput(attrs={"class": "narrow"})
    )
    sections = forms.MultipleChoiceField(
        label=_("Recorded"),
        choices=RecordSection.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def to_input(self) -> VisitInput:
        data = self.cleaned_data
        return VisitInput(
            name=data["name"],
            anchor=data["anchor"],
            target=data["target"],
            opens=data["opens"],
            due=data["due"],
            overdue=data["overdue"],
            closes=data["closes"],
            sections=list(data["sections"]),
            pk=data.get("pk"),
        )


VisitFormSet = forms.formset_factory(VisitForm, extra=2, can_delete=True)


class ScheduledChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:  # noqa: ANN001
        return _("%(name)s (due %(due)s)") % {
            "name": obj.name,
            "due": obj.due_on.isoformat(),
        }


def _blank(choices) -> list[tuple[str, str]]:  # noqa: ANN001
    return [("", "—"), *choices]


class VisitForm(forms.Form):
    """A visit made: the parts of it are grouped on the page (``FIELDSETS``); the
    ones the protocol records at this visit are open."""

    # A fresh token per form shown: posting the same form twice records once.
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    scheduled = ScheduledChoice(
        label=_("Which visit of the schedule"),
        queryset=ScheduledVisit.objects.none(),
        required=False,
        empty_label=_("A visit off the schedule"),
    )
    visited_on = forms.DateField(label=_("Date of the visit"), widget=DATE)
    present = forms.MultipleChoiceField(
        label=_("Who was present"),
        choices=Present.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    weight_kg = forms.DecimalField(
        label=_("Weight (kg)"),
        max_digits=5,
        decimal_places=3,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.001", "inputmode": "decimal"}),
    )
    length_cm = forms.DecimalField(
        label=_("Length or height (cm)"),
        max_digits=4,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    head_cm = forms.DecimalField(
        label=_("Head circumference (cm)"),
        max_digits=4,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    feeding = forms.ChoiceField(
        label=_("Feeding"), choices=_blank(Feeding.choices), required=False
    )
    immunisation = forms.ChoiceField(
        label=_("Immunisation, as the family reports it"),
        choices=_blank(Immunisation.choices),
        required=False,
    )
    milestones = forms.ChoiceField(
        label=_("Developmental milestones"),
        choices=_blank(Milestones.choices),
        required=False,
    )
    milestones_note = forms.CharField(
        label=_("Which milestones are not met"), max_length=300, required=False
    )
    maternal_screening_score = forms.IntegerField(
        label=_("Maternal mental health screening score (EPDS, 0 to 30)"),
        required=False,
        min_value=0,
        max_value=30,
    )
    home_safety = forms.ChoiceField(
        label=_("Home safety"), choices=_blank(HomeSafety.choices), required=False
    )
    home_safety_note = forms.CharField(
        label=_("Hazards seen"), max_length=300, required=False
    )
    concerns = forms.MultipleChoiceField(
        label=_("Concerns"),
        choices=VisitConcern.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Each concern can become a referral or a report to social services "
            "from the visit's page."
        ),
    )
    concern_note = forms.CharField(
        label=_("What was seen"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    FIELDSETS = {
        "visit": ("scheduled", "visited_on", "present"),
        RecordSection.GROWTH: ("weight_kg", "length_cm", "head_cm"),
        RecordSection.FEEDING: ("feeding",),
        RecordSection.IMMUNISATION: ("immunisation",),
        RecordSection.MILESTONES: ("milestones", "milestones_note"),
        RecordSection.MATERNAL_MENTAL_HEALTH: ("maternal_screening_score",),
        RecordSection.HOME_SAFETY: ("home_safety", "home_safety_note"),
        "concerns": ("concerns", "concern_note", "notes"),
    }

    def __init__(self, *args, scheduled=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("token", secrets.token_urlsafe(16))
        super().__init__(*args, **kwargs)
        if scheduled is not None:
            self.fields["scheduled"].queryset = scheduled

    def fieldsets(self) -> list[tuple[str, list]]:
        return [
            (name, [self[f] for f in fields]) for name, fields in self.FIELDSETS.items()
        ]


class VisitCorrectForm(VisitForm):
    """A visit corrected: what was observed and the day; the expected visit it
    fulfils stays."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    FIELDSETS = {"visit": ("visited_on", "present")} | {
        name: fields for name, fields in VisitForm.FIELDSETS.items() if name != "visit"
    }

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        del self.fields["scheduled"]
        del self.fields["token"]


def visit_initial(visit) -> dict:  # noqa: ANN001
    """A recorded visit as the correction form starts from it."""
    fields = [f for fs in VisitCorrectForm.FIELDSETS.values() for f in fs]
    initial = {name: getattr(visit, name) for name in fields}
    initial["version"] = visit.version
    return initial


def _only(field: forms.ChoiceField, codes) -> None:  # noqa: ANN001
    """The concerns of this visit not yet acted on."""
    if codes:
        field.choices = [c for c in VisitConcern.choices if c[0] in codes]


class ServiceOption(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:  # noqa: ANN001
        return f"{obj.name} · {obj.agency}"


class ReferConcernForm(forms.Form):
    """A concern seen at a visit, as a referral to a service."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    concern = forms.ChoiceField(label=_("Concern"), choices=VisitConcern.choices)
    who = forms.ChoiceField(
        label=_("Who is referred"),
        choices=[("child", _("The child")), ("caregiver", _("The caregiver"))],
        widget=forms.RadioSelect,
        initial="child",
    )
    service = ServiceOption(
        label=_("Service"),
        queryset=Service.objects.none(),
        help_text=_("Services taking referrals for the family's place."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE
    )
    reason = forms.CharField(
        label=_("Reason for the referral"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_given_by = forms.ChoiceField(
        label=_("Consent given by"), choices=[("", "—"), *ConsentGiver.choices]
    )
    consent_given_on = forms.DateField(label=_("Consent given on"), widget=DATE)
    eligibility_note = forms.CharField(
        label=_("Why refer although the service does not take this person"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, services=None, concerns=(), **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("token", secrets.token_urlsafe(16))
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields["service"].queryset = services
        _only(self.fields["concern"], concerns)


class ReportConcernForm(forms.Form):
    """A concern seen at a visit, as a report to a centre for social work."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    concern = forms.ChoiceField(label=_("Concern"), choices=VisitConcern.choices)
    agency = forms.ModelChoiceField(
        label=_("Centre for social work"), queryset=Agency.objects.none()
    )
    risk_level = forms.ChoiceField(
        label=_("Risk as you see it"), choices=RiskLevel.choices
    )
    case_concerns = forms.MultipleChoiceField(
        label=_("Child protection concerns"),
        choices=CaseConcern.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("What was seen"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, centres=None, concerns=(), **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("token", secrets.token_urlsafe(16))
        super().__init__(*args, **kwargs)
        if centres is not None:
            self.fields["agency"].queryset = centres
        _only(self.fields["concern"], concerns)
