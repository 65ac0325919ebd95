"""The coverage report: infants who turned one in a period and place, and the
share who received the recommended visits in their first year, by community,
poverty, disability and municipality, with the gaps; for centre managers (their
centres) and aggregate roles (their places; partners with small cells hidden).

The families follow the "Two visits" protocol (two visits before 365 days, one
at 400 days that does not count), born in the middle of the year before last, so
they turned one last year:

| family | why prioritised | visits in the first year | received |
|---|---|---|---|
| A | a Roma child | 2 | yes |
| B | "Roma, Ashkali or Egyptian" reason, community unknown | 1 | no |
| C | poverty reason | 1, and one after the birthday | no |
| D | the caregiver receives social assistance | 2 | yes |
| E | disability reason | 2 | yes |
| F | none | 3 | yes |
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.visiting.helpers import infant, setup_visiting, two_visits
from ura.people.models import Person
from ura.visiting.coverage import (
    CoverageFilters,
    CoverageScope,
    births_turning_one,
    coverage_report,
    plus_one_year,
)
from ura.visiting.models import Enrolment, Protocol
from ura.visiting.protocols import VisitInput

pytestmark = pytest.mark.django_db
API = "/api/v1/visiting/coverage"


def last_year() -> int:
    return timezone.localdate().year - 1


@pytest.fixture
def w(world):  # noqa: ANN001, ANN201
    w = setup_visiting(world)
    two_visits(w, VisitInput("Later", "birth", 400, -5, 0, 5, 20))
    return w


@pytest.fixture
def families(w):  # noqa: ANN001, ANN201
    infant(w, "A", visits=(10, 40), community="roma")
    infant(w, "B", visits=(10,), community="unknown", reasons=("rae_community",))
    infant(w, "C", visits=(10, 370), reasons=("poverty",))
    infant(w, "D", visits=(12, 41), assistance="yes")
    infant(w, "E", visits=(9, 45), reasons=("disability",))
    infant(w, "F", visits=(0, 40, 364))
    # Not counted: turned one the year before; the child died before the first
    # birthday; enrolled in pregnancy, no child yet; another centre and place.
    infant(w, "G", visits=(10, 40), born=date(last_year() - 2, 6, 15))
    died = infant(w, "H", visits=(10,))
    Enrolment.objects.filter(pk=died.pk).update(
        status="ended", end_reason="child_died", ended_on=died.born_on + timedelta(60)
    )
    Enrolment.objects.create(
        kind="pregnancy",
        caregiver=Person.objects.create(
            given_name="CanaryUnbornQ",
            family_name="C",
            sex="female",
            place=w.places["prishtina"],
        ),
        expected_delivery_on=date(last_year() - 1, 6, 15),
        centre=w.agencies["health_pr"],
        nurse=w.users["nurse"],
        protocol=Protocol.objects.get(name="Two visits"),
        enrolled_on=date(last_year() - 1, 1, 1),
        enrolled_by=w.users["nurse"],
    )
    infant(
        w,
        "J",
        visits=(10, 40),
        place="prizren",
        centre="health_pz",
        nurse="nurse_pz",
    )
    return w


def _report(response) -> dict:  # noqa: ANN001
    assert response.status_code == 200, response.content
    return response.json()


def _by_key(rows: list[dict]) -> dict[str, dict]:
    return {r["key"]: r for r in rows}


def test_the_manager_sees_the_share_of_infants_who_received_the_visits(
    families, api_client
):
    client, headers = api_client("manager")
    body = _report(client.get(API, {"year": last_year()}, headers=headers))
    assert body["start"] == f"{last_year()}-01-01"
    assert body["total"] == {"infants": 6, "met": 4, "share": 66.7}
    breakdowns = _by_key(body["breakdowns"])
    community = _by_key(breakdowns["community"]["lines"])
    assert (community["rae"]["infants"], community["rae"]["met"]) == (2, 1)
    assert (community["albanian"]["infants"], community["albanian"]["met"]) == (4, 3)
    assert community["unknown"]["infants"] == 0
    assert community["rae"]["label"] == "Roma, Ashkali and Egyptian"
    assert "roma" not in community
    poverty = _by_key(breakdowns["poverty"]["lines"])
    assert (poverty["yes"]["infants"], poverty["yes"]["met"]) == (2, 1)
    disability = _by_key(breakdowns["disability"]["lines"])
    assert (disability["yes"]["infants"], disability["yes"]["met"]) == (1, 1)
    [place] = breakdowns["place"]["lines"]
    assert (place["label"], place["infants"], place["met"]) == ("Prishtina", 6, 4)


def test_the_gaps_put_each_prioritised_group_beside_everyone_else(families, api_client):
    client, headers = api_client("manager")
    gaps = _by_key(
        _report(client.get(API, {"year": last_year()}, headers=headers))["gaps"]
    )
    assert gaps["rae"]["group"]["share"] == 50.0
    assert gaps["rae"]["rest"]["share"] == 75.0
    assert gaps["rae"]["points"] == -25.0
    assert gaps["poverty"]["points"] == -25.0
    assert (gaps["disability"]["group"]["share"], gaps["disability"]["points"]) == (
        100.0,
        40.0,
    )
    assert (gaps["any"]["group"]["infants"], gaps["any"]["rest"]["infants"]) == (5, 1)
    assert gaps["any"]["points"] == -40.0


def test_the_data_officer_sees_the_families_living_in_their_places(
    families, api_client
):
    infant(families, "K", visits=(10, 40), centre="health_pz", nurse="nurse_pz")
    client, headers = api_client("data_pr")
    body = _report(client.get(API, {"year": last_year()}, headers=headers))
    # A to F and K live in Prishtina; J lives in Prizren.
    assert body["total"] == {"infants": 7, "met": 5, "share": 71.4}
    assert body["suppressed"] is False


def test_a_partner_sees_no_count_from_one_to_four(families, api_client):
    client, headers = api_client("partner")
    body = _report(client.get(API, {"year": last_year()}, headers=headers))
    assert body["suppressed"] is True
    # Six infants; the two who did not get their visits would follow from the four
    # who did, so that count is hidden too, and the share with it.
    assert body["total"] == {"infants": 6, "met": None, "share": None}
    community = _by_key(_by_key(body["breakdowns"])["community"]["lines"])
    assert community["rae"]["infants"] is None
    assert community["albanian"]["infants"] is None
    assert community["unknown"]["infants"] == 0
    gaps = _by_key(body["gaps"])
    assert gaps["disability"]["group"]["infants"] is None
    assert gaps["disability"]["points"] is None


def test_a_partner_sees_the_counts_of_five_and_more(w, api_client):
    for i in range(6):
        infant(w, f"Met{i}", visits=(10, 40))
    for i in range(5):
        infant(w, f"Not{i}", visits=(10,))
    infant(w, "Roma", visits=(10, 40), community="roma")
    client, headers = api_client("partner")
    body = _report(client.get(API, {"year": last_year()}, headers=headers))
    assert body["total"] == {"infants": 12, "met": 7, "share": 58.3}
    community = _by_key(_by_key(body["breakdowns"])["community"]["lines"])
    # One Roma infant: hidden, and so is the Albanian line it would follow from.
    assert community["rae"]["infants"] is None
    assert community["albanian"]["infants"] is None


def test_the_first_year_ends_the_day_before_the_first_birthday(w):
    born = date(2024, 2, 29)
    assert plus_one_year(born) == date(2025, 2, 28)
    infant(w, "Leap", visits=(10, 364), born=born)  # day 364 is 2025-02-27
    scope = CoverageScope(centres=(w.agencies["health_pr"].pk,))
    february = coverage_report(
        scope=scope, filters=CoverageFilters(date(2025, 2, 1), date(2025, 2, 28))
    )
    march = coverage_report(
        scope=scope, filters=CoverageFilters(date(2025, 3, 1), date(2025, 3, 31))
    )
    assert (february.total.infants, february.total.met) == (1, 1)
    assert march.total.infants == 0


def test_a_visit_on_the_first_birthday_is_not_in_the_first_year(w):
    born = date(last_year() - 1, 6, 15)
    infant(w, "Late", visits=(10, (plus_one_year(born) - born).days))
    report = coverage_report(
        scope=CoverageScope(centres=(w.agencies["health_pr"].pk,)),
        filters=CoverageFilters(date(last_year(), 1, 1), date(last_year(), 12, 31)),
    )
    assert (report.total.infants, report.total.met) == (1, 0)


def test_the_page_shows_the_report_with_the_last_year_by_default(families, signed_in):
    response = signed_in("manager").get(reverse("visiting:coverage"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "66.7%" in page and "Roma, Ashkali and Egyptian" in page
    assert 'data-gap="rae"' in page and "-25.0" in page
    assert "CanaryAMotherQ" not in page and "CanaryAChildQ" not in page


def test_a_place_narrows_the_report(families, signed_in):
    client = signed_in("data_pr")
    response = client.get(
        reverse("visiting:coverage"),
        {"year": last_year(), "place": families.places["prishtina"].pk},
    )
    assert response.context["report"].total.infants == 6


def test_a_place_out_of_reach_is_refused(families, api_client):
    client, headers = api_client("data_pr")
    response = client.get(
        API,
        {"year": last_year(), "place": families.places["prizren"].pk},
        headers=headers,
    )
    assert response.status_code == 422
    assert "place" in response.json()["errors"]


def test_a_period_that_runs_backwards_is_refused(w, signed_in):
    response = signed_in("manager").get(
        reverse("visiting:coverage"), {"start": "2025-05-01", "end": "2025-01-01"}
    )
    assert response.context["report"] is None
    assert "must start before it ends" in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["nurse", "worker_a1", "sup_a", "provider", "admin", "outsider"]
)
def test_who_may_not_see_the_coverage(w, signed_in, api_client, persona):
    assert signed_in(persona).get(reverse("visiting:coverage")).status_code == 403
    client, headers = api_client(persona)
    assert client.get(API, headers=headers).status_code == 403


def test_the_page_has_a_fixed_number_of_queries(families, signed_in):
    client = signed_in("data_pr")
    url = f"{reverse('visiting:coverage')}?year={last_year()}"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    # session, user, roles, the user's places, the protocols' first-year visits,
    # the one grouped query, the municipalities, the places to choose from, the
    # session's save (with its savepoint).
    assert len(captured) <= 13, [q["sql"][:60] for q in captured]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2025, 2, 28), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2025, 3, 31)),
        (date(2024, 2, 29), date(2024, 3, 1)),
        (date(2024, 2, 1), date(2024, 2, 28)),
    ],
)
def test_the_births_are_those_whose_first_birthday_is_in_the_period(start, end):
    first, last = births_turning_one(start, end)
    days = [date(2022, 1, 1) + timedelta(days=i) for i in range(1200)]
    expected = [d for d in days if start <= plus_one_year(d) <= end]
    assert [d for d in days if first <= d <= last] == expected
