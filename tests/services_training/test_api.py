"""The trainings and outreach API: the same access rules as the pages, idempotent
creates, JSON field errors."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.services_training.helpers import (
    add_street_teams,
    add_trainers,
    record_training,
    register_participant,
)
from ura.audit.models import AuditEvent
from ura.services.models import OutreachContact, Training, TrainingParticipant

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _send(client, method, url, headers, body):  # noqa: ANN001, ANN202
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", headers=headers
    )


@pytest.fixture
def people(world):  # noqa: ANN001, ANN201
    add_trainers(world)
    add_street_teams(world)
    return world


def _contact_body(world, **extra) -> dict:  # noqa: ANN001, ANN003
    return {
        "agency_id": world.agencies["mobile_pr"].pk,
        "contacted_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "place_code": world.places["prishtina"].code,
        "code": "b-9",
        "name": "CanaryApiNick",
        "sex": "female",
        "estimated_age": 13,
        "in_street_situation": True,
        "actions": ["information", "referred"],
    } | extra


def test_an_outreach_contact_is_created_once_for_one_idempotency_key(
    people, api_client
):
    client, headers = api_client("street_a")
    headers = {**headers, "Idempotency-Key": "phone-42"}
    first = _send(client, "post", f"{API}/outreach", headers, _contact_body(people))
    assert first.status_code == 201, first.content
    contact = first.json()
    assert (contact["code"], contact["name"], contact["actions"]) == (
        "B-9",
        "CanaryApiNick",
        ["information", "referred"],
    )
    retry = _send(client, "post", f"{API}/outreach", headers, _contact_body(people))
    assert retry.status_code == 200
    assert retry.json()["id"] == contact["id"]
    assert OutreachContact.objects.count() == 1
    listed = client.get(f"{API}/outreach", headers=headers).json()
    assert [c["id"] for c in listed["items"]] == [contact["id"]]


def test_outreach_input_errors_are_json_by_field(people, api_client):
    client, headers = api_client("street_a")
    response = _send(
        client,
        "post",
        f"{API}/outreach",
        headers,
        _contact_body(
            people,
            contacted_at=(timezone.now() + timedelta(days=2)).isoformat(),
        ),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "contacted_at": ["The contact cannot be in the future."]
    }
    other_team = _send(
        client,
        "post",
        f"{API}/outreach",
        headers,
        _contact_body(people, agency_id=people.agencies["mobile_pz"].pk),
    )
    assert other_team.status_code == 422
    assert "agency_id" in other_team.json()["errors"]
    assert not OutreachContact.objects.exists()


def test_another_team_gets_404_and_the_search_takes_the_code_in_the_body(
    people, api_client
):
    client, headers = api_client("street_a")
    created = _send(client, "post", f"{API}/outreach", headers, _contact_body(people))
    contact_id = created.json()["id"]
    _send(client, "post", f"{API}/outreach", headers, _contact_body(people, code="X"))
    found = _send(client, "post", f"{API}/outreach/search", headers, {"code": "B-9"})
    assert [c["id"] for c in found.json()["items"]] == [contact_id]
    other, other_headers = api_client("street_b")
    assert (
        other.get(f"{API}/outreach/{contact_id}", headers=other_headers).status_code
        == 404
    )
    assert other.get(f"{API}/outreach", headers=other_headers).json()["count"] == 0
    worker, worker_headers = api_client("worker_a1")
    assert worker.get(f"{API}/outreach", headers=worker_headers).status_code == 403


def test_linking_by_api_links_every_contact_with_the_code(people, api_client):
    client, headers = api_client("street_a")
    ids = [
        _send(client, "post", f"{API}/outreach", headers, _contact_body(people)).json()[
            "id"
        ]
        for _ in range(3)
    ]
    person = _send(
        client,
        "post",
        f"{API}/people",
        headers,
        {
            "given_name": "Drita",
            "family_name": "Rruga",
            "sex": "female",
            "estimated_age": 13,
            "place_code": people.places["prishtina"].code,
        },
    ).json()
    linked = _send(
        client,
        "post",
        f"{API}/outreach/{ids[0]}/link",
        headers,
        {"person_id": person["id"]},
    )
    assert linked.status_code == 200, linked.content
    assert linked.json() == {"person_id": person["id"], "contacts": 3}
    assert set(OutreachContact.objects.values_list("person_id", flat=True)) == {
        person["id"]
    }
    again = _send(
        client,
        "post",
        f"{API}/outreach/{ids[1]}/link",
        headers,
        {"person_id": person["id"]},
    )
    assert again.status_code == 422
    stranger = _send(
        client,
        "post",
        f"{API}/outreach/{ids[1]}/link",
        headers,
        {"person_id": people.people["own"].pk},
    )
    assert stranger.status_code == 404


def _training_body(world, **extra) -> dict:  # noqa: ANN001, ANN003
    return {
        "title": "Child rights for police",
        "topic": "child_rights",
        "starts_on": "2025-04-01",
        "ends_on": "2025-04-02",
        "place_code": world.places["prishtina"].code,
        "hours": "8.5",
        "organiser_id": world.agencies["ngo_pr"].pk,
        "partner_ids": [world.agencies["police_pr"].pk],
    } | extra


def test_a_training_is_created_once_and_edited_with_its_version(people, api_client):
    client, headers = api_client("trainer")
    keyed = {**headers, "Idempotency-Key": "training-1"}
    first = _send(client, "post", f"{API}/trainings", keyed, _training_body(people))
    assert first.status_code == 201, first.content
    training = first.json()
    assert training["partner_ids"] == [people.agencies["police_pr"].pk]
    retry = _send(client, "post", f"{API}/trainings", keyed, _training_body(people))
    assert (retry.status_code, retry.json()["id"]) == (200, training["id"])
    assert Training.objects.count() == 1
    url = f"{API}/trainings/{training['id']}"
    changed = _send(
        client, "patch", url, headers, {"version": training["version"], "hours": None}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["hours"] is None
    stale = _send(
        client, "patch", url, headers, {"version": training["version"], "title": "X"}
    )
    assert stale.status_code == 409
    bad = _send(
        client, "post", f"{API}/trainings", headers,
        _training_body(people, ends_on="2025-03-01"),
    )  # fmt: skip
    assert bad.status_code == 422
    assert "ends_on" in bad.json()["errors"]


def test_participants_by_api_are_the_organisers_only(people, api_client):
    world = people
    training = record_training(world)
    participant = register_participant(world, training)
    client, headers = api_client("trainer")
    listed = client.get(
        f"{API}/trainings/{training.pk}/participants", headers=headers
    ).json()
    assert [p["person_id"] for p in listed["items"]] == [participant.person_id]
    assert AuditEvent.objects.filter(
        action="view", object_type="services.training"
    ).exists()
    counts = client.get(f"{API}/trainings/{training.pk}/counts", headers=headers)
    assert counts.json() == [
        {"profession": "police", "female": 1, "male": 0, "unknown": 0, "total": 1}
    ]
    other, other_headers = api_client("trainer_pz")
    assert (
        other.get(
            f"{API}/trainings/{training.pk}/participants", headers=other_headers
        ).status_code
        == 404
    )
    assert other.get(f"{API}/trainings", headers=other_headers).json()["count"] == 0


def test_adding_a_participant_by_api_is_idempotent_and_refuses_children(
    people, api_client
):
    world = people
    first = record_training(world)
    participant = register_participant(world, first)
    second = record_training(world, title="Second")
    client, headers = api_client("trainer")
    keyed = {**headers, "Idempotency-Key": "add-1"}
    url = f"{API}/trainings/{second.pk}/participants"
    body = {"person_id": participant.person_id, "profession": "judge",
            "institution": "Basic court"}  # fmt: skip
    added = _send(client, "post", url, keyed, body)
    assert added.status_code == 201, added.content
    again = _send(client, "post", url, keyed, body)
    assert (again.status_code, again.json()["id"]) == (200, added.json()["id"])
    assert second.participants.count() == 1
    # Someone the trainer does not see: not found.
    stranger = _send(
        client, "post", url, headers, body | {"person_id": world.people["own"].pk}
    )
    assert stranger.status_code == 404
    # A child the trainer happens to see is refused by the rule, not by access.
    from ura.access.models import PersonGrant

    child = world.people["unshared"]
    PersonGrant.objects.create(
        person=child, user=world.users["trainer"], reason="share",
        starts_at=timezone.now(),
    )  # fmt: skip
    refused = _send(client, "post", url, headers, body | {"person_id": child.pk})
    assert refused.status_code == 422
    assert "A child cannot take part" in refused.json()["errors"]["person"][0]
    assert not TrainingParticipant.objects.filter(person=child).exists()
