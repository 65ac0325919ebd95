"""Every role against people of its own team, another team, another agency and another
municipality, through pages, the API and exports: nothing shows where it should not."""

import re

import pytest
from django.urls import reverse

from tests.world import EXPECTED, GIVEN_NAMES, PERSONAS, SHARES

pytestmark = pytest.mark.django_db

ALL_PERSONAS = sorted(PERSONAS)
PERSON_KEYS = sorted(SHARES)


def _names_in(text: str) -> set[str]:
    return {key for key, name in GIVEN_NAMES.items() if name in text}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_person_pages_show_exactly_the_people_shared_with_each_role(
    world, signed_in, persona
):
    client = signed_in(persona)
    expected = EXPECTED[persona]
    listing = client.get(reverse("people:list"))
    if expected or listing.status_code == 200:
        assert listing.status_code == 200
        assert _names_in(listing.content.decode()) == set(expected)
    else:
        assert listing.status_code == 403
    for key in PERSON_KEYS:
        person = world.people[key]
        response = client.get(reverse("people:detail", args=[person.pk]))
        if key in expected:
            assert response.status_code == 200, (persona, key)
            body = response.content.decode()
            assert GIVEN_NAMES[key] in body
            # A minimal grant shows name, sex, age and municipality, never the address.
            assert (f"Secret street {key}" in body) == (expected[key] == "full")
        else:
            assert response.status_code in (403, 404), (persona, key)
            assert GIVEN_NAMES[key] not in response.content.decode()


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_edit_pages_open_only_for_full_access_with_the_right_to_edit(
    world, signed_in, persona
):
    client = signed_in(persona)
    for key in PERSON_KEYS:
        response = client.get(reverse("people:edit", args=[world.people[key].pk]))
        may_edit = EXPECTED[persona].get(key) == "full" and persona.startswith(
            ("worker", "sup", "nurse")
        )
        assert (response.status_code == 200) == may_edit, (persona, key)
        if not may_edit:
            assert GIVEN_NAMES[key] not in response.content.decode()


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_the_api_shows_exactly_the_people_shared_with_each_role(
    world, api_client, persona
):
    client, headers = api_client(persona)
    expected = EXPECTED[persona]
    listing = client.get("/api/v1/people", headers=headers)
    if expected:
        assert listing.status_code == 200
        items = listing.json()["items"]
        seen = {
            key
            for key, name in GIVEN_NAMES.items()
            for i in items
            if i["given_name"] == name
        }
        assert seen == set(expected)
        for item in items:
            key = next(k for k, n in GIVEN_NAMES.items() if n == item["given_name"])
            assert item["level"] == expected[key]
            assert (item["address"] is not None) == (expected[key] == "full")
    else:
        assert listing.status_code in (200, 403)
        assert _names_in(listing.content.decode()) == set()
    for key in PERSON_KEYS:
        response = client.get(f"/api/v1/people/{world.people[key].pk}", headers=headers)
        if key in expected:
            assert response.status_code == 200
        else:
            assert response.status_code in (403, 404)
            assert GIVEN_NAMES[key] not in response.content.decode()


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_exports_hold_only_the_people_shared_with_each_role(world, signed_in, persona):
    client = signed_in(persona)
    response = client.get(reverse("people:export"))
    body = (
        b"".join(response.streaming_content).decode()
        if response.status_code == 200
        else response.content.decode()
    )
    exporters = {"worker_a1", "worker_a2", "worker_b1", "worker_pz", "sup_a", "sup_b"}
    if persona in exporters:
        assert response.status_code == 200
        assert _names_in(body) == set(EXPECTED[persona])
    else:
        assert response.status_code == 403
        assert _names_in(body) == set()


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_statistics_never_carry_a_name_or_an_address(
    world, signed_in, api_client, persona
):
    client = signed_in(persona)
    api, headers = api_client(persona)
    bodies = []
    for response in (
        client.get(reverse("statistics:summary")),
        client.get(reverse("statistics:summary_export")),
        client.get(reverse("workspace:home")),
        api.get("/api/v1/statistics/people-by-place", headers=headers),
    ):
        bodies.append(response.content.decode())
    joined = "\n".join(bodies)
    assert _names_in(joined) - set(EXPECTED[persona]) == set()
    assert "Secret street" not in joined or EXPECTED[persona]


def test_a_user_removed_from_a_team_loses_access_on_the_next_request(world, signed_in):
    client = signed_in("worker_a2")
    person = world.people["team_shared"]
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200
    world.teams["team_a"].members.remove(world.users["worker_a2"])
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404


def test_a_deactivated_role_sees_nothing_on_the_next_request(world, signed_in):
    client = signed_in("worker_a1")
    person = world.people["own"]
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200
    world.users["worker_a1"].memberships.update(is_active=False)
    assert client.get(reverse("people:detail", args=[person.pk])).status_code in (
        403,
        404,
    )


def test_a_record_out_of_reach_answers_like_one_that_does_not_exist(world, signed_in):
    client = signed_in("worker_a1")
    hidden = client.get(reverse("people:detail", args=[world.people["unshared"].pk]))
    missing = client.get(reverse("people:detail", args=[999_999]))
    assert hidden.status_code == missing.status_code == 404
    main = re.compile(rb"<main.*</main>", re.S)
    reference = re.compile(rb"[0-9a-f]{32}")
    assert reference.sub(b"", main.search(hidden.content)[0]) == reference.sub(
        b"", main.search(missing.content)[0]
    )
