"""Opening and ending grants, called by other parts' actions in their transaction."""

from django.db import transaction
from django.utils import timezone

from ura.access.models import GrantLevel, GrantReason, PersonGrant
from ura.accounts.models import Agency, Team, User
from ura.people.models import Person


def grant_open(
    *,
    actor: User | None,
    person: Person,
    reason: GrantReason,
    user: User | None = None,
    team: Team | None = None,
    agency: Agency | None = None,
    level: GrantLevel = GrantLevel.FULL,
    source: tuple[str, str | int] = ("", ""),
    case_id: int | None = None,
) -> PersonGrant:
    with transaction.atomic():
        grant = PersonGrant(
            person=person,
            user=user,
            team=team,
            agency=agency,
            reason=reason,
            level=level,
            source_type=source[0],
            source_id=str(source[1]),
            case_id=case_id,
            granted_by=actor,
            starts_at=timezone.now(),
        )
        grant.full_clean()
        grant.save(force_insert=True)
    return grant


def grants_end(*, source: tuple[str, str | int]) -> int:
    """End every open grant from ``source``; access ends on the next request."""
    return PersonGrant.objects.filter(
        source_type=source[0], source_id=str(source[1]), ends_at__isnull=True
    ).update(ends_at=timezone.now())


def grants_end_for_case(*, source: tuple[str, str | int], case_id: int) -> int:
    """End the open grants from ``source`` that open one case (a case taken off a
    conference's table, while the conference goes on)."""
    return PersonGrant.objects.filter(
        source_type=source[0],
        source_id=str(source[1]),
        case_id=case_id,
        ends_at__isnull=True,
    ).update(ends_at=timezone.now())


def grants_end_for_case_reason(*, case_id: int, reason: GrantReason) -> int:
    """End every open grant of one kind that opens a case (a closed case's
    conference grants, whichever conference opened them)."""
    return PersonGrant.objects.filter(
        case_id=case_id, reason=reason, ends_at__isnull=True
    ).update(ends_at=timezone.now())
