"""Coverage of home visiting in the first year (docs/home-visiting.md, "Coverage").

For a period and a place: the infants who turned one in the period, and how many
of them received the recommended number of visits in their first year, by
community, poverty, disability and municipality, with the gap between the
prioritised groups and everyone else.

- an infant is an enrolment with a child whose first birthday (the date of birth
  one year on; 29 February's is 28 February) falls in the period; an enrolment
  that ended because the child died or the family moved away before that birthday
  is not counted;
- recommended: the visits of the enrolment's protocol timed by the child's age
  with a target under 365 days;
- received: the enrolment's visits (``Visit``) made from the date of birth to the
  day before the first birthday.

Counts only, never a name: one query grouped by place, community, poverty and
disability, then every table is a sum of those cells, so they add up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from ura.access.rules import (
    AGGREGATE_ROLES,
    Permission,
    may,
    roles_of,
    statistics_places,
)
from ura.accounts.models import User
from ura.people.equity import RAE, Answer
from ura.people.forms import community_choices
from ura.places.models import Place, PlaceLevel
from ura.statistics.queries import SUPPRESSION_THRESHOLD, suppresses_small_cells
from ura.visiting.models import (
    Anchor,
    Enrolment,
    EnrolmentEndReason,
    PriorityReason,
    ProtocolVisit,
    Visit,
)
from ura.visiting.queries import managed_centre_ids

FIRST_YEAR_DAYS = 365
ENDED_CHILD_DIED = EnrolmentEndReason.CHILD_DIED
ENDED_MOVED_AWAY = EnrolmentEndReason.MOVED_AWAY
RAE_LINE = "rae"
UNKNOWN = "unknown"


class PlusOneYear(Func):
    """The same day one year later (29 February gives 28 February)."""

    output_field = DateField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):  # noqa: ANN001, ANN003, ANN201
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(({sql} + INTERVAL '1 year') AS date)", params

    def as_sqlite(self, compiler, connection, **extra):  # noqa: ANN001, ANN003, ANN201
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(CASE WHEN strftime('%%m-%%d', {sql}) = '02-29' "
            f"THEN date({sql}, '+1 year', '-1 day') ELSE date({sql}, '+1 year') END)",
            params * 3,
        )


def plus_one_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def births_turning_one(start: date, end: date) -> tuple[date, date]:
    """The dates of birth whose first birthday is from ``start`` to ``end``: a
    plain range of ``born_on``, so the database estimates it well."""
    first = start.replace(year=start.year - 1, day=min(start.day, 28))
    while plus_one_year(first) < start:
        first += timedelta(days=1)
    last = end.replace(year=end.year - 1, day=min(end.day, 28)) + timedelta(days=3)
    while plus_one_year(last) > end:
        last -= timedelta(days=1)
    return first, last


# --- Who sees what ----------------------------------------------------------


@dataclass(frozen=True)
class CoverageScope:
    # None: no limit of that kind.
    centres: tuple[int, ...] | None = None
    places: tuple[Place, ...] | None = None
    suppress: bool = False


def coverage_scope(user: User) -> CoverageScope:
    """Aggregate roles: the places their agencies cover (partners with small
    cells hidden, as on /statistics/); a centre's manager: the centre's
    families. PermissionDenied otherwise."""
    if not may(user, Permission.VIEW_VISITING_COVERAGE):
        raise PermissionDenied
    if roles_of(user) & AGGREGATE_ROLES:
        places = tuple(statistics_places(user).order_by("path"))
        return CoverageScope(places=places, suppress=suppresses_small_cells(user))
    centres = managed_centre_ids(user)
    if not centres:
        raise PermissionDenied
    return CoverageScope(centres=tuple(centres))


# --- The one query ----------------------------------------------------------


@dataclass(frozen=True)
class CoverageFilters:
    start: date
    end: date
    place: Place | None = None


def _has_reason(code: str) -> Q:
    # The reasons are a JSON list of codes; its text holds each code in quotes
    # on SQLite and PostgreSQL alike.
    return Q(reasons_text__contains=f'"{code}"')


def recommended_by_protocol() -> dict[int, int]:
    rows = (
        ProtocolVisit.objects.filter(anchor=Anchor.BIRTH, target__lt=FIRST_YEAR_DAYS)
        .order_by()
        .values("protocol_id")
        .annotate(n=Count("pk"))
    )
    return {r["protocol_id"]: r["n"] for r in rows}


def _place_condition(places: list[Place]) -> Q:
    """The families living in these places. A country is everything (a
    deployment is one country's): no condition, so the database estimates the
    rows well and joins them by hashing."""
    if any(p.level == PlaceLevel.COUNTRY for p in places):
        return Q()
    paths = [p.path for p in places]
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(place_path__startswith=path)
    return condition


# A cell: (place id, community line, poor, with a disability) -> (infants, met).
CellKey = tuple[int, str, bool, bool]


def first_year_enrolments(born: tuple[date, date] | None = None) -> QuerySet:
    """The enrolments of infants (born in ``born``, both days included), without
    those that ended because the child died or moved away before turning one; with
    ``place_path`` (the household's place, else the centre's), ``received`` (visits
    in the first year) and ``needed`` (the protocol's visits before 365 days) as
    aliases to filter on."""
    recommended = recommended_by_protocol()
    visits = (
        Visit.objects.filter(
            enrolment=OuterRef("pk"),
            visited_on__gte=OuterRef("born_on"),
            visited_on__lt=PlusOneYear(OuterRef("born_on")),
        )
        .order_by()
        .values("enrolment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    enrolments = Enrolment.objects.filter(child__isnull=False, born_on__isnull=False)
    if born is not None:
        enrolments = enrolments.filter(born_on__gte=born[0], born_on__lte=born[1])
    needed = Case(
        *[When(protocol_id=pk, then=Value(n)) for pk, n in recommended.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    return enrolments.exclude(
        end_reason__in=[ENDED_CHILD_DIED, ENDED_MOVED_AWAY],
        ended_on__lt=PlusOneYear(F("born_on")),
    ).alias(
        place_path=Coalesce("household__place__path", "centre__place__path"),
        reasons_text=Cast("priority_reasons", TextField()),
        received=Coalesce(Subquery(visits, output_field=IntegerField()), 0),
        needed=needed,
    )


def coverage_cells(
    *, scope: CoverageScope, filters: CoverageFilters
) -> dict[CellKey, tuple[int, int]]:
    """The infants and those who received the recommended visits, grouped."""
    enrolments = first_year_enrolments(births_turning_one(filters.start, filters.end))
    if scope.centres is not None:
        enrolments = enrolments.filter(centre_id__in=scope.centres)
    if scope.places is not None:
        enrolments = enrolments.filter(_place_condition(list(scope.places)))
    if filters.place is not None:
        enrolments = enrolments.filter(_place_condition([filters.place]))
    rows = (
        enrolments.annotate(
            place_key=Coalesce("household__place_id", "centre__place_id"),
            line=Case(
                When(
                    Q(child__community__in=sorted(RAE))
                    | _has_reason(PriorityReason.RAE_COMMUNITY),
                    then=Value(RAE_LINE),
                ),
                When(
                    child__community__in=["", Answer.UNKNOWN, Answer.DECLINED],
                    then=Value(UNKNOWN),
                ),
                default=F("child__community"),
                output_field=CharField(),
            ),
            poor=Case(
                When(
                    _has_reason(PriorityReason.POVERTY)
                    | Q(caregiver__social_assistance=Answer.YES)
                    | Q(child__social_assistance=Answer.YES),
                    then=Value(1),
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
            disabled=Case(
                When(
                    _has_reason(PriorityReason.DISABILITY)
                    | Q(child__functional_difficulty=Answer.YES),
                    then=Value(1),
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by()
        .values("place_key", "line", "poor", "disabled")
        .annotate(
            infants=Count("pk"),
            met=Count("pk", filter=Q(received__gte=F("needed"))),
        )
    )
    return {
        (r["place_key"], r["line"], bool(r["poor"]), bool(r["disabled"])): (
            r["infants"],
            r["met"],
        )
        for r in rows
    }


# --- From cells to tables ---------------------------------------------------


@dataclass
class Share:
    """Infants, those who received the recommended visits, and the share (%).
    A hidden count or share is None."""

    infants: int | None
    met: int | None
    share: float | None = None


@dataclass
class Line:
    key: str
    label: str
    figures: Share


@dataclass
class Breakdown:
    key: str
    label: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class Gap:
    key: str
    label: str
    group: Share
    rest: Share
    points: float | None  # the group's share minus the rest's


@dataclass
class Coverage:
    filters: CoverageFilters
    total: Share
    gaps: list[Gap]
    breakdowns: list[Breakdown]
    suppressed: bool


def _share(infants: int | None, met: int | None) -> float | None:
    if not infants or met is None:
        return None
    return round(100 * met / infants, 1)


def _community_lines() -> list[tuple[str, str]]:
    lines = [(RAE_LINE, str(_("Roma, Ashkali and Egyptian")))]
    for value, label in community_choices():
        if value in RAE or value == Answer.DECLINED:
            continue
        lines.append((value, str(label)))
    return lines


def _municipalities(place_ids: set[int]) -> dict[int, Place]:
    """Each place's municipality (a settlement's parent; a place above the
    municipalities stands for itself)."""
    places = Place.objects.filter(pk__in=sorted(place_ids)).select_related("parent")
    found = {}
    for place in places:
        if place.level == PlaceLevel.SETTLEMENT and place.parent is not None:
            found[place.pk] = place.parent
        else:
            found[place.pk] = place
    return found


def _sum(cells: dict[CellKey, tuple[int, int]], keep) -> tuple[int, int]:  # noqa: ANN001
    infants = met = 0
    for key, (n, m) in cells.items():
        if keep(key):
            infants += n
            met += m
    return infants, met


GROUPS = [
    (RAE_LINE, _("Roma, Ashkali and Egyptian"), lambda k: k[1] == RAE_LINE),
    ("poverty", _("Poverty"), lambda k: k[2]),
    ("disability", _("Disability"), lambda k: k[3]),
    (
        "any",
        _("Any of these three"),
        lambda k: k[1] == RAE_LINE or k[2] or k[3],
    ),
]


def coverage_report(*, scope: CoverageScope, filters: CoverageFilters) -> Coverage:
    cells = coverage_cells(scope=scope, filters=filters)
    total = _sum(cells, lambda k: True)
    municipalities = _municipalities({k[0] for k in cells})
    place_cells: dict[tuple[str, str], list[int]] = {}
    for key, (n, m) in cells.items():
        place = municipalities.get(key[0])
        where = (place.code, place.name) if place else (UNKNOWN, str(_("Unknown")))
        counts = place_cells.setdefault(where, [0, 0])
        counts[0] += n
        counts[1] += m
    raw: list[tuple[str, str, list[tuple[str, str, tuple[int, int]]]]] = [
        (
            "community",
            str(_("By community")),
            [
                (value, label, _sum(cells, lambda k, v=value: k[1] == v))
                for value, label in _community_lines()
            ],
        ),
        (
            "poverty",
            str(_("By poverty")),
            [
                ("yes", str(_("Poor families")), _sum(cells, lambda k: k[2])),
                ("no", str(_("Other families")), _sum(cells, lambda k: not k[2])),
            ],
        ),
        (
            "disability",
            str(_("By disability")),
            [
                ("yes", str(_("With a disability")), _sum(cells, lambda k: k[3])),
                ("no", str(_("Without")), _sum(cells, lambda k: not k[3])),
            ],
        ),
        (
            "place",
            str(_("By municipality")),
            [
                (code, name, (n, m))
                for (code, name), (n, m) in sorted(
                    place_cells.items(), key=lambda x: x[0][1]
                )
            ],
        ),
    ]
    gaps_raw = [
        (key, str(label), _sum(cells, keep), _sum(cells, lambda k, f=keep: not f(k)))
        for key, label, keep in GROUPS
    ]
    if scope.suppress:
        return _suppressed(filters, total, gaps_raw, raw)
    return Coverage(
        filters=filters,
        total=Share(*total, _share(*total)),
        gaps=[
            _gap(key, label, Share(*g, _share(*g)), Share(*r, _share(*r)))
            for key, label, g, r in gaps_raw
        ],
        breakdowns=[
            Breakdown(
                key,
                label,
                [Line(v, lab, Share(*c, _share(*c))) for v, lab, c in lines],
            )
            for key, label, lines in raw
        ],
        suppressed=False,
    )


def _gap(key: str, label: str, group: Share, rest: Share) -> Gap:
    points = None
    if group.share is not None and rest.share is not None:
        points = round(group.share - rest.share, 1)
    return Gap(key, label, group, rest, points)


# --- Small cells, for partners ----------------------------------------------


def _small(n: int) -> bool:
    return 0 < n < SUPPRESSION_THRESHOLD


def _hidden(figures: tuple[int, int]) -> list[list[int | None]]:
    """[infants], [met] as boxes: a count of 1 to 4 hidden; the number who
    received the visits also when the number who did not is 1 to 4."""
    infants, met = figures
    return [
        [None if _small(infants) else infants],
        [None if _small(met) or _small(infants - met) else met],
    ]


def _hide_one_more(column: list[list[int | None]], margin: list[int | None]) -> bool:
    """Cells adding up to ``margin``: when exactly one is hidden and the margin
    shown, hide the smallest other non-zero cell too (ura.statistics' rule)."""
    hidden = [c for c in column if c[0] is None]
    if len(hidden) != 1 or margin[0] is None:
        return False
    shown = [c for c in column if c[0]]
    (min(shown, key=lambda c: c[0]) if shown else margin)[0] = None
    return True


def _boxed_share(boxes: list[list[int | None]]) -> Share:
    infants, met = boxes[0][0], boxes[1][0]
    return Share(infants, met, _share(infants, met) if infants is not None else None)


def _suppressed(filters, total, gaps_raw, raw) -> Coverage:  # noqa: ANN001
    top = _hidden(total)
    grids = [[_hidden(c) for _v, _l, c in lines] for _k, _l, lines in raw]
    pairs = [(_hidden(g), _hidden(r)) for _k, _l, g, r in gaps_raw]
    changed = True
    while changed:
        changed = False
        for grid in [*grids, *[list(p) for p in pairs]]:
            for figure in (0, 1):
                changed |= _hide_one_more([row[figure] for row in grid], top[figure])
    return Coverage(
        filters=filters,
        total=_boxed_share(top),
        gaps=[
            _gap(key, label, _boxed_share(g), _boxed_share(r))
            for (key, label, _g, _r), (g, r) in zip(gaps_raw, pairs, strict=True)
        ],
        breakdowns=[
            Breakdown(
                key,
                label,
                [
                    Line(v, lab, _boxed_share(boxes))
                    for (v, lab, _c), boxes in zip(lines, grid, strict=True)
                ],
            )
            for (key, label, lines), grid in zip(raw, grids, strict=True)
        ],
        suppressed=True,
    )
