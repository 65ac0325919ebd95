"""Reads of what providers deliver: always starting from the access module.

The services a user works on are those of the agencies where they are a service
provider. The people enrolled in them are shown only as the access module shows
them (``visible_people``): a referred child while the referral is open, a walk-in
the provider registered; anyone else is "a person no longer shared with you".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from ura.access.rules import Permission, agencies_where, may, visible_people
from ura.accounts.models import Role, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.pagination import paginate
from ura.directory.models import Service
from ura.people.duplicates import people_named
from ura.people.models import Person
from ura.services.models import (
    Attendance,
    Enrolment,
    ParticipantRole,
    ServiceGroup,
    Session,
)

# The sessions the "My services" page shows per service.
RECENT_SESSIONS = 5
# What a caseload list shows: enrolments not ended yet, ended ones, or all.
CASELOAD_STATUSES = ("active", "ended", "all")


def require_recording(user: User) -> None:
    """In reach but not allowed is a 403; every page here starts with it."""
    if not may(user, Permission.RECORD_SERVICES):
        raise PermissionDenied


def provider_agency_ids(user: User) -> list[int]:
    cache = user.__dict__.setdefault("_ura_delivery_cache", {})
    if "agencies" not in cache:
        cache["agencies"] = (
            sorted(
                agencies_where(user, Role.SERVICE_PROVIDER).values_list("pk", flat=True)
            )
            if may(user, Permission.RECORD_SERVICES)
            else []
        )
    return cache["agencies"]


def my_services(user: User) -> QuerySet[Service]:
    """The services of the agencies where the user is a service provider."""
    return Service.objects.filter(agency_id__in=provider_agency_ids(user))


def _get(queryset: QuerySet, pk: object):  # noqa: ANN202
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_service(user: User, service_id: object) -> Service:
    """A service the user records for; another agency's is a 404, like a missing one."""
    require_recording(user)
    return _get(my_services(user).select_related("agency"), service_id)


def access_group(user: User, group_id: object) -> ServiceGroup:
    require_recording(user)
    groups = ServiceGroup.objects.filter(service__in=my_services(user))
    return _get(groups.select_related("service__agency"), group_id)


def access_enrolment(user: User, enrolment_id: object) -> Enrolment:
    require_recording(user)
    enrolments = Enrolment.objects.filter(service__in=my_services(user))
    return _get(enrolments.select_related("service__agency", "group"), enrolment_id)


def access_session(user: User, session_id: object) -> Session:
    require_recording(user)
    sessions = Session.objects.filter(service__in=my_services(user))
    return _get(sessions.select_related("service__agency", "group"), session_id)


def active_on(day: date, prefix: str = "") -> Q:
    """Enrolments running on ``day``: enrolled by then and not ended before."""
    return Q(**{f"{prefix}enrolled_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
    )


def active_between(first: date, last: date) -> Q:
    """Enrolments running on at least one day from ``first`` to ``last``."""
    return Q(enrolled_on__lte=last) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=first)
    )


def people_shown(user: User, person_ids: set[int]) -> dict[int, Person]:
    """The people among ``person_ids`` the access module shows this user, with the
    minimal fields only; one query whatever their number."""
    if not person_ids:
        return {}
    people = (
        visible_people(user)
        .filter(pk__in=sorted(person_ids))
        .only("pk", "given_name", "family_name", "sex", "date_of_birth")
    )
    return {p.pk: p for p in people}


@dataclass
class EnrolmentRow:
    enrolment: Enrolment
    # None when the access module no longer shows this person to the user.
    person: Person | None


def rows_for(user: User, enrolments: list[Enrolment]) -> list[EnrolmentRow]:
    shown = people_shown(user, {e.person_id for e in enrolments})
    return [EnrolmentRow(e, shown.get(e.person_id)) for e in enrolments]


# -- "My services" ------------------------------------------------------------


def my_services_page(user: User, request: HttpRequest) -> Page:
    """A page of the user's services, each with its caseload: active enrolments of
    children and of parents, its active groups, its latest sessions."""
    active = Q(enrolments__ended_on__isnull=True)
    services = (
        my_services(user)
        .select_related("agency")
        .annotate(
            children=Count(
                "enrolments",
                filter=active & Q(enrolments__role=ParticipantRole.CHILD),
            ),
            caregivers=Count(
                "enrolments",
                filter=active & Q(enrolments__role=ParticipantRole.CAREGIVER),
            ),
        )
        .prefetch_related(
            Prefetch(
                "groups",
                queryset=ServiceGroup.objects.filter(is_active=True),
                to_attr="active_groups",
            ),
            Prefetch(
                "sessions",
                queryset=Session.objects.select_related("group").order_by(
                    "-held_on", "-pk"
                )[:RECENT_SESSIONS],
                to_attr="recent_sessions",
            ),
        )
        .order_by("-is_active", "name", "pk")
    )
    return paginate(request, services)


# -- a service's caseload -------------------------------------------------------


def caseload(
    *,
    user: User,
    service: Service,
    status: str = "active",
    role: str = "",
    group: ServiceGroup | None = None,
    text: str = "",
) -> QuerySet[Enrolment]:
    """The enrolments of one service, narrowed; a name search looks only among the
    people the user sees, so it cannot reveal anyone else."""
    enrolments = service.enrolments.select_related("group")
    today = timezone.localdate()
    if status == "active":
        enrolments = enrolments.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=today)
        )
    elif status == "ended":
        enrolments = enrolments.filter(ended_on__lt=today)
    if role:
        enrolments = enrolments.filter(role=role)
    if group is not None:
        enrolments = enrolments.filter(group=group)
    if text:
        named = people_named(visible_people(user), text)
        enrolments = enrolments.filter(person__in=named.values("pk"))
    return enrolments.order_by("-enrolled_on", "-pk")


def caseload_searched(
    *,
    user: User,
    service: Service | None,
    filters: list[str],
    count: int,
    request: HttpRequest,
) -> None:
    """A filtered list with names is audited like the people list: which filters,
    never the values typed."""
    where = f"service {service.pk}, " if service is not None else ""
    record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="services.enrolment",
        fields=filters,
        detail=f"{where}{count} results",
        request=request,
    )


def caseload_counts(service: Service) -> dict[str, int]:
    counts = service.enrolments.filter(ended_on__isnull=True).aggregate(
        children=Count("pk", filter=Q(role=ParticipantRole.CHILD)),
        caregivers=Count("pk", filter=Q(role=ParticipantRole.CAREGIVER)),
    )
    return counts


def groups_of(service: Service, *, active_only: bool = True) -> QuerySet[ServiceGroup]:
    groups = service.groups.annotate(
        members=Count("enrolments", filter=Q(enrolments__ended_on__isnull=True))
    )
    return groups.filter(is_active=True) if active_only else groups


def sessions_of(
    service: Service, *, group: ServiceGroup | None = None
) -> QuerySet[Session]:
    sessions = service.sessions.select_related("group").annotate(
        present=Count("attendance", filter=Q(attendance__presence="present")),
        recorded=Count("attendance"),
    )
    if group is not None:
        sessions = sessions.filter(group=group)
    return sessions.order_by("-held_on", "-pk")


def people_to_enrol(user: User, text: str, limit: int = 20) -> list[Person]:
    """People the user sees, by name: whom they may enrol."""
    if not text.strip():
        return []
    people = people_named(
        visible_people(user).filter(merged_into__isnull=True), text
    ).select_related("place")
    return list(people.order_by("family_name", "given_name", "pk")[:limit])


def attendance_of(enrolment: Enrolment, limit: int = 50) -> list[Attendance]:
    return list(
        enrolment.attendance.select_related("session").order_by("-held_on", "-pk")[
            :limit
        ]
    )


def week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)
