"""The case panels of the landing pages: what a worker must do next, and which
children a supervisor's team is keeping waiting.

Every figure starts from ``ura.access.cases.visible_cases``; the worker's panels
are one or two aggregate queries each, the supervisor's one read of the team's open
cases, so the pages stay fast with hundreds of thousands of cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    When,
)
from django.db.models import Case as DbCase
from django.db.models.functions import Coalesce
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


@dataclass
class _OpenCase:
    """The few columns of one open case that the supervisor's panels are made of:
    whether it is late or silent is decided by the database, and a date comes back
    only where a list is sorted by it (SQLite's dates are text that Django parses
    one by one: 3,600 of them for a team of eight took a third of the page)."""

    pk: int
    worker_id: int
    risk_level: str
    late: bool
    quiet: bool
    due_if_late_high: datetime | None
    silent_since: datetime | None


# Silent since the last contact, or since opening if there was none (an alias the
# columns below compare and return).
SILENCE = Coalesce("last_contact_at", "opened_at")


def _open_case_columns(now: datetime, since: datetime) -> dict:
    late = Q(next_due_at__lt=now)
    quiet = Q(silence__lt=since)
    return {
        "late": ExpressionWrapper(late, output_field=BooleanField()),
        "quiet": ExpressionWrapper(quiet, output_field=BooleanField()),
        "due_if_late_high": DbCase(
            When(late & Q(risk_level=RiskLevel.HIGH), then=F("next_due_at")),
            output_field=DateTimeField(),
        ),
        "silent_since": DbCase(
            When(quiet, then=F("silence")), output_field=DateTimeField()
        ),
    }


def supervisor_panels(user: User) -> SupervisorPanels | None:
    """The team's caseload per worker, overdue high-risk cases, approvals waiting,
    cases without contact, and transfers proposed to the supervisor's agencies.

    The team's open cases are read once, a few columns each (about 1,200 rows for
    a team of eight), and every figure and both lists are made from them in Python;
    then only the cases shown are read in full. One read of the grants instead of
    seven (docs/benchmarks.md, "Case pages at national scale")."""
    if not may(user, Permission.APPROVE_CASE_WORK):
        return None
    workers = _supervised_workers(user)
    supervised = _open(visible_cases(user)).filter(
        Q(supervisor=user) | Q(worker__in=workers)
    )
    now = timezone.now()
    days = no_contact_days()
    since = now - timedelta(days=days)
    columns = _open_case_columns(now, since)
    open_cases = supervised.alias(silence=SILENCE).annotate(**columns)
    rows = [
        _OpenCase(*row)
        for row in open_cases.values_list("pk", "worker_id", "risk_level", *columns)
    ]
    loads = {worker.pk: WorkerLoad(worker) for worker in workers}
    overdue_high: list[_OpenCase] = []
    silent: list[_OpenCase] = []
    for case in rows:
        load = loads.get(case.worker_id)
        if load is not None:
            load.open_cases += 1
            load.high_risk += case.risk_level == RiskLevel.HIGH
            load.overdue += bool(case.late)  # NULL when there is no next step
            load.no_contact += case.quiet
        if case.due_if_late_high is not None:
            overdue_high.append(case)
        if case.quiet:
            silent.append(case)
    overdue_high.sort(key=lambda case: (case.due_if_late_high, case.pk))
    # Silent longest first, the same on every database.
    silent.sort(key=lambda case: (case.silent_since, case.pk))
    overdue_high_ids = [case.pk for case in overdue_high[:PANEL_SIZE]]
    silent_ids = [case.pk for case in silent[:PANEL_SIZE]]
    shown = Case.objects.filter(pk__in=[*overdue_high_ids, *silent_ids])
    by_id = {case.pk: case for case in shown.select_related("person__place", "worker")}
    # The approvals waiting on the team's open cases: their 1,200 ids as one
    # parameter (``__in_ids``; Django spent more time writing them one by one than
    # the database reading the approvals). Through the cases' worker and
    # supervisor instead, SQLite read every open case in the country (3 s). Only
    # the ten shown are read in full.
    waiting = Approval.objects.filter(
        decision=Decision.PENDING, case_id__in_ids=sorted(case.pk for case in rows)
    ).order_by("requested_at", "pk")
    approval_ids = list(waiting.values_list("pk", flat=True))
    approvals = list(
        Approval.objects.filter(pk__in=approval_ids[:PANEL_SIZE])
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
        team=[loads[worker.pk] for worker in workers],
        overdue_high=[by_id[pk] for pk in overdue_high_ids],
        overdue_high_total=len(overdue_high),
        approvals=approvals,
        approvals_total=len(approval_ids),
        no_contact=[by_id[pk] for pk in silent_ids],
        no_contact_total=len(silent),
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
