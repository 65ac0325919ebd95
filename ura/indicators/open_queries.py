"""Open statistics: the indicators a deployment publishes, for anyone, without a
login (docs/indicators.md, "Open statistics").

Only published indicators; every value goes through small-cell suppression with
the deployment's threshold (``URA_OPEN_THRESHOLD``, 5 by default), primary and
secondary, whoever asks. The values are cached for ``URA_OPEN_CACHE_SECONDS``:
a public page must not let anyone make the database count the country on every
request."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from ura.indicators.compute import IndicatorValue, indicator_value
from ura.indicators.models import Indicator
from ura.indicators.periods import Period
from ura.indicators.queries import (
    IndicatorReport,
    TableRow,
    build_report,
    build_table,
    indicators_all,
)
from ura.indicators.suppression import Shown, suppressed
from ura.places.models import Place


def open_threshold() -> int:
    return settings.URA_OPEN_THRESHOLD


def published() -> QuerySet[Indicator]:
    return indicators_all().filter(is_published=True).order_by("code")


def _cached_value(
    indicator: Indicator, period: Period, place: Place, by: str | None
) -> IndicatorValue:
    seconds = settings.URA_OPEN_CACHE_SECONDS
    if not seconds:
        return indicator_value(indicator, period, place, by)
    # The definition's version is in the key: an edited indicator is recomputed.
    key = (
        f"ura:open:{indicator.pk}:{indicator.version}:{period.code}:{place.pk}:"
        f"{by or ''}"
    )
    value = cache.get(key)
    if value is None:
        value = indicator_value(indicator, period, place, by)
        cache.set(key, value, seconds)
    return value


def _open_shown(value: IndicatorValue) -> Shown:
    return suppressed(value, open_threshold())


def open_table(period: Period, place: Place) -> list[TableRow]:
    """Every published indicator for the place, this period and the one before."""
    return build_table(
        published(), period, place, show=_open_shown, compute=_cached_value
    )


def open_report(
    indicator: Indicator, period: Period, place: Place, by: str | None
) -> IndicatorReport:
    return build_report(
        indicator,
        period,
        place,
        by,
        show=_open_shown,
        suppresses=True,
        compute=_cached_value,
    )
