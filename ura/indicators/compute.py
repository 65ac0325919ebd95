"""An indicator's value for a period and a place, computed in the database.

Every value is one or a few aggregate queries (``COUNT(DISTINCT person)``,
``COUNT``); rows never come into Python, only the grouped counts do.

**One place per person.** A child can have records in several places in one period
(a case in one municipality, then, after a move, in another). A count of distinct
persons counts each person in exactly one place per period: the place of their
*latest qualifying record in the period* (the latest by the source's date, the
highest id on the same date), chosen across the whole country before the place is
looked at. So a region's value is exactly the sum of its municipalities' values
(plus records placed at the region itself), and a child who moved is counted once,
where they were last. Counts of records (events) count each record where it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from ura.indicators.equity import EQUITY_GROUPS
from ura.indicators.models import Indicator, IndicatorKind
from ura.indicators.periods import Period
from ura.indicators.sources import DISAGGREGATIONS, PLACE_LEVELS, Source, source_of
from ura.places.models import Place

Number = int | float | None


@dataclass
class IndicatorValue:
    """The value for the place and period; with ``by``, the value of each group
    (the group's code: a sex, an age band, a place's code…; "" when not recorded).

    ``base`` is the count a value rests on (itself for a count, the denominator of
    a share, the records of a median): small-cell suppression looks at it."""

    value: Number
    groups: dict[str, Number] = field(default_factory=dict)
    base: int | None = None
    group_bases: dict[str, int | None] = field(default_factory=dict)


def _counts(total: int, groups: dict[str, Number] | None = None) -> IndicatorValue:
    groups = groups or {}
    return IndicatorValue(total, groups, total, dict(groups))  # type: ignore[arg-type]


def indicator_value(
    indicator: Indicator,
    period: Period,
    place: Place,
    by: str | None = None,
    *,
    among: str | None = None,
) -> IndicatorValue:
    """``among`` is an equity group's key (``ura.indicators.equity``): the value
    among the group's members only."""
    if by is not None and by not in indicator.disaggregations:
        raise ValidationError(
            _("%(code)s cannot be broken down by %(by)s."),
            params={"code": indicator.code, "by": by},
            code="by",
        )
    if indicator.kind == IndicatorKind.SHARE:
        return _share(indicator, period, place, by, among)
    source = source_of(indicator.source)
    if period.type not in source.period_types:
        # The reach summary knows years only: a quarter of it is "no data".
        return IndicatorValue(None)
    records = _counted(indicator, source, period, among)
    if indicator.kind == IndicatorKind.MEDIAN_DURATION:
        return _median(indicator, source, records, period, place, by)
    placed = records.filter(**{f"{source.place}__startswith": place.path})
    counted = (
        Count(source.person, distinct=True)
        if indicator.kind == IndicatorKind.PERSONS
        else Count("pk", distinct=True)  # a breakdown's join must not count twice
    )
    total = placed.aggregate(n=counted)["n"]
    if by is None:
        return _counts(total)
    if by in PLACE_LEVELS:
        rows = placed.values(g=F(source.place)).annotate(n=counted).order_by()
        return _counts(total, _roll_up(rows, by, place))
    expression = DISAGGREGATIONS[by].expression(source, period)
    rows = placed.values(g=expression).annotate(n=counted).order_by()
    return _counts(total, {row["g"] or "": row["n"] for row in rows})


def _counted(
    indicator: Indicator, source: Source, period: Period, among: str | None = None
) -> QuerySet:
    """The records the indicator counts in the period, before any place: for a count
    of persons, only each person's latest qualifying record (module docstring)."""
    qualifying = (
        source.records()
        .filter(source.period_q(period))
        .filter(source.filters_q(indicator.filters))
    )
    if among is not None:
        qualifying = qualifying.filter(EQUITY_GROUPS[among].members(source.person))
    if indicator.kind != IndicatorKind.PERSONS:
        return source.records().filter(pk__in=qualifying.values("pk"))
    latest = (
        qualifying.filter(**{source.person: OuterRef(source.person)})
        .order_by(f"-{source.date}", "-pk")
        .values("pk")[:1]
    )
    chosen = qualifying.filter(pk=Subquery(latest)).values("pk")
    # Grouping starts from the plain records again, so a filter's join (a case's
    # concern) does not narrow a breakdown by another of the case's values.
    return source.records().filter(pk__in=chosen)


def _roll_up(rows: Any, level: str, place: Place) -> dict[str, Number]:
    """Add rows grouped by place path up to the places at ``level`` in ``place``.
    Exact for persons too: each person is in one place path only."""
    targets = list(
        Place.objects.filter(level=level, path__startswith=place.path).values_list(
            "path", "code"
        )
    )
    groups: dict[str, Number] = {code: 0 for _, code in targets}
    for row in rows:
        code = next((c for p, c in targets if (row["g"] or "").startswith(p)), "")
        groups[code] = (groups.get(code) or 0) + row["n"]
    return groups


def _share(
    indicator: Indicator,
    period: Period,
    place: Place,
    by: str | None,
    among: str | None,
) -> IndicatorValue:
    top = indicator_value(indicator.numerator, period, place, by, among=among)
    bottom = indicator_value(indicator.denominator, period, place, by, among=among)
    groups = {
        key: _ratio(top.groups.get(key) or 0, d) for key, d in bottom.groups.items()
    }
    return IndicatorValue(
        _ratio(top.value or 0, bottom.value),
        groups,
        bottom.value,  # type: ignore[arg-type]
        dict(bottom.groups),  # type: ignore[arg-type]
    )


def _ratio(numerator: Number, denominator: Number) -> Number:
    # A denominator of zero is "no data", never an error or infinity.
    if not denominator:
        return None
    return numerator / denominator


def _median(
    indicator: Indicator,
    source: Source,
    records: QuerySet,
    period: Period,
    place: Place,
    by: str | None,
) -> IndicatorValue:
    _label, expression = source.durations[indicator.duration]
    timed = records.annotate(d=expression()).filter(d__isnull=False)
    placed = timed.filter(**{f"{source.place}__startswith": place.path})
    median, n = _median_of(placed)
    value = IndicatorValue(median, base=n)
    if by is None:
        return value
    if by in PLACE_LEVELS:
        for path, code in Place.objects.filter(
            level=by, path__startswith=place.path
        ).values_list("path", "code"):
            median, n = _median_of(
                placed.filter(**{f"{source.place}__startswith": path})
            )
            value.groups[code], value.group_bases[code] = median, n
        return value
    grouped = placed.annotate(g=DISAGGREGATIONS[by].expression(source, period))
    for key in grouped.values_list("g", flat=True).distinct().order_by():
        median, n = _median_of(grouped.filter(g=key))
        value.groups[key or ""], value.group_bases[key or ""] = median, n
    return value


def _median_of(timed: QuerySet) -> tuple[Number, int]:
    """The median of ``d`` in days and the number of records: a count, then the
    middle one or two values, read in order by the database."""
    n = timed.count()
    if not n:
        return None, 0
    middle = list(
        timed.order_by("d", "pk").values_list("d", flat=True)[(n - 1) // 2 : n // 2 + 1]
    )
    return sum(d.total_seconds() for d in middle) / len(middle) / 86400, n
