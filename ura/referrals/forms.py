"""Input for referrals: sending one, each step after, the lists' filters."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ura.cases.models import ConsentGiver
from ura.directory.models import Service
from ura.referrals.actions import referable_services
from ura.referrals.models import DeclineReason, EndReason, ShareItem, Urgency
from ura.referrals.queries import status_choices
from ura.services.models import ParticipantRole

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ENCRYPTED = _("Kept encrypted.")


class ServiceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Service) -> str:
        return f"{obj.name} · {obj.agency.name}"


class SendForm(forms.Form):
    # A fresh token per form shown: posting the same form twice sends once.
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    service = ServiceChoice(
        label=_("Service"),
        queryset=Service.objects.none(),
        help_text=_("Active services that take referrals."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE
    )
    reason = forms.CharField(
        label=_("Reason for the referral"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What the child or family needs from this service. The provider "
            "reads it; kept encrypted."
        ),
    )
    shared = forms.MultipleChoiceField(
        label=_("Also share"),
        choices=ShareItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Beyond the name, sex, age and municipality, only what the consent "
            "allows and the service needs."
        ),
    )
    consent_given_by = forms.ChoiceField(
        label=_("Consent given by"),
        choices=[("", "—"), *ConsentGiver.choices],
        required=False,
    )
    consent_given_on = forms.DateField(
        label=_("Consent given on"), widget=DATE, required=False
    )
    eligibility_note = forms.CharField(
        label=_("Why refer although the service does not take this person"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, has_case: bool = False, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = referable_services().select_related("agency")
        if not self.is_bound:
            self.initial.setdefault("token", secrets.token_hex(16))
        if has_case:
            # The case's own consent decides; nothing to ask here.
            del self.fields["consent_given_by"]
            del self.fields["consent_given_on"]
        else:
            self.fields["shared"].choices = [
                c for c in ShareItem.choices if c[0] != ShareItem.CONCERNS
            ]
            for name in ("consent_given_by", "consent_given_on"):
                self.fields[name].required = True
            self.fields["consent_given_by"].help_text = _(
                "Without a case: who agreed to this referral and to sharing "
                "with the service's agency."
            )


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note for the referring worker"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=ENCRYPTED,
    )


class DeclineForm(StepForm):
    reason = forms.ChoiceField(
        label=_("Why it is declined"), choices=[("", "—"), *DeclineReason.choices]
    )
    field_order = ["reason", "note"]


class StartForm(StepForm):
    role = forms.ChoiceField(
        label=_("Takes part as"),
        choices=ParticipantRole.choices,
        initial=ParticipantRole.CHILD,
    )
    field_order = ["role", "note"]


class CompleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the referring worker is told. Kept encrypted."),
    )


class CloseForm(CompleteForm):
    reason = forms.ChoiceField(
        label=_("Why it closes without service"),
        choices=[("", "—"), *EndReason.choices],
    )
    field_order = ["reason", "outcome"]


class WithdrawForm(StepForm):
    pass


STEP_FORMS: dict[str, type[forms.Form]] = {
    "accept": StepForm,
    "decline": DeclineForm,
    "start": StartForm,
    "complete": CompleteForm,
    "close": CloseForm,
    "withdraw": WithdrawForm,
}


class ListFilter(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=())
    overdue = forms.BooleanField(label=_("Not answered in time"), required=False)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = status_choices()

    def values(self) -> tuple[str, bool]:
        if not self.is_valid():
            return "open", False
        return self.cleaned_data["status"] or "open", self.cleaned_data["overdue"]


# The longest period the response times cover at once: the figures are computed
# from the rows of the period.
MAX_PERIOD_DAYS = 366


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Sent from"), widget=DATE, required=False)
    end = forms.DateField(label=_("to"), widget=DATE, required=False)

    def clean(self) -> dict:
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=89)
        if start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise forms.ValidationError(
                _("Choose a period of at most %(days)s days.")
                % {"days": MAX_PERIOD_DAYS}
            )
        data["start"], data["end"] = start, end
        return data
