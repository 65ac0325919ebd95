"""``likely_duplicates`` for a batch of rows: the same people compared
(``people_to_compare``), the same threshold and order, with a few queries for the
whole batch instead of a few per row (which were most of an import's time), and stored
people read as plain values, each prepared for the matcher once."""

from __future__ import annotations

from dataclasses import dataclass

from ura.people.duplicates import (
    candidate_from,
    caregiver_names,
    match_threshold,
    people_to_compare,
)
from ura.people.matching import Candidate, score_pair
from ura.people.matching.candidate import Prepared, prepare
from ura.people.matching.score import score_prepared
from ura.people.models import Person

__all__ = ["StoredMatch", "likely_duplicates_many"]

# Keeps each IN list well under every backend's limit on query parameters.
_CHUNK = 5000
_MATCHED_FIELDS = (
    "pk",
    "given_name",
    "family_name",
    "sex",
    "date_of_birth",
    "date_of_birth_estimated",
    "place__code",
)


@dataclass(frozen=True)
class StoredMatch:
    person_id: int
    score: float
    reasons: tuple[str, ...]


def likely_duplicates_many(
    candidates: list[Candidate], *, limit: int = 10
) -> list[list[StoredMatch]]:
    """For each candidate, the people ``likely_duplicates(candidate)`` returns."""
    compared = people_to_compare(candidates)
    stored = _prepared_people({pk for ids in compared for pk in ids})
    threshold = match_threshold()
    results = []
    for candidate, ids in zip(candidates, compared, strict=True):
        prepared = prepare(candidate)
        matches = []
        for pk in ids:
            if pk not in stored:
                continue  # merged into another record
            other, other_prepared = stored[pk]
            score = score_prepared(prepared, other_prepared)
            if score >= threshold:
                reasons = score_pair(candidate, other).reasons
                matches.append(StoredMatch(pk, score, reasons))
        matches.sort(key=lambda m: (-m.score, m.person_id))
        results.append(matches[:limit])
    return results


def _prepared_people(ids: set[int]) -> dict[int, tuple[Candidate, Prepared]]:
    ordered = sorted(ids)
    rows: list[tuple] = []
    for start in range(0, len(ordered), _CHUNK):
        rows += Person.objects.filter(
            pk__in=ordered[start : start + _CHUNK], merged_into__isnull=True
        ).values_list(*_MATCHED_FIELDS)
    carers: dict[int, str] = {}
    for start in range(0, len(rows), _CHUNK):
        carers.update(caregiver_names([row[0] for row in rows[start : start + _CHUNK]]))
    found = {}
    for pk, given, family, sex, born, estimated, place in rows:
        # What candidate_of(person) gives, without building the model instance.
        candidate = candidate_from(
            id=str(pk),
            given_name=given,
            family_name=family,
            sex=sex,
            date_of_birth=born,
            dob_estimated=estimated,
            place=place or "",
            caregiver_name=carers.get(pk, ""),
        )
        found[pk] = (candidate, prepare(candidate))
    return found
