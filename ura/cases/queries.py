"""Reads of cases: always starting from ``ura.access.cases.visible_cases``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ura.access.cases import CaseUse, access_case, may_on_case, visible_cases
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.models import (
    Approval,
    Case,
    CaseConcern,
    CaseEvent,
    CaseLink,
    CaseStatus,
    Decision,
)

# Filters a case list understands (``case_search``).
CASE_FILTERS = ("status", "stage", "risk_level", "concern", "worker", "overdue")


def case_search(*, user: User, filters: dict | None = None) -> QuerySet[Case]:
    """The cases this user may see, narrowed by filters, the most urgent first:
    overdue and soonest deadlines on top, cases without one after."""
    filters = filters or {}
    cases = visible_cases(user).select_related("person__place", "worker")
    cases = cases.prefetch_related(
        Prefetch("concerns", queryset=CaseConcern.objects.order_by("concern"))
    )
    status = filters.get("status", CaseStatus.OPEN)
    if status:
        cases = cases.filter(status=status)
    for name in ("stage", "risk_level"):
        if filters.get(name):
            cases = cases.filter(**{name: filters[name]})
    if filters.get("concern"):
        cases = cases.filter(concerns__concern=filters["concern"])
    if filters.get("worker"):
        cases = cases.filter(worker_id=filters["worker"])
    if filters.get("mine"):
        cases = cases.filter(worker=user)
    if filters.get("overdue"):
        cases = cases.filter(next_due_at__lt=timezone.now())
    if filters.get("no_contact_days"):
        since = timezone.now() - timedelta(days=int(filters["no_contact_days"]))
        cases = cases.filter(
            Q(last_contact_at__lt=since)
            | Q(last_contact_at__isnull=True, opened_at__lt=since)
        )
    return cases.order_by("next_due_at", "-opened_at", "pk")


@dataclass
class CasePage:
    case: Case
    concerns: list[str]
    may_work: bool
    may_approve: bool
    may_assign: bool
    events: list[CaseEvent]
    links: list[CaseLink]
    pending_approvals: list[Approval]
    overdue: bool
    extra: dict = field(default_factory=dict)


def case_page(*, user: User, case_id: object, request: HttpRequest | None) -> CasePage:
    """Everything the case page shows above its sections. Viewing is audited."""
    case = access_case(user, case_id)
    record(actor=user, action=AuditAction.VIEW, obj=case, request=request)
    links = list(CaseLink.objects.filter(case=case).select_related("other__person"))
    linked_visible = set(
        visible_cases(user)
        .filter(pk__in=[link.other_id for link in links])
        .values_list("pk", flat=True)
    )
    return CasePage(
        case=case,
        concerns=[c.get_concern_display() for c in case.concerns.order_by("concern")],
        may_work=may_on_case(user, case, CaseUse.WORK),
        may_approve=may_on_case(user, case, CaseUse.APPROVE),
        may_assign=may_on_case(user, case, CaseUse.ASSIGN),
        events=list(case.events.select_related("actor")[:20]),
        links=[link for link in links if link.other_id in linked_visible],
        pending_approvals=list(
            case.approvals.filter(decision=Decision.PENDING).select_related(
                "requested_by"
            )
        ),
        overdue=bool(case.next_due_at and case.next_due_at < timezone.now()),
    )


def cases_of_person(*, user: User, person_id: int) -> list[Case]:
    """The cases of a child that this user may see (for the person's page)."""
    return list(
        visible_cases(user)
        .filter(person_id=person_id)
        .select_related("worker")
        .order_by("-opened_at")
    )
