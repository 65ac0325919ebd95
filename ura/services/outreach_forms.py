"""Input for outreach: the quick contact form (made for a phone), the list's
filters, and what a person record made from a contact starts from."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ura.accounts.models import Agency, User
from ura.directory.models import Programme
from ura.people.equity import Answer
from ura.people.models import Sex
from ura.places.models import Place
from ura.services.models import OutreachAction, OutreachContact
from ura.services.outreach_queries import outreach_agencies, outreach_places
from ura.services.training_forms import DATE, programme_choices

DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class ContactForm(forms.Form):
    """Few fields, big targets, nothing required that a street worker may not
    know: when, where and what the team did are enough."""

    agency = forms.ModelChoiceField(label=_("Team"), queryset=Agency.objects.none())
    contacted_at = forms.DateTimeField(
        label=_("When"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    place = forms.ModelChoiceField(
        label=_("Municipality or settlement"), queryset=Place.objects.none()
    )
    location = forms.CharField(
        label=_("Where exactly"),
        max_length=200,
        required=False,
        help_text=_("A street, a market, a crossing."),
    )
    code = forms.CharField(
        label=_("Team's code for the person"),
        max_length=60,
        required=False,
        help_text=_(
            "The same code each time you meet the same person, so the contacts "
            "can be linked to one record later."
        ),
    )
    name = forms.CharField(label=_("Name or nickname"), max_length=200, required=False)
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[
            ("", _("Not noted")),
            (Sex.FEMALE, Sex.FEMALE.label),
            (Sex.MALE, Sex.MALE.label),
        ],  # fmt: skip
        required=False,
        widget=forms.RadioSelect,
    )
    estimated_age = forms.IntegerField(
        label=_("Age (estimated)"),
        min_value=0,
        max_value=120,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    in_street_situation = forms.BooleanField(
        label=_("In a street situation"), required=False
    )
    actions = forms.MultipleChoiceField(
        label=_("What the team did"),
        choices=OutreachAction.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Kept encrypted; seen by your team only."),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = outreach_agencies(user)
        self.fields["agency"].queryset = teams
        self.fields["place"].queryset = outreach_places(teams)
        self.fields["programme"].queryset = programme_choices()
        self.fields["contacted_at"].initial = timezone.localtime().replace(
            second=0, microsecond=0
        )
        if len(self.fields["agency"].queryset) == 1:
            # One team: nothing to choose, one field fewer on a small screen.
            self.fields["agency"].initial = self.fields["agency"].queryset[0].pk
            self.fields["agency"].widget = forms.HiddenInput()

    def contact_data(self) -> dict[str, Any]:
        return {
            k: v for k, v in self.cleaned_data.items() if k not in ("agency", "version")
        }


class ContactChangeForm(ContactForm):
    """A contact corrected: the team stays; the version it started from travels
    with the form."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, contact: OutreachContact, **kwargs: Any):
        kwargs.setdefault("initial", contact_initial(contact))
        super().__init__(*args, user=user, **kwargs)
        del self.fields["agency"]
        self.contact = contact

    def clean_contacted_at(self):  # noqa: ANN201
        # The form shows minutes: a time left as it was keeps its seconds.
        when = self.cleaned_data["contacted_at"]
        recorded = self.contact.contacted_at
        if when == recorded.replace(second=0, microsecond=0):
            return recorded
        return when


def contact_initial(contact: OutreachContact) -> dict[str, Any]:
    return {
        "contacted_at": timezone.localtime(contact.contacted_at).replace(
            second=0, microsecond=0
        ),
        "place": contact.place_id,
        "location": contact.location,
        "code": contact.code,
        "name": contact.name,
        "sex": contact.sex,
        "estimated_age": contact.estimated_age,
        "in_street_situation": contact.in_street_situation,
        "actions": list(contact.actions),
        "note": contact.note,
        "programme": contact.programme_id,
        "version": contact.version,
    }


class ContactFilterForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=60, required=False)
    date_from = forms.DateField(label=_("From"), widget=DATE, required=False)
    date_to = forms.DateField(label=_("To"), widget=DATE, required=False)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


def person_initial(contact: OutreachContact) -> dict[str, Any]:
    """What the registration form starts from: what the team noted."""
    given, _sep, family = (contact.name or "").strip().partition(" ")
    initial: dict[str, Any] = {
        "given_name": given,
        "family_name": family.strip(),
        "place": contact.place_id,
        "street_situation": Answer.YES if contact.in_street_situation else "",
    }
    if contact.sex:
        initial["sex"] = contact.sex
    if contact.estimated_age is not None:
        initial["estimated_age"] = contact.estimated_age
    return initial


class FindPersonForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=100)
