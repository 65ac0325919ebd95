"""A synthetic population of Albanian, Serbian and Roma people, with known duplicates.

Households (a mother and one to five children; a few twins) of Albanian, Serbian
(Latin or Cyrillic) and Roma families, spread over place codes of Kosovo, Serbia
and Albania. Some people are registered again, and each re-registration carries
the errors the field sees: typos, diacritics dropped, the other script or the
other language's orthography (an Albanian name written the Serbian way, a
Serbian one in Cyrillic), given and family name swapped, a date of birth with
day and month swapped, a year off, a typo, estimated or missing, a move, a
missing sex or caregiver, a nickname or a second given name.

    .venv/bin/python -m benchmarks.matching.synthetic --records 20000 --seed 1 \\
        --out var/matching/synthetic.csv --truth var/matching/synthetic-truth.csv

writes the people in the ``ura match`` CSV format (plus ``dob_estimated``) and the
truth as ``id,entity``. Every name is drawn from lists of common names; no
record is a real person.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

import cyrtranslit

from benchmarks.matching import names
from benchmarks.matching.spelling import (
    to_albanian,
    to_serbian,
    typo,
    without_diacritics,
)

ORIGINS = ("sq", "sr", "rom")
ORIGIN_WEIGHTS = (0.6, 0.3, 0.1)
# Where each origin lives: (country prefix, share).
HOMES = {
    "sq": (("XK", 0.7), ("AL", 0.3)),
    "sr": (("XK", 0.25), ("RS", 0.75)),
    "rom": (("XK", 0.6), ("RS", 0.4)),
}
PLACES = {"XK": 38, "RS": 30, "AL": 20}
DUPLICATED = (1, 2, 3)
DUPLICATED_WEIGHTS = (0.7, 0.22, 0.08)
ERRORS_PER_DUPLICATE = (0, 1, 2, 3, 4)
ERRORS_WEIGHTS = (0.1, 0.45, 0.3, 0.12, 0.03)
TODAY = date(2026, 1, 1)
# Zipf exponents of name frequencies, chosen so that the commonest family name
# holds about 5% of its group (Krasniqi's share in Kosovo is of that order) and
# the commonest given name about 5% of its group and sex.
GIVEN_EXPONENT = 0.5
FAMILY_EXPONENT = 0.7


@dataclass(frozen=True, slots=True)
class Record:
    entity: int
    given: str
    family: str
    sex: str
    dob: date | None
    estimated: bool
    place: str
    caregiver: str
    origin: str


def _zipf(items: list[str], exponent: float = 1.0) -> tuple[list[str], list[float]]:
    unique = list(dict.fromkeys(items))
    weights = [1 / (rank + 1) ** exponent for rank in range(len(unique))]
    return unique, list(accumulate(weights))


class Population:
    """Draws households and re-registrations from a seeded random generator."""

    def __init__(self, seed: int, duplicate_share: float) -> None:
        self.rng = random.Random(seed)
        self.duplicate_share = duplicate_share
        self.pools = {
            ("sq", "male"): _zipf(names.ALBANIAN_MALE, GIVEN_EXPONENT),
            ("sq", "female"): _zipf(names.ALBANIAN_FEMALE, GIVEN_EXPONENT),
            ("sr", "male"): _zipf(names.SERBIAN_MALE, GIVEN_EXPONENT),
            ("sr", "female"): _zipf(names.SERBIAN_FEMALE, GIVEN_EXPONENT),
            ("rom", "male"): _zipf(names.ROMA_MALE, GIVEN_EXPONENT),
            ("rom", "female"): _zipf(names.ROMA_FEMALE, GIVEN_EXPONENT),
            ("sq", "family"): _zipf(
                _family_tail(names.ALBANIAN_FAMILY, "sq"), FAMILY_EXPONENT
            ),
            ("sr", "family"): _zipf(
                _family_tail(names.SERBIAN_FAMILY, "sr"), FAMILY_EXPONENT
            ),
            ("rom", "family"): _zipf(names.ROMA_FAMILY, FAMILY_EXPONENT),
        }
        self.places = {
            prefix: _zipf([f"{prefix}{i:02d}" for i in range(1, count + 1)], 0.8)
            for prefix, count in PLACES.items()
        }
        self.next_entity = 0

    def pick(self, pool: tuple[list[str], list[float]]) -> str:
        items, cumulative = pool
        return self.rng.choices(items, cum_weights=cumulative)[0]

    def place(self, origin: str) -> str:
        homes = HOMES[origin]
        prefix = self.rng.choices([h[0] for h in homes], [h[1] for h in homes])[0]
        return self.pick(self.places[prefix])

    def _person(self, **fields: object) -> Record:
        self.next_entity += 1
        rng = self.rng
        record = Record(entity=self.next_entity, **fields)  # type: ignore[arg-type]
        if rng.random() < 0.04:
            record = replace(record, dob=None)
        elif rng.random() < 0.05 and record.dob is not None:
            record = replace(
                record, dob=date(record.dob.year, rng.choice((1, 7)), 1), estimated=True
            )
        if rng.random() < 0.02:
            record = replace(record, sex="")
        if rng.random() < 0.03:
            record = replace(record, place="")
        return record

    def household(self) -> list[Record]:
        rng = self.rng
        origin = rng.choices(ORIGINS, ORIGIN_WEIGHTS)[0]
        cyrillic = origin == "sr" and rng.random() < 0.35
        family = self.pick(self.pools[(origin, "family")])
        place = self.place(origin)
        mother = self.pick(self.pools[(origin, "female")])
        mother_born = date(1975, 1, 1) + timedelta(days=rng.randrange(25 * 365))

        def written(text: str) -> str:
            return cyrtranslit.to_cyrillic(text, "sr") if cyrillic else text

        people = []
        if rng.random() < 0.5:
            people.append(
                self._person(
                    given=written(mother),
                    family=written(family),
                    sex="female",
                    dob=mother_born,
                    estimated=False,
                    place=place,
                    caregiver="",
                    origin=origin,
                )
            )
        first_birth = max(mother_born + timedelta(days=18 * 365), date(2006, 1, 1))
        span = max(1, (TODAY - first_birth).days)
        used = {mother}
        born = first_birth + timedelta(rng.randrange(span))
        children = rng.choices((1, 2, 3, 4, 5), (0.3, 0.3, 0.2, 0.12, 0.08))[0]
        for child in range(children):
            if child and rng.random() >= 0.04:  # a twin shares the date of birth
                # Siblings are born ten months to four years apart.
                born += timedelta(rng.randrange(300, 1500))
            if born >= TODAY:
                break
            sex = rng.choice(("female", "male"))
            given = self.pick(self.pools[(origin, sex)])
            while given in used:
                given = self.pick(self.pools[(origin, sex)])
            used.add(given)
            caregiver = "" if rng.random() < 0.15 else f"{mother} {family}"
            people.append(
                self._person(
                    given=written(given),
                    family=written(family),
                    sex=sex,
                    dob=born,
                    estimated=False,
                    place=place,
                    caregiver=written(caregiver),
                    origin=origin,
                )
            )
        return people

    def registrations(self, record: Record) -> list[Record]:
        """The record and, for some people, its later re-registrations."""
        found = [record]
        if self.rng.random() >= self.duplicate_share:
            return found
        for _ in range(self.rng.choices(DUPLICATED, DUPLICATED_WEIGHTS)[0]):
            copy = record
            errors = self.rng.choices(ERRORS_PER_DUPLICATE, ERRORS_WEIGHTS)[0]
            for error in self.rng.choices(
                list(ERRORS), list(ERRORS.values()), k=errors
            ):
                copy = ERROR_FUNCTIONS[error](self, copy)
            found.append(copy)
        return found


def _family_tail(head: list[str], origin: str) -> list[str]:
    # The long tail of family names: patronymics grown from given names.
    if origin == "sr":
        roots = names.SERBIAN_MALE
        tail = [
            (r[:-1] if r[-1] in "aeiou" else r) + s
            for r in roots
            for s in names.SERBIAN_SUFFIXES
        ]
    else:
        roots = names.ALBANIAN_MALE
        tail = [r + s for r in roots for s in names.ALBANIAN_SUFFIXES]
    return head + tail


def _names(function: Callable[[str], str]) -> Callable[[Population, Record], Record]:
    def apply(population: Population, record: Record) -> Record:
        return replace(
            record,
            given=function(record.given),
            family=function(record.family),
            caregiver=function(record.caregiver),
        )

    return apply


def _other_writing(population: Population, record: Record) -> Record:
    rng = population.rng
    latin = cyrtranslit.to_latin
    if record.origin == "sq" or (record.origin == "rom" and rng.random() < 0.5):
        # An Albanian name registered by a Serbian-language office.
        cyrillic = rng.random() < 0.4

        def write(text: str) -> str:
            serbian = to_serbian(text)
            return cyrtranslit.to_cyrillic(serbian, "sr") if cyrillic else serbian

        return _names(write)(population, record)
    if any("\u0400" <= ch <= "\u04ff" for ch in record.given + record.family):
        return _names(lambda text: latin(text, "sr"))(population, record)
    if rng.random() < 0.7:
        return _names(lambda text: cyrtranslit.to_cyrillic(text, "sr"))(
            population, record
        )
    return _names(lambda text: to_albanian(latin(text, "sr")))(population, record)


def _dob(change: Callable[[date, random.Random], date | None]):  # noqa: ANN202
    def apply(population: Population, record: Record) -> Record:
        if record.dob is None:
            return record
        return replace(record, dob=change(record.dob, population.rng))

    return apply


def _swap_day_month(dob: date, rng: random.Random) -> date:
    if dob.day > 12 or dob.day == dob.month:
        return dob
    return date(dob.year, dob.day, dob.month)


def _year_off(dob: date, rng: random.Random) -> date:
    year = dob.year + rng.choice((-1, 1))
    return dob.replace(year=year, day=min(dob.day, 28))


def _date_typo(dob: date, rng: random.Random) -> date:
    day = dob.day + rng.choice((-10, -1, 1, 10))
    return dob.replace(day=day) if 1 <= day <= 28 else dob.replace(day=dob.day // 2 + 1)


def _estimated(population: Population, record: Record) -> Record:
    if record.dob is None:
        return record
    year = record.dob.year + population.rng.choice((-1, 0, 0, 1))
    return replace(record, dob=date(year, 7, 1), estimated=True)


def _moved(population: Population, record: Record) -> Record:
    return replace(record, place=population.place(record.origin))


def _swap(population: Population, record: Record) -> Record:
    return replace(record, given=record.family, family=record.given)


def _second_given(population: Population, record: Record) -> Record:
    words = record.given.split()
    if len(words) > 1:
        return replace(record, given=words[0])
    other = population.pick(population.pools[(record.origin, record.sex or "female")])
    return replace(record, given=f"{record.given} {other}")


def _nickname(population: Population, record: Record) -> Record:
    latin = cyrtranslit.to_latin(record.given, "sr")
    return replace(record, given=names.NICKNAMES.get(latin, record.given))


def _caregiver_variant(population: Population, record: Record) -> Record:
    if not record.caregiver:
        return record
    return replace(record, caregiver=typo(record.caregiver, population.rng))


def _spacing(population: Population, record: Record) -> Record:
    return replace(record, given=record.given.upper(), family=f" {record.family}  ")


ERROR_FUNCTIONS: dict[str, Callable[[Population, Record], Record]] = {
    "typo_given": lambda p, r: replace(r, given=typo(r.given, p.rng)),
    "typo_family": lambda p, r: replace(r, family=typo(r.family, p.rng)),
    "no_diacritics": lambda p, r: _names(lambda t: without_diacritics(t, p.rng))(p, r),
    "other_writing": _other_writing,
    "swap_names": _swap,
    "dob_day_month": _dob(_swap_day_month),
    "dob_year_off": _dob(_year_off),
    "dob_typo": _dob(_date_typo),
    "dob_estimated": _estimated,
    "dob_missing": lambda p, r: replace(r, dob=None, estimated=False),
    "sex_missing": lambda p, r: replace(r, sex=""),
    "place_missing": lambda p, r: replace(r, place=""),
    "moved": _moved,
    "caregiver_missing": lambda p, r: replace(r, caregiver=""),
    "caregiver_variant": _caregiver_variant,
    "second_given": _second_given,
    "nickname": _nickname,
    "spacing": _spacing,
}
# How often each error is drawn, relative to the others.
ERRORS = {
    "typo_given": 10,
    "typo_family": 10,
    "no_diacritics": 12,
    "other_writing": 12,
    "swap_names": 6,
    "dob_day_month": 5,
    "dob_year_off": 6,
    "dob_typo": 5,
    "dob_estimated": 4,
    "dob_missing": 4,
    "sex_missing": 3,
    "place_missing": 4,
    "moved": 5,
    "caregiver_missing": 5,
    "caregiver_variant": 4,
    "second_given": 2,
    "nickname": 2,
    "spacing": 3,
}


def generate(records: int, *, seed: int, duplicate_share: float = 0.2) -> list[Record]:
    """``records`` records, shuffled; re-registrations share their ``entity``."""
    population = Population(seed, duplicate_share)
    found: list[Record] = []
    while len(found) < records:
        for person in population.household():
            found.extend(population.registrations(person))
    del found[records:]
    population.rng.shuffle(found)
    return found


def write(records: list[Record], people: Path, truth: Path) -> None:
    people.parent.mkdir(parents=True, exist_ok=True)
    with (
        people.open("w", encoding="utf-8", newline="") as out,
        truth.open("w", encoding="utf-8", newline="") as out_truth,
    ):
        rows = csv.writer(out, lineterminator="\n")
        truths = csv.writer(out_truth, lineterminator="\n")
        rows.writerow(
            (
                "id",
                "given_name",
                "family_name",
                "sex",
                "date_of_birth",
                "place",
                "caregiver_name",
                "dob_estimated",
            )
        )
        truths.writerow(("id", "entity"))
        for number, r in enumerate(records):
            id_ = f"p{number:07d}"
            dob = r.dob.isoformat() if r.dob else ""
            estimated = "1" if r.estimated else ""
            rows.writerow(
                (id_, r.given, r.family, r.sex, dob, r.place, r.caregiver, estimated)
            )
            truths.writerow((id_, r.entity))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duplicates", type=float, default=0.2)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    args = parser.parse_args()
    records = generate(args.records, seed=args.seed, duplicate_share=args.duplicates)
    write(records, args.out, args.truth)
    print(f"wrote {len(records)} records to {args.out}, truth to {args.truth}")


if __name__ == "__main__":
    main()
