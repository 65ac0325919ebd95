"""The dashboards and the equity view: the indicators on the dashboards for a
place and period, with their trends and the places within compared, and every
indicator among the groups "leave no child behind" names, beside everyone.

Values only for places in the user's statistics scope, small cells hidden for
partners, exactly as on the other indicator pages (``ura.indicators.queries``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from ura.accounts.models import User
from ura.indicators.compute import IndicatorValue, Number, indicator_value
from ura.indicators.equity import EQUITY_GROUPS, EquityGroup
from ura.indicators.models import Indicator, IndicatorKind
from ura.indicators.periods import Period
from ura.indicators.queries import (
    TREND_PERIODS,
    OutOfScope,
    TrendPoint,
    _scale,
    _shown,
    indicators_all,
    may_see_place,
)
from ura.indicators.sources import PLACE_LEVELS
from ura.indicators.suppression import Shown
from ura.places.models import Place, PlaceLevel
from ura.statistics.queries import suppresses_small_cells

# The sparkline's box in the SVG's own units; the stylesheet sizes it.
SPARK_WIDTH, SPARK_HEIGHT = 100, 30


@dataclass
class Tile:
    indicator: Indicator
    now: Shown
    before: Shown
    trend: list[TrendPoint]

    @property
    def spark(self) -> str:
        """The trend as an SVG polyline's points; a hidden or missing period
        breaks nothing, it is left out of the line."""
        values = [p.value for p in self.trend]
        known = [v for v in values if v is not None]
        if len(known) < 2:
            return ""
        low, high = min(known), max(known)
        step = SPARK_WIDTH / (len(values) - 1)
        points = []
        for i, value in enumerate(values):
            if value is None:
                continue
            height = (value - low) / (high - low) if high > low else 0.5
            y = SPARK_HEIGHT - 2 - height * (SPARK_HEIGHT - 4)
            points.append(f"{i * step:.1f},{y:.1f}")
        return " ".join(points)

    @property
    def change(self) -> Number:
        """Now minus the period before, when both are shown."""
        if self.now.value is None or self.before.value is None:
            return None
        if self.now.total_hidden or self.before.total_hidden:
            return None
        return self.now.value - self.before.value


@dataclass
class PlaceCell:
    value: Number
    hidden: bool
    kind: str
    bar: int = 0


@dataclass
class PlaceRow:
    place: Place
    cells: list[PlaceCell]


@dataclass
class Dashboard:
    period: Period
    place: Place
    tiles: list[Tile]
    # The places one level down, compared on the dashboard's indicators, ranked
    # by the first; empty for a settlement.
    level: str | None
    places: list[PlaceRow]
    suppresses: bool

    @property
    def level_label(self) -> str:
        return str(PlaceLevel(self.level).label) if self.level else ""


def dashboard_indicators() -> QuerySet[Indicator]:
    return (
        indicators_all()
        .filter(dashboard_position__isnull=False)
        .order_by("dashboard_position", "code")
    )


def next_level(place: Place) -> str | None:
    """The first level below the place that has places in it (a country without
    regions goes straight to its municipalities)."""
    levels = [level.value for level in PlaceLevel]
    for level in levels[levels.index(place.level) + 1 :]:
        if level in PLACE_LEVELS and (
            Place.objects.filter(level=level, path__startswith=place.path).exists()
        ):
            return level
    return None


def dashboard(*, user: User, period: Period, place: Place) -> Dashboard:
    """The place's dashboard for the period: a tile per dashboard indicator (the
    value, the period before, the trend) and the places one level down."""
    if not may_see_place(user, place):
        raise OutOfScope
    indicators = list(dashboard_indicators())
    tiles = [_tile(user, indicator, period, place) for indicator in indicators]
    level = next_level(place)
    rows = _places(user, indicators, period, place, level) if level else []
    return Dashboard(period, place, tiles, level, rows, suppresses_small_cells(user))


def _tile(user: User, indicator: Indicator, period: Period, place: Place) -> Tile:
    # The trend ends with the period itself and the one before it: each value is
    # computed once.
    shown = [
        _shown(user, indicator_value(indicator, p, place))
        for p in period.last(TREND_PERIODS)
    ]
    trend = [
        TrendPoint(p, s.value, s.total_hidden)
        for p, s in zip(period.last(TREND_PERIODS), shown, strict=True)
    ]
    _scale(trend)
    return Tile(indicator, shown[-1], shown[-2], trend)


def _places(
    user: User,
    indicators: list[Indicator],
    period: Period,
    place: Place,
    level: str,
) -> list[PlaceRow]:
    """One breakdown by place per indicator (one query each, not one per place)."""
    within = list(
        Place.objects.filter(level=level, path__startswith=place.path).order_by("path")
    )
    columns: list[Shown] = []
    for indicator in indicators:
        if level in indicator.disaggregations:
            columns.append(
                _shown(user, indicator_value(indicator, period, place, level))
            )
        else:
            columns.append(Shown(None))
    rows = [
        PlaceRow(
            p,
            [
                PlaceCell(
                    column.groups.get(p.code), p.code in column.hidden, indicator.kind
                )
                for indicator, column in zip(indicators, columns, strict=True)
            ],
        )
        for p in within
    ]
    for i in range(len(columns)):
        _scale([row.cells[i] for row in rows])
    # Ranked by the first indicator, the largest first; hidden and missing last.
    rows.sort(
        key=lambda r: (
            not r.cells or r.cells[0].value is None,
            -(r.cells[0].value or 0) if r.cells else 0,
            r.place.name,
        )
    )
    return rows


# --- the equity view ---------------------------------------------------------


@dataclass
class EquityCell:
    group: EquityGroup
    shown: Shown
    # A count: the group's part of everyone's (0 to 1). A share: the group's
    # minus everyone's (a fraction). A median: the group's minus everyone's, days.
    gap: Number

    @property
    def hidden(self) -> bool:
        return self.shown.total_hidden


@dataclass
class EquityRow:
    indicator: Indicator
    everyone: Shown
    groups: list[EquityCell]


def equity_groups() -> list[EquityGroup]:
    return list(EQUITY_GROUPS.values())


def equity_table(*, user: User, period: Period, place: Place) -> list[EquityRow]:
    """Every indicator for the place and period, for everyone and among each
    equity group, with the gap."""
    if not may_see_place(user, place):
        raise OutOfScope
    rows = []
    for indicator in indicators_all():
        everyone = _shown(user, indicator_value(indicator, period, place))
        cells = []
        for group in equity_groups():
            value: IndicatorValue = indicator_value(
                indicator, period, place, among=group.key
            )
            shown = _shown(user, value)
            cells.append(EquityCell(group, shown, _gap(indicator, everyone, shown)))
        rows.append(EquityRow(indicator, everyone, cells))
    return rows


def _gap(indicator: Indicator, everyone: Shown, group: Shown) -> Number:
    if everyone.total_hidden or group.total_hidden:
        return None
    if everyone.value is None or group.value is None:
        return None
    if indicator.kind in (IndicatorKind.PERSONS, IndicatorKind.EVENTS):
        return group.value / everyone.value if everyone.value else None
    return group.value - everyone.value
