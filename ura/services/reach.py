"""The reach figures: distinct people reached in a period, computed in the
database from the reach summary (docs/reach.md defines each figure).

Two ways to count, with the same rules:

* **by person**, when the user may see every service (data officers and
  supervisors, no programme, agency or service chosen): one row per person and
  year (``ReachPersonYear``) says on which days they were served, trained or
  lived with someone served; one GROUP BY over the rows of the period's years
  gives every figure and breakdown at once;
* **by source**, when the figures are limited to programmes, agencies or a
  service: one GROUP BY over the activity rows (``ReachActivity``) of those
  sources, which hold the days they served each person and the days they
  served someone each person lives with.

Counts only leave this module; never a name or a person's id.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import connection

from ura.accounts.models import Agency, User
from ura.core.dates import years_before
from ura.directory.models import Programme, Service
from ura.places.models import Place
from ura.services import reach_cells as cells
from ura.services import reach_days as days
from ura.services.reach_cells import Key, Tables
from ura.services.reach_models import ReachCategory, ReachSource
from ura.services.reach_refresh import Freshness, freshness
from ura.services.reach_scope import ReachScope, reach_scope
from ura.services.reach_unregistered import unregistered_contacts

PERSON_PREFIX = {
    cells.CHILD: "c",
    cells.ADULT: "a",
    cells.TRAINED: "t",
    cells.INDIRECT: "i",
}
AGE_LIMITS = (5, 10, 15, 18)  # the bands of ura.people.forms.AGE_BANDS


@dataclass(frozen=True)
class ReachFilters:
    start: date
    end: date
    place: Place | None = None
    programme: Programme | None = None
    agency: Agency | None = None
    service: Service | None = None

    @property
    def by_source(self) -> bool:
        return bool(self.programme or self.agency or self.service)


@dataclass
class ReachFigures:
    filters: ReachFilters
    tables: Tables
    unregistered: int | None  # outreach contacts not yet registered
    suppressed: bool
    freshness: Freshness
    counted: str  # "by person" or "by source"


def reach_figures(
    *, user: User, filters: ReachFilters, scope: ReachScope | None = None,
    state: Freshness | None = None,
) -> ReachFigures:  # fmt: skip
    """The figures ``user`` may see for ``filters`` (PermissionDenied when the
    filters ask for what the scope does not allow)."""
    scope = scope or reach_scope(user)
    _check(filters, scope)
    people, counted = count_people(filters, scope)
    tables = cells.tables_from(people)
    unregistered = unregistered_contacts(filters, scope, _subtrees(filters, scope))
    if scope.suppress:
        tables = cells.suppress(tables)
        unregistered = cells.hidden_if_small(unregistered)
    return ReachFigures(
        filters, tables, unregistered, scope.suppress, state or freshness(), counted
    )


def _check(filters: ReachFilters, scope: ReachScope) -> None:
    if filters.place is not None and not scope.allows_place(filters.place):
        raise PermissionDenied
    programme = filters.programme
    allowed = scope.programmes
    if programme is not None and allowed is not None and programme.pk not in allowed:
        raise PermissionDenied
    agencies = _allowed_agencies(scope)
    if agencies is not None:
        agency = filters.agency or (filters.service.agency if filters.service else None)
        if agency is not None and agency.pk not in agencies:
            raise PermissionDenied


def _allowed_agencies(scope: ReachScope) -> frozenset[int] | None:
    if scope.service_agencies is None and scope.training_agencies is None:
        return None
    return (scope.service_agencies or frozenset()) | (
        scope.training_agencies or frozenset()
    )


def _subtrees(filters: ReachFilters, scope: ReachScope) -> list[Place] | None:
    """The places whose residents are counted; None: everywhere."""
    if filters.place is not None:
        return [filters.place]
    return None if scope.places is None else list(scope.places)


def count_people(filters: ReachFilters, scope: ReachScope) -> tuple[Counter[Key], str]:
    subtrees = _subtrees(filters, scope)
    if subtrees == []:
        return Counter(), "by person"
    if filters.by_source or scope.by_source:
        return _by_source(filters, scope, subtrees), "by source"
    return _by_person(filters, subtrees), "by person"


# ----------------------------------------------------------------- SQL pieces


def _codes(column: str, values: list[str], other: int) -> str:
    # Literal codes for known enum values (never user input).
    whens = " ".join(f"WHEN '{v}' THEN {k}" for k, v in enumerate(values))
    return f"CASE {column} {whens} ELSE {other} END"


class Decoder:
    """Breakdown values as small integers in SQL (one integer key to group by:
    PostgreSQL then hashes a few hundred groups instead of sorting), and back."""

    def __init__(self, end: date) -> None:
        self.sex = [v for v, _l in cells.sex_values()]
        self.age = [v for v, _l in cells.age_values()]
        self.community = [v for v, _l in cells.community_values()]
        self.disability = [v for v, _l in cells.disability_values()]
        self.limits = [years_before(end, n) for n in AGE_LIMITS]

    def age_band(self, born: date | None) -> str:
        if born is None:
            return cells.AGE_UNKNOWN
        for band, limit in zip(self.age, self.limits, strict=False):
            if born > limit:
                return band
        return self.age[len(self.limits)]

    def values(self, sex: str, born: date | None, community: str, fd: str) -> tuple:
        return (
            sex if sex in self.sex else cells.UNKNOWN,
            self.age_band(born),
            self._community(community),
            fd if fd in self.disability else cells.UNKNOWN,
        )

    def _community(self, value: str) -> str:
        if value in self.community:
            return value
        if value in ("", "declined", None):
            return cells.UNKNOWN
        return "other" if "other" in self.community else cells.UNKNOWN

    def sql(self, alias: str = "") -> tuple[str, str, str, str]:
        p = f"{alias}." if alias else ""
        born = f"{p}date_of_birth"
        bands = " ".join(
            f"WHEN {born} > '{limit.isoformat()}' THEN {k}"
            for k, limit in enumerate(self.limits)
        )
        unknown_age, oldest = len(self.age) - 1, len(self.limits)
        age = f"CASE WHEN {born} IS NULL THEN {unknown_age} {bands} ELSE {oldest} END"
        unknown = self.community.index(cells.UNKNOWN)
        other = self.community.index("other") if "other" in self.community else unknown
        community = (
            f"CASE WHEN {p}community IN ('', 'declined') THEN {unknown} "
            f"ELSE {_codes(f'{p}community', self.community, other)} END"
        )
        return (
            _codes(f"{p}sex", self.sex, self.sex.index(cells.UNKNOWN)),
            age,
            community,
            _codes(f"{p}functional_difficulty", self.disability, 2),
        )

    def key(self, code: int) -> Key:
        bits, code = code % 16, code // 16
        age, code = code % 8, code // 8
        sex, code = code % 4, code // 4
        fd, community = code % 4, code // 4
        return (
            bits, self.sex[sex], self.age[age], self.community[community],
            self.disability[fd],
        )  # fmt: skip


def _place_condition(subtrees: list[Place] | None, column: str) -> tuple[str, list]:
    if subtrees is None:
        return "", []
    likes = " OR ".join(["path LIKE %s"] * len(subtrees))
    return (
        f" AND {column} IN (SELECT id FROM places_place WHERE {likes})",  # noqa: S608
        [f"{p.path}%" for p in subtrees],
    )


def _days_condition(
    prefix: str, start: date, end: date, kind: int | None, year: str = "year"
) -> str:
    """Whether any of the words ``{prefix}0..5`` has a day of the period: per
    year of the period, only the words it touches; a whole year is the row's
    ``kinds`` bit (or true, for activity rows, which exist only with a day)."""
    column, parts = year, []
    for year in days.years_of(start, end):
        bits = days.range_bits(year, start, end)
        if bits == days.year_bits(year):
            test = f"(kinds & {kind}) <> 0" if kind else "1 = 1"
        else:
            words = days.split(bits)
            test = " OR ".join(
                f"({prefix}{k} & {w}) <> 0" for k, w in enumerate(words) if w
            )
        parts.append(f"({column} = {year} AND ({test}))")
    return "(" + " OR ".join(parts) + ")"


# ------------------------------------------------------------------ by person


def _by_person(filters: ReachFilters, subtrees: list[Place] | None) -> Counter[Key]:
    start, end = filters.start, filters.end
    decoder = Decoder(end)
    flags = {
        name: f"CASE WHEN {_days_condition(PERSON_PREFIX[bit], start, end, bit)} "
        "THEN 1 ELSE 0 END"
        for name, bit in (("ch", cells.CHILD), ("ad", cells.ADULT),
                          ("tr", cells.TRAINED), ("ind", cells.INDIRECT))
    }  # fmt: skip
    sex, age, community, fd = decoder.sql()
    where, params = _place_condition(subtrees, "place_id")
    rows = (
        f"SELECT person_id, {flags['ch']} AS ch, {flags['ad']} AS ad, "  # noqa: S608
        f"{flags['tr']} AS tr, {flags['ind']} AS ind, {sex} AS sx, {age} AS ag, "
        f"{community} AS cm, {fd} AS fd FROM services_reachpersonyear "
        f"WHERE year BETWEEN {start.year} AND {end.year}{where}"
    )
    if start.year != end.year:
        # A person has a row in each year: one per person first.
        rows = (
            "SELECT person_id, MAX(ch) AS ch, MAX(ad) AS ad, MAX(tr) AS tr, "  # noqa: S608
            "MAX(ind) AS ind, MAX(sx) AS sx, MAX(ag) AS ag, MAX(cm) AS cm, "
            f"MAX(fd) AS fd FROM ({rows}) r GROUP BY person_id"
        )
    key = (
        "(ch + 2 * ad + 4 * tr + 8 * (CASE WHEN ch + ad = 0 THEN ind ELSE 0 END)"
        " + 16 * ag + 128 * sx + 512 * fd + 2048 * cm)"
    )
    sql = f"SELECT {key} AS k, COUNT(*) FROM ({rows}) t GROUP BY k"  # noqa: S608
    people: Counter[Key] = Counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for code, n in cursor.fetchall():
            if code % 16:  # a row of the year with nothing in the period
                people[decoder.key(code)] += n
    return people


# ------------------------------------------------------------------ by source


def _source_condition(filters: ReachFilters, scope: ReachScope) -> tuple[str, list]:
    parts, params = [], []
    if filters.programme is not None:
        parts.append("r.programme_id = %s")
        params.append(filters.programme.pk)
    if scope.programmes is not None:
        ids = sorted(scope.programmes) or [0]
        parts.append(f"r.programme_id IN ({', '.join(map(str, ids))})")
    if filters.agency is not None:
        parts.append("r.agency_id = %s")
        params.append(filters.agency.pk)
    if filters.service is not None:
        parts.append("r.service_id = %s")
        params.append(filters.service.pk)
    if scope.service_agencies is not None or scope.training_agencies is not None:
        served = sorted(scope.service_agencies or []) or [0]
        trained = sorted(scope.training_agencies or []) or [0]
        parts.append(
            f"((r.source IN ('{ReachSource.ENROLMENT}', '{ReachSource.OUTREACH}') "
            f"AND r.agency_id IN ({', '.join(map(str, served))})) OR "
            f"(r.source = '{ReachSource.TRAINING}' "
            f"AND r.agency_id IN ({', '.join(map(str, trained))})))"
        )
    parts.append(_days_condition("r.w", filters.start, filters.end, None, "r.year"))
    parts.append(f"r.year BETWEEN {filters.start.year} AND {filters.end.year}")
    return " AND ".join(parts), params


def _by_source(
    filters: ReachFilters, scope: ReachScope, subtrees: list[Place] | None
) -> Counter[Key]:
    """One GROUP BY over the activity rows of the sources asked for: each
    person's kinds of days in the period, then their details from the
    person-year row of the last year they appear in."""
    condition, params = _source_condition(filters, scope)
    decoder = Decoder(filters.end)
    sex, age, community, fd = decoder.sql("py")
    where, place_params = _place_condition(subtrees, "py.place_id")
    kinds = ", ".join(
        f"MAX(CASE WHEN r.category = '{category}' THEN 1 ELSE 0 END) AS {name}"
        for name, category in (
            ("ch", ReachCategory.CHILD), ("ad", ReachCategory.ADULT),
            ("tr", ReachCategory.TRAINED), ("ind", ReachCategory.INDIRECT),
        )
    )  # fmt: skip
    people = (
        f"SELECT r.person_id, {kinds}, MAX(r.year) AS y "  # noqa: S608
        f"FROM services_reachactivity r WHERE {condition} GROUP BY r.person_id"
    )
    key = (
        "(t.ch + 2 * t.ad + 4 * t.tr + 8 * (CASE WHEN t.ch + t.ad = 0 THEN t.ind "
        f"ELSE 0 END) + 16 * {age} + 128 * {sex} + 512 * {fd} + 2048 * {community})"
    )
    sql = (
        f"SELECT {key} AS k, COUNT(*) FROM ({people}) t "  # noqa: S608
        "JOIN services_reachpersonyear py ON py.person_id = t.person_id "
        f"AND py.year = t.y WHERE py.year BETWEEN {filters.start.year} "
        f"AND {filters.end.year}{where} GROUP BY k"
    )
    counted: Counter[Key] = Counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *place_params])
        for code, n in cursor.fetchall():
            if code % 16:
                counted[decoder.key(code)] += n
    return counted
