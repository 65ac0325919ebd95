"""Registering and editing a person from the pages."""

import pytest
from django.urls import reverse

from ura.people.models import Person

pytestmark = pytest.mark.django_db


def _form(world, **changes):  # noqa: ANN001, ANN003, ANN202
    data = {
        "given_name": "Arta",
        "family_name": "Krasniqi",
        "sex": "female",
        "date_of_birth": "2018-01-02",
        "place": world.places["prishtina"].pk,
        "address": "",
        "phone": "",
    }
    data.update(changes)
    return data


def test_a_worker_registers_a_child_and_opens_the_record(world, signed_in):
    client = signed_in("worker_a1")
    response = client.post(reverse("people:create"), _form(world))
    person = Person.objects.get(given_name="Arta")
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert client.get(response["Location"]).status_code == 200


def test_a_date_of_birth_in_the_future_is_a_field_error_and_nothing_is_saved(
    world, signed_in
):
    response = signed_in("worker_a1").post(
        reverse("people:create"), _form(world, date_of_birth="2999-01-01")
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert not Person.objects.filter(given_name="Arta").exists()


def test_a_stale_edit_keeps_the_users_text_and_saves_nothing(world, signed_in):
    person = world.people["own"]
    client = signed_in("worker_a1")
    url = reverse("people:edit", args=[person.pk])
    client.post(
        url, _form(world, given_name=person.given_name, address="First", version=1)
    )
    response = client.post(
        url,
        _form(
            world, given_name=person.given_name, address="My careful text", version=1
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else changed this record" in body
    assert "My careful text" in body
    person.refresh_from_db()
    assert person.address == "First"


def test_roles_without_registration_cannot_open_the_form(world, signed_in):
    assert signed_in("data_pr").get(reverse("people:create")).status_code == 403
    assert signed_in("outsider").get(reverse("people:create")).status_code == 403


def test_a_registration_started_elsewhere_goes_back_there_with_the_new_person(
    world, signed_in
):

    data = {
        "given_name": "Sabri",
        "family_name": "Osmani",
        "sex": "male",
        "estimated_age": "9",
        "place": world.places["prishtina"].pk,
    }
    client = signed_in("worker_a1")
    back = client.post(reverse("people:create"), {**data, "next": "/services/7/enrol/"})
    person = Person.objects.get(given_name="Sabri")
    assert back.url == f"/services/7/enrol/?person={person.pk}"
    # Another site is never a destination: the person's page instead.
    data.update(given_name="Drita", family_name="Krasniqi", sex="female")
    away = client.post(
        reverse("people:create"), {**data, "next": "https://evil.example/x"}
    )
    other = Person.objects.get(given_name="Drita", family_name="Krasniqi")
    assert away.url == reverse("people:detail", args=[other.pk])
