"""The supervisor's approval, closing a case and opening it again.

A worker asks for approval (of the plan, of a closure, and of an assessment where
the deployment wants it); the case's supervisor approves or returns it with a
comment; the worker may withdraw a request still waiting. Every request and
answer is kept (``Approval``), so the case page shows the whole history.

The effects of an answer on the thing approved (the plan approved, the
assessment completed, the case closed) happen here, in the same transaction as
the answer, and end with ``case_changed`` so the stage follows.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.cases import CaseUse, may_on_case
from ura.access.grants import grants_end_for_case_reason
from ura.access.models import GrantReason
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.actions import NotAllowed, case_changed, case_event
from ura.cases.models import (
    Approval,
    ApprovalSubject,
    Assessment,
    AssessmentStatus,
    Case,
    CaseEventKind,
    CasePlan,
    CaseStatus,
    ClosureReason,
    Decision,
    PlanStatus,
)
from ura.cases.models.work import Reopening


def require_open(case: Case) -> None:
    """Work on a closed case waits until it is reopened."""
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("This case is closed. Reopen it to work on it."))


def require_work(actor: User, case: Case) -> None:
    if not may_on_case(actor, case, CaseUse.WORK):
        raise NotAllowed


def approval_open(
    *,
    actor: User,
    case: Case,
    subject: ApprovalSubject,
    note: str = "",
    assessment: Assessment | None = None,
    closure_reason: str = "",
    request: HttpRequest | None = None,
) -> Approval:
    """A new request for the supervisor, inside the caller's transaction."""
    if Approval.objects.filter(
        case=case, subject=subject, decision=Decision.PENDING
    ).exists():
        raise ValidationError(_("This is already waiting for the supervisor's answer."))
    approval = Approval(
        case=case,
        subject=subject,
        assessment=assessment,
        requested_by=actor,
        requested_at=timezone.now(),
        closure_reason=closure_reason,
        request_note=note,
    )
    approval.full_clean()
    try:
        # A savepoint: two requests racing meet the one-pending constraint.
        with transaction.atomic():
            approval.save(force_insert=True)
    except IntegrityError:
        raise ValidationError(
            _("This is already waiting for the supervisor's answer.")
        ) from None
    case_event(case, actor=actor, kind=CaseEventKind.APPROVAL_REQUESTED, detail=subject)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=approval,
        fields=["subject"]
        + (["closure_reason"] if closure_reason else [])
        + (["request_note"] if note else []),
        detail=f"case {case.pk} {subject}",
        request=request,
    )
    return approval


def _bump(model: type, pk: int, **values: object) -> None:
    """Change a versioned record outside an edit: its version moves on, so an edit
    begun before this answer is refused as stale."""
    model.objects.filter(pk=pk).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )


def _apply(approval: Approval, *, actor: User, approved: bool) -> None:
    """What an answer does to the thing it answers."""
    case = approval.case
    now = approval.decided_at
    if approval.subject == ApprovalSubject.PLAN:
        plan = CasePlan.objects.get(case=case)
        if approved:
            _bump(CasePlan, plan.pk, status=PlanStatus.APPROVED, approved_at=now)
        else:
            _bump(CasePlan, plan.pk, status=PlanStatus.RETURNED)
    elif approval.subject == ApprovalSubject.ASSESSMENT:
        if approved:
            _bump(
                Assessment,
                approval.assessment_id,
                status=AssessmentStatus.COMPLETED,
                completed_at=now,
            )
            case_event(
                case,
                actor=actor,
                kind=CaseEventKind.ASSESSMENT,
                detail=approval.assessment.kind,
            )
        else:
            _bump(Assessment, approval.assessment_id, status=AssessmentStatus.RETURNED)
    elif approval.subject == ApprovalSubject.CLOSURE and approved:
        _bump(
            Case,
            case.pk,
            status=CaseStatus.CLOSED,
            closed_at=now,
            closure_reason=approval.closure_reason,
        )
        case.status, case.closed_at = CaseStatus.CLOSED, now
        case.closure_reason = approval.closure_reason
        case_event(
            case,
            actor=actor,
            kind=CaseEventKind.CLOSED,
            detail=approval.closure_reason,
        )
        # A closed case leaves every conference table: its members stop seeing
        # it now, not when each conference is closed.
        grants_end_for_case_reason(case_id=case.pk, reason=GrantReason.CONFERENCE)


def _pending(approval: Approval) -> Approval:
    stored = (
        # Only the approval row is locked: PostgreSQL cannot lock the nullable
        # side of the outer join to the assessment.
        Approval.objects.select_for_update(of=("self",))
        .select_related("case", "assessment")
        .get(pk=approval.pk)
    )
    if stored.decision != Decision.PENDING:
        raise ValidationError(_("This request has already been answered."))
    return stored


def approval_decide(
    *,
    actor: User,
    approval: Approval,
    decision: str,
    comment: str = "",
    request: HttpRequest | None = None,
) -> Approval:
    """The supervisor approves, or returns the request with a comment."""
    if not may_on_case(actor, approval.case, CaseUse.APPROVE):
        raise NotAllowed
    if decision not in (Decision.APPROVED, Decision.RETURNED):
        raise ValidationError({"decision": _("Approve or return the request.")})
    if decision == Decision.RETURNED and not comment.strip():
        raise ValidationError(
            {"comment": _("Say what must change before you return the request.")}
        )
    with transaction.atomic():
        stored = _pending(approval)
        stored.decision = decision
        stored.decided_by = actor
        stored.decided_at = timezone.now()
        stored.comment = comment
        stored.full_clean()
        stored.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
        approved = decision == Decision.APPROVED
        _apply(stored, actor=actor, approved=approved)
        case_event(
            stored.case,
            actor=actor,
            kind=CaseEventKind.APPROVED if approved else CaseEventKind.RETURNED,
            detail=stored.subject,
        )
        case_changed(stored.case, actor=actor)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=["decision"] + (["comment"] if comment else []),
            detail=f"case {stored.case_id} {stored.subject} {decision}",
            request=request,
        )
    return stored


def approval_withdraw(
    *, actor: User, approval: Approval, request: HttpRequest | None = None
) -> Approval:
    """The worker takes back a request still waiting; what it asked about goes
    back to draft."""
    require_work(actor, approval.case)
    with transaction.atomic():
        stored = _pending(approval)
        stored.decision = Decision.WITHDRAWN
        stored.decided_by = actor
        stored.decided_at = timezone.now()
        stored.save(update_fields=["decision", "decided_by", "decided_at"])
        if stored.subject == ApprovalSubject.PLAN:
            plan = CasePlan.objects.get(case=stored.case)
            _bump(CasePlan, plan.pk, status=PlanStatus.DRAFT)
        elif stored.subject == ApprovalSubject.ASSESSMENT:
            _bump(Assessment, stored.assessment_id, status=AssessmentStatus.DRAFT)
        case_changed(stored.case, actor=actor)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=["decision"],
            detail=f"case {stored.case_id} {stored.subject} withdrawn",
            request=request,
        )
    return stored


def closure_request(
    *,
    actor: User,
    case: Case,
    reason: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> Approval:
    """Ask the supervisor to close the case. Only a case whose plan was approved
    can close: the plan is what the case was meant to achieve."""
    require_work(actor, case)
    require_open(case)
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": _("Choose why the case should close.")})
    if not CasePlan.objects.filter(case=case, approved_at__isnull=False).exists():
        raise ValidationError(
            _(
                "A case can only be closed once its case plan has been approved. "
                "Make a plan and ask the supervisor to approve it first."
            )
        )
    if Approval.objects.filter(case=case, decision=Decision.PENDING).exists():
        raise ValidationError(
            _(
                "Another request is waiting for the supervisor. Wait for the answer "
                "or withdraw it before asking to close the case."
            )
        )
    with transaction.atomic():
        approval = approval_open(
            actor=actor,
            case=case,
            subject=ApprovalSubject.CLOSURE,
            note=note,
            closure_reason=reason,
            request=request,
        )
        case_changed(case, actor=actor)
    return approval


def case_reopen(
    *, actor: User, case: Case, reason: str, request: HttpRequest | None = None
) -> Reopening:
    """Open a closed case again. Its stage is derived anew from what it holds."""
    require_work(actor, case)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    with transaction.atomic():
        stored = Case.objects.select_for_update().get(pk=case.pk)
        if stored.status != CaseStatus.CLOSED:
            raise ValidationError(_("This case is open."))
        reopening = Reopening(
            case=stored, reopened_by=actor, reopened_at=timezone.now(), reason=reason
        )
        reopening.full_clean()
        reopening.save(force_insert=True)
        _bump(
            Case,
            stored.pk,
            status=CaseStatus.OPEN,
            closed_at=None,
            closure_reason="",
            times_reopened=F("times_reopened") + 1,
        )
        stored.refresh_from_db()
        case_event(stored, actor=actor, kind=CaseEventKind.REOPENED)
        case_changed(stored, actor=actor)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=["status", "closed_at", "closure_reason", "times_reopened"],
            detail=f"reopened; reopening {reopening.pk}",
            request=request,
        )
    for name in ("status", "closed_at", "closure_reason", "times_reopened"):
        setattr(case, name, getattr(stored, name))
    case.version, case.stage = stored.version, stored.stage
    case.next_step, case.next_due_at = stored.next_step, stored.next_due_at
    return reopening
