"""Input for conferences: scheduling and editing, the table, members, minutes."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ura.accounts.models import Agency, AgencyType, Role, User
from ura.cases.models import Case
from ura.conferences.minutes import PROGRESS_STATUSES
from ura.conferences.models import (
    ConferenceKind,
    ConferenceMember,
)

DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)
DATE = forms.DateInput(attrs={"type": "date"})

SHARING_HELP = _(
    "Only if the child's consent does not cover an agency at the table: why the "
    "case must be shared without consent (a legal duty to protect the child). "
    "Kept encrypted and recorded in the audit log."
)


def conference_users() -> QuerySet[User]:
    """Who may be invited or chair: users holding a role that sees cases."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role__in=[
                Role.SOCIAL_WORKER,
                Role.SUPERVISOR,
                Role.CONFERENCE_MEMBER,
            ],
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class _ConferenceFields(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("No child's name: the title shows in every member's lists."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ConferenceKind.choices)
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    chair = UserChoice(
        label=_("Chair"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leave empty to chair it yourself."),
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = conference_users()


class ScheduleForm(_ConferenceFields):
    agency = forms.ModelChoiceField(
        label=_("Organising agency"), queryset=Agency.objects.none()
    )
    previous = forms.IntegerField(widget=forms.HiddenInput, required=False)
    case = forms.IntegerField(widget=forms.HiddenInput, required=False)
    sharing_reason = forms.CharField(
        label=_("Reason for sharing without consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=SHARING_HELP,
    )

    field_order = ["title", "kind", "agency", "scheduled_at", "location", "chair"]

    def __init__(self, *args, agencies=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
            only = list(agencies[:2])
            if len(only) == 1 and not self.is_bound:
                self.initial.setdefault("agency", only[0].pk)


class ConferenceForm(_ConferenceFields):
    version = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Kept encrypted."),
    )
    sharing_reason = forms.CharField(
        label=_("Reason for sharing without consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=SHARING_HELP,
    )

    def conference_data(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "kind": data["kind"],
            "scheduled_at": data["scheduled_at"],
            "location": data["location"],
            "chair": data["chair"],
            "summary": data["summary"],
        }


class CaseAddForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"),
        max_length=20,
        help_text=_("For example 2025-000123. Only cases you work on."),
    )
    sharing_reason = forms.CharField(
        label=_("Reason for sharing without consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=SHARING_HELP,
    )

    def __init__(self, *args, cases: QuerySet[Case] | None = None, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.cases = cases

    def clean_reference(self) -> Case:
        reference = self.cleaned_data["reference"].strip()
        case = self.cases.filter(reference=reference).first() if self.cases else None
        if case is None:
            raise forms.ValidationError(
                _("No case with this reference among the cases you can see.")
            )
        return case


class MemberForm(forms.Form):
    user = UserChoice(
        label=_("User of Ura"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("They will see the cases on the table while they are on it."),
    )
    name = forms.CharField(
        label=_("Or the name of an outside member"),
        max_length=200,
        required=False,
        help_text=_("Without an account: they get no access through Ura."),
    )
    institution_type = forms.ChoiceField(
        label=_("Institution"),
        required=False,
        choices=[("", _("From their agency"))] + AgencyType.choices,
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), required=False
    )
    sharing_reason = forms.CharField(
        label=_("Reason for sharing without consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=SHARING_HELP,
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = conference_users()
        self.fields["agency"].queryset = Agency.objects.filter(is_active=True)


class DecisionForm(forms.Form):
    case = forms.ModelChoiceField(
        label=_("About the case"),
        queryset=Case.objects.none(),
        required=False,
        empty_label=_("The conference as a whole"),
    )
    text = forms.CharField(
        label=_("Decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept encrypted."),
    )

    def __init__(self, *args, cases: QuerySet[Case] | None = None, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        if cases is not None:
            self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda case: case.reference


class ItemForm(forms.Form):
    case = forms.ModelChoiceField(
        label=_("About the case"),
        queryset=Case.objects.none(),
        required=False,
        empty_label=_("No particular case"),
    )
    description = forms.CharField(
        label=_("What is to be done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept encrypted."),
    )
    owner_user = UserChoice(
        label=_("Owner: a member"), queryset=User.objects.none(), required=False
    )
    owner_agency = forms.ModelChoiceField(
        label=_("Or owner: an agency"), queryset=Agency.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("Due"), widget=DATE)

    def __init__(  # noqa: ANN204
        self,
        *args,  # noqa: ANN002
        cases: QuerySet[Case] | None = None,
        members: list[ConferenceMember] | None = None,
        **kwargs,  # noqa: ANN003
    ):
        super().__init__(*args, **kwargs)
        if cases is not None:
            self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda case: case.reference
        user_ids = [m.user_id for m in members or [] if m.user_id]
        self.fields["owner_user"].queryset = User.objects.filter(
            pk__in=user_ids
        ).order_by("last_name", "first_name", "username")
        self.fields["owner_agency"].queryset = Agency.objects.filter(is_active=True)
        if not self.is_bound:
            self.initial.setdefault("due_on", timezone.localdate())


class ProgressForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in PROGRESS_STATUSES],
    )
    progress_note = forms.CharField(
        label=_("Progress"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kept encrypted."),
    )
