"""One place per person per period: a region's count of distinct children is exactly
the sum of its municipalities' counts, whatever moves the generated records make."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.world import World
from ura.accounts.models import Agency, AgencyType
from ura.cases.models import Case, CaseConcern
from ura.indicators.compute import indicator_value
from ura.indicators.models import Indicator
from ura.indicators.periods import Period
from ura.indicators.starter import load_starter_indicators
from ura.people.models import Person
from ura.places.models import Place

pytestmark = pytest.mark.django_db

YEAR = 2025
# Two regions with two municipalities each.
MUNICIPALITIES = ["XK-01-03", "XK-01-09", "XK-02-11", "XK-02-12"]

cases = st.lists(
    st.tuples(
        st.integers(0, 5),  # which child
        st.integers(0, len(MUNICIPALITIES) - 1),  # where the case is held
        st.integers(-40, 400),  # day of opening, from 1 January of YEAR
        st.one_of(st.none(), st.integers(0, 200)),  # days until closed
        st.sampled_from(["high", "medium", "low"]),
        st.sampled_from(["neglect", "physical_violence"]),
    ),
    max_size=14,
)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _make_cases(world: World, rows: list[tuple]) -> None:
    places = [Place.objects.get(code=code) for code in MUNICIPALITIES]
    agencies = [
        Agency.objects.create(name=p.code, type=AgencyType.SOCIAL_WORK, place=p)
        for p in places
    ]
    children = [
        Person.objects.create(
            given_name=f"Gen{i}",
            family_name="Moving",
            sex="female" if i % 2 else "male",
            date_of_birth=date(2012 + i, 1, 1),
            place=places[0],
        )
        for i in range(6)
    ]
    start = date(YEAR, 1, 1)
    for n, (child, where, day, closed_after, risk, concern) in enumerate(rows):
        opened = _at(start + timedelta(days=day))
        case = Case.objects.create(
            person=children[child],
            reference=f"GEN-{n}",
            agency=agencies[where],
            worker=world.users["worker_a1"],
            opened_by=world.users["worker_a1"],
            risk_level=risk,
            reported_on=opened.date(),
            reported_by="school",
            opened_at=opened,
            status="open" if closed_after is None else "closed",
            closed_at=None
            if closed_after is None
            else opened + timedelta(days=closed_after),
        )
        CaseConcern.objects.create(case=case, concern=concern)


def _region_sums_hold(indicator: Indicator, period: Period) -> None:
    country = Place.objects.get(code="XK")
    total = indicator_value(indicator, period, country).value
    regions = Place.objects.filter(code__in={c[:5] for c in MUNICIPALITIES})
    region_values = []
    for region in regions:
        value = indicator_value(indicator, period, region).value
        parts = [
            indicator_value(indicator, period, m).value
            for m in Place.objects.filter(parent=region)
        ]
        assert value == sum(parts), (region.code, value, parts)
        region_values.append(value)
    assert total == sum(region_values)
    by_municipality = indicator_value(indicator, period, country, by="municipality")
    assert sum(by_municipality.groups.values()) == total
    by_region = indicator_value(indicator, period, country, by="region")
    assert sum(by_region.groups.values()) == total


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=cases, quarter=st.integers(1, 4))
def test_a_regions_children_are_the_sum_of_its_municipalities(
    world: World, rows: list[tuple], quarter: int
) -> None:
    with transaction.atomic():
        load_starter_indicators()
        _make_cases(world, rows)
        for code in ("CP-OPEN", "CP-NEW"):
            indicator = Indicator.objects.get(code=code)
            for period in (Period.year(YEAR), Period.quarter(YEAR, quarter)):
                _region_sums_hold(indicator, period)
        # And the country counts each child once, however many places they were in.
        period = Period.year(YEAR)
        opened = [
            (child, day)
            for child, _w, day, closed, *_ in rows
            if day < 365 and (closed is None or day + closed >= 0)
        ]
        open_cp = Indicator.objects.get(code="CP-OPEN")
        country = Place.objects.get(code="XK")
        assert indicator_value(open_cp, period, country).value == len(
            {child for child, _ in opened}
        )
        transaction.set_rollback(True)


def test_a_child_who_moved_is_counted_once_where_their_latest_case_is(
    world: World,
) -> None:
    load_starter_indicators()
    _make_cases(
        world,
        [
            (0, 0, 10, None, "high", "neglect"),  # Drenas, January
            (0, 2, 200, None, "low", "neglect"),  # then another region, July
        ],
    )
    indicator = Indicator.objects.get(code="CP-OPEN")
    year = Period.year(YEAR)
    drenas, other = (Place.objects.get(code=c) for c in ("XK-01-03", "XK-02-11"))
    assert indicator_value(indicator, year, drenas).value == 0
    assert indicator_value(indicator, year, other).value == 1
    assert indicator_value(indicator, year, Place.objects.get(code="XK")).value == 1
    # In the first quarter only the first case is open: the child is in Drenas.
    assert indicator_value(indicator, Period.quarter(YEAR, 1), drenas).value == 1
    # Counting cases (events), each case is where it is held.
    new = Indicator.objects.get(code="CP-NEW")
    assert indicator_value(new, year, drenas).value == 1
    assert indicator_value(new, year, other).value == 1
