"""The matcher against the database: blocking keys kept per person, the duplicate
check at registration, and name search in any spelling.

The scoring is the same code as ``ura match`` (``ura.people.matching``); this module
only decides which stored people are compared, through the indexed key table.
"""

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.db.models import QuerySet

from ura.people.matching import (
    DEFAULT_THRESHOLD,
    Candidate,
    blocking_keys,
    normalise_name,
    score_pair,
    worth_comparing,
)
from ura.people.matching.batch import SMALL_BLOCK
from ura.people.matching.candidate import prepare
from ura.people.matching.keys import EVERY_PAIR, KINDS
from ura.people.models import HouseholdMember, Person, PersonMatchKey

# At most this many stored people are scored against a new record (the commonest
# names with no date of birth reach it at national scale).
MAX_COMPARED = 300
# Keeps each IN list well under every backend's limit on query parameters.
_CHUNK = 5000


def match_threshold() -> float:
    return float(getattr(settings, "URA_MATCH_THRESHOLD", None) or DEFAULT_THRESHOLD)


def search_name(*, given_name: str, family_name: str, other_names: str = "") -> str:
    """The folded name the people search looks in (any script, no diacritics)."""
    parts = [given_name, family_name, *other_names.split(",")]
    return " ".join(normalise_name(p) for p in parts if p.strip())[:400]


def caregiver_names(person_ids: list[int]) -> dict[int, str]:
    """Each person's current primary caregiver's name, in one query."""
    households = HouseholdMember.objects.filter(
        person_id__in=person_ids, ended_on__isnull=True
    ).values_list("person_id", "household_id")
    by_household: dict[int, list[int]] = {}
    for person_id, household_id in households:
        by_household.setdefault(household_id, []).append(person_id)
    carers = HouseholdMember.objects.filter(
        household_id__in=by_household,
        is_primary_caregiver=True,
        ended_on__isnull=True,
    ).select_related("person")
    names: dict[int, str] = {}
    for carer in carers:
        for person_id in by_household[carer.household_id]:
            if person_id != carer.person_id:
                names[person_id] = carer.person.full_name
    return names


def candidate_from(
    *,
    id: str,
    given_name: str,
    family_name: str,
    sex: str = "",
    date_of_birth: date | None = None,
    dob_estimated: bool = False,
    place: str = "",
    caregiver_name: str = "",
) -> Candidate:
    return Candidate(
        id=id,
        given_name=given_name,
        family_name=family_name,
        sex=sex if sex in ("female", "male") else "",
        date_of_birth=date_of_birth,
        dob_estimated=dob_estimated,
        place=place,
        caregiver_name=caregiver_name,
    )


def candidate_from_data(data: dict) -> Candidate:
    """The candidate for a record not saved yet (a registration form or API body)."""
    place = data.get("place")
    return candidate_from(
        id="new",
        given_name=data.get("given_name", ""),
        family_name=data.get("family_name", ""),
        sex=data.get("sex", ""),
        date_of_birth=data.get("date_of_birth"),
        dob_estimated=bool(data.get("date_of_birth_estimated")),
        place=place.code if place is not None else "",
    )


def candidate_of(person: Person, caregiver_name: str = "") -> Candidate:
    return candidate_from(
        id=str(person.pk),
        given_name=person.given_name,
        family_name=person.family_name,
        sex=person.sex,
        date_of_birth=person.date_of_birth,
        dob_estimated=person.date_of_birth_estimated,
        place=person.place.code if person.place_id else "",
        caregiver_name=caregiver_name,
    )


def match_keys_refresh(person: Person) -> None:
    """Store the person's blocking keys and search name; called in the action's
    transaction whenever a name, date of birth, sex or place changes."""
    caregiver = caregiver_names([person.pk]).get(person.pk, "")
    keys = blocking_keys(candidate_of(person, caregiver))
    PersonMatchKey.objects.filter(person=person).delete()
    PersonMatchKey.objects.bulk_create(
        PersonMatchKey(person=person, key=key) for key in sorted(keys)
    )
    folded = search_name(
        given_name=person.given_name,
        family_name=person.family_name,
        other_names=person.other_names,
    )
    if folded != person.search_name:
        Person.objects.filter(pk=person.pk).update(search_name=folded)
        person.search_name = folded


class _Born(NamedTuple):
    """A stored person's date of birth, as ``worth_comparing`` reads it."""

    dob: date | None
    dob_estimated: bool


def _narrow(key: str) -> bool:
    return KINDS[key[0]][1] == EVERY_PAIR


def _people_of_keys(keys: list[str]) -> dict[str, list[int]]:
    people_of_key: dict[str, list[int]] = {}
    for start in range(0, len(keys), _CHUNK):
        rows = PersonMatchKey.objects.filter(
            key__in=keys[start : start + _CHUNK]
        ).values_list("key", "person_id")
        for key, person_id in rows:
            people_of_key.setdefault(key, []).append(person_id)
    return people_of_key


def _births(ids: list[int]) -> dict[int, _Born]:
    born: dict[int, _Born] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = Person.objects.filter(
            pk__in=ids[start : start + _CHUNK], merged_into__isnull=True
        ).values_list("pk", "date_of_birth", "date_of_birth_estimated")
        born.update((pk, _Born(dob, estimated)) for pk, dob, estimated in rows)
    return born


def people_to_compare(candidates: list[Candidate]) -> list[list[int]]:
    """For each candidate, the ids of the stored people the matcher scores it with.

    Everyone filed under one of its narrow keys (a full date, or both names and a
    birth year: a handful of people each). Of the people under a wide key (a
    common name and a day and month, or no date at all), only those the key is
    there for, as in ``ura match`` (``matching.worth_comparing``): a wide key of a
    common name holds hundreds of people at national scale, nearly all of them
    born years apart from the candidate. Narrow first, then most recent first,
    ``MAX_COMPARED`` at most. Three queries for any number of candidates.
    """
    keys_of = [blocking_keys(c) for c in candidates]
    people_of_key = _people_of_keys(sorted(set().union(*keys_of)))
    wide = sorted(
        {
            pk
            for key, ids in people_of_key.items()
            if not _narrow(key) and len(ids) >= SMALL_BLOCK
            for pk in ids
        }
    )
    born = _births(wide)
    compared = []
    for candidate, keys in zip(candidates, keys_of, strict=True):
        me = prepare(candidate)
        every, some = set(), set()
        for key in keys:
            ids = people_of_key.get(key, ())
            if _narrow(key) or len(ids) < SMALL_BLOCK:
                # A small block is compared in full, as the batch does.
                every.update(ids)
            else:
                some.update(
                    pk
                    for pk in ids
                    if pk in born and worth_comparing(key, me, born[pk])
                )
        ordered = sorted(every, reverse=True) + sorted(some - every, reverse=True)
        compared.append(ordered[:MAX_COMPARED])
    return compared


@dataclass(frozen=True)
class LikelyMatch:
    person: Person
    score: float
    reasons: tuple[str, ...]


def likely_duplicates(
    candidate: Candidate, *, exclude_id: int | None = None, limit: int = 10
) -> list[LikelyMatch]:
    """Stored people the matcher judges to be the same as ``candidate``, best first.

    A handful of index reads: the people sharing a blocking key, then the score.
    """
    ids = people_to_compare([candidate])[0]
    if not ids:
        return []
    people = list(
        Person.objects.filter(pk__in=ids, merged_into__isnull=True)
        .exclude(pk=exclude_id)
        .select_related("place")
    )
    carers = caregiver_names([p.pk for p in people])
    threshold = match_threshold()
    matches = []
    for person in people:
        result = score_pair(candidate, candidate_of(person, carers.get(person.pk, "")))
        if result.score >= threshold:
            matches.append(LikelyMatch(person, result.score, result.reasons))
    matches.sort(key=lambda m: (-m.score, m.person.pk))
    return matches[:limit]


def search_condition_words(text: str) -> list[str]:
    """The folded words of a search, each to be found in ``Person.search_name``."""
    return [w for w in (normalise_name(part) for part in text.split()[:4]) if w]


def people_named(people: QuerySet[Person], text: str) -> QuerySet[Person]:
    for word in search_condition_words(text):
        people = people.filter(search_name__contains=word)
    return people


def match_keys_rebuild(people: QuerySet[Person], *, batch: int = 2000) -> int:
    """Recompute keys and search names for many people (imports, demo data, a
    change of the matcher): bulk writes, batch by batch."""
    done = 0
    ids = list(people.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = list(
            Person.objects.filter(pk__in=ids[start : start + batch]).select_related(
                "place"
            )
        )
        carers = caregiver_names([p.pk for p in chunk])
        PersonMatchKey.objects.filter(person__in=chunk).delete()
        rows = []
        for person in chunk:
            candidate = candidate_of(person, carers.get(person.pk, ""))
            rows.extend(
                PersonMatchKey(person=person, key=k) for k in blocking_keys(candidate)
            )
            person.search_name = search_name(
                given_name=person.given_name,
                family_name=person.family_name,
                other_names=person.other_names,
            )
        PersonMatchKey.objects.bulk_create(rows, batch_size=5000)
        Person.objects.bulk_update(chunk, ["search_name"], batch_size=1000)
        done += len(chunk)
    return done
