"""Open statistics, as anyone without a login reads them: only published
indicators, and no published table reveals a cell below the threshold, either
shown or worked out from its total, whatever the records (generated here)."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.world import World
from ura.accounts.models import Agency, AgencyType
from ura.cases.models import Case, CaseConcern
from ura.indicators.compute import indicator_value
from ura.indicators.models import Indicator
from ura.indicators.periods import Period
from ura.indicators.starter import load_starter_indicators, publish_indicators
from ura.people.models import Person
from ura.places.models import Place

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1
THRESHOLD = 5
# Two regions with two municipalities each.
MUNICIPALITIES = ["XK-01-03", "XK-01-09", "XK-02-11", "XK-02-12"]
PUBLISHED = ("CP-OPEN", "CP-NEW", "CP-NEW-HIGH-SHARE")
# Breakdowns whose groups do not overlap: they add up to the total.
BREAKDOWNS = ("sex", "age_band", "region", "municipality", "risk_level")

# Per municipality: how many girls' and boys' cases, at high or low risk.
counts = st.lists(
    st.tuples(st.integers(0, 9), st.integers(0, 9), st.booleans()),
    min_size=len(MUNICIPALITIES),
    max_size=len(MUNICIPALITIES),
)


def _publish() -> None:
    load_starter_indicators()
    assert publish_indicators(PUBLISHED) == len(PUBLISHED)


def _make_cases(world: World, rows: list[tuple[int, int, bool]]) -> None:
    opened = timezone.make_aware(datetime.combine(date(YEAR, 5, 2), time(10)))
    n = 0
    for code, (girls, boys, high) in zip(MUNICIPALITIES, rows, strict=True):
        place = Place.objects.get(code=code)
        agency = Agency.objects.create(
            name=code, type=AgencyType.SOCIAL_WORK, place=place
        )
        for i in range(girls + boys):
            n += 1
            child = Person.objects.create(
                given_name=f"Open{n}",
                family_name="Gen",
                sex="female" if i < girls else "male",
                date_of_birth=date(YEAR - 3 - i, 1, 1),
                place=place,
            )
            case = Case.objects.create(
                person=child,
                reference=f"OPEN-{n}",
                agency=agency,
                worker=world.users["worker_a1"],
                opened_by=world.users["worker_a1"],
                # Every third case of the municipality differs in risk.
                risk_level=("high" if high else "low") if i % 3 else "medium",
                reported_on=opened.date(),
                reported_by="school",
                opened_at=opened + timedelta(days=i),
            )
            CaseConcern.objects.create(case=case, concern="neglect")


def _cells(page: str, name: str) -> list[str]:
    return [
        html.unescape(c).strip()
        for c in re.findall(rf'data-cell="{name}">([^<]*)<', page)
    ]


def _number(cell: str) -> int | None:
    """A count as shown; None for a hidden one."""
    if cell == f"<{THRESHOLD}":
        return None
    return int(cell.replace(",", ""))


def _count_table_is_safe(total_cell: str, cells: list[str]) -> None:
    total = _number(total_cell)
    values = [_number(c) for c in cells]
    shown = [v for v in values if v is not None]
    assert all(v == 0 or v >= THRESHOLD for v in shown), cells
    if total is None:
        assert not shown or all(v == 0 for v in shown), cells
        return
    assert total == 0 or total >= THRESHOLD
    hidden = len(values) - len(shown)
    if hidden:
        # Hidden cells are never alone, and together never small: the total less
        # the cells shown cannot give a count from 1 to 4 back.
        assert hidden >= 2, cells
        assert total - sum(shown) >= THRESHOLD, (total_cell, cells)


def _share_table_is_safe(page: str, by: str, country: Place) -> None:
    # A share rests on its denominator: a share shown has at least THRESHOLD cases.
    denominators = indicator_value(
        Indicator.objects.get(code="CP-NEW"), Period.year(YEAR), country, by
    )
    rows = re.findall(r'data-group="([^"]*)">.*?data-cell="group">([^<]*)<', page, re.S)
    for key, cell in rows:
        cell = html.unescape(cell).strip()
        if cell in (f"<{THRESHOLD}", "no data"):
            continue
        assert (denominators.group_bases.get(key) or 0) >= THRESHOLD, (key, cell)


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=counts)
def test_no_published_table_reveals_a_small_cell(
    world: World, rows: list[tuple[int, int, bool]]
) -> None:
    client = Client()  # nobody signed in
    with transaction.atomic():
        _publish()
        _make_cases(world, rows)
        country = Place.objects.get(code="XK")
        query = {"period": str(YEAR), "place": country.pk}
        table = client.get(reverse("open:table"), query).content.decode()
        for cell in _cells(table, "now"):
            if not cell.endswith("%") and cell != "no data":
                assert _number(cell) in (None, 0) or _number(cell) >= THRESHOLD
        for indicator in Indicator.objects.filter(code__in=PUBLISHED):
            code = indicator.code
            for by in (b for b in BREAKDOWNS if b in indicator.disaggregations):
                page = client.get(
                    reverse("open:detail", args=[code]), {**query, "by": by}
                ).content.decode()
                (total,) = _cells(page, "value")
                if code == "CP-NEW-HIGH-SHARE":
                    _share_table_is_safe(page, by, country)
                else:
                    _count_table_is_safe(total, _cells(page, "group"))
        transaction.set_rollback(True)


def test_only_published_indicators_are_open_and_no_login_is_needed(
    world: World,
) -> None:
    _publish()
    client = Client()
    page = client.get(reverse("open:table"))
    assert page.status_code == 200
    text = page.content.decode()
    for code in PUBLISHED:
        assert f'data-indicator="{code}"' in text
    assert 'data-indicator="CP-FIRST-CONTACT-DAYS"' not in text
    assert client.get(reverse("open:detail", args=["CP-OPEN"])).status_code == 200
    unpublished = reverse("open:detail", args=["CP-FIRST-CONTACT-DAYS"])
    assert client.get(unpublished).status_code == 404


def test_a_municipality_below_the_threshold_is_hidden_with_another(
    world: World,
) -> None:
    _publish()
    # 8 cases in the first municipality, 3 in the second, 6 and 0 in the others.
    _make_cases(world, [(4, 4, True), (2, 1, True), (3, 3, False), (0, 0, True)])
    country = Place.objects.get(code="XK")
    page = (
        Client()
        .get(
            reverse("open:detail", args=["CP-NEW"]),
            {"period": str(YEAR), "place": country.pk, "by": "municipality"},
        )
        .content.decode()
    )
    assert _cells(page, "value") == ["17"]

    def cell(code: str) -> str:
        start = page.index(f'data-group="{code}"')
        return _cells(page[start:], "group")[0]

    assert cell("XK-01-09") == "<5"
    # 3 hidden alone would be 17 - 8 - 6: the smallest other one goes too.
    assert cell("XK-02-11") == "<5"
    assert cell("XK-01-03") == "8"
    assert cell("XK-02-12") == "0"


@override_settings(URA_OPEN_CACHE_SECONDS=60)
def test_values_are_cached_for_the_public(world: World) -> None:
    cache.clear()
    _publish()
    client = Client()
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("open:table"))
    # The second reader reads the indicators and the places, not the records.
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("open:table"))
    assert any("cases_case" in q["sql"] for q in first.captured_queries)
    assert not any("cases_case" in q["sql"] for q in second.captured_queries)
    assert len(second.captured_queries) <= 4
    cache.clear()
