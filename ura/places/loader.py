"""Loads a country's administrative places from the CSV files shipped in data/.

Each file has the columns
``code,parent_code,level,name_en,name_sq,name_sr,name_sr_latn``, parents before
children. Loading is idempotent: a place is found by its code and updated.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import cyrtranslit
from django.db import transaction

from ura.places.models import Place, PlaceLevel

DATA_DIR = Path(__file__).resolve().parent / "data"
COUNTRIES = ("kosovo", "albania", "serbia")
COLUMNS = [
    "code",
    "parent_code",
    "level",
    "name_en",
    "name_sq",
    "name_sr",
    "name_sr_latn",
]


class PlaceFileError(ValueError):
    pass


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != COLUMNS:
            raise PlaceFileError(f"{path.name}: the header must be {','.join(COLUMNS)}")
        rows = []
        for number, row in enumerate(reader, start=2):
            if row["level"] not in PlaceLevel.values:
                raise PlaceFileError(f"{path.name} line {number}: unknown level")
            if not row["code"] or not row["name_en"]:
                raise PlaceFileError(f"{path.name} line {number}: code and name needed")
            rows.append(row)
        return rows


@transaction.atomic
def load_places(country: str) -> LoadResult:
    if country not in COUNTRIES:
        raise PlaceFileError(f"unknown country {country!r}")
    rows = read_rows(DATA_DIR / f"{country}.csv")
    existing = {
        p.code: p for p in Place.objects.filter(code__in=[r["code"] for r in rows])
    }
    by_code: dict[str, Place] = {}
    created = updated = 0
    for row in rows:
        parent = None
        if row["parent_code"]:
            parent = by_code.get(row["parent_code"]) or existing.get(row["parent_code"])
            if parent is None:
                raise PlaceFileError(
                    f"{row['code']}: parent {row['parent_code']} unknown"
                )
        place = existing.get(row["code"]) or Place(code=row["code"])
        is_new = place.pk is None
        place.parent = parent
        place.level = row["level"]
        place.name_en = row["name_en"]
        place.name_sq = row["name_sq"] or row["name_en"]
        place.name_sr = row["name_sr"] or row["name_en"]
        place.name_sr_latn = row["name_sr_latn"] or cyrtranslit.to_latin(
            place.name_sr, "sr"
        )
        place.path = place.build_path()
        place.save()
        by_code[place.code] = place
        created += is_new
        updated += not is_new
    return LoadResult(created=created, updated=updated)
