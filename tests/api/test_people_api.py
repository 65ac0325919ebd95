"""People through the API: pagination, create (idempotent), edit with a version."""

import pytest

from ura.audit.models import AuditAction, AuditEvent
from ura.people.models import Person

pytestmark = pytest.mark.django_db

NEW_CHILD = {
    "given_name": "Drita",
    "family_name": "Gashi",
    "sex": "female",
    "date_of_birth": "2019-03-04",
    "place_code": "XK-01-19",
}


def test_a_worker_registers_a_child_and_then_sees_it(world, api_client):
    client, headers = api_client("worker_a1")
    response = client.post(
        "/api/v1/people", NEW_CHILD, content_type="application/json", headers=headers
    )
    assert response.status_code == 201
    person_id = response.json()["id"]
    assert client.get(f"/api/v1/people/{person_id}", headers=headers).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_id=str(person_id)
    ).exists()


def test_the_same_idempotency_key_registers_the_child_once(world, api_client):
    client, headers = api_client("worker_a1")
    headers = {**headers, "Idempotency-Key": "abc-123"}
    first = client.post(
        "/api/v1/people", NEW_CHILD, content_type="application/json", headers=headers
    )
    again = client.post(
        "/api/v1/people", NEW_CHILD, content_type="application/json", headers=headers
    )
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Person.objects.filter(given_name="Drita").count() == 1


def test_an_unknown_place_code_is_a_field_error_and_nothing_is_saved(world, api_client):
    client, headers = api_client("worker_a1")
    body = {**NEW_CHILD, "place_code": "XX-99"}
    response = client.post(
        "/api/v1/people", body, content_type="application/json", headers=headers
    )
    assert response.status_code == 422
    assert "place_code" in response.json()["errors"]
    assert not Person.objects.filter(given_name="Drita").exists()


def test_fields_the_caller_may_not_set_are_refused(world, api_client):
    client, headers = api_client("worker_a1")
    body = {**NEW_CHILD, "created_by": 1, "version": 7}
    response = client.post(
        "/api/v1/people", body, content_type="application/json", headers=headers
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"created_by", "version"}


def test_roles_without_registration_cannot_create(world, api_client):
    client, headers = api_client("data_pr")
    response = client.post(
        "/api/v1/people", NEW_CHILD, content_type="application/json", headers=headers
    )
    assert response.status_code == 403
    assert not Person.objects.filter(given_name="Drita").exists()


def test_a_stale_edit_is_refused_with_409_and_the_record_is_unchanged(
    world, api_client
):
    client, headers = api_client("worker_a1")
    person = world.people["own"]
    url = f"/api/v1/people/{person.pk}"
    first = client.patch(
        url,
        {"version": 1, "address": "New street 1"},
        content_type="application/json",
        headers=headers,
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = client.patch(
        url,
        {"version": 1, "address": "Other street 2"},
        content_type="application/json",
        headers=headers,
    )
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.json()["message"]
    person.refresh_from_db()
    assert person.address == "New street 1"


def test_a_minimal_grant_cannot_edit(world, api_client):
    client, headers = api_client("provider")
    person = world.people["referred"]
    response = client.patch(
        f"/api/v1/people/{person.pk}",
        {"version": 1, "address": "x"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code in (403, 404)


def test_lists_are_paginated(world, api_client):
    client, headers = api_client("worker_a1")
    body = client.get("/api/v1/people?page=1", headers=headers).json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 2
