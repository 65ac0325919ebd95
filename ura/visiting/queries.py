"""Reads of home visiting: who sees which enrolment, the lists, the page.

A nurse sees the enrolments of their own caseload; a family health centre's
manager (a supervisor of the centre's agency) sees every enrolment of the
centre. The people of an enrolment are shown by name only to those the access
rules let see them (the nurse's grants; the manager through the nurses of the
teams they supervise), and every list or page that shows them is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404, HttpRequest
from django.utils import timezone

from ura.access.rules import (
    Permission,
    agencies_where,
    may,
    roles_of,
    visible_grants,
    visible_people,
)
from ura.accounts.models import AgencyType, Role, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.people.models import Household, Person
from ura.visiting.models import (
    Enrolment,
    EnrolmentStatus,
    Protocol,
    ScheduledVisit,
    VisitState,
    VisitStatus,
)
from ura.visiting.schedule import open_window, status_expression, status_filter

SECTION_SIZE = 10


def managed_centre_ids(user: User) -> list[int]:
    """The family health centres this user manages (ids), read once per request."""
    if Role.SUPERVISOR not in roles_of(user) or not may(
        user, Permission.ENROL_FAMILIES
    ):
        return []
    cache = user.__dict__.setdefault("_ura_visiting_cache", {})
    if "centres" not in cache:
        cache["centres"] = sorted(
            agencies_where(user, Role.SUPERVISOR)
            .filter(type=AgencyType.HEALTH)
            .values_list("pk", flat=True)
        )
    return cache["centres"]


def works_in_visiting(user: User) -> bool:
    """A nurse or a manager of a family health centre (read once per request)."""
    from ura.visiting.actions import visiting_centres

    cache = user.__dict__.setdefault("_ura_visiting_cache", {})
    if "works" not in cache:
        cache["works"] = visiting_centres(user).exists()
    return cache["works"]


def visible_enrolments(user: User) -> QuerySet[Enrolment]:
    """Every enrolment this user may open. Default deny."""
    if not user.is_authenticated or not may(user, Permission.ENROL_FAMILIES):
        return Enrolment.objects.none()
    condition = Q(pk__in=[])
    if Role.HOME_VISITOR in roles_of(user):
        condition |= Q(nurse_id=user.pk)
    centres = managed_centre_ids(user)
    if centres:
        condition |= Q(centre_id__in=centres)
    return Enrolment.objects.filter(condition)


def access_enrolment(user: User, enrolment_id: object) -> Enrolment:
    """The enrolment, or 404 when out of reach (as if it did not exist)."""
    try:
        return (
            visible_enrolments(user)
            .select_related("caregiver", "child", "centre", "nurse", "protocol")
            .get(pk=enrolment_id)
        )
    except (Enrolment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _shown(user: User, column: str) -> Exists:
    """Whether the person in ``column`` may be shown to the user by name."""
    return Exists(visible_grants(user).filter(person_id=OuterRef(column)))


def _with_summary(enrolments: QuerySet[Enrolment], user: User) -> QuerySet[Enrolment]:
    today = timezone.localdate()
    scheduled = ScheduledVisit.objects.filter(enrolment=OuterRef("pk"))
    next_due = (
        scheduled.filter(state=VisitState.SCHEDULED, closes_on__gt=today)
        .order_by()
        .values("enrolment")
        .annotate(first=Min("due_on"))
        .values("first")
    )
    overdue = (
        scheduled.filter(status_filter(VisitStatus.OVERDUE, today))
        .order_by()
        .values("enrolment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return enrolments.select_related(
        "caregiver", "child", "centre", "nurse", "protocol"
    ).annotate(
        next_due_on=Subquery(next_due),
        overdue_count=Subquery(overdue, output_field=IntegerField()),
        caregiver_shown=_shown(user, "caregiver_id"),
        child_shown=_shown(user, "child_id"),
    )


STATUS_FILTERS = ("active", "ended", "all")


def enrolment_list(
    *, user: User, status: str = "active", nurse_id: int | None = None
) -> QuerySet[Enrolment]:
    enrolments = visible_enrolments(user)
    if status in EnrolmentStatus.values:
        enrolments = enrolments.filter(status=status)
    if nurse_id:
        enrolments = enrolments.filter(nurse_id=nurse_id)
    return _with_summary(enrolments, user).order_by("-enrolled_on", "-pk")


def list_audited(*, user: User, request: HttpRequest, count: int, page: str) -> None:
    """A list that shows names is on the record (what was listed, not who)."""
    record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="visiting.enrolment",
        detail=page,
        changes={"count": count},
        request=request,
    )


@dataclass(frozen=True)
class EnrolmentPage:
    enrolment: Enrolment
    visits: list[ScheduledVisit]
    shown: frozenset[int]  # the people of the enrolment the user may see by name
    counts: dict[str, int]
    may_change: bool
    protocols: list[Protocol]

    @property
    def caregiver_shown(self) -> bool:
        return self.enrolment.caregiver_id in self.shown

    @property
    def child_shown(self) -> bool:
        return self.enrolment.child_id in self.shown


def schedule_of(enrolment: Enrolment) -> list[ScheduledVisit]:
    today = timezone.localdate()
    # ``made``: the visit that fulfilled it, for a link from the schedule.
    return list(
        enrolment.scheduled_visits.annotate(
            status=status_expression(today), made=F("visit")
        ).order_by("due_on", "pk")
    )


def enrolment_page(
    *, user: User, enrolment: Enrolment, request: HttpRequest | None = None
) -> EnrolmentPage:
    from ura.visiting.actions import manages

    visits = schedule_of(enrolment)
    people = [p for p in (enrolment.caregiver_id, enrolment.child_id) if p]
    shown = frozenset(
        visible_people(user).filter(pk__in=people).values_list("pk", flat=True)
    )
    counts: dict[str, int] = {}
    for visit in visits:
        counts[visit.status] = counts.get(visit.status, 0) + 1
    may_change = enrolment.is_active and (
        enrolment.nurse_id == user.pk or manages(user, enrolment.centre_id)
    )
    record(
        actor=user,
        action=AuditAction.VIEW,
        obj=enrolment,
        fields=["caregiver", "child", "schedule"],
        request=request,
    )
    return EnrolmentPage(
        enrolment=enrolment,
        visits=visits,
        shown=shown,
        counts=counts,
        may_change=may_change,
        protocols=list(Protocol.objects.filter(is_active=True)),
    )


def person_enrolments(*, user: User, person: Person) -> list[Enrolment]:
    """The person's enrolments (as caregiver or child) this user may open."""
    enrolments = visible_enrolments(user).filter(Q(caregiver=person) | Q(child=person))
    return list(_with_summary(enrolments, user)[:SECTION_SIZE])


def household_enrolments(*, user: User, household: Household) -> list[Enrolment]:
    enrolments = visible_enrolments(user).filter(household=household)
    return list(_with_summary(enrolments, user)[:SECTION_SIZE])


def due_visits(*, nurse: User) -> QuerySet[ScheduledVisit]:
    """A nurse's visits due or overdue today, the most urgent first: one range
    of the ``sv_worklist`` index."""
    today = timezone.localdate()
    return (
        ScheduledVisit.objects.filter(open_window(today), nurse=nurse)
        .annotate(status=status_expression(today))
        .order_by("overdue_on", "closes_on", "pk")
    )
