"""Reading indicators and their values; values only for places in the user's
statistics scope (``ura.access.rules.statistics_places``)."""

from __future__ import annotations

from django.db.models import QuerySet

from ura.access.rules import statistics_places
from ura.accounts.models import User
from ura.indicators.compute import IndicatorValue, indicator_value
from ura.indicators.models import Indicator
from ura.indicators.periods import Period
from ura.places.models import Place


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
