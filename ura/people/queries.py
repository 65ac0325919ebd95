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
from ura.core.dates import years_before
from ura.people.duplicates import people_named
from ura.people.equity import EQUITY_FIELDS
from ura.people.models import Person


def _age_band(band: str, today: date) -> Q:
    """Born in the window that gives an age in the band today."""
    low, _dash, high = band.partition("-")
    if band.endswith("+"):
        return Q(date_of_birth__lte=years_before(today, int(band[:-1])))
    youngest = years_before(today, int(low))
    oldest = years_before(today, int(high) + 1)
    return Q(date_of_birth__lte=youngest, date_of_birth__gt=oldest)


# Filters that match a field exactly: sex and every equity fact.
FILTER_FIELDS = ("sex", *EQUITY_FIELDS)


def people_search(
    *, user: User, text: str = "", filters: dict | None = None
) -> QuerySet[Person]:
    """The people this user may see, narrowed by name and filters.

    ``filters`` holds field values (sex, any equity fact), ``age_band`` ("5-9",
    "18+") and ``place`` (a municipality: everyone living in or under it).
    """
    filters = filters or {}
    people = (
        visible_people(user).filter(merged_into__isnull=True).select_related("place")
    )
    # In any spelling the matcher folds: script, diacritics, case.
    people = people_named(people, text)
    exact = {k: v for k, v in filters.items() if k in FILTER_FIELDS and v}
    if exact:
        people = people.filter(**exact)
    if filters.get("age_band"):
        people = people.filter(_age_band(filters["age_band"], timezone.localdate()))
    if filters.get("place"):
        people = people.filter(place__path__startswith=filters["place"].path)
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

    @property
    def equity_facts(self) -> list[tuple[str, str]]:
        """(label, answer) for each equity fact, for the full record only."""
        if not self.is_full:
            return []
        p = self.person
        return [
            (
                str(Person._meta.get_field(name).verbose_name).capitalize(),
                str(getattr(p, f"get_{name}_display")()),
            )
            for name in EQUITY_FIELDS
        ]

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
                    "other_names": p.other_names,
                    "personal_number": p.personal_number,
                    "languages": p.languages,
                    **{name: getattr(p, name) for name in EQUITY_FIELDS},
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
