"""The JSON API for the work on a case, under /api/v1/cases/{case_id}/...:
assessments, the plan, approvals, reviews, closure and reopening.

The same access rules, actions and audit events as the pages. A stale
``version`` answers 409; bad input answers 422 with a message per field.
Mounted at "/cases" next to the case router (``ura.api.api``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from pydantic import ConfigDict, Field

from ura.access.cases import CaseUse, access_case
from ura.access.rules import Permission, may
from ura.accounts.models import Agency, User
from ura.api.errors import FieldErrors
from ura.api.writes import KeyReused, api_write, idempotent_create
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases import approval_actions, assessment_actions, plan_actions
from ura.cases import work_queries as q
from ura.cases.actions import NotAllowed
from ura.cases.models import (
    ActionStatus,
    AssessmentKind,
    Case,
    ClosureReason,
    Domain,
    NeedLevel,
)

router = Router(tags=["case work"])
T = TypeVar("T")
C = "/{int:case_id}"


def _do(action: Callable[..., T], **kwargs: Any) -> T:
    """Run an action; its refusals become the API's answers (``api_write``)."""
    return api_write(lambda: action(**kwargs), not_allowed=(NotAllowed,))


def _listed(request: HttpRequest, case: Case, what: str) -> None:
    record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=case,
        detail=what,
        request=request,
    )


# --- Shapes ---


class NeedOut(Schema):
    domain: str
    level: str
    notes: str


class AssessmentOut(Schema):
    id: int
    case_id: int
    kind: str
    status: str
    version: int
    started_by_id: int
    child_seen: bool
    comprehensive_needed: bool
    risk_level: str
    summary: str
    child_views: str
    caregiver_views: str
    completed_at: datetime | None
    needs: list[NeedOut]


class AssessmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: AssessmentKind


class NeedIn(Schema):
    model_config = ConfigDict(extra="forbid")

    level: NeedLevel | None = None
    notes: str | None = Field(default=None, max_length=20000)


class AssessmentPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int
    child_seen: bool | None = None
    comprehensive_needed: bool | None = None
    risk_level: Literal["high", "medium", "low", ""] | None = None
    summary: str | None = Field(default=None, max_length=20000)
    child_views: str | None = Field(default=None, max_length=20000)
    caregiver_views: str | None = Field(default=None, max_length=20000)
    needs: dict[Domain, NeedIn] | None = None


class RequestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int
    note: str = Field(default="", max_length=20000)


class ActionOut(Schema):
    id: int
    goal_id: int
    action: str
    responsible_user_id: int | None
    responsible_agency_id: int | None
    responsible_person_id: int | None
    due_on: date
    status: str
    done_on: date | None


class GoalOut(Schema):
    id: int
    domain: str
    goal: str
    position: int
    actions: list[ActionOut]


class PlanOut(Schema):
    id: int
    case_id: int
    status: str
    version: int
    approved_at: datetime | None
    review_every_days: int | None
    goals: list[GoalOut]


class PlanPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int
    review_every_days: int | None = Field(default=None, ge=1, le=366)


class GoalIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int
    domain: Domain
    goal: str = Field(min_length=1, max_length=5000)


class ActionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int
    action: str = Field(min_length=1, max_length=5000)
    responsible_user_id: int | None = None
    responsible_agency_id: int | None = None
    responsible_person_id: int | None = Field(
        default=None, description="A family member shared with you"
    )
    due_on: date
    status: ActionStatus = ActionStatus.OPEN


class ApprovalOut(Schema):
    id: int
    case_id: int
    subject: str
    assessment_id: int | None
    requested_by_id: int
    requested_at: datetime
    closure_reason: str
    request_note: str
    decision: str
    decided_by_id: int | None
    decided_at: datetime | None
    comment: str


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approved", "returned"]
    comment: str = Field(default="", max_length=20000)


class ProgressIn(Schema):
    model_config = ConfigDict(extra="forbid")

    action_id: int
    status: ActionStatus
    note: str = Field(default="", max_length=20000)


class ProgressOut(Schema):
    action_id: int
    status: str
    note: str


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    held_on: date
    summary: str = Field(default="", max_length=20000)
    progress: list[ProgressIn] = Field(default_factory=list)


class ReviewOut(Schema):
    id: int
    case_id: int
    held_on: date
    held_by_id: int
    summary: str
    progress: list[ProgressOut]


class ClosureIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: ClosureReason
    note: str = Field(default="", max_length=20000)


class ReopenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=20000)


class CaseStateOut(Schema):
    id: int
    status: str
    stage: str
    next_step: str
    next_due_at: datetime | None
    closed_at: datetime | None
    closure_reason: str
    times_reopened: int


# --- Assessments ---


def _assessment(request: HttpRequest, case_id: int, assessment_id: int) -> Any:
    return q.assessment_page(
        user=request.user,
        case_id=case_id,
        assessment_id=assessment_id,
        request=request,
    ).assessment


@router.get(f"{C}/assessments", response=list[AssessmentOut])
@paginate(PageNumberPagination, page_size=50)
def case_assessment_list(request: HttpRequest, case_id: int):  # noqa: ANN201
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    _listed(request, case, "assessments")
    return q.assessments_of(case).prefetch_related("needs")


@router.post(f"{C}/assessments", response={201: AssessmentOut})
def case_assessment_create(request: HttpRequest, case_id: int, payload: AssessmentIn):  # noqa: ANN201
    """Start a draft assessment (initial, or comprehensive once the initial is
    completed) with a need of "not yet known" in each domain."""
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    assessment = _do(
        assessment_actions.assessment_start,
        actor=request.user,
        case=case,
        kind=payload.kind.value,
        request=request,
    )
    return Status(201, q.assessment_of(case, assessment.pk))


@router.get(f"{C}/assessments/{{int:assessment_id}}", response=AssessmentOut)
def case_assessment_detail(request: HttpRequest, case_id: int, assessment_id: int):  # noqa: ANN201
    return _assessment(request, case_id, assessment_id)


@router.patch(f"{C}/assessments/{{int:assessment_id}}", response=AssessmentOut)
def case_assessment_update(  # noqa: ANN201
    request: HttpRequest, case_id: int, assessment_id: int, payload: AssessmentPatch
):
    """Change fields and needs; ``version`` must be the one last read, else 409.
    A risk level becomes the case's at once."""
    assessment = _assessment(request, case_id, assessment_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    needs = {
        getattr(domain, "value", domain): {
            k: getattr(v, "value", v) for k, v in need.items() if v is not None
        }
        for domain, need in (data.pop("needs", None) or {}).items()
    }
    data = {k: v for k, v in data.items() if v is not None}
    _do(
        assessment_actions.assessment_update,
        actor=request.user,
        assessment=assessment,
        data=data,
        needs=needs,
        expected_version=version,
        request=request,
    )
    return q.assessment_of(assessment.case, assessment.pk)


@router.post(f"{C}/assessments/{{int:assessment_id}}/complete", response=AssessmentOut)
def case_assessment_complete(  # noqa: ANN201
    request: HttpRequest, case_id: int, assessment_id: int, payload: RequestIn
):
    """Complete it; where the deployment sets URA_APPROVE_ASSESSMENTS, this asks
    the supervisor instead (status awaiting_approval) with the note."""
    assessment = _assessment(request, case_id, assessment_id)
    _do(
        assessment_actions.assessment_complete,
        actor=request.user,
        assessment=assessment,
        expected_version=payload.version,
        note=payload.note,
        request=request,
    )
    return q.assessment_of(assessment.case, assessment.pk)


# --- The plan ---


def _plan_answer(case: Case) -> Any:
    plan = q.plan_of(case)
    if plan is None:
        raise Http404
    return plan


@router.get(f"{C}/plan", response=PlanOut)
def case_plan_detail(request: HttpRequest, case_id: int):  # noqa: ANN201
    page = q.plan_page(user=request.user, case_id=case_id, request=request)
    if page.plan is None:
        raise HttpError(404, _("This case has no plan yet."))
    return page.plan


@router.post(f"{C}/plan", response={200: PlanOut, 201: PlanOut})
def case_plan_start(request: HttpRequest, case_id: int):  # noqa: ANN201
    """Start the case's plan (200 with the existing one if it has one)."""
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    existed = q.plan_of(case) is not None
    _do(plan_actions.plan_start, actor=request.user, case=case, request=request)
    return Status(200 if existed else 201, _plan_answer(case))


@router.patch(f"{C}/plan", response=PlanOut)
def case_plan_update(request: HttpRequest, case_id: int, payload: PlanPatch):  # noqa: ANN201
    case, plan = q.plan_for_work(request.user, case_id)
    _do(
        plan_actions.plan_update,
        actor=request.user,
        plan=plan,
        review_every_days=payload.review_every_days,
        expected_version=payload.version,
        request=request,
    )
    return _plan_answer(case)


@router.post(f"{C}/plan/goals", response={201: PlanOut})
def case_goal_create(request: HttpRequest, case_id: int, payload: GoalIn):  # noqa: ANN201
    """Add a goal; the answer is the whole plan with its new version."""
    case, plan = q.plan_for_work(request.user, case_id)
    _do(
        plan_actions.goal_add,
        actor=request.user,
        plan=plan,
        domain=payload.domain.value,
        goal=payload.goal,
        expected_version=payload.version,
        request=request,
    )
    return Status(201, _plan_answer(case))


@router.patch(f"{C}/plan/goals/{{int:goal_id}}", response=PlanOut)
def case_goal_update(  # noqa: ANN201
    request: HttpRequest, case_id: int, goal_id: int, payload: GoalIn
):
    goal = q.goal_for_work(request.user, case_id, goal_id)
    _do(
        plan_actions.goal_update,
        actor=request.user,
        goal=goal,
        domain=payload.domain.value,
        text=payload.goal,
        expected_version=payload.version,
        request=request,
    )
    return _plan_answer(goal.plan.case)


@router.delete(f"{C}/plan/goals/{{int:goal_id}}", response=PlanOut)
def case_goal_delete(request: HttpRequest, case_id: int, goal_id: int, version: int):  # noqa: ANN201
    """Remove a goal and its actions (``?version=``); refused once a review
    recorded progress on them."""
    goal = q.goal_for_work(request.user, case_id, goal_id)
    _do(
        plan_actions.goal_remove,
        actor=request.user,
        goal=goal,
        expected_version=version,
        request=request,
    )
    return _plan_answer(goal.plan.case)


def _action_data(request: HttpRequest, payload: ActionIn) -> dict:
    """Ids to records; one the caller may not name is a field error."""
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {
        "action": payload.action,
        "due_on": payload.due_on,
        "status": payload.status.value,
        "responsible_user": None,
        "responsible_agency": None,
        "responsible_person": None,
    }
    if payload.responsible_user_id is not None:
        data["responsible_user"] = User.objects.filter(
            pk=payload.responsible_user_id
        ).first()
        if data["responsible_user"] is None:
            errors["responsible_user_id"] = [_("Unknown user.")]
    if payload.responsible_agency_id is not None:
        data["responsible_agency"] = Agency.objects.filter(
            pk=payload.responsible_agency_id
        ).first()
        if data["responsible_agency"] is None:
            errors["responsible_agency_id"] = [_("Unknown agency.")]
    if payload.responsible_person_id is not None:
        data["responsible_person"] = (
            plan_actions.responsible_people(request.user)
            .filter(pk=payload.responsible_person_id)
            .first()
        )
        if data["responsible_person"] is None:
            errors["responsible_person_id"] = [_("Choose a person shared with you.")]
    if errors:
        raise FieldErrors(errors)
    return data


@router.post(f"{C}/plan/goals/{{int:goal_id}}/actions", response={201: PlanOut})
def case_action_create(  # noqa: ANN201
    request: HttpRequest, case_id: int, goal_id: int, payload: ActionIn
):
    """Add an action to a goal: one responsible (a user, an agency or a family
    member) and a due date not before the case was opened."""
    goal = q.goal_for_work(request.user, case_id, goal_id)
    _do(
        plan_actions.action_add,
        actor=request.user,
        goal=goal,
        data=_action_data(request, payload),
        expected_version=payload.version,
        request=request,
    )
    return Status(201, _plan_answer(goal.plan.case))


@router.patch(f"{C}/plan/actions/{{int:action_id}}", response=PlanOut)
def case_action_update(  # noqa: ANN201
    request: HttpRequest, case_id: int, action_id: int, payload: ActionIn
):
    action = q.action_for_work(request.user, case_id, action_id)
    _do(
        plan_actions.action_update,
        actor=request.user,
        plan_action=action,
        data=_action_data(request, payload),
        expected_version=payload.version,
        request=request,
    )
    return _plan_answer(action.goal.plan.case)


@router.delete(f"{C}/plan/actions/{{int:action_id}}", response=PlanOut)
def case_action_delete(  # noqa: ANN201
    request: HttpRequest, case_id: int, action_id: int, version: int
):
    action = q.action_for_work(request.user, case_id, action_id)
    _do(
        plan_actions.action_remove,
        actor=request.user,
        plan_action=action,
        expected_version=version,
        request=request,
    )
    return _plan_answer(action.goal.plan.case)


@router.post(f"{C}/plan/approval", response={201: ApprovalOut})
def case_plan_submit(request: HttpRequest, case_id: int, payload: RequestIn):  # noqa: ANN201
    """Ask the supervisor to approve the plan at this version."""
    _case, plan = q.plan_for_work(request.user, case_id)
    approval = _do(
        plan_actions.plan_submit,
        actor=request.user,
        plan=plan,
        expected_version=payload.version,
        note=payload.note,
        request=request,
    )
    return Status(201, approval)


# --- Approvals ---


@router.get("/approvals/pending", response=list[ApprovalOut])
@paginate(PageNumberPagination, page_size=50)
def case_approvals_pending(request: HttpRequest):  # noqa: ANN201
    """The requests waiting for the caller, as supervisor of their cases."""
    if not may(request.user, Permission.APPROVE_CASE_WORK):
        raise PermissionDenied
    return q.approvals_pending(request.user)


@router.get(f"{C}/approvals", response=list[ApprovalOut])
@paginate(PageNumberPagination, page_size=50)
def case_approval_list(request: HttpRequest, case_id: int):  # noqa: ANN201
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    _listed(request, case, "approvals")
    return q.approvals_of(case)


@router.post(f"{C}/approvals/{{int:approval_id}}/decision", response=ApprovalOut)
def case_approval_decide(  # noqa: ANN201
    request: HttpRequest, case_id: int, approval_id: int, payload: DecisionIn
):
    """The supervisor approves, or returns with a comment (required)."""
    approval = q.approval_for(request.user, case_id, approval_id, to=CaseUse.APPROVE)
    return _do(
        approval_actions.approval_decide,
        actor=request.user,
        approval=approval,
        decision=payload.decision,
        comment=payload.comment,
        request=request,
    )


@router.post(f"{C}/approvals/{{int:approval_id}}/withdraw", response=ApprovalOut)
def case_approval_withdraw(request: HttpRequest, case_id: int, approval_id: int):  # noqa: ANN201
    approval = q.approval_for(request.user, case_id, approval_id, to=CaseUse.WORK)
    return _do(
        approval_actions.approval_withdraw,
        actor=request.user,
        approval=approval,
        request=request,
    )


# --- Reviews ---


@router.get(f"{C}/reviews", response=list[ReviewOut])
@paginate(PageNumberPagination, page_size=50)
def case_review_list(request: HttpRequest, case_id: int):  # noqa: ANN201
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    _listed(request, case, "reviews")
    return q.reviews_of(case).prefetch_related("progress")


@router.post(f"{C}/reviews", response={200: ReviewOut, 201: ReviewOut})
def case_review_create(request: HttpRequest, case_id: int, payload: ReviewIn):  # noqa: ANN201
    """A review: progress on open actions of the approved plan; the next review
    falls due counted from it. Send an ``Idempotency-Key`` header so that a retry
    after a lost answer returns the same review (200) instead of a second one."""
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    progress = {
        p.action_id: {"status": p.status.value, "note": p.note}
        for p in payload.progress
    }

    def review(pk: int) -> Any:
        """The review of this case the key names; one of another case was made
        by another request."""
        found = q.reviews_of(case).filter(pk=pk).first()
        if found is None:
            raise KeyReused()
        return found

    return idempotent_create(
        request,
        "cases.review",
        lambda: plan_actions.review_hold(
            actor=request.user,
            case=case,
            held_on=payload.held_on,
            summary=payload.summary,
            progress=progress,
            request=request,
        ),
        review,
        not_allowed=(NotAllowed,),
    )


@router.get(f"{C}/reviews/{{int:review_id}}", response=ReviewOut)
def case_review_detail(request: HttpRequest, case_id: int, review_id: int):  # noqa: ANN201
    page = q.review_page(
        user=request.user, case_id=case_id, review_id=review_id, request=request
    )
    return page.review


# --- Closure and reopening ---


@router.post(f"{C}/closure", response={201: ApprovalOut})
def case_closure_request(request: HttpRequest, case_id: int, payload: ClosureIn):  # noqa: ANN201
    """Ask the supervisor to close the case; refused while the case has no
    approved plan. The case closes when the supervisor approves."""
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    approval = _do(
        approval_actions.closure_request,
        actor=request.user,
        case=case,
        reason=payload.reason.value,
        note=payload.note,
        request=request,
    )
    return Status(201, approval)


@router.post(f"{C}/reopen", response=CaseStateOut)
def case_reopen(request: HttpRequest, case_id: int, payload: ReopenIn):  # noqa: ANN201
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    _do(
        approval_actions.case_reopen,
        actor=request.user,
        case=case,
        reason=payload.reason,
        request=request,
    )
    return case
