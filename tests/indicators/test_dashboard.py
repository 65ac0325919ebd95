"""The dashboards and the equity view as a data officer and a partner use them:
the headline tiles with their trends, the places within compared and ranked, and
every indicator among the groups left behind, beside everyone, with the gap."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.services_reach.helpers import national_data_officer
from tests.world import World
from ura.cases.models import Case
from ura.indicators.compute import indicator_value
from ura.indicators.dashboard_queries import Tile
from ura.indicators.models import Indicator
from ura.indicators.periods import Period
from ura.indicators.queries import TrendPoint
from ura.indicators.starter import load_starter_indicators
from ura.indicators.suppression import Shown
from ura.people.models import Person
from ura.places.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world: World) -> World:
    """Three open cases: a Roma child with a functional difficulty at high risk
    and a child of a family on social assistance at low risk in Prishtina, and a
    third child in Prizren."""
    load_starter_indicators()
    people = world.people
    Person.objects.filter(pk=people["own"].pk).update(
        community="roma", functional_difficulty="yes"
    )
    Person.objects.filter(pk=people["team"].pk).update(social_assistance="yes")
    open_case(world, person="own", risk_level="high")
    open_case(world, person="team", risk_level="low")
    open_case(world, person="other_municipality", worker="worker_pz")
    national_data_officer(world)
    return world


def _year() -> str:
    return str(timezone.localdate().year)


def _part(html: str, marker: str, end: str = "</tr>") -> str:
    start = html.index(marker)
    return html[start : html.index(end, start)]


def test_the_country_dashboard_shows_the_headline_indicators_with_their_trend(
    cases: World, signed_in
) -> None:
    page = signed_in("data_officer").get(reverse("indicators:dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    tile = _part(html, 'data-indicator="CP-OPEN"', "</a>")
    assert '<strong data-cell="now">3</strong>' in tile
    assert '<span data-cell="before">0</span>' in tile
    assert '<span data-cell="change">+3</span>' in tile
    assert "<polyline points=" in tile  # the five years' trend, drawn
    # Only the indicators chosen for the dashboards have a tile.
    assert 'data-indicator="CP-NEW-HIGH-SHARE"' not in html
    assert (
        html.count('class="tile"')
        == Indicator.objects.filter(dashboard_position__isnull=False).count()
    )


def test_the_places_within_are_compared_and_ranked_and_lead_to_their_dashboard(
    cases: World, signed_in
) -> None:
    client = signed_in("data_officer")
    html = client.get(reverse("indicators:dashboard")).content.decode()
    country = cases.places["country"]
    level = (
        Place.objects.filter(path__startswith=country.path)
        .exclude(pk=country.pk)
        .order_by("path")
        .first()
        .level
    )
    prishtina, prizren = cases.places["prishtina"], cases.places["prizren"]
    compared = [p.code for p in (prishtina, prizren) if level == "municipality"] or [
        Place.objects.get(level=level, path=p.path[: p.path.index("/", 4) + 1]).code
        for p in (prishtina, prizren)
    ]
    panel = _part(html, 'data-panel="places"', "</section>")
    first, second = (panel.index(f'data-place="{code}"') for code in compared)
    if compared[0] != compared[1]:
        assert first < second  # two children before one
    row = _part(panel, f'data-place="{compared[0]}"')
    assert '<td class="num">2' in row or '<td class="num">3' in row
    assert 'value="100"' in row  # the longest bar
    # A municipality's own dashboard is one click away, and adds up.
    page = client.get(
        reverse("indicators:dashboard"), {"period": _year(), "place": prishtina.pk}
    )
    tile = _part(page.content.decode(), 'data-indicator="CP-OPEN"', "</a>")
    assert '<strong data-cell="now">2</strong>' in tile


def test_the_dashboard_reads_a_fixed_number_of_queries(
    cases: World, signed_in, django_assert_num_queries
) -> None:
    client = signed_in("data_officer")
    client.get(reverse("indicators:dashboard"))
    open_case(cases, person="team_shared", risk_level="medium")
    # Five periods per tile and one breakdown by place per indicator, whatever
    # the number of places or records.
    with django_assert_num_queries(121):
        client.get(reverse("indicators:dashboard"))


def test_a_place_outside_the_scope_is_refused(cases: World, signed_in) -> None:
    page = signed_in("partner").get(
        reverse("indicators:dashboard"),
        {"period": _year(), "place": cases.places["country"].pk},
    )
    assert page.status_code == 200
    assert "errorlist" in page.content.decode()  # not a choice the partner has


def test_the_sparkline_leaves_hidden_periods_out_and_needs_two_points() -> None:
    year = Period.parse("2026")
    points = [
        TrendPoint(p, v, v is None)
        for p, v in zip(year.last(5), [1, None, 3, 5, 5], strict=True)
    ]
    tile = Tile(Indicator(kind="persons"), Shown(5), Shown(5), points)
    spark = tile.spark.split()
    assert len(spark) == 4
    assert spark[0] == "0.0,28.0" and spark[-1] == "100.0,2.0"  # lowest, highest
    assert tile.change == 0
    lonely = [TrendPoint(p, None, True) for p in year.last(4)] + points[-1:]
    assert Tile(Indicator(kind="persons"), Shown(5), Shown(None), lonely).spark == ""


# --- the equity view ---------------------------------------------------------


def test_equity_values_agree_with_a_plain_count_at_every_level(cases: World) -> None:
    indicator = Indicator.objects.get(code="CP-OPEN")
    year = Period.parse(_year())
    open_cases = Case.objects.filter(closed_at__isnull=True)
    for place_key in ("country", "prishtina", "prizren"):
        place = cases.places[place_key]
        here = open_cases.filter(agency__place__path__startswith=place.path)
        expected = {
            "rae": here.filter(person__community__in=["roma", "ashkali", "egyptian"]),
            "disability": here.filter(person__functional_difficulty="yes"),
            "poor": here.filter(person__social_assistance="yes"),
        }
        for group, records in expected.items():
            value = indicator_value(indicator, year, place, among=group).value
            assert value == records.values("person").distinct().count(), (
                place_key,
                group,
            )


def test_the_equity_view_shows_each_group_beside_everyone_with_the_gap(
    cases: World, signed_in
) -> None:
    page = signed_in("data_officer").get(reverse("indicators:equity"))
    assert page.status_code == 200
    html = page.content.decode()
    row = _part(html, 'data-indicator="CP-OPEN"')
    assert '<td class="num" data-cell="everyone">3</td>' in row
    assert '<td class="num" data-cell="rae">1</td>' in row
    assert 'data-cell="rae-gap">33.3 % of all</td>' in row
    assert '<td class="num" data-cell="poor">1</td>' in row
    # A share: all of the Roma child's cases are at high risk, none of the poor
    # family's: the gaps are in percentage points, either way.
    share = _part(html, 'data-indicator="CP-NEW-HIGH-SHARE"')
    assert '<td class="num" data-cell="everyone">66.7 %</td>' in share
    assert '<td class="num" data-cell="rae">100.0 %</td>' in share
    assert 'data-cell="rae-gap">+33.3 points</td>' in share
    assert 'data-cell="poor-gap">-66.7 points</td>' in share
    # A median over no records is "no data" and has no gap, never an error.
    median = _part(html, 'data-indicator="CP-FIRST-CONTACT-DAYS"')
    assert '<td class="num" data-cell="rae">no data</td>' in median
    assert 'data-cell="rae-gap"></td>' in median


def test_a_partner_sees_the_equity_view_with_small_counts_hidden(
    cases: World, signed_in
) -> None:
    page = signed_in("partner").get(reverse("indicators:equity"))
    html = page.content.decode()
    row = _part(html, 'data-indicator="CP-OPEN"')
    assert '<td class="num" data-cell="rae">&lt;5</td>' in row
    assert 'data-cell="rae-gap"></td>' in row  # no gap to work a hidden cell out


def test_people_without_statistics_see_neither_page(cases: World, signed_in) -> None:
    client = signed_in("worker_a1")
    for name in ("indicators:dashboard", "indicators:equity"):
        assert client.get(reverse(name)).status_code == 403
