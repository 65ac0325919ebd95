"""A case's stage and its next deadline, derived from what was done.

Nobody types a stage. ``case_facts`` reads what the case holds (a few small
queries), ``stage_of`` and ``next_deadline`` are pure functions of those facts,
and ``case_refresh`` (called by every action that changes them) stores the
result on the case, where lists filter and sort on it through an index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from ura.cases.migrations_defaults import DEFAULT_HOURS
from ura.cases.models import (
    Approval,
    ApprovalSubject,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    Case,
    CasePlan,
    CaseStatus,
    Decision,
    ResponseDeadline,
    Review,
    RiskLevel,
    Stage,
    Step,
)


@dataclass(frozen=True)
class CaseFacts:
    closed: bool
    risk_level: str
    opened_at: datetime
    first_contact_at: datetime | None
    initial_started: bool
    initial_completed_at: datetime | None
    comprehensive_needed: bool
    comprehensive_completed_at: datetime | None
    plan_approved_at: datetime | None
    review_every_days: int | None
    last_review_on: date | None
    closure_pending: bool


def case_facts(case: Case) -> CaseFacts:
    assessments = list(
        Assessment.objects.filter(case=case).values_list(
            "kind", "status", "completed_at", "comprehensive_needed"
        )
    )
    initial = [a for a in assessments if a[0] == AssessmentKind.INITIAL]
    done_initial = [a for a in initial if a[1] == AssessmentStatus.COMPLETED]
    comprehensive = [
        a
        for a in assessments
        if a[0] == AssessmentKind.COMPREHENSIVE and a[1] == AssessmentStatus.COMPLETED
    ]
    plan = (
        CasePlan.objects.filter(case=case)
        .values_list("status", "approved_at", "review_every_days")
        .first()
    )
    last_review = (
        Review.objects.filter(case=case)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    closure_pending = Approval.objects.filter(
        case=case, subject=ApprovalSubject.CLOSURE, decision=Decision.PENDING
    ).exists()
    latest_initial = max(done_initial, key=lambda a: a[2], default=None)
    return CaseFacts(
        closed=case.status == CaseStatus.CLOSED,
        risk_level=case.risk_level,
        opened_at=case.opened_at,
        first_contact_at=case.first_contact_at,
        initial_started=bool(initial),
        initial_completed_at=latest_initial[2] if latest_initial else None,
        comprehensive_needed=latest_initial[3] if latest_initial else True,
        comprehensive_completed_at=max((a[2] for a in comprehensive), default=None),
        # A plan sent back to draft after approval is being revised: the case is
        # still implementing the approved one, so its approval date still counts.
        plan_approved_at=plan[1] if plan and plan[1] else None,
        review_every_days=plan[2] if plan else None,
        last_review_on=last_review,
        closure_pending=closure_pending,
    )


def _assessed(facts: CaseFacts) -> datetime | None:
    """When the assessments the plan rests on were done, or None if not yet."""
    if facts.initial_completed_at is None:
        return None
    if not facts.comprehensive_needed:
        return facts.initial_completed_at
    return facts.comprehensive_completed_at


def review_due_on(facts: CaseFacts, deadlines: dict[str, int]) -> date | None:
    if facts.plan_approved_at is None:
        return None
    every = facts.review_every_days or deadlines[Step.REVIEW] // 24
    since = facts.last_review_on or timezone.localdate(facts.plan_approved_at)
    return since + timedelta(days=every)


def stage_of(facts: CaseFacts, today: date, deadlines: dict[str, int]) -> Stage:
    if facts.closed:
        return Stage.CLOSED
    if facts.closure_pending:
        return Stage.CLOSURE
    if facts.initial_completed_at is None:
        return (
            Stage.INITIAL_ASSESSMENT if facts.initial_started else Stage.IDENTIFICATION
        )
    if _assessed(facts) is None:
        return Stage.COMPREHENSIVE_ASSESSMENT
    if facts.plan_approved_at is None:
        return Stage.CASE_PLAN
    due = review_due_on(facts, deadlines)
    if due is not None and due <= today:
        return Stage.REVIEW
    return Stage.IMPLEMENTATION


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def next_deadline(
    facts: CaseFacts, deadlines: dict[str, int]
) -> tuple[str, datetime | None]:
    """The step due first among those not done yet, and when."""
    if facts.closed:
        return "", None
    hours = deadlines
    due: list[tuple[datetime, str]] = []
    if facts.first_contact_at is None:
        due.append(
            (
                facts.opened_at + timedelta(hours=hours[Step.FIRST_CONTACT]),
                Step.FIRST_CONTACT,
            )
        )
    if facts.initial_completed_at is None:
        due.append(
            (
                facts.opened_at + timedelta(hours=hours[Step.INITIAL_ASSESSMENT]),
                Step.INITIAL_ASSESSMENT,
            )
        )
    elif facts.comprehensive_needed and facts.comprehensive_completed_at is None:
        due.append(
            (
                facts.initial_completed_at
                + timedelta(hours=hours[Step.COMPREHENSIVE_ASSESSMENT]),
                Step.COMPREHENSIVE_ASSESSMENT,
            )
        )
    assessed = _assessed(facts)
    if assessed is not None and facts.plan_approved_at is None:
        due.append((assessed + timedelta(hours=hours[Step.CASE_PLAN]), Step.CASE_PLAN))
    review = review_due_on(facts, deadlines)
    if review is not None and not facts.closure_pending:
        due.append((_end_of(review), Step.REVIEW))
    if not due:
        return "", None
    at, step = min(due)
    return step, at


def deadlines_for(risk_level: str) -> dict[str, int]:
    """Hours allowed per step at this risk level (medium's when none is set)."""
    rows = dict(
        ResponseDeadline.objects.filter(
            risk_level=risk_level or RiskLevel.MEDIUM
        ).values_list("step", "hours")
    )
    # A deployment that deleted a row still gets a deadline: the default's.

    return {
        step: rows.get(step, DEFAULT_HOURS[risk_level or "medium"][step])
        for step in Step
    }


def case_refresh(case: Case) -> tuple[str, str]:
    """Store the case's stage and next deadline; returns (old stage, new stage)."""
    facts = case_facts(case)
    deadlines = deadlines_for(case.risk_level)
    stage = stage_of(facts, timezone.localdate(), deadlines)
    step, due_at = next_deadline(facts, deadlines)
    old = case.stage
    Case.objects.filter(pk=case.pk).update(
        stage=stage, next_step=step, next_due_at=due_at
    )
    case.stage, case.next_step, case.next_due_at = stage, step, due_at
    return old, stage
