"""The person-year rows of the reach summary: the days of each kind in a
person's activity rows (served as a child, as an adult, trained, reached
through someone they live with), with their details (docs/reach.md)."""

from __future__ import annotations

from collections.abc import Iterable

from ura.people.models import Person
from ura.services import reach_days as days
from ura.services.reach_build import (
    PERSON_WORDS,
    WORDS,
    Sink,
    chunks,
    insert_rows,
)
from ura.services.reach_models import ReachActivity, ReachCategory, ReachPersonYear

PERSON_COLUMNS = [
    "person_id",
    "year",
    "sex",
    "date_of_birth",
    "community",
    "functional_difficulty",
    "place_id",
    "kinds",
    *[w for p in "cati" for w in PERSON_WORDS[p]],
]
SLOT = {
    ReachCategory.CHILD: 0,
    ReachCategory.ADULT: 1,
    ReachCategory.TRAINED: 2,
    ReachCategory.INDIRECT: 3,
}
KINDS = (
    ReachPersonYear.KIND_CHILD,
    ReachPersonYear.KIND_ADULT,
    ReachPersonYear.KIND_TRAINED,
    ReachPersonYear.KIND_INDIRECT,
)


def _activity_days(people: list[int]) -> dict[int, dict[int, list[int]]]:
    """person -> year -> [child, adult, trained, indirect] day bits."""
    out: dict[int, dict[int, list[int]]] = {}
    rows = ReachActivity.objects.filter(person_id__in=people).values_list(
        "person_id", "year", "category", *WORDS
    )
    for person, year, category, *words in rows:
        bits = out.setdefault(person, {}).setdefault(year, [0, 0, 0, 0])
        bits[SLOT[category]] |= days.join(words)
    return out


def recompute_people(people: Iterable[int], sink: Sink = insert_rows) -> int:
    """Rewrite the person-year rows of these people from their activity rows.
    Returns the number of rows written."""
    rows = []
    everyone = sorted(set(people))
    for batch in chunks(everyone):
        activity = _activity_days(batch)
        details = Person.objects.filter(
            pk__in=batch, merged_into__isnull=True
        ).values_list(
            "pk", "sex", "date_of_birth", "community", "functional_difficulty",
            "place_id",
        )  # fmt: skip
        for pk, *facts in details:
            for year, bits in sorted(activity.get(pk, {}).items()):
                kinds = sum(k for k, b in zip(KINDS, bits, strict=True) if b)
                if kinds:
                    words = [w for b in bits for w in days.split(b)]
                    rows.append((pk, year, *facts, kinds, *words))
        ReachPersonYear.objects.filter(person_id__in=batch).delete()
    sink(ReachPersonYear, PERSON_COLUMNS, rows)
    return len(rows)
