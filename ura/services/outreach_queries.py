"""Reads of outreach contacts: a team's contacts are seen by that team only.

The team is the agency: a user records outreach for the agencies where they are a
service provider (a mobile team, or any provider that goes out). Another team's
contact does not exist for them (404). Names and notes are encrypted at rest, so
contacts are found by the team's code and the date, never by name.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest

from ura.access.rules import Permission, agencies_where, may
from ura.accounts.models import Agency, AgencyType, Role, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.places.models import Place, PlaceLevel
from ura.places.queries import places_within
from ura.services.models import OutreachContact


def normalise_code(code: str) -> str:
    """One spelling per code: K-17, k-17 and " k-17 " are the same child."""
    return " ".join((code or "").split()).upper()


def outreach_agencies(user: User) -> QuerySet[Agency]:
    """The teams this user records outreach for; mobile teams first."""
    if not may(user, Permission.RECORD_OUTREACH):
        return Agency.objects.none()
    return agencies_where(user, Role.SERVICE_PROVIDER).order_by(
        Case(
            When(type=AgencyType.MOBILE_TEAM, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "name",
    )


def visible_contacts(user: User) -> QuerySet[OutreachContact]:
    """The contacts of the user's teams. The start of every list."""
    teams = list(outreach_agencies(user).values_list("pk", flat=True))
    if not teams:
        return OutreachContact.objects.none()
    return OutreachContact.objects.filter(agency_id__in=teams)


def access_contact(user: User, contact_id: int | str) -> OutreachContact:
    """A contact of the user's team; 404 for anyone else."""
    try:
        return (
            visible_contacts(user)
            .select_related("agency", "place", "programme", "person", "recorded_by")
            .get(pk=contact_id)
        )
    except (OutreachContact.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def contact_list(
    *,
    user: User,
    code: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    team: Agency | None = None,
) -> QuerySet[OutreachContact]:
    """The team's contacts, newest first, narrowed by code and dates."""
    contacts = visible_contacts(user).select_related("agency", "place", "person")
    if team is not None:
        contacts = contacts.filter(agency=team)
    if code:
        contacts = contacts.filter(code=normalise_code(code))
    if date_from:
        contacts = contacts.filter(contacted_at__date__gte=date_from)
    if date_to:
        contacts = contacts.filter(contacted_at__date__lte=date_to)
    return contacts.order_by("-contacted_at", "-pk")


def contacts_with_code(contact: OutreachContact) -> QuerySet[OutreachContact]:
    """The team's contacts with the same code as this one (itself included)."""
    if not contact.code:
        return OutreachContact.objects.filter(pk=contact.pk)
    return OutreachContact.objects.filter(
        agency_id=contact.agency_id, code=contact.code
    )


def contacts_listed(
    *, user: User, request: HttpRequest | None, filters: list[str], count: int
) -> None:
    """A list of contacts shows the names the team wrote down: each look is
    audited, with which filters were used (a code can point at a child, so not
    its value)."""
    record(
        actor=user,
        action=AuditAction.SEARCH if filters else AuditAction.VIEW,
        object_type="services.outreachcontact",
        fields=filters,
        detail=f"{count} contacts",
        request=request,
    )


def contact_viewed(
    *, user: User, contact: OutreachContact, request: HttpRequest | None
) -> None:
    record(actor=user, action=AuditAction.VIEW, obj=contact, request=request)


def outreach_places(agencies: QuerySet[Agency]) -> QuerySet[Place]:
    """Where the teams work: the places they cover and every settlement in them,
    so the list on a phone is short."""
    covered = list(
        Place.objects.filter(covering_agencies__in=agencies).distinct().order_by("path")
    )
    if not covered:
        return Place.objects.none()
    return Place.objects.filter(
        places_within(covered),
        level__in=[PlaceLevel.MUNICIPALITY, PlaceLevel.SETTLEMENT],
    ).order_by("path")
