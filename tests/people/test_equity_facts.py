"""Equity facts: recorded without forcing an answer, and filterable everywhere."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from ura.people.models import Person

pytestmark = pytest.mark.django_db

CHILD = {
    "given_name": "Elmaze",
    "family_name": "Bajrami",
    "sex": "female",
    "place_code": "XK-04-20",
}


def _post(client, headers, body):  # noqa: ANN001, ANN202
    return client.post(
        "/api/v1/people", body, content_type="application/json", headers=headers
    )


def test_facts_left_out_are_recorded_as_unknown_never_as_no(world, api_client):
    client, headers = api_client("worker_pz")
    response = _post(client, headers, CHILD)
    assert response.status_code == 201
    person = Person.objects.get(pk=response.json()["id"])
    assert person.community == "unknown"
    assert person.social_assistance == "unknown"
    assert person.birth_registered == "unknown"


def test_declined_is_an_answer_of_its_own(world, api_client):
    client, headers = api_client("worker_pz")
    body = {**CHILD, "community": "declined", "social_assistance": "declined"}
    person = Person.objects.get(pk=_post(client, headers, body).json()["id"])
    assert (person.community, person.social_assistance) == ("declined", "declined")


def test_an_estimated_age_gives_an_estimated_date_of_birth(world, api_client):
    client, headers = api_client("worker_pz")
    body = {**CHILD, "estimated_age": 7}
    data = _post(client, headers, body).json()
    assert data["date_of_birth_estimated"] is True
    assert data["age"] in (6, 7)


def test_a_date_of_birth_in_the_future_is_refused_in_the_api(world, api_client):
    client, headers = api_client("worker_pz")
    response = _post(client, headers, {**CHILD, "date_of_birth": "2999-01-01"})
    assert response.status_code == 422
    assert "date_of_birth" in response.json()["errors"]
    assert not Person.objects.filter(given_name="Elmaze").exists()


def test_an_age_over_120_is_refused(world, api_client):
    client, headers = api_client("worker_pz")
    response = _post(client, headers, {**CHILD, "estimated_age": 130})
    assert response.status_code == 422
    assert "estimated_age" in response.json()["errors"]


def test_a_cyrillic_personal_number_is_refused_with_the_reason(world, api_client):
    client, headers = api_client("worker_pz")
    response = _post(client, headers, {**CHILD, "personal_number": "12345АБ"})
    assert response.status_code == 422
    assert response.json()["errors"]["personal_number"] == [
        "Use Latin letters and digits only."
    ]


def test_a_community_outside_the_countrys_list_is_refused(world, api_client, settings):
    settings.URA_COUNTRY = "albania"
    client, headers = api_client("worker_pz")
    response = _post(client, headers, {**CHILD, "community": "ashkali"})
    assert response.status_code == 422
    assert "community" in response.json()["errors"]


def _people_with_facts(world):  # noqa: ANN001, ANN202
    own = world.people["own"]
    own.community = "roma"
    own.social_assistance = "yes"
    own.save()
    shared = world.people["team_shared"]
    shared.community = "albanian"
    shared.date_of_birth = date(timezone.localdate().year - 20, 1, 1)
    shared.save()
    return own, shared


def test_the_api_filters_by_community_assistance_and_age_band(world, api_client):
    own, shared = _people_with_facts(world)
    client, headers = api_client("worker_a1")
    roma = client.get("/api/v1/people?community=roma", headers=headers).json()
    assert [p["id"] for p in roma["items"]] == [own.pk]
    poor = client.get("/api/v1/people?social_assistance=yes", headers=headers).json()
    assert [p["id"] for p in poor["items"]] == [own.pk]
    adults = client.get("/api/v1/people?age_band=18%2B", headers=headers).json()
    assert [p["id"] for p in adults["items"]] == [shared.pk]
    place = client.get("/api/v1/people?place_code=XK-04-20", headers=headers).json()
    assert place["items"] == []
    bad = client.get("/api/v1/people?community=martian", headers=headers)
    assert bad.status_code == 422


def test_the_people_page_filters_by_equity_facts(world, signed_in):
    own, shared = _people_with_facts(world)
    client = signed_in("worker_a1")
    page = client.post(reverse("people:list"), {"community": "roma"}).content.decode()
    assert own.given_name in page
    assert shared.given_name not in page


def test_the_full_record_shows_the_equity_facts_and_a_minimal_one_does_not(
    world, signed_in
):
    person = world.people["referred"]
    person.community = "egyptian"
    person.save()
    full = signed_in("worker_pz").get(reverse("people:detail", args=[person.pk]))
    minimal = signed_in("provider").get(reverse("people:detail", args=[person.pk]))
    assert "Egyptian" in full.content.decode()
    assert "Egyptian" not in minimal.content.decode()


def test_the_registration_form_accepts_an_estimated_age(world, signed_in):
    response = signed_in("worker_a1").post(
        reverse("people:create"),
        {
            "given_name": "Sabri",
            "family_name": "Osmani",
            "sex": "male",
            "estimated_age": "9",
            "place": world.places["prishtina"].pk,
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(given_name="Sabri")
    assert person.date_of_birth_estimated
    assert person.community == "unknown"
