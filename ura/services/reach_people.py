"""The person-year rows of the reach summary: a person's own days (from the
activity rows) and the days on which someone in their household was served while
they lived together, with their details (docs/reach.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from ura.people.models import Person
from ura.services import reach_days as days
from ura.services.reach_build import (
    PERSON_WORDS,
    WORDS,
    Sink,
    chunks,
    household_members,
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
KIND_OF = {"c": 1, "a": 2, "t": 4, "i": 8}


def _activity_days(people: set[int]) -> dict[int, dict[int, list[int]]]:
    """person -> year -> [child, adult, trained] day bits, from the activity rows."""
    slot = {ReachCategory.CHILD: 0, ReachCategory.ADULT: 1, ReachCategory.TRAINED: 2}
    out: dict[int, dict[int, list[int]]] = defaultdict(dict)
    for batch in chunks(sorted(people)):
        rows = ReachActivity.objects.filter(person_id__in=batch).values_list(
            "person_id", "year", "category", *WORDS
        )
        for person, year, category, *words in rows:
            bits = out[person].setdefault(year, [0, 0, 0])
            bits[slot[category]] |= days.join(words)
    return out


def _indirect_days(
    people: set[int],
    members: list[tuple[int, int, date, date]],
    activity: dict[int, dict[int, list[int]]],
) -> dict[int, dict[int, int]]:
    """For each of ``people``: the days on which another member of a household
    they lived in was served (child or adult), while both lived there."""
    by_household: dict[int, list[tuple[int, date, date]]] = defaultdict(list)
    for household, person, start, end in members:
        by_household[household].append((person, start, end))
    out: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for household in by_household.values():
        for y, y_from, y_until in household:
            if y not in people:
                continue
            for x, x_from, x_until in household:
                low, high = max(y_from, x_from), min(y_until, x_until)
                if x == y or low > high:
                    continue
                for year, (child, adult, _trained) in activity.get(x, {}).items():
                    if low.year <= year <= high.year:
                        served = (child | adult) & days.range_bits(year, low, high)
                        if served:
                            out[y][year] |= served
    return out


def recompute_people(people: Iterable[int], sink: Sink = insert_rows) -> int:
    """Rewrite the person-year rows of these people: their own days from the
    activity rows, the days their households were served, and their details.
    Returns the number of rows written."""
    people = set(people)
    members = household_members(people)
    everyone = people | {m[1] for m in members}
    activity = _activity_days(everyone)
    indirect = _indirect_days(people, members, activity)
    rows = []
    for batch in chunks(sorted(people)):
        details = Person.objects.filter(
            pk__in=batch, merged_into__isnull=True
        ).values_list(
            "pk", "sex", "date_of_birth", "community", "functional_difficulty",
            "place_id",
        )  # fmt: skip
        for pk, *facts in details:
            own = activity.get(pk, {})
            theirs = indirect.get(pk, {})
            for year in sorted(set(own) | set(theirs)):
                child, adult, trained = own.get(year, (0, 0, 0))
                bits = {"c": child, "a": adult, "t": trained, "i": theirs.get(year, 0)}
                kinds = sum(KIND_OF[k] for k, v in bits.items() if v)
                if not kinds:
                    continue
                words = [w for k in "cati" for w in days.split(bits[k])]
                rows.append((pk, year, *facts, kinds, *words))
    for batch in chunks(sorted(people)):
        ReachPersonYear.objects.filter(person_id__in=batch).delete()
    sink(ReachPersonYear, PERSON_COLUMNS, rows)
    return len(rows)
