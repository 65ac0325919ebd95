"""Who may compute an indicator's values: the places of their statistics scope, and
no other (the same rule as ``ura.statistics``)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.cases.helpers import open_case
from tests.world import PERSONAS, World
from ura.access.rules import Permission, may
from ura.indicators.models import Indicator
from ura.indicators.periods import Period
from ura.indicators.queries import OutOfScope, indicator_values
from ura.indicators.starter import load_starter_indicators

pytestmark = pytest.mark.django_db

# persona -> the world's places whose values they may compute.
YEAR = Period.year(date.today().year)
IN_SCOPE = {
    "sup_a": {"prishtina"},
    "sup_b": {"prishtina"},
    "data_pr": {"prishtina"},
    "partner": {"prishtina"},
}


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_values_are_refused_outside_the_statistics_scope(
    world: World, persona: str
) -> None:
    load_starter_indicators()
    open_case(world)
    indicator = Indicator.objects.get(code="CP-OPEN")
    user = world.users[persona]
    allowed = IN_SCOPE.get(persona, set())
    assert bool(allowed) == may(user, Permission.VIEW_STATISTICS)
    for key in ("country", "prishtina", "prizren"):
        place = world.places[key]
        if key in allowed:
            value = indicator_values(
                user=user, indicator=indicator, period=YEAR, place=place
            )
            assert value.value is not None
        else:
            with pytest.raises(OutOfScope):
                indicator_values(
                    user=user,
                    indicator=indicator,
                    period=YEAR,
                    place=place,
                )
