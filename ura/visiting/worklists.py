"""Reads of the worklists: a nurse's visits due today, and a centre's overview.

A nurse's today is one range of the partial index ``sv_worklist`` (their
scheduled visits whose window has opened and not closed), with the family and
its address joined to it. A centre's manager sees the centre's families as
figures grouped in the database (coverage, visits per nurse) and the families
not seen for a number of days, one range of ``enr_centre_seen``. Names are shown
as the access rules allow, exactly as on the list of families.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

from ura.access.rules import Permission, may, roles_of, visible_grants
from ura.accounts.models import Agency, Role, User
from ura.visiting.models import (
    Enrolment,
    EnrolmentStatus,
    ScheduledVisit,
    VisitStatus,
)
from ura.visiting.queries import due_visits, list_audited, managed_centre_ids
from ura.visiting.schedule import open_window, status_filter

# Families not seen for this many days, unless the manager asks for another number.
NOT_SEEN_DAYS = 60
NOT_SEEN_MAX_DAYS = 1000


def _shown(user: User, column: str) -> Exists:
    """Whether the person in ``column`` may be shown to the user by name."""
    return Exists(visible_grants(user).filter(person_id=OuterRef(column)))


def is_nurse(user: User) -> bool:
    return Role.HOME_VISITOR in roles_of(user) and may(user, Permission.ENROL_FAMILIES)


def nurse_today(*, user: User, today: date | None = None) -> QuerySet[ScheduledVisit]:
    """The nurse's visits due or overdue today, the most urgent first: the
    overdue ones before the due ones, each closing soonest first. Each row
    carries its family (names where the rules show them) and the household's
    address, in the one query of ``due_visits``."""
    if not is_nurse(user):
        return ScheduledVisit.objects.none()
    today = today or timezone.localdate()
    return (
        due_visits(nurse=user)
        .select_related(
            "enrolment__caregiver",
            "enrolment__child",
            "enrolment__caregiver__place",
            "enrolment__household__place",
        )
        .annotate(
            urgency=Case(
                When(overdue_on__lte=today, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            caregiver_shown=_shown(user, "enrolment__caregiver_id"),
            child_shown=_shown(user, "enrolment__child_id"),
        )
        .order_by("urgency", "closes_on", "due_on", "pk")
    )


def today_counts(visits: QuerySet[ScheduledVisit], today: date) -> dict[str, int]:
    """How many of the list are overdue and due (one query)."""
    return visits.order_by().aggregate(
        overdue=Count("pk", filter=Q(overdue_on__lte=today)),
        due=Count("pk", filter=Q(overdue_on__gt=today)),
    )


# --- The centre's manager -----------------------------------------------------


def centres_of(user: User) -> list[Agency]:
    """The family health centres the user manages, by name."""
    ids = managed_centre_ids(user)
    if not ids:
        return []
    return list(Agency.objects.filter(pk__in=ids).order_by("name", "pk"))


@dataclass
class CentreCoverage:
    """The active families of one centre: up to date (every visit due so far
    done) or behind (a visit overdue, or missed)."""

    centre_id: int
    name: str
    families: int = 0
    with_overdue: int = 0
    with_missed: int = 0
    behind: int = 0

    @property
    def up_to_date(self) -> int:
        return self.families - self.behind

    @property
    def share_up_to_date(self) -> int | None:
        if not self.families:
            return None
        return round(100 * self.up_to_date / self.families)


def centre_coverage(
    *, centres: list[Agency], today: date | None = None
) -> list[CentreCoverage]:
    """One row per centre, from one query grouped by centre."""
    today = today or timezone.localdate()
    visits = ScheduledVisit.objects.filter(enrolment=OuterRef("pk"))
    overdue = Exists(visits.filter(status_filter(VisitStatus.OVERDUE, today)))
    missed = Exists(visits.filter(status_filter(VisitStatus.MISSED, today)))
    rows = (
        Enrolment.objects.filter(
            centre__in=[c.pk for c in centres], status=EnrolmentStatus.ACTIVE
        )
        .annotate(has_overdue=overdue, has_missed=missed)
        .order_by()
        .values("centre_id")
        .annotate(
            families=Count("pk"),
            with_overdue=Count("pk", filter=Q(has_overdue=True)),
            with_missed=Count("pk", filter=Q(has_missed=True)),
            behind=Count("pk", filter=Q(has_overdue=True) | Q(has_missed=True)),
        )
    )
    by_centre = {r["centre_id"]: r for r in rows}
    result = []
    for centre in centres:
        row = by_centre.get(centre.pk, {})
        result.append(
            CentreCoverage(
                centre_id=centre.pk,
                name=centre.name,
                families=row.get("families", 0),
                with_overdue=row.get("with_overdue", 0),
                with_missed=row.get("with_missed", 0),
                behind=row.get("behind", 0),
            )
        )
    return result


@dataclass
class NurseLoad:
    nurse_id: int
    name: str
    families: int = 0  # active families on their caseload
    overdue: int = 0  # visits overdue today
    due: int = 0  # visits due today, not yet overdue
    families_waiting: int = 0  # families with a visit due or overdue


def _nurse_name(row: dict) -> str:
    full = f"{row['nurse__first_name']} {row['nurse__last_name']}".strip()
    return full or row["nurse__username"]


def nurse_loads(*, centres: list[Agency], today: date | None = None) -> list[NurseLoad]:
    """Per nurse of the centres: the active families, and the visits due and
    overdue today; two queries grouped by nurse (the visits read through
    ``sv_centre``). The most overdue first."""
    today = today or timezone.localdate()
    ids = [c.pk for c in centres]
    names = ("nurse_id", "nurse__first_name", "nurse__last_name", "nurse__username")
    loads: dict[int, NurseLoad] = {}
    families = (
        Enrolment.objects.filter(centre__in=ids, status=EnrolmentStatus.ACTIVE)
        .order_by()
        .values(*names)
        .annotate(n=Count("pk"))
    )
    for row in families:
        loads[row["nurse_id"]] = NurseLoad(
            row["nurse_id"], _nurse_name(row), families=row["n"]
        )
    visits = (
        ScheduledVisit.objects.filter(open_window(today), centre__in=ids)
        .order_by()
        .values(*names)
        .annotate(
            overdue=Count("pk", filter=Q(overdue_on__lte=today)),
            due=Count("pk", filter=Q(overdue_on__gt=today)),
            waiting=Count("enrolment", distinct=True),
        )
    )
    for row in visits:
        load = loads.setdefault(
            row["nurse_id"],
            NurseLoad(row["nurse_id"], _nurse_name(row)),
        )
        load.overdue, load.due = row["overdue"], row["due"]
        load.families_waiting = row["waiting"]
    return sorted(loads.values(), key=lambda x: (-x.overdue, -x.due, x.name))


def not_seen_days(value: object) -> int:
    """The N of "not seen for N days" from a query string: a whole number of
    days from 1 to 1,000, or the default."""
    try:
        days = int(str(value))
    except (TypeError, ValueError):
        return NOT_SEEN_DAYS
    return min(max(days, 1), NOT_SEEN_MAX_DAYS)


def families_not_seen(
    *, user: User, centres: list[Agency], days: int, today: date | None = None
) -> QuerySet[Enrolment]:
    """The centres' active families whose last visit (or, never visited, their
    enrolment) is ``days`` or more ago, the longest unseen first; one range of
    ``enr_centre_seen`` and the enrolments never visited."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=days)
    return (
        Enrolment.objects.filter(
            Q(last_visited_on__lte=cutoff)
            | Q(last_visited_on__isnull=True, enrolled_on__lte=cutoff),
            centre__in=[c.pk for c in centres],
            status=EnrolmentStatus.ACTIVE,
        )
        .select_related("caregiver", "child", "nurse", "household__place")
        .annotate(
            seen_since=Coalesce("last_visited_on", "enrolled_on"),
            caregiver_shown=_shown(user, "caregiver_id"),
            child_shown=_shown(user, "child_id"),
        )
        .order_by(F("seen_since").asc(), "pk")
    )


def days_since(day: date | None, today: date | None = None) -> int | None:
    if day is None:
        return None
    return ((today or timezone.localdate()) - day).days


# --- The landing page ---------------------------------------------------------

PANEL_SIZE = 10


@dataclass
class TodayPanel:
    visits: list[ScheduledVisit]
    total: int
    overdue: int


def today_panel(*, user: User, request: HttpRequest) -> TodayPanel | None:
    """A nurse's landing page: the most urgent visits of today (the first ten),
    on the record like the page they come from."""
    if not is_nurse(user):
        return None
    today = timezone.localdate()
    visits = nurse_today(user=user, today=today)
    shown = list(visits[:PANEL_SIZE])
    if len(shown) < PANEL_SIZE:
        # The whole list is on the panel: count it here rather than ask again.
        total, overdue = len(shown), sum(v.urgency == 0 for v in shown)
    else:
        counts = today_counts(visits, today)
        total, overdue = counts["overdue"] + counts["due"], counts["overdue"]
    if shown:
        list_audited(user=user, request=request, count=total, page="home")
    return TodayPanel(visits=shown, total=total, overdue=overdue)


def centre_panel(user: User) -> list[CentreCoverage] | None:
    """A centre manager's landing page: each centre's families up to date or
    behind (one query), with the way to the centre's page."""
    centres = centres_of(user)
    if not centres:
        return None
    return centre_coverage(centres=centres)
