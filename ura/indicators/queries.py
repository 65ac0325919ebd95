"""Reading indicators and their values; values only for places in the user's
statistics scope (``ura.access.rules.statistics_places``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ura.access.rules import statistics_places
from ura.accounts.models import User
from ura.directory.models import Programme
from ura.indicators.compute import IndicatorValue, Number, indicator_value
from ura.indicators.models import Indicator
from ura.indicators.periods import Period
from ura.indicators.sources import DISAGGREGATIONS, PLACE_LEVELS
from ura.indicators.suppression import Shown, shown_as_is, suppressed
from ura.places.models import Place
from ura.statistics.queries import suppresses_small_cells

# How a value is computed: ``indicator_value``, or a cached read of it.
Compute = Callable[[Indicator, Period, Place, "str | None"], IndicatorValue]


class OutOfScope(Exception):
    """The place is not one whose figures the user may see (the view answers 403)."""


def indicators_all() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("numerator", "denominator")


def indicator_by_code(code: str) -> Indicator:
    return indicators_all().get(code=code)


def may_see_place(user: User, place: Place) -> bool:
    """Whether ``place`` lies within a place the user's statistics cover."""
    return any(place.path.startswith(p.path) for p in statistics_places(user))


def indicator_values(
    *,
    user: User,
    indicator: Indicator,
    period: Period,
    place: Place,
    by: str | None = None,
) -> IndicatorValue:
    """The indicator's value for a place in the user's scope; any other place is
    refused, whatever the indicator."""
    if not may_see_place(user, place):
        raise OutOfScope
    return indicator_value(indicator, period, place, by)


# --- the pages' reads: values as they may be shown, with names for the groups ---


@dataclass
class GroupRow:
    key: str
    label: str
    value: Number
    hidden: bool = False
    # The bar's length in the page, in percent of the largest value shown.
    bar: int = 0


@dataclass
class TrendPoint:
    period: Period
    value: Number
    hidden: bool = False
    bar: int = 0


@dataclass
class IndicatorReport:
    indicator: Indicator
    period: Period
    place: Place
    by: str | None
    shown: Shown
    rows: list[GroupRow]
    trend: list[TrendPoint]
    suppresses: bool

    @property
    def by_label(self) -> str:
        return str(DISAGGREGATIONS[self.by].label) if self.by else ""


@dataclass
class TableRow:
    indicator: Indicator
    now: Shown
    before: Shown


TREND_PERIODS = 5


def _shown(user: User, value: IndicatorValue) -> Shown:
    return suppressed(value) if suppresses_small_cells(user) else shown_as_is(value)


def indicator_report(
    *,
    user: User,
    indicator: Indicator,
    period: Period,
    place: Place,
    by: str | None = None,
) -> IndicatorReport:
    """One indicator for a place and period: its value, its groups named and ranked,
    and its trend over the periods before; small cells hidden for partners."""
    if not may_see_place(user, place):
        raise OutOfScope
    return build_report(
        indicator,
        period,
        place,
        by,
        show=lambda value: _shown(user, value),
        suppresses=suppresses_small_cells(user),
    )


def build_report(
    indicator: Indicator,
    period: Period,
    place: Place,
    by: str | None,
    *,
    show: Callable[[IndicatorValue], Shown],
    suppresses: bool,
    compute: Compute = indicator_value,
) -> IndicatorReport:
    """The report, each value passed through ``show`` (as is, or suppressed)."""
    shown = show(compute(indicator, period, place, by))
    trend = []
    for p in period.last(TREND_PERIODS):
        point = show(compute(indicator, p, place, None))
        trend.append(TrendPoint(p, point.value, point.total_hidden))
    _scale(trend)
    rows = _named_rows(by, shown) if by else []
    _scale(rows)
    return IndicatorReport(indicator, period, place, by, shown, rows, trend, suppresses)


def indicator_table(*, user: User, period: Period, place: Place) -> list[TableRow]:
    """Every indicator's value for the place in the period and the one before."""
    if not may_see_place(user, place):
        raise OutOfScope
    return build_table(
        indicators_all(), period, place, show=lambda value: _shown(user, value)
    )


def build_table(
    indicators: Iterable[Indicator],
    period: Period,
    place: Place,
    *,
    show: Callable[[IndicatorValue], Shown],
    compute: Compute = indicator_value,
) -> list[TableRow]:
    rows = []
    for indicator in indicators:
        now, before = (
            show(compute(indicator, p, place, None))
            for p in (period, period.previous())
        )
        rows.append(TableRow(indicator, now, before))
    return rows


def _named_rows(by: str, shown: Shown) -> list[GroupRow]:
    names = group_names(by, list(shown.groups))
    rows = [
        GroupRow(key, names.get(key, key), value, key in shown.hidden)
        for key, value in shown.groups.items()
    ]
    if by in PLACE_LEVELS:
        # A ranked list of places: the largest first, hidden cells last.
        rows.sort(key=lambda r: (r.value is None, -(r.value or 0), r.label))
        return rows
    order = {key: i for i, key in enumerate(names)}
    rows.sort(key=lambda r: (order.get(r.key, len(order)), r.key))
    return rows


def group_names(by: str, keys: list[str]) -> dict[str, str]:
    """The name of each group in the user's language, in the code list's order;
    "" is the group of records where the value is not recorded."""
    names: dict[str, str] = {}
    disaggregation = DISAGGREGATIONS[by]
    if by in PLACE_LEVELS:
        places = Place.objects.filter(code__in=keys).order_by("path")
        names = {p.code: p.name for p in places}
    elif by == "programme":
        programmes = Programme.objects.filter(code__in=keys)
        names = {p.code: p.name for p in programmes}
    elif disaggregation.choices is not None:
        names = {
            value: str(label)
            for value, label in disaggregation.choices.choices
            if value in keys
        }
    else:  # age bands are their own names
        names = {key: key for key in sorted(keys, key=_age_order)}
    if "" in keys:
        names[""] = _("Not recorded")
    return names


def _age_order(band: str) -> tuple[int, str]:
    digits = band.split("-")[0].rstrip("+")
    return (int(digits) if digits.isdigit() else 999, band)


def _scale(items: list) -> None:
    largest = max((i.value for i in items if i.value is not None), default=0)
    for item in items:
        if largest and item.value is not None:
            item.bar = max(1, round(100 * item.value / largest)) if item.value else 0
