"""Aggregate figures: counts only, computed in the database, never a name."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from ura.access.rules import roles_of, statistics_people, statistics_places
from ura.accounts.models import Role, User
from ura.core.dates import years_before
from ura.people.models import Sex

SUPPRESSION_THRESHOLD = 5


@dataclass
class PlaceRow:
    code: str
    name: str
    cells: dict[str, int | None] = field(default_factory=dict)


def suppresses_small_cells(user: User) -> bool:
    # Partners see results of what they fund, never a cell that could point at a child.
    return Role.PARTNER in roles_of(user) and Role.DATA_OFFICER not in roles_of(user)


def suppress_small_cells(cells: dict[str, int | None]) -> dict[str, int | None]:
    """Hide counts of 1 to 4, and the partner cell that would give a hidden one back
    by subtraction from the total (girls + boys, children + adults)."""
    out: dict[str, int | None] = {
        k: (v if v == 0 or (v or 0) >= SUPPRESSION_THRESHOLD else None)
        for k, v in cells.items()
    }
    for pair in (("girls", "boys"), ("children", "adults")):
        if any(out[k] is None for k in pair):
            for k in pair:
                out[k] = None
    return out


def people_by_place(*, user: User, today: date | None = None) -> list[PlaceRow]:
    """Registered children and adults per municipality, by sex."""
    today = today or timezone.localdate()
    adult_born_before = years_before(today, 18)
    child = Q(date_of_birth__gt=adult_born_before)
    rows = (
        statistics_people(user)
        .values("place__code", "place__name_en")
        .annotate(
            children=Count("id", filter=child),
            girls=Count("id", filter=child & Q(sex=Sex.FEMALE)),
            boys=Count("id", filter=child & Q(sex=Sex.MALE)),
            adults=Count("id", filter=~child),
            total=Count("id"),
        )
        .order_by("place__code")
    )
    names = {p.code: p.name for p in _places_named(user)}
    suppress = suppresses_small_cells(user)
    result = []
    for row in rows:
        cells = {k: row[k] for k in ("children", "girls", "boys", "adults", "total")}
        if suppress:
            cells = suppress_small_cells(cells)
        code = row["place__code"]
        result.append(PlaceRow(code, names.get(code, row["place__name_en"]), cells))
    return result


def _places_named(user: User):  # noqa: ANN202
    from ura.places.models import Place

    paths = [p.path for p in statistics_places(user)]
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    return Place.objects.filter(condition)
