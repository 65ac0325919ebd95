"""Who sees which figures: the places of data officers and supervisors, the funded
programmes of partners, the own agencies of providers and trainers; nobody else."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from tests.services_reach.helpers import Reach
from ura.services.reach import ReachFilters, reach_figures
from ura.services.reach_refresh import refresh

PAGE = "/services/reach/?start=2025-01-01&end=2025-12-31"


@pytest.fixture
def served(reach: Reach) -> Reach:
    """Two day care children (one living in Prishtina), one in the shelter, one
    child met by the mobile team, one professional trained by the NGO."""
    for place in ("prizren", "prishtina"):
        reach.attend(reach.enrol(reach.person(place=place)), date(2025, 3, 3))
    reach.enrol(reach.person(), reach.shelter, start=date(2025, 2, 1))
    reach.outreach(date(2025, 3, 3), person=reach.person(born=date(2013, 1, 1)))
    other = reach.agency("ngo_other", "ngo", "prizren")
    reach.training(date(2025, 4, 4), reach.person(born=date(1980, 1, 1)))
    reach.training(
        date(2025, 4, 4), reach.person(born=date(1980, 1, 1)), organiser=other
    )
    refresh()
    return reach


def test_a_national_data_officer_sees_everyone(served: Reach) -> None:
    counts = served.counts(refreshed=False)
    assert (counts["children"], counts["trained"], counts["unique"]) == (4, 2, 6)


def test_data_officers_and_supervisors_see_their_places(served: Reach) -> None:
    # data_pr's and sup_a's agency covers Prishtina: the child living there.
    for persona in ("data_pr", "sup_a"):
        assert served.counts(persona, refreshed=False)["unique"] == 1
    with pytest.raises(PermissionDenied):
        served.figures("data_pr", refreshed=False, place=served.w.places["prizren"])


def test_partners_see_the_programmes_they_fund(served: Reach) -> None:
    counts = served.counts("partner", refreshed=False)
    assert counts["children"] is None  # 2 children of the funded day care: hidden
    with pytest.raises(PermissionDenied):
        served.figures("partner", refreshed=False, programme=served.unfunded)


def test_a_partner_cannot_ask_for_another_programme(served: Reach, signed_in) -> None:  # noqa: ANN001
    page = signed_in("partner").get(f"{PAGE}&programme={served.unfunded.pk}")
    assert page.status_code == 200
    assert b"Select a valid choice" in page.content
    assert b"Unique people reached" not in page.content


def test_providers_see_their_own_services(served: Reach) -> None:
    assert served.counts("provider", refreshed=False)["children"] == 2
    assert served.counts("street", refreshed=False)["children"] == 1
    with pytest.raises(PermissionDenied):
        served.figures("provider", refreshed=False, agency=served.shelter_agency)


def test_trainers_see_their_own_trainings(served: Reach) -> None:
    counts = served.counts("trainer", refreshed=False)
    assert (counts["trained"], counts["children"], counts["unique"]) == (1, 0, 1)


@pytest.mark.parametrize("persona", ["worker_a1", "nurse", "admin", "outsider"])
def test_others_are_refused(served: Reach, signed_in, api_client, persona: str) -> None:  # noqa: ANN001
    client = signed_in(persona)
    assert client.get(PAGE).status_code == 403
    assert client.get(PAGE.replace("reach/", "reach/export.csv")).status_code == 403
    api, headers = api_client(persona)
    assert api.get("/api/v1/reach", headers=headers).status_code == 403
    with pytest.raises(PermissionDenied):
        reach_figures(
            user=served.w.users[persona],
            filters=ReachFilters(start=date(2025, 1, 1), end=date(2025, 12, 31)),
        )


def test_signed_out_goes_to_sign_in(served: Reach, client) -> None:  # noqa: ANN001
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_pages_show_no_names(served: Reach, signed_in) -> None:  # noqa: ANN001
    client = signed_in("data_officer")
    for url in (PAGE, PAGE.replace("reach/", "reach/export.csv")):
        content = client.get(url).content
        assert b"Unique people reached" in content
        assert b"Reach1" not in content and b"Testi" not in content
