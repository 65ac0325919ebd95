"""Who may see which case, and what they may do on it: the cases' half of THE door.

A case is reached through the same grants as its child (``PersonGrant`` rows that
carry the case's id): the responsible worker's, the case supervisor's, and those a
case conference opens for its members while the case is on their table. So a
supervisor sees their team's cases through their workers' grants, and access
follows the case when it is reassigned or transferred, because the actions end
the old grants and open new ones.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from ura.access.models import GrantReason, PersonGrant
from ura.access.rules import (
    Permission,
    _active_grants,
    grantees_of,
    may,
    visible_grants,
)
from ura.accounts.models import Team, User
from ura.cases.models import Case


class CaseUse(models.TextChoices):
    VIEW = "view"
    WORK = "work"  # notes, assessments, plans, reviews, documents, consent
    APPROVE = "approve"  # approve or return the worker's requests
    ASSIGN = "assign"  # assign another worker, decide a transfer's new worker


# The grants that let someone work on a case (not only look at it).
CASE_TEAM_REASONS = frozenset({GrantReason.CASE_WORKER, GrantReason.CASE_SUPERVISOR})


def _case_grantee_condition(user: User) -> Q:
    """The grants that open a case to this user: their own and their teams', and,
    for a supervisor, the case grants of the workers they supervise. A worker's
    conference grants do not reach their supervisor: a conference member sees the
    cases on their table, and nobody sees them through the member."""
    grantees = grantees_of(user)
    if grantees is None:
        return Q(pk__in=[])
    condition = Q(user_id=grantees.user)
    if grantees.teams:
        condition |= Q(team_id__in=sorted(grantees.teams))
    if grantees.supervised_users:
        condition |= Q(
            user_id__in=sorted(grantees.supervised_users),
            reason__in=sorted(CASE_TEAM_REASONS),
        )
    return condition


def case_grants(user: User) -> QuerySet[PersonGrant]:
    """The open grants that carry a case and reach this user."""
    if not user.is_authenticated or not may(user, Permission.VIEW_CASES):
        return PersonGrant.objects.none()
    return visible_grants(user).filter(
        _case_grantee_condition(user), case_id__isnull=False
    )


def visible_cases(user: User) -> QuerySet[Case]:
    """Every case this user may see. The start of every case list.

    The same grants as ``case_grants``, read as a UNION ALL of one plain branch per
    kind of grantee (the user with the workers they supervise; their teams) rather
    than one OR: each branch is a range of the ``grant_user_case`` index, read from
    the index alone, where the OR made PostgreSQL read the grants of every
    supervised worker row by row (docs/benchmarks.md, "Case pages at national
    scale": a supervisor's case list 245 → 99 ms).
    """
    grantees = grantees_of(user)
    if not may(user, Permission.VIEW_CASES) or grantees is None:
        return Case.objects.none()
    grants = PersonGrant.objects.filter(_active_grants(), case_id__isnull=False)
    mine = grants.filter(
        Q(user_id__in=sorted({grantees.user, *grantees.supervised_users})),
        # A worker's conference grants do not reach their supervisor.
        Q(user_id=grantees.user) | Q(reason__in=sorted(CASE_TEAM_REASONS)),
    ).values("case_id")
    if grantees.teams:
        teams = grants.filter(team_id__in=sorted(grantees.teams)).values("case_id")
        mine = mine.union(teams, all=True)
    return Case.objects.filter(pk__in=mine)


def case_reasons(user: User, case: Case) -> frozenset[str]:
    """Why this user reaches this case (the reasons of the grants that reach them)."""
    cache = user.__dict__.setdefault("_ura_case_reasons", {})
    if case.pk not in cache:
        grants = case_grants(user).filter(case_id=case.pk)
        cache[case.pk] = frozenset(grants.values_list("reason", flat=True))
    return cache[case.pk]


def supervises(user: User, case: Case) -> bool:
    """The case's supervisor, or the supervisor of a team of its worker's agency
    that the worker belongs to."""
    if case.supervisor_id == user.pk:
        return True
    return Team.objects.filter(
        supervisor=user, agency_id=case.agency_id, members=case.worker_id
    ).exists()


def may_on_case(user: User, case: Case, use: CaseUse) -> bool:
    reasons = case_reasons(user, case)
    if not reasons:
        return False
    if use == CaseUse.VIEW:
        return may(user, Permission.VIEW_CASES)
    if use == CaseUse.WORK:
        return may(user, Permission.WORK_ON_CASE) and bool(reasons & CASE_TEAM_REASONS)
    if use == CaseUse.APPROVE:
        return may(user, Permission.APPROVE_CASE_WORK) and supervises(user, case)
    if use == CaseUse.ASSIGN:
        return may(user, Permission.ASSIGN_CASES) and supervises(user, case)
    return False


def access_case(user: User, case_id: object, *, to: CaseUse = CaseUse.VIEW) -> Case:
    """The case if the user may ``to`` it. A case out of sight is a 404, as if it
    did not exist; a case in sight that the user may not change is a 403."""
    try:
        case = (
            visible_cases(user)
            .select_related("person__place", "agency", "worker", "supervisor")
            .get(pk=case_id)
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not may_on_case(user, case, to):
        if to == CaseUse.VIEW:
            raise Http404
        raise PermissionDenied
    return case
