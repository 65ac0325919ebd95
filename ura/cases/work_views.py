"""Pages for the work on a case: assessments, the plan, reviews, approvals,
closure and reopening. Parse, ask ``ura.access``, call one action, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ura.access.cases import CaseUse, access_case
from ura.access.rules import Permission, may
from ura.cases import approval_actions, assessment_actions, plan_actions
from ura.cases import work_queries as q
from ura.cases.actions import NotAllowed
from ura.cases.models import ApprovalSubject, Decision
from ura.cases.work_forms import (
    ActionForm,
    AssessmentForm,
    AssessmentStartForm,
    ClosureForm,
    DecisionForm,
    GoalForm,
    PlanForm,
    ReopenForm,
    RequestForm,
    ReviewForm,
    VersionForm,
    add_errors,
)
from ura.core.pagination import paginate

GET_POST = require_http_methods(["GET", "POST"])


def _run(request: HttpRequest, form: forms.Form, action: Callable[[dict], Any]) -> bool:
    """On a valid POST, run the action; its refusals go onto the form."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except NotAllowed:
        raise PermissionDenied from None
    except ValidationError as exc:
        add_errors(form, exc)
        return False
    return True


def _post_only(
    request: HttpRequest, action: Callable[[], Any], back: str
) -> HttpResponse:
    """A button without a page: a refusal is shown as a message where it came from."""
    try:
        action()
    except NotAllowed:
        raise PermissionDenied from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(back)


def _detail(case_id: int) -> str:
    return reverse("cases:detail", args=[case_id])


def _plan_url(case_id: int) -> str:
    return reverse("cases:plan", args=[case_id])


# --- Assessments ---


@login_required
@require_POST
def assessment_start(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    form = AssessmentStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the initial or the comprehensive."))
        return redirect("cases:detail", case_id=case.pk)
    try:
        assessment = assessment_actions.assessment_start(
            actor=request.user,
            case=case,
            kind=form.cleaned_data["kind"],
            request=request,
        )
    except NotAllowed:
        raise PermissionDenied from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("cases:detail", case_id=case.pk)
    return redirect(
        "cases:assessment_edit", case_id=case.pk, assessment_id=assessment.pk
    )


@login_required
@require_GET
def assessment_detail(
    request: HttpRequest, case_id: int, assessment_id: int
) -> HttpResponse:
    page = q.assessment_page(
        user=request.user, case_id=case_id, assessment_id=assessment_id, request=request
    )
    return render(
        request, "cases/assessment_detail.html", {"page": page, "case": page.case}
    )


@login_required
@GET_POST
def assessment_edit(
    request: HttpRequest, case_id: int, assessment_id: int
) -> HttpResponse:
    page = q.assessment_page(
        user=request.user, case_id=case_id, assessment_id=assessment_id, request=request
    )
    assessment = page.assessment
    form = AssessmentForm(
        request.POST or None,
        assessment=assessment,
        initial=AssessmentForm.initial_for(assessment, page.needs),
    )

    def save(data: dict) -> None:
        assessment_actions.assessment_update(
            actor=request.user,
            assessment=assessment,
            data=form.assessment_data(),
            needs=form.needs_data(),
            expected_version=data["version"],
            request=request,
        )

    if _run(request, form, save):
        messages.success(request, _("The assessment is saved."))
        return redirect(
            "cases:assessment", case_id=page.case.pk, assessment_id=assessment.pk
        )
    context = {"page": page, "case": page.case, "form": form}
    return render(request, "cases/assessment_form.html", context)


@login_required
@GET_POST
def assessment_complete(
    request: HttpRequest, case_id: int, assessment_id: int
) -> HttpResponse:
    page = q.assessment_page(
        user=request.user, case_id=case_id, assessment_id=assessment_id, request=request
    )
    form = RequestForm(
        request.POST or None, initial={"version": page.assessment.version}
    )

    def complete(data: dict) -> None:
        assessment_actions.assessment_complete(
            actor=request.user,
            assessment=page.assessment,
            expected_version=data["version"],
            note=data["note"],
            request=request,
        )

    if _run(request, form, complete):
        if page.needs_approval:
            messages.success(request, _("The supervisor is asked to approve it."))
        else:
            messages.success(request, _("The assessment is completed."))
        return redirect("cases:detail", case_id=page.case.pk)
    context = {"page": page, "case": page.case, "form": form}
    return render(request, "cases/assessment_complete.html", context)


# --- The plan ---


@login_required
@require_GET
def plan_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    page = q.plan_page(user=request.user, case_id=case_id, request=request)
    version = page.plan.version if page.plan else 0
    context = {"page": page, "case": page.case, "plan": page.plan, "version": version}
    return render(request, "cases/plan_detail.html", context)


@login_required
@require_POST
def plan_start(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    return _post_only(
        request,
        lambda: plan_actions.plan_start(actor=request.user, case=case, request=request),
        _plan_url(case.pk),
    )


def _plan_form(
    request: HttpRequest, case: Any, form: forms.Form, title: str, run: Callable
) -> HttpResponse:
    if _run(request, form, run):
        messages.success(request, _("The plan is saved."))
        return redirect("cases:plan", case_id=case.pk)
    context = {"case": case, "form": form, "title": title}
    return render(request, "cases/plan_form.html", context)


@login_required
@GET_POST
def plan_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case, plan = q.plan_for_work(request.user, case_id)
    initial = {"version": plan.version, "review_every_days": plan.review_every_days}
    form = PlanForm(request.POST or None, initial=initial)
    return _plan_form(
        request,
        case,
        form,
        _("How often the plan is reviewed"),
        lambda data: plan_actions.plan_update(
            actor=request.user,
            plan=plan,
            review_every_days=data["review_every_days"],
            expected_version=data["version"],
            request=request,
        ),
    )


@login_required
@GET_POST
def plan_goal_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case, plan = q.plan_for_work(request.user, case_id)
    form = GoalForm(request.POST or None, initial={"version": plan.version})
    return _plan_form(
        request,
        case,
        form,
        _("Add a goal"),
        lambda data: plan_actions.goal_add(
            actor=request.user,
            plan=plan,
            domain=data["domain"],
            goal=data["goal"],
            expected_version=data["version"],
            request=request,
        ),
    )


@login_required
@GET_POST
def plan_goal_edit(request: HttpRequest, case_id: int, goal_id: int) -> HttpResponse:
    goal = q.goal_for_work(request.user, case_id, goal_id)
    initial = {"version": goal.plan.version, "domain": goal.domain, "goal": goal.goal}
    form = GoalForm(request.POST or None, initial=initial)
    return _plan_form(
        request,
        goal.plan.case,
        form,
        _("Change the goal"),
        lambda data: plan_actions.goal_update(
            actor=request.user,
            goal=goal,
            domain=data["domain"],
            text=data["goal"],
            expected_version=data["version"],
            request=request,
        ),
    )


@login_required
@require_POST
def plan_goal_delete(request: HttpRequest, case_id: int, goal_id: int) -> HttpResponse:
    goal = q.goal_for_work(request.user, case_id, goal_id)
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else -1
    return _post_only(
        request,
        lambda: plan_actions.goal_remove(
            actor=request.user, goal=goal, expected_version=version, request=request
        ),
        _plan_url(goal.plan.case_id),
    )


def _action_form(request: HttpRequest, case: Any, initial: dict) -> ActionForm:
    return ActionForm(
        request.POST or None,
        initial=initial,
        users=q.agency_users(case),
        family=q.family_members(request.user, case),
    )


@login_required
@GET_POST
def plan_action_new(request: HttpRequest, case_id: int, goal_id: int) -> HttpResponse:
    goal = q.goal_for_work(request.user, case_id, goal_id)
    case = goal.plan.case
    form = _action_form(request, case, {"version": goal.plan.version})
    return _plan_form(
        request,
        case,
        form,
        _("Add an action"),
        lambda data: plan_actions.action_add(
            actor=request.user,
            goal=goal,
            data=form.action_data(),
            expected_version=data["version"],
            request=request,
        ),
    )


@login_required
@GET_POST
def plan_action_edit(
    request: HttpRequest, case_id: int, action_id: int
) -> HttpResponse:
    action = q.action_for_work(request.user, case_id, action_id)
    plan = action.goal.plan
    form = _action_form(
        request, plan.case, ActionForm.initial_for(action, plan.version)
    )
    return _plan_form(
        request,
        plan.case,
        form,
        _("Change the action"),
        lambda data: plan_actions.action_update(
            actor=request.user,
            plan_action=action,
            data=form.action_data(),
            expected_version=data["version"],
            request=request,
        ),
    )


@login_required
@require_POST
def plan_action_delete(
    request: HttpRequest, case_id: int, action_id: int
) -> HttpResponse:
    action = q.action_for_work(request.user, case_id, action_id)
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else -1
    return _post_only(
        request,
        lambda: plan_actions.action_remove(
            actor=request.user,
            plan_action=action,
            expected_version=version,
            request=request,
        ),
        _plan_url(action.goal.plan.case_id),
    )


@login_required
@GET_POST
def plan_submit(request: HttpRequest, case_id: int) -> HttpResponse:
    case, plan = q.plan_for_work(request.user, case_id)
    form = RequestForm(request.POST or None, initial={"version": plan.version})

    def submit(data: dict) -> None:
        plan_actions.plan_submit(
            actor=request.user,
            plan=plan,
            expected_version=data["version"],
            note=data["note"],
            request=request,
        )

    if _run(request, form, submit):
        messages.success(request, _("The supervisor is asked to approve the plan."))
        return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/plan_submit.html", {"case": case, "form": form})


# --- Approvals ---


@login_required
@require_GET
def approvals_pending(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Permission.APPROVE_CASE_WORK):
        raise PermissionDenied
    page = paginate(request, q.approvals_pending(request.user))
    return render(request, "cases/approvals_pending.html", {"page": page})


@login_required
@GET_POST
def approval_decide(
    request: HttpRequest, case_id: int, approval_id: int
) -> HttpResponse:
    approval = q.approval_for(request.user, case_id, approval_id, to=CaseUse.APPROVE)
    form = DecisionForm(request.POST or None)

    def decide(data: dict) -> None:
        approval_actions.approval_decide(
            actor=request.user,
            approval=approval,
            decision=data["decision"],
            comment=data["comment"],
            request=request,
        )

    if _run(request, form, decide):
        if form.cleaned_data["decision"] == Decision.APPROVED:
            messages.success(request, _("Approved."))
        else:
            messages.success(request, _("Returned to the worker with your comment."))
        return redirect("cases:detail", case_id=approval.case_id)
    context = {"approval": approval, "case": approval.case, "form": form}
    if approval.subject == ApprovalSubject.PLAN:
        context["plan"] = q.plan_of(approval.case)
    return render(request, "cases/approval_decide.html", context)


@login_required
@require_POST
def approval_withdraw(
    request: HttpRequest, case_id: int, approval_id: int
) -> HttpResponse:
    approval = q.approval_for(request.user, case_id, approval_id, to=CaseUse.WORK)
    return _post_only(
        request,
        lambda: approval_actions.approval_withdraw(
            actor=request.user, approval=approval, request=request
        ),
        _detail(approval.case_id),
    )


# --- Reviews ---


@login_required
@GET_POST
def review_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case, plan = q.plan_for_work(request.user, case_id)
    form = ReviewForm(request.POST or None, actions=q.open_actions(plan))

    def hold(data: dict) -> None:
        plan_actions.review_hold(
            actor=request.user,
            case=case,
            held_on=data["held_on"],
            summary=data["summary"],
            progress=form.progress_data(),
            request=request,
        )

    if _run(request, form, hold):
        messages.success(request, _("The review is recorded."))
        return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/review_form.html", {"case": case, "form": form})


@login_required
@require_GET
def review_detail(request: HttpRequest, case_id: int, review_id: int) -> HttpResponse:
    page = q.review_page(
        user=request.user, case_id=case_id, review_id=review_id, request=request
    )
    return render(
        request, "cases/review_detail.html", {"page": page, "case": page.case}
    )


# --- Closure and reopening ---


@login_required
@GET_POST
def closure_request(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    form = ClosureForm(request.POST or None)

    def ask(data: dict) -> None:
        approval_actions.closure_request(
            actor=request.user,
            case=case,
            reason=data["reason"],
            note=data["note"],
            request=request,
        )

    if _run(request, form, ask):
        messages.success(request, _("The supervisor is asked to approve the closure."))
        return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/closure_request.html", {"case": case, "form": form})


@login_required
@GET_POST
def case_reopen(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    form = ReopenForm(request.POST or None)

    def reopen(data: dict) -> None:
        approval_actions.case_reopen(
            actor=request.user, case=case, reason=data["reason"], request=request
        )

    if _run(request, form, reopen):
        messages.success(request, _("The case is open again."))
        return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/closure_reopen.html", {"case": case, "form": form})


# Mounted inside ``ura.cases.urls`` (namespace "cases").
C = "<int:case_id>/"
urlpatterns = [
    path("approvals/", approvals_pending, name="approvals_pending"),
    path(f"{C}assessments/", assessment_start, name="assessment_start"),
    path(f"{C}assessments/<int:assessment_id>/", assessment_detail, name="assessment"),
    path(
        f"{C}assessments/<int:assessment_id>/edit/",
        assessment_edit,
        name="assessment_edit",
    ),
    path(
        f"{C}assessments/<int:assessment_id>/complete/",
        assessment_complete,
        name="assessment_complete",
    ),
    path(f"{C}plan/", plan_detail, name="plan"),
    path(f"{C}plan/start/", plan_start, name="plan_start"),
    path(f"{C}plan/edit/", plan_edit, name="plan_edit"),
    path(f"{C}plan/submit/", plan_submit, name="plan_submit"),
    path(f"{C}plan/goals/new/", plan_goal_new, name="plan_goal_new"),
    path(f"{C}plan/goals/<int:goal_id>/edit/", plan_goal_edit, name="plan_goal_edit"),
    path(
        f"{C}plan/goals/<int:goal_id>/delete/",
        plan_goal_delete,
        name="plan_goal_delete",
    ),
    path(
        f"{C}plan/goals/<int:goal_id>/actions/new/",
        plan_action_new,
        name="plan_action_new",
    ),
    path(
        f"{C}plan/actions/<int:action_id>/edit/",
        plan_action_edit,
        name="plan_action_edit",
    ),
    path(
        f"{C}plan/actions/<int:action_id>/delete/",
        plan_action_delete,
        name="plan_action_delete",
    ),
    path(
        f"{C}approvals/<int:approval_id>/decide/",
        approval_decide,
        name="approval_decide",
    ),
    path(
        f"{C}approvals/<int:approval_id>/withdraw/",
        approval_withdraw,
        name="approval_withdraw",
    ),
    path(f"{C}reviews/new/", review_new, name="review_new"),
    path(f"{C}reviews/<int:review_id>/", review_detail, name="review"),
    path(f"{C}closure/", closure_request, name="closure_request"),
    path(f"{C}reopen/", case_reopen, name="reopen"),
]
