"""Input for what providers deliver: enrolment, its end, groups, sessions."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ura.people.models import Person
from ura.services.models import (
    Activity,
    EnrolmentEnd,
    ParticipantRole,
    ServiceGroup,
    SessionKind,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.family_name}, {obj.given_name}"


class GroupChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: ServiceGroup) -> str:
        return obj.name


def _not_future(value, message) -> None:  # noqa: ANN001
    if value and value > timezone.localdate():
        raise forms.ValidationError(message)


class CaseloadFilterForm(forms.Form):
    """Filters of a service's caseload; posted, so names typed never reach a URL."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("active", _("Taking part now")),
            ("ended", _("Ended")),
            ("all", _("All")),
        ],
    )
    role = forms.ChoiceField(
        label=_("Takes part as"),
        required=False,
        choices=[("", _("Anyone")), *ParticipantRole.choices],
    )
    group = GroupChoice(
        label=_("Group"),
        required=False,
        queryset=ServiceGroup.objects.none(),
        empty_label=_("Any group"),
    )

    def __init__(self, *args, groups: QuerySet | None = None, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        if groups is not None:
            self.fields["group"].queryset = groups

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {"status": "active"}
        data = self.cleaned_data
        return {
            "text": data["q"],
            "status": data["status"] or "active",
            "role": data["role"],
            "group": data["group"],
        }

    def used(self) -> list[str]:
        """The filters set beyond the default view, by name (for the audit)."""
        data = self.filters()
        used = [k for k in ("text", "role", "group") if data.get(k)]
        if data["status"] != "active":
            used.append("status")
        return used


class EnrolForm(forms.Form):
    person = PersonChoice(
        label=_("Person"), queryset=Person.objects.none(), widget=forms.HiddenInput
    )
    role = forms.ChoiceField(label=_("Takes part as"), choices=ParticipantRole.choices)
    group = GroupChoice(
        label=_("Group"),
        required=False,
        queryset=ServiceGroup.objects.none(),
        empty_label=_("No group"),
    )
    enrolled_on = forms.DateField(label=_("Enrolled on"), widget=DATE)

    def __init__(  # noqa: ANN204
        self,
        *args,  # noqa: ANN002
        people: QuerySet | None = None,
        groups: QuerySet | None = None,
        **kwargs,  # noqa: ANN003
    ):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people
        if groups is not None:
            self.fields["group"].queryset = groups
        self.initial.setdefault("enrolled_on", timezone.localdate())

    def clean_enrolled_on(self):  # noqa: ANN201
        value = self.cleaned_data["enrolled_on"]
        _not_future(value, _("The date of enrolment cannot be in the future."))
        return value


class EnrolmentEndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE)
    end_reason = forms.ChoiceField(
        label=_("How it ended"), choices=[("", "—"), *EnrolmentEnd.choices]
    )


class EnrolmentGroupForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    group = GroupChoice(
        label=_("Group"),
        required=False,
        queryset=ServiceGroup.objects.none(),
        empty_label=_("No group"),
    )

    def __init__(self, *args, groups: QuerySet | None = None, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        if groups is not None:
            self.fields["group"].queryset = groups


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name of the group"), max_length=120)


class GroupEditForm(GroupForm):
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_(
            "An inactive group takes no new members; its sessions and members "
            "stay as they were."
        ),
    )


class SessionForm(forms.Form):
    """The head of a session's sheet; its rows are read by the view."""

    held_on = forms.DateField(label=_("Date"), widget=DATE)
    group = GroupChoice(
        label=_("Group"),
        required=False,
        queryset=ServiceGroup.objects.none(),
        empty_label=_("No group (the whole service)"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    activity = forms.ChoiceField(label=_("Activity"), choices=Activity.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    another = forms.BooleanField(
        label=_("This is another session of this group on the same day"),
        required=False,
        help_text=_(
            "Leave unticked to correct the session already recorded for this "
            "group, day and activity."
        ),
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, groups: QuerySet | None = None, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        if groups is not None:
            self.fields["group"].queryset = groups

    def clean_held_on(self):  # noqa: ANN201
        value = self.cleaned_data["held_on"]
        _not_future(value, _("Attendance cannot be recorded for a day in the future."))
        return value


class SessionChangeForm(forms.Form):
    """A session's head corrected: its day, activity and topic; the version it
    started from travels with the form."""

    held_on = forms.DateField(label=_("Date"), widget=DATE)
    activity = forms.ChoiceField(label=_("Activity"), choices=Activity.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class SessionDeleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
