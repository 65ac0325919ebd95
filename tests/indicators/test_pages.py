"""The indicator pages as a data officer, a supervisor and a partner use them: the
table of every indicator, one indicator broken down and its trend, the exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.services_reach.helpers import national_data_officer
from tests.world import World
from ura.audit.models import AuditEvent
from ura.indicators.starter import load_starter_indicators

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world: World) -> World:
    load_starter_indicators()
    open_case(world, person="own", risk_level="high")
    open_case(world, person="team", risk_level="low")
    open_case(world, person="other_municipality", worker="worker_pz")
    national_data_officer(world)
    return world


def _year() -> str:
    return str(timezone.localdate().year)


def _cells(html: str, indicator: str) -> str:
    start = html.index(f'data-indicator="{indicator}"')
    return html[start : html.index("</tr>", start)]


def test_a_national_data_officer_sees_every_indicator_for_the_country(
    cases: World, signed_in
) -> None:
    page = signed_in("data_officer").get(reverse("indicators:table"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kosov" in html  # the country is the default place
    row = _cells(html, "CP-OPEN")
    assert '<td class="num" data-cell="now">3</td>' in row
    assert '<td class="num muted" data-cell="before">0</td>' in row
    # Two of the three new cases are at high risk; a share reads as a percentage.
    assert '<td class="num" data-cell="now">66.7 %</td>' in _cells(
        html, "CP-NEW-HIGH-SHARE"
    )
    # No first contact recorded yet: a median over nothing is "no data".
    assert "no data" in _cells(html, "CP-FIRST-CONTACT-DAYS")


def test_the_table_page_reads_a_fixed_number_of_queries(
    cases: World, signed_in, django_assert_num_queries
) -> None:
    client = signed_in("data_officer")
    client.get(reverse("indicators:table"))
    # Two values per indicator (this period and the one before), whatever the data:
    # one aggregate query per count, two per share or median, and the session.
    with django_assert_num_queries(85):
        client.get(reverse("indicators:table"))


def test_one_indicator_by_municipality_is_a_ranked_list_of_places(
    cases: World, signed_in
) -> None:
    country = cases.places["country"]
    url = reverse("indicators:detail", args=["CP-OPEN"])
    page = signed_in("data_officer").get(
        url, {"period": _year(), "place": country.pk, "by": "municipality"}
    )
    html = page.content.decode()
    prishtina, prizren = cases.places["prishtina"], cases.places["prizren"]
    assert f'data-group="{prishtina.code}"' in html
    first, second = (
        html.index(f'data-group="{code}"') for code in (prishtina.code, prizren.code)
    )
    assert first < second  # 2 children before 1
    group = html[first : html.index("</tr>", first)]
    assert '<td class="num">2</td>' in group
    assert 'value="100"' in group  # the longest bar
    # The trend shows the five years to the one asked for.
    for year in range(int(_year()) - 4, int(_year()) + 1):
        assert f'data-period="{year}"' in html


def test_a_breakdown_by_sex_names_the_groups_in_the_users_language(
    cases: World, signed_in
) -> None:
    client = signed_in("data_officer")
    client.post(reverse("accounts:language"), {"language": "sr"})
    page = client.get(
        reverse("indicators:detail", args=["CP-OPEN"]),
        {"period": _year(), "place": cases.places["country"].pk, "by": "sex"},
    )
    html = page.content.decode()
    assert 'data-group="female"' in html
    assert "Женски" in html or "женск" in html.lower()


def test_the_export_is_the_table_and_is_audited(cases: World, signed_in) -> None:
    client = signed_in("data_officer")
    place = cases.places["prishtina"]
    response = client.get(
        reverse("indicators:detail_export", args=["CP-OPEN"]),
        {"period": _year(), "place": place.pk, "by": "risk_level"},
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Total", "", "2"] in rows
    assert ["High", "high", "1"] in rows and ["Low", "low", "1"] in rows
    event = AuditEvent.objects.filter(
        object_type="indicators.indicator", action="export"
    ).get()
    assert "by risk_level" in event.detail
    table = client.get(
        reverse("indicators:table_export"), {"period": _year(), "place": place.pk}
    )
    lines = list(csv.reader(io.StringIO(table.content.decode())))
    assert lines[0][3:] == [_year(), str(int(_year()) - 1)]
    assert [r for r in lines if r[0] == "CP-OPEN"][0][3] == "2"


def test_a_partner_sees_small_counts_hidden_and_cannot_export(
    cases: World, signed_in
) -> None:
    client = signed_in("partner")
    html = client.get(reverse("indicators:table")).content.decode()
    assert "&lt;5" in _cells(html, "CP-OPEN")
    assert "Prishtin" in html  # the partner's place, not the country
    export = client.get(reverse("indicators:table_export"))
    assert export.status_code == 403


def test_a_place_outside_the_scope_is_refused_with_a_field_error(
    cases: World, signed_in
) -> None:
    page = signed_in("data_pr").get(
        reverse("indicators:table"),
        {"period": _year(), "place": cases.places["prizren"].pk},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-field="place"' in html
    assert 'data-indicator="CP-OPEN"' not in html


def test_a_link_with_only_a_period_shows_the_widest_place(
    cases: World, signed_in
) -> None:
    page = signed_in("data_officer").get(
        reverse("indicators:detail", args=["CP-NEW"]),
        {"period": _year(), "place": "", "by": "risk_level"},
    )
    html = page.content.decode()
    assert 'data-field="place"' not in html
    assert 'data-group="high"' in html


def test_a_bad_period_is_a_field_error() -> None:
    from ura.indicators.forms import IndicatorFilterForm

    form = IndicatorFilterForm({"period": "2026Q7"}, places=())
    assert not form.is_valid()
    assert "period" in form.errors


@pytest.mark.parametrize("persona", ["worker_a1", "provider", "nurse", "outsider"])
def test_people_without_statistics_are_refused(
    cases: World, signed_in, persona: str
) -> None:
    client = signed_in(persona)
    assert client.get(reverse("indicators:table")).status_code == 403
    detail = reverse("indicators:detail", args=["CP-OPEN"])
    assert client.get(detail).status_code == 403
