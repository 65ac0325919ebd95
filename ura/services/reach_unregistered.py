"""Outreach contacts not linked to a person record: they cannot be counted as
distinct people, so the figures report how many contacts there were, each team's
code for a child counted once (docs/reach.md)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import CharField, Count, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from ura.places.models import Place
from ura.services.models import OutreachContact

if TYPE_CHECKING:
    from ura.services.reach import ReachFilters
    from ura.services.reach_scope import ReachScope


def _local_midnight(day) -> datetime:  # noqa: ANN001
    return timezone.make_aware(datetime.combine(day, time.min))


def unregistered_contacts(
    filters: ReachFilters, scope: ReachScope, subtrees: list[Place] | None
) -> int:
    """Read from the records themselves (one query): contacts are few, and a
    contact linked to a person since moves to the figures at the next refresh."""
    if filters.service is not None or subtrees == []:
        return 0
    if scope.service_agencies is not None and not scope.service_agencies:
        return 0
    contacts = OutreachContact.objects.filter(
        person__isnull=True,
        contacted_at__gte=_local_midnight(filters.start),
        contacted_at__lt=_local_midnight(filters.end + timedelta(days=1)),
    )
    if filters.programme is not None:
        contacts = contacts.filter(programme=filters.programme)
    if scope.programmes is not None:
        contacts = contacts.filter(programme_id__in=sorted(scope.programmes))
    if filters.agency is not None:
        contacts = contacts.filter(agency=filters.agency)
    if scope.service_agencies is not None:
        contacts = contacts.filter(agency_id__in=sorted(scope.service_agencies))
    if subtrees is not None:
        where = Q(pk__in=[])
        for place in subtrees:
            where |= Q(place__path__startswith=place.path)
        contacts = contacts.filter(where)
    team_code = Concat(Cast("agency_id", CharField()), Value(":"), "code")
    counts = contacts.aggregate(
        coded=Count(team_code, distinct=True, filter=~Q(code="")),
        uncoded=Count("pk", filter=Q(code="")),
    )
    return counts["coded"] + counts["uncoded"]
