"""Input for the work on a case: assessments, the plan, reviews, approvals."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ura.accounts.models import Agency, User
from ura.cases.models import (
    ActionStatus,
    Assessment,
    AssessmentKind,
    ClosureReason,
    Decision,
    Domain,
    NeedLevel,
    PlanAction,
    RiskLevel,
)
from ura.people.models import Person

TEXTAREA = forms.Textarea(attrs={"rows": 4})
DATE = forms.DateInput(attrs={"type": "date"})


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put an action's errors on the form: on the field they name when the form
    has it, otherwise at the top. What the user typed stays in the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = name if name in form.fields else None
        if target is None and name != NON_FIELD_ERRORS:
            form.add_error(None, [str(m) for e in errors for m in e.messages])
        else:
            form.add_error(target, errors)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssessmentStartForm(forms.Form):
    kind = forms.ChoiceField(choices=AssessmentKind.choices)


class AssessmentForm(VersionForm):
    child_seen = forms.BooleanField(
        label=_("The child was seen in person"), required=False
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level"),
        required=False,
        choices=[("", "—")] + RiskLevel.choices,
        help_text=_("Saving a new risk level changes the case's at once."),
    )
    comprehensive_needed = forms.BooleanField(
        label=_("A comprehensive assessment is needed"), required=False
    )
    summary = forms.CharField(
        label=_("Summary of the assessment"), required=False, widget=TEXTAREA
    )
    child_views = forms.CharField(
        label=_("The child's views"), required=False, widget=TEXTAREA
    )
    caregiver_views = forms.CharField(
        label=_("The caregiver's views"), required=False, widget=TEXTAREA
    )

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if assessment.kind != AssessmentKind.INITIAL:
            del self.fields["comprehensive_needed"]
        for domain, label in Domain.choices:
            self.fields[f"need_{domain}_level"] = forms.ChoiceField(
                label=label, choices=NeedLevel.choices, required=False
            )
            self.fields[f"need_{domain}_notes"] = forms.CharField(
                label=_("What was found"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def main_fields(self) -> list:
        return [self[name] for name in self.fields if not name.startswith("need_")]

    def need_rows(self) -> list[tuple]:
        return [
            (label, self[f"need_{domain}_level"], self[f"need_{domain}_notes"])
            for domain, label in Domain.choices
        ]

    def assessment_data(self) -> dict:
        data = self.cleaned_data
        names = ["child_seen", "risk_level", "summary", "child_views"]
        names += ["caregiver_views"]
        if "comprehensive_needed" in self.fields:
            names.append("comprehensive_needed")
        return {name: data[name] for name in names}

    def needs_data(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            domain: {
                "level": data[f"need_{domain}_level"] or NeedLevel.UNKNOWN,
                "notes": data[f"need_{domain}_notes"],
            }
            for domain in Domain.values
        }

    @staticmethod
    def initial_for(assessment: Assessment, needs: list) -> dict:
        initial = {
            name: getattr(assessment, name)
            for name in (
                "version",
                "child_seen",
                "risk_level",
                "comprehensive_needed",
                "summary",
                "child_views",
                "caregiver_views",
            )
        }
        for need in needs:
            initial[f"need_{need.domain}_level"] = need.level
            initial[f"need_{need.domain}_notes"] = need.notes
        return initial


class RequestForm(VersionForm):
    note = forms.CharField(
        label=_("Note to the supervisor"), required=False, widget=TEXTAREA
    )


class PlanForm(VersionForm):
    review_every_days = forms.IntegerField(
        label=_("Review every (days)"),
        required=False,
        min_value=1,
        max_value=366,
        help_text=_("Leave empty for the interval the deployment sets for the risk."),
    )


class GoalForm(VersionForm):
    domain = forms.ChoiceField(label=_("Domain"), choices=Domain.choices)
    goal = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(VersionForm):
    action = forms.CharField(
        label=_("What will be done"), widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible_user = forms.ModelChoiceField(
        label=_("Responsible: a worker"), queryset=User.objects.none(), required=False
    )
    responsible_agency = forms.ModelChoiceField(
        label=_("or an agency"),
        queryset=Agency.objects.filter(is_active=True),
        required=False,
    )
    responsible_person = forms.ModelChoiceField(
        label=_("or a family member"), queryset=Person.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("Due"), widget=DATE)
    status = forms.ChoiceField(
        label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.OPEN
    )

    def __init__(
        self,
        *args: Any,
        users: QuerySet[User],
        family: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_user"].queryset = users
        self.fields["responsible_user"].label_from_instance = lambda u: (
            u.get_full_name() or u.username
        )
        self.fields["responsible_person"].queryset = family
        self.fields["responsible_person"].label_from_instance = lambda p: p.full_name

    def action_data(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in self.fields if name != "version"
        }

    @staticmethod
    def initial_for(action: PlanAction, version: int) -> dict:
        initial: dict[str, Any] = {"version": version}
        for name in ("action", "due_on", "status"):
            initial[name] = getattr(action, name)
        for name in ("responsible_user", "responsible_agency", "responsible_person"):
            initial[name] = getattr(action, f"{name}_id")
        return initial


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.APPROVED, _("Approve")),
            (Decision.RETURNED, _("Return with a comment")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=TEXTAREA,
        help_text=_("Needed when you return the request: say what must change."),
    )


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    summary = forms.CharField(
        label=_("Progress and changes"), required=False, widget=TEXTAREA
    )

    def __init__(self, *args: Any, actions: list[PlanAction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actions = actions
        if not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())
        for action in actions:
            # Left out, an action stays as it is.
            self.fields[f"progress_{action.pk}_status"] = forms.ChoiceField(
                label=_("Status"),
                choices=ActionStatus.choices,
                initial=action.status,
                required=False,
            )
            self.fields[f"progress_{action.pk}_note"] = forms.CharField(
                label=_("Progress"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def action_rows(self) -> list[tuple]:
        return [
            (a, self[f"progress_{a.pk}_status"], self[f"progress_{a.pk}_note"])
            for a in self.actions
        ]

    def progress_data(self) -> dict[int, dict[str, str]]:
        data = self.cleaned_data
        return {
            a.pk: {
                "status": data[f"progress_{a.pk}_status"] or a.status,
                "note": data[f"progress_{a.pk}_note"],
            }
            for a in self.actions
        }


class ClosureForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why the case should close"), choices=ClosureReason.choices
    )
    note = forms.CharField(
        label=_("Note to the supervisor"), required=False, widget=TEXTAREA
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why the case is reopened"), widget=TEXTAREA)
