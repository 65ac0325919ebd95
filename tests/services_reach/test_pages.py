"""The reach page, its export (audited), the API, the refresh from the page, and
the page's query count."""

import csv
import io
from datetime import date

import pytest
from django.utils import timezone

from tests.services_reach.helpers import Reach
from ura.audit.models import AuditAction, AuditEvent
from ura.services import reach_refresh
from ura.services.reach_models import ReachRefresh

YEAR_QUERY = "start=2025-01-01&end=2025-12-31"


@pytest.fixture
def served(reach: Reach) -> Reach:
    child, mother = reach.person(), reach.person(born=date(1990, 2, 2))
    reach.household(child, mother)
    reach.attend(reach.enrol(child), date(2025, 3, 3), date(2025, 3, 4))
    return reach


def test_the_page_shows_the_figures(served: Reach, signed_in) -> None:  # noqa: ANN001
    page = signed_in("data_officer").get(f"/services/reach/?{YEAR_QUERY}")
    assert page.status_code == 200
    figures = page.context["figures"]
    assert figures.tables.totals == [2, 1, 0, 1, 0]
    text = page.content.decode()
    assert "Children directly supported" in text and "People reached indirectly" in text
    assert "By community" in text and "Figures as of" in text


def test_the_page_defaults_to_this_year_so_far(served: Reach, signed_in) -> None:  # noqa: ANN001
    page = signed_in("data_officer").get("/services/reach/")
    filters = page.context["figures"].filters
    today = timezone.localdate()
    assert (filters.start, filters.end) == (date(today.year, 1, 1), today)


def test_bad_filters_are_explained(served: Reach, signed_in) -> None:  # noqa: ANN001
    client = signed_in("data_officer")
    page = client.get("/services/reach/?start=2025-05-01&end=2025-04-01")
    assert b"The period must start before it ends." in page.content
    assert page.context["figures"] is None
    page = client.get("/services/reach/?start=1990-01-01&end=2025-04-01")
    assert b"at most 10 years" in page.content


def test_a_period_ending_after_today_ends_today(served: Reach, signed_in) -> None:  # noqa: ANN001
    page = signed_in("data_officer").get(
        "/services/reach/?start=2025-01-01&end=2999-01-01"
    )
    assert page.context["figures"].filters.end == timezone.localdate()


def test_the_export_is_audited(served: Reach, signed_in) -> None:  # noqa: ANN001
    response = signed_in("data_officer").get(f"/services/reach/export.csv?{YEAR_QUERY}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = next(r for r in rows if r and r[0] == "Breakdown")
    assert header[2:] == [
        "Unique people reached", "Children directly supported",
        "Parents and caregivers supported", "People reached indirectly",
        "Professionals trained",
    ]  # fmt: skip
    assert ["Total", "", "2", "1", "0", "1", "0"] in rows
    event = AuditEvent.objects.get(
        action=AuditAction.EXPORT, object_type="services.reach"
    )
    assert event.actor_id == served.w.users["data_officer"].pk
    assert "2025-01-01" in event.detail


def test_a_partner_export_hides_small_counts(served: Reach, signed_in) -> None:  # noqa: ANN001
    response = signed_in("partner").get(f"/services/reach/export.csv?{YEAR_QUERY}")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Total", "", "<5", "<5", "0", "<5", "0"] in rows


def test_the_api_returns_the_figures(served: Reach, api_client) -> None:  # noqa: ANN001
    client, headers = api_client("data_officer")
    response = client.get(f"/api/v1/reach?{YEAR_QUERY}", headers=headers)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["unique_people_reached"]["total"] == 2
    assert data["children_directly_supported"]["by_sex"]["female"] == 1
    assert data["people_reached_indirectly"]["by_age"]["18+"] == 1
    assert data["small_counts_hidden"] is False
    assert data["figures_as_of"] is not None
    response = client.get(
        "/api/v1/reach?place_code=XK-PZ&start=2025-01-01", headers=headers
    )
    assert response.status_code in (200, 422)


def test_the_api_explains_bad_filters(served: Reach, api_client) -> None:  # noqa: ANN001
    client, headers = api_client("data_officer")
    response = client.get(
        "/api/v1/reach?start=2025-05-01&end=2025-04-01", headers=headers
    )
    assert response.status_code == 422
    assert response.json()["errors"]["start"]
    response = client.get("/api/v1/reach?place_code=NOWHERE", headers=headers)
    assert response.json()["errors"]["place_code"] == ["Unknown place code."]
    partner, partner_headers = api_client("partner")
    response = partner.get(
        f"/api/v1/reach?programme={served.unfunded.pk}", headers=partner_headers
    )
    assert response.status_code == 422


def test_the_api_hides_small_counts_for_partners(served: Reach, api_client) -> None:  # noqa: ANN001
    client, headers = api_client("partner")
    data = client.get(f"/api/v1/reach?{YEAR_QUERY}", headers=headers).json()
    assert data["small_counts_hidden"] is True
    assert data["unique_people_reached"]["total"] is None


def test_a_data_officer_refreshes_in_the_background(
    served: Reach,
    signed_in,
    monkeypatch,  # noqa: ANN001
) -> None:
    monkeypatch.setattr(reach_refresh, "run_in_background", lambda f, *a: f(*a))
    client = signed_in("data_officer")
    response = client.post("/services/reach/refresh/")
    job = ReachRefresh.objects.first()
    assert response.status_code == 302
    assert response["Location"] == f"/services/reach/refresh/{job.pk}/"
    page = client.get(response["Location"])
    assert b"Finished" in page.content and b"See the figures" in page.content
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    assert b"hx-trigger" not in partial.content  # done: no more polling


def test_others_may_not_start_a_refresh(served: Reach, signed_in) -> None:  # noqa: ANN001
    for persona in ("partner", "provider"):
        assert signed_in(persona).post("/services/reach/refresh/").status_code == 403
    assert signed_in("worker_a1").post("/services/reach/refresh/").status_code == 403


def test_changes_waiting_are_announced(served: Reach, signed_in, monkeypatch) -> None:  # noqa: ANN001
    reach_refresh.refresh()
    monkeypatch.setattr(reach_refresh, "SMALL_DATABASE", 0)
    monkeypatch.setattr(reach_refresh, "INLINE_LIMIT", 0)
    served.attend(served.enrol(served.person()), date(2025, 3, 5))
    page = signed_in("data_officer").get(f"/services/reach/?{YEAR_QUERY}")
    assert (
        b"recorded since then" in page.content and b"not included yet" in page.content
    )
    assert b"Refresh the figures" in page.content
    assert page.context["figures"].tables.figure("unique") == 2
    # A few changes are taken in by the page itself.
    monkeypatch.setattr(reach_refresh, "INLINE_LIMIT", 200)
    page = signed_in("data_officer").get(f"/services/reach/?{YEAR_QUERY}")
    assert page.context["figures"].tables.figure("unique") == 3
    assert b"Refresh the figures" not in page.content


def _page_queries(client, django_assert_max_num_queries) -> int:  # noqa: ANN001
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/services/reach/?{YEAR_QUERY}").status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["data_officer", "partner", "provider"])
def test_the_page_reads_the_same_number_of_queries_for_few_and_many(
    reach: Reach,
    signed_in,
    persona: str,  # noqa: ANN001
) -> None:
    client = signed_in(persona)
    first = reach.person()
    reach.attend(reach.enrol(first), date(2025, 3, 3))
    reach_refresh.refresh()
    few = _page_queries(client, None)
    for k in range(30):
        child, parent = reach.person(), reach.person(born=date(1985, 1, 1))
        reach.household(child, parent)
        service = reach.service(f"Club {k}", programme=reach.funded)
        reach.attend(reach.enrol(child, service), date(2025, 3, 3), date(2025, 4, 4))
        reach.attend(reach.enrol(parent, role="caregiver"), date(2025, 5, 5))
        reach.outreach(date(2025, 3, 3), code=f"K{k}")
        reach.training(date(2025, 4, 4), reach.person(born=date(1980, 1, 1)))
    reach_refresh.refresh()
    many = _page_queries(client, None)
    assert few == many
    assert many <= 16
