"""Reads of the work on a case: assessments, the plan, reviews, approvals.

Every read starts from ``ura.access.cases.access_case`` (or ``visible_cases``),
and a read that shows what was written about the child writes a ``view`` event.
Anyone who sees a case sees its plan (conference members work from it); the
assessments' and reviews' contents, and the notes exchanged with the
supervisor, are for those who work on the case.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest

from ura.access.cases import CaseUse, access_case, may_on_case, visible_cases
from ura.access.rules import Permission, may, visible_people
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.assessment_actions import assessments_need_approval
from ura.cases.models import (
    ActionProgress,
    ActionStatus,
    Approval,
    ApprovalSubject,
    Assessment,
    AssessmentKind,
    AssessmentNeed,
    AssessmentStatus,
    Case,
    CasePlan,
    CaseStatus,
    Decision,
    Domain,
    PlanAction,
    PlanGoal,
    PlanStatus,
    Review,
)
from ura.cases.models.work import Reopening
from ura.core.sections import Section
from ura.people.models import Person

DOMAIN_ORDER = {code: index for index, code in enumerate(Domain.values)}


def _viewed(user: User, obj: object, request: HttpRequest | None, detail: str) -> None:
    record(actor=user, action=AuditAction.VIEW, obj=obj, detail=detail, request=request)


# --- Assessments ---


def assessments_of(case: Case) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(case=case)
        .select_related("started_by")
        .order_by("created_at", "pk")
    )


def assessment_of(case: Case, assessment_id: object) -> Assessment:
    try:
        assessment = (
            Assessment.objects.select_related("started_by")
            .prefetch_related(
                Prefetch("needs", queryset=AssessmentNeed.objects.order_by("pk"))
            )
            .get(case=case, pk=assessment_id)
        )
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    assessment.case = case
    return assessment


def sorted_needs(assessment: Assessment) -> list[AssessmentNeed]:
    return sorted(assessment.needs.all(), key=lambda n: DOMAIN_ORDER[n.domain])


@dataclass
class AssessmentPage:
    case: Case
    assessment: Assessment
    needs: list[AssessmentNeed]
    pending: Approval | None
    may_edit: bool
    needs_approval: bool


def assessment_page(
    *,
    user: User,
    case_id: object,
    assessment_id: object,
    request: HttpRequest | None,
) -> AssessmentPage:
    """An assessment with its needs, for those who work on the case. Audited."""
    case = access_case(user, case_id, to=CaseUse.WORK)
    assessment = assessment_of(case, assessment_id)
    _viewed(user, assessment, request, f"case {case.pk}")
    return AssessmentPage(
        case=case,
        assessment=assessment,
        needs=sorted_needs(assessment),
        pending=Approval.objects.filter(
            assessment=assessment, decision=Decision.PENDING
        ).first(),
        may_edit=case.is_open
        and assessment.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED),
        needs_approval=assessments_need_approval(),
    )


# --- The plan ---


def plan_of(case: Case) -> CasePlan | None:
    """The case's plan with its goals, actions and who is responsible for each."""
    actions = PlanAction.objects.select_related(
        "responsible_user", "responsible_agency", "responsible_person"
    )
    plan = (
        CasePlan.objects.filter(case=case)
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=PlanGoal.objects.prefetch_related(
                    Prefetch("actions", queryset=actions)
                ),
            )
        )
        .first()
    )
    if plan is not None:
        plan.case = case
    return plan


@dataclass
class PlanPage:
    case: Case
    plan: CasePlan | None
    may_work: bool
    may_edit: bool
    pending: Approval | None


def plan_page(*, user: User, case_id: object, request: HttpRequest | None) -> PlanPage:
    """The plan, for anyone who sees the case. Audited when there is one."""
    case = access_case(user, case_id)
    plan = plan_of(case)
    may_work = may_on_case(user, case, CaseUse.WORK)
    if plan is not None:
        _viewed(user, plan, request, f"case {case.pk}")
    return PlanPage(
        case=case,
        plan=plan,
        may_work=may_work,
        may_edit=may_work
        and case.is_open
        and (plan is None or plan.status != PlanStatus.AWAITING_APPROVAL),
        pending=Approval.objects.filter(
            case=case, subject=ApprovalSubject.PLAN, decision=Decision.PENDING
        ).first(),
    )


def plan_for_work(user: User, case_id: object) -> tuple[Case, CasePlan]:
    case = access_case(user, case_id, to=CaseUse.WORK)
    plan = CasePlan.objects.filter(case=case).first()
    if plan is None:
        raise Http404
    plan.case = case
    return case, plan


def goal_for_work(user: User, case_id: object, goal_id: object) -> PlanGoal:
    _case, plan = plan_for_work(user, case_id)
    try:
        goal = PlanGoal.objects.get(plan=plan, pk=goal_id)
    except (PlanGoal.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    goal.plan = plan
    return goal


def action_for_work(user: User, case_id: object, action_id: object) -> PlanAction:
    _case, plan = plan_for_work(user, case_id)
    try:
        action = PlanAction.objects.select_related("goal").get(
            goal__plan=plan, pk=action_id
        )
    except (PlanAction.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    action.goal.plan = plan
    return action


def family_members(user: User, case: Case) -> QuerySet[Person]:
    """Who may be named responsible for an action from the child's family: the
    people of the child's current households that are shared with the user."""
    households = case.person.household_memberships.filter(ended_on__isnull=True).values(
        "household_id"
    )
    return (
        visible_people(user)
        .filter(
            household_memberships__household_id__in=households,
            household_memberships__ended_on__isnull=True,
        )
        .distinct()
        .order_by("family_name", "given_name", "pk")
    )


def agency_users(case: Case) -> QuerySet[User]:
    """The users of the case's agency, any role, who may own an action."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__agency_id=case.agency_id,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# --- Reviews ---


def open_actions(plan: CasePlan) -> list[PlanAction]:
    return list(
        PlanAction.objects.filter(goal__plan=plan, status=ActionStatus.OPEN)
        .select_related(
            "goal", "responsible_user", "responsible_agency", "responsible_person"
        )
        .order_by("goal__position", "goal_id", "due_on", "pk")
    )


def reviews_of(case: Case) -> QuerySet[Review]:
    return Review.objects.filter(case=case).select_related("held_by")


@dataclass
class ReviewPage:
    case: Case
    review: Review
    progress: list[ActionProgress]


def review_page(
    *, user: User, case_id: object, review_id: object, request: HttpRequest | None
) -> ReviewPage:
    case = access_case(user, case_id, to=CaseUse.WORK)
    try:
        review = reviews_of(case).get(pk=review_id)
    except (Review.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _viewed(user, review, request, f"case {case.pk}")
    return ReviewPage(
        case=case,
        review=review,
        progress=list(
            review.progress.select_related("action__goal").order_by(
                "action__goal__position", "action__due_on", "pk"
            )
        ),
    )


# --- Approvals ---


def approvals_of(case: Case) -> QuerySet[Approval]:
    """The whole history of requests and answers, the latest first."""
    return Approval.objects.filter(case=case).select_related(
        "requested_by", "decided_by", "assessment"
    )


def approval_for(
    user: User, case_id: object, approval_id: object, *, to: CaseUse
) -> Approval:
    case = access_case(user, case_id, to=to)
    try:
        approval = approvals_of(case).get(pk=approval_id)
    except (Approval.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    approval.case = case
    return approval


def approvals_pending(user: User) -> QuerySet[Approval]:
    """The requests waiting for this supervisor: on the cases they see and
    supervise (as the case's supervisor or its worker's team supervisor)."""
    if not may(user, Permission.APPROVE_CASE_WORK):
        return Approval.objects.none()
    supervised = Q(case__supervisor=user) | Q(
        case__worker__teams__supervisor=user,
        case__worker__teams__agency_id=F("case__agency_id"),
    )
    return (
        Approval.objects.filter(decision=Decision.PENDING, case__in=visible_cases(user))
        .filter(supervised)
        .select_related("case__person", "case__worker", "requested_by")
        .distinct()
        .order_by("requested_at", "pk")
    )


# --- The case page's section ---


def case_work_section(user: User, case: Case) -> Section | None:
    """Assessments, the plan, reviews and approvals on the case's page, with the
    buttons this user may use."""
    may_work = may_on_case(user, case, CaseUse.WORK)
    may_approve = may_on_case(user, case, CaseUse.APPROVE)
    assessments = list(assessments_of(case))
    approvals = list(approvals_of(case)[:20])
    pending = [a for a in approvals if a.decision == Decision.PENDING]
    plan = plan_of(case)
    kinds = {a.kind for a in assessments}
    done_initial = [
        a
        for a in assessments
        if a.kind == AssessmentKind.INITIAL and a.status == AssessmentStatus.COMPLETED
    ]
    # The comprehensive is offered when the latest initial one asks for it.
    comprehensive_wanted = bool(done_initial) and done_initial[-1].comprehensive_needed
    # A reopened case may be assessed again; otherwise each kind is done once.
    unfinished = {a.kind for a in assessments if a.status != AssessmentStatus.COMPLETED}
    again = case.times_reopened > 0
    is_open = case.status == CaseStatus.OPEN
    return Section(
        "cases/_section_work.html",
        {
            "case": case,
            "may_work": may_work,
            "may_approve": may_approve,
            "assessments": assessments,
            "may_start_initial": may_work
            and is_open
            and AssessmentKind.INITIAL not in unfinished
            and (again or AssessmentKind.INITIAL not in kinds),
            "may_start_comprehensive": may_work
            and is_open
            and comprehensive_wanted
            and AssessmentKind.COMPREHENSIVE not in unfinished
            and (again or AssessmentKind.COMPREHENSIVE not in kinds),
            "plan": plan,
            "reviews": list(reviews_of(case)[:10]),
            "may_review": may_work and is_open and bool(plan and plan.approved_at),
            "approvals": approvals,
            "pending": pending,
            "may_close": may_work
            and is_open
            and bool(plan and plan.approved_at)
            and not pending,
            "may_reopen": may_work and not is_open,
            "reopenings": list(
                Reopening.objects.filter(case=case).select_related("reopened_by")[:5]
            )
            if may_work
            else [],
        },
    )
