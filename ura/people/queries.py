"""Reads of people: always starting from what ``ura.access`` allows."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ura.access.models import GrantLevel
from ura.access.rules import access_person, visible_grants, visible_people
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction, AuditEvent
from ura.people.models import Person


def people_search(
    *, user: User, text: str = "", sex: str = "", place_id: int | None = None
) -> QuerySet[Person]:
    people = visible_people(user).select_related("place")
    for word in text.split()[:4]:
        people = people.filter(
            Q(given_name__icontains=word) | Q(family_name__icontains=word)
        )
    if sex:
        people = people.filter(sex=sex)
    if place_id:
        people = people.filter(place_id=place_id)
    return people.order_by("family_name", "given_name", "id")


def people_search_audited(
    *, user: User, request: HttpRequest | None, filters: dict[str, object], count: int
) -> None:
    # The search terms are names: the log keeps which filters were used, not values.
    record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="people.person",
        fields=[k for k, v in filters.items() if v],
        detail=f"{count} results",
        request=request,
    )


@dataclass(frozen=True)
class PersonCard:
    """What a page or the API may show of one person at the user's level."""

    person: Person
    level: GrantLevel

    @property
    def is_full(self) -> bool:
        return self.level == GrantLevel.FULL

    def as_dict(self, today: date | None = None) -> dict[str, object]:
        p = self.person
        data: dict[str, object] = {
            "id": p.pk,
            "given_name": p.given_name,
            "family_name": p.family_name,
            "sex": p.sex,
            "age": p.age_on(today or timezone.localdate()),
            "municipality": str(p.place) if p.place_id else "",
            "level": str(self.level),
        }
        if self.is_full:
            data.update(
                {
                    "date_of_birth": p.date_of_birth.isoformat()
                    if p.date_of_birth
                    else None,
                    "date_of_birth_estimated": p.date_of_birth_estimated,
                    "place_code": p.place.code,
                    "address": p.address,
                    "phone": p.phone,
                    "version": p.version,
                }
            )
        return data


def person_card(
    *, user: User, person_id: int, request: HttpRequest | None = None
) -> PersonCard:
    """Open one person's record: access check, then the audit event for the look."""
    person, level = access_person(user, person_id)
    record(
        actor=user,
        action=AuditAction.VIEW,
        obj=person,
        detail=f"level {level}",
        request=request,
    )
    return PersonCard(person=person, level=level)


def person_access_history(*, person: Person) -> QuerySet[AuditEvent]:
    """Who looked at or changed this person, newest first."""
    return AuditEvent.objects.filter(
        object_type="people.person", object_id=str(person.pk)
    ).order_by("-seq")


def people_levels(*, user: User) -> dict[int, GrantLevel]:
    """Each visible person's level for this user, in one query (for exports)."""
    levels: dict[int, GrantLevel] = {}
    for person_id, level in visible_grants(user).values_list("person_id", "level"):
        if levels.get(person_id) != GrantLevel.FULL:
            levels[person_id] = GrantLevel(level)
    return levels
