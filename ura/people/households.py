"""Households: who lives with whom, in which relationship, and who the primary
caregiver is. A person can belong to several households over time: a membership
that ends keeps its dates, so the history stays."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.rules import Permission, full_access_people, may, visible_people
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.people.actions import NotAllowed
from ura.people.duplicates import match_keys_refresh
from ura.people.models import Household, HouseholdMember, Person
from ura.places.models import Place


def _require_edit(actor: User, *people: Person) -> None:
    if not may(actor, Permission.EDIT_PERSON):
        raise NotAllowed
    allowed = set(
        full_access_people(actor)
        .filter(pk__in=[p.pk for p in people])
        .values_list("pk", flat=True)
    )
    if any(p.pk not in allowed for p in people):
        raise NotAllowed


def _refresh_keys_of_household(household: Household) -> None:
    # A child's caregiver name is part of what the matcher compares.
    for member in household.members.filter(ended_on__isnull=True).select_related(
        "person__place"
    ):
        match_keys_refresh(member.person)


def household_create(
    *,
    actor: User,
    person: Person,
    relationship: str,
    is_primary_caregiver: bool,
    place: Place | None = None,
    address: str = "",
    request: HttpRequest | None = None,
) -> Household:
    """A new household around ``person`` (at the person's place by default)."""
    _require_edit(actor, person)
    with transaction.atomic():
        household = Household(place=place or person.place, address=address)
        household.full_clean()
        household.save()
        household_member_add(
            actor=actor,
            household=household,
            person=person,
            relationship=relationship,
            is_primary_caregiver=is_primary_caregiver,
            request=request,
        )
    return household


def household_member_add(
    *,
    actor: User,
    household: Household,
    person: Person,
    relationship: str,
    is_primary_caregiver: bool = False,
    started_on: date | None = None,
    request: HttpRequest | None = None,
) -> HouseholdMember:
    _require_edit(actor, person)
    with transaction.atomic():
        if household.members.filter(person=person, ended_on__isnull=True).exists():
            raise ValidationError(
                {"person": _("This person already lives in this household.")}
            )
        member = HouseholdMember(
            household=household,
            person=person,
            relationship=relationship,
            is_primary_caregiver=is_primary_caregiver,
            started_on=started_on or timezone.localdate(),
        )
        member.full_clean()
        if is_primary_caregiver:
            # One primary caregiver at a time: the new one takes over.
            household.members.filter(
                is_primary_caregiver=True, ended_on__isnull=True
            ).update(is_primary_caregiver=False)
        member.save()
        _refresh_keys_of_household(household)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=person,
            fields=["household"],
            detail=f"joined household {household.pk} as {relationship}",
            request=request,
        )
    return member


def household_member_end(
    *,
    actor: User,
    member: HouseholdMember,
    ended_on: date | None = None,
    request: HttpRequest | None = None,
) -> None:
    """The person left the household; the membership stays, with its end date."""
    _require_edit(actor, member.person)
    ended_on = ended_on or timezone.localdate()
    if member.ended_on is not None:
        raise ValidationError(_("This membership has already ended."))
    if member.started_on and ended_on < member.started_on:
        raise ValidationError(
            {"ended_on": _("The end cannot be before the person joined.")}
        )
    with transaction.atomic():
        member.ended_on = ended_on
        member.is_primary_caregiver = False
        member.save(update_fields=["ended_on", "is_primary_caregiver"])
        _refresh_keys_of_household(member.household)
        match_keys_refresh(member.person)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=member.person,
            fields=["household"],
            detail=f"left household {member.household_id}",
            request=request,
        )


def memberships_of(person: Person) -> QuerySet[HouseholdMember]:
    """The person's households, current first, then the history."""
    return (
        HouseholdMember.objects.filter(person=person)
        .select_related("household__place")
        .order_by("ended_on", "-started_on", "-id")
    )


def members_shown(*, user: User, household: Household) -> tuple[list, int]:
    """The household's current members this user may see, and how many others
    there are (counted, never named)."""
    members = list(
        household.members.filter(ended_on__isnull=True).select_related("person")
    )
    seen = set(
        visible_people(user)
        .filter(pk__in=[m.person_id for m in members])
        .values_list("pk", flat=True)
    )
    shown = [m for m in members if m.person_id in seen]
    return shown, len(members) - len(shown)


def household_of_visible(user: User, household_id: int) -> Household:
    """A household the user may see: one with a member they may see."""
    from django.http import Http404

    household = (
        Household.objects.filter(
            pk=household_id, members__person__in=visible_people(user)
        )
        .select_related("place")
        .distinct()
        .first()
    )
    if household is None:
        raise Http404
    return household


def people_to_add(user: User, household: Household, text: str) -> QuerySet[Person]:
    """People this user may add: seen in full, not already living there."""
    from ura.people.duplicates import people_named

    current = household.members.filter(ended_on__isnull=True).values("person_id")
    people = full_access_people(user).filter(merged_into__isnull=True)
    people = people.exclude(pk__in=current).filter(~Q(pk__in=[]))
    return people_named(people, text).order_by("family_name", "given_name")[:20]
