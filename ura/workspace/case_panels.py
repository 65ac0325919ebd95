"""The case panels of the landing pages: what a worker must do next, and which
children a supervisor's team is keeping waiting.

Every figure starts from ``ura.access.cases.visible_cases``; each panel is one or
two aggregate queries, so the pages stay fast with hundreds of thousands of cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ura.access.cases import visible_cases
from ura.access.rules import Permission, agencies_where, may, roles_of
from ura.accounts.models import Role, Team, User
from ura.cases.models import (
    ActionStatus,
    Approval,
    Case,
    CaseStatus,
    Decision,
    PlanAction,
    RiskLevel,
    Stage,
    Transfer,
    TransferStatus,
)

PANEL_SIZE = 10


def no_contact_days() -> int:
    return int(getattr(settings, "URA_NO_CONTACT_DAYS", 30))


@dataclass
class WorkerPanels:
    by_stage: list[tuple[str, str, int]]
    by_risk: list[tuple[str, str, int]]
    total: int
    overdue: list[Case]
    overdue_total: int
    due_soon: list[Case]
    plan_actions: list[PlanAction]


def _open(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.filter(status=CaseStatus.OPEN)


def worker_panels(user: User) -> WorkerPanels | None:
    """A social worker's own open cases: by stage and risk, overdue, due soon."""
    if Role.SOCIAL_WORKER not in roles_of(user) or not may(user, Permission.VIEW_CASES):
        return None
    mine = _open(visible_cases(user)).filter(worker=user)
    counts = mine.values_list("stage", "risk_level").annotate(n=Count("id"))
    stages: dict[str, int] = {}
    risks: dict[str, int] = {}
    for stage, risk, n in counts:
        stages[stage] = stages.get(stage, 0) + n
        risks[risk] = risks.get(risk, 0) + n
    now = timezone.now()
    listed = mine.select_related("person__place").order_by("next_due_at", "pk")
    overdue = listed.filter(next_due_at__lt=now)
    week = now + timedelta(days=7)
    due_soon = listed.filter(next_due_at__gte=now, next_due_at__lt=week)
    actions = (
        PlanAction.objects.filter(
            responsible_user=user,
            status=ActionStatus.OPEN,
            goal__plan__case__in=visible_cases(user).filter(status=CaseStatus.OPEN),
        )
        .select_related("goal__plan__case__person")
        .order_by("due_on", "pk")
    )
    return WorkerPanels(
        by_stage=[(s, Stage(s).label, stages[s]) for s in Stage.values if s in stages],
        by_risk=[
            (r, RiskLevel(r).label, risks[r]) for r in RiskLevel.values if r in risks
        ],
        total=sum(stages.values()),
        overdue=list(overdue[:PANEL_SIZE]),
        overdue_total=overdue.count(),
        due_soon=list(due_soon[:PANEL_SIZE]),
        plan_actions=list(actions[:PANEL_SIZE]),
    )


@dataclass
class WorkerLoad:
    worker: User
    open_cases: int = 0
    high_risk: int = 0
    overdue: int = 0
    no_contact: int = 0


@dataclass
class SupervisorPanels:
    team: list[WorkerLoad]
    overdue_high: list[Case]
    overdue_high_total: int
    approvals: list[Approval]
    approvals_total: int
    no_contact: list[Case]
    no_contact_total: int
    no_contact_days: int
    transfers_in: list[Transfer] = field(default_factory=list)


def _supervised_workers(user: User) -> list[User]:
    teams = Team.objects.filter(
        supervisor=user, agency__in=agencies_where(user, Role.SUPERVISOR)
    )
    return list(
        User.objects.filter(teams__in=teams, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _team_loads(
    cases: QuerySet[Case], workers: list[User], since: object
) -> list[WorkerLoad]:
    now = timezone.now()
    rows = (
        cases.filter(worker__in=workers)
        .values("worker")
        .annotate(
            total=Count("id"),
            high=Count("id", filter=Q(risk_level=RiskLevel.HIGH)),
            late=Count("id", filter=Q(next_due_at__lt=now)),
            quiet=Count(
                "id",
                filter=Q(last_contact_at__lt=since)
                | Q(last_contact_at__isnull=True, opened_at__lt=since),
            ),
        )
    )
    by_worker = {row["worker"]: row for row in rows}
    loads = []
    for worker in workers:
        row = by_worker.get(worker.pk, {})
        loads.append(
            WorkerLoad(
                worker,
                row.get("total", 0),
                row.get("high", 0),
                row.get("late", 0),
                row.get("quiet", 0),
            )
        )
    return loads


def supervisor_panels(user: User) -> SupervisorPanels | None:
    """The team's caseload per worker, overdue high-risk cases, approvals waiting,
    cases without contact, and transfers proposed to the supervisor's agencies."""
    if not may(user, Permission.APPROVE_CASE_WORK):
        return None
    workers = _supervised_workers(user)
    supervised = _open(visible_cases(user)).filter(
        Q(supervisor=user) | Q(worker__in=workers)
    )
    now = timezone.now()
    days = no_contact_days()
    since = now - timedelta(days=days)
    listed = supervised.select_related("person__place", "worker")
    overdue_high = listed.filter(
        risk_level=RiskLevel.HIGH, next_due_at__lt=now
    ).order_by("next_due_at", "pk")
    quiet = listed.filter(
        Q(last_contact_at__lt=since)
        | Q(last_contact_at__isnull=True, opened_at__lt=since)
    ).order_by("last_contact_at", "opened_at", "pk")
    approvals = (
        Approval.objects.filter(decision=Decision.PENDING, case__in=supervised)
        .select_related("case__person", "requested_by")
        .order_by("requested_at", "pk")
    )
    transfers = (
        Transfer.objects.filter(
            status=TransferStatus.PROPOSED,
            to_agency__in=agencies_where(user, Role.SUPERVISOR),
        )
        .select_related("case", "from_agency")
        .order_by("proposed_at", "pk")
        if may(user, Permission.DECIDE_TRANSFERS)
        else Transfer.objects.none()
    )
    return SupervisorPanels(
        team=_team_loads(supervised, workers, since),
        overdue_high=list(overdue_high[:PANEL_SIZE]),
        overdue_high_total=overdue_high.count(),
        approvals=list(approvals[:PANEL_SIZE]),
        approvals_total=approvals.count(),
        no_contact=list(quiet[:PANEL_SIZE]),
        no_contact_total=quiet.count(),
        no_contact_days=days,
        transfers_in=list(transfers[:PANEL_SIZE]),
    )


@dataclass
class FollowUps:
    """Conference action items the user (or their agency) owns, and children in
    pre-trial detention near or past the legal limit."""

    items: list
    items_total: int
    detention: list


def follow_up_panels(user: User) -> FollowUps | None:
    from ura.conferences.queries import open_action_items_for
    from ura.justice.queries import detention_alerts_for

    show_items = may(user, Permission.ACT_ON_CONFERENCE_ITEMS)
    show_detention = may(user, Permission.RECORD_JUSTICE)
    if not (show_items or show_detention):
        return None
    items = open_action_items_for(user) if show_items else None
    return FollowUps(
        items=list(items[:PANEL_SIZE]) if items is not None else [],
        items_total=items.count() if items is not None else 0,
        detention=detention_alerts_for(user)[:PANEL_SIZE] if show_detention else [],
    )
