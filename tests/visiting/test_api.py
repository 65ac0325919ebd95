"""/api/v1/visiting: enrolments and schedules through the same rules, actions
and audit as the pages."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.visiting.helpers import (
    MOTHER,
    enrol_baby,
    enrol_pregnancy,
    intensified,
    newborn,
    setup_visiting,
)
from ura.visiting.models import Enrolment

pytestmark = pytest.mark.django_db
BASE = "/api/v1/visiting/enrolments"


@pytest.fixture
def w(world):  # noqa: ANN001, ANN201
    return setup_visiting(world)


def _post(client, headers, url, body, **extra):  # noqa: ANN001, ANN003, ANN202
    return client.post(
        url,
        json.dumps(body),
        content_type="application/json",
        headers={**headers, **extra},
    )


def _pregnancy(w) -> dict:  # noqa: ANN001
    return {
        "kind": "pregnancy",
        "caregiver_id": w.people["mother"].pk,
        "household_id": w.households["family"].pk,
        "expected_delivery_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "centre_id": w.agencies["health_pr"].pk,
        "nurse_id": w.users["nurse"].pk,
        "priority_reasons": ["rae_community"],
    }


def test_a_nurse_enrols_once_with_an_idempotency_key_and_reads_the_schedule(
    w, api_client
):
    client, headers = api_client("nurse")
    first = _post(client, headers, BASE, _pregnancy(w), **{"Idempotency-Key": "k1"})
    assert first.status_code == 201, first.content
    again = _post(client, headers, BASE, _pregnancy(w), **{"Idempotency-Key": "k1"})
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Enrolment.objects.count() == 1
    body = first.json()
    assert body["protocol_id"] == intensified().pk
    assert body["caregiver"]["given_name"] == MOTHER
    assert len(body["schedule"]) == 15
    assert {v["status"] for v in body["schedule"]} <= {
        "upcoming",
        "due",
        "overdue",
        "not_needed",
    }
    listed = client.get(BASE, headers=headers).json()
    assert [e["id"] for e in listed["items"]] == [body["id"]]


def test_an_enrolment_without_a_caregiver_is_a_field_error(w, api_client):
    client, headers = api_client("nurse")
    body = {**_pregnancy(w), "caregiver_id": None}
    response = _post(client, headers, BASE, body)
    assert response.status_code == 422
    assert "needs a caregiver" in response.json()["errors"]["caregiver_id"][0]
    assert not Enrolment.objects.exists()


def test_the_birth_moves_the_schedule_and_a_stale_version_is_409(w, api_client):
    client, headers = api_client("nurse")
    enrolment = enrol_pregnancy(w, edd=timezone.localdate() + timedelta(days=30))
    child = newborn(w, "CanaryApiBabyQ", timezone.localdate())
    url = f"{BASE}/{enrolment.pk}/birth"
    body = {
        "version": enrolment.version,
        "child_id": child.pk,
        "born_on": timezone.localdate().isoformat(),
    }
    response = _post(client, headers, url, body)
    assert response.status_code == 200, response.content
    assert response.json()["child"]["given_name"] == "CanaryApiBabyQ"
    stale = _post(
        client,
        headers,
        f"{BASE}/{enrolment.pk}/end",
        {
            "version": enrolment.version,
            "reason": "withdrawn",
        },
    )
    assert stale.status_code == 409


def test_changing_the_protocol_and_ending(w, api_client):
    client, headers = api_client("nurse")
    enrolment = enrol_baby(w)
    response = client.patch(
        f"{BASE}/{enrolment.pk}",
        json.dumps(
            {
                "version": enrolment.version,
                "protocol_id": intensified().pk,
                "priority_reasons": ["premature_birth"],
            }
        ),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200, response.content
    assert "Ten weeks" in {v["name"] for v in response.json()["schedule"]}
    ended = _post(
        client,
        headers,
        f"{BASE}/{enrolment.pk}/end",
        {"version": response.json()["version"], "reason": "moved_away"},
    )
    assert ended.json()["status"] == "ended"


@pytest.mark.parametrize("persona", ["nurse_pz", "nurse2", "sup_a"])
def test_another_centre_or_nurse_gets_404(w, api_client, persona):
    enrolment = enrol_baby(w)
    client, headers = api_client(persona)
    assert client.get(f"{BASE}/{enrolment.pk}", headers=headers).status_code == 404
    items = client.get(BASE, headers=headers).json()["items"]
    assert items == []


@pytest.mark.parametrize("persona", ["worker_a1", "provider", "admin", "outsider"])
def test_roles_without_home_visiting_get_403(w, api_client, persona):
    enrolment = enrol_baby(w)
    client, headers = api_client(persona)
    assert client.get(BASE, headers=headers).status_code == 403
    assert client.get(f"{BASE}/{enrolment.pk}", headers=headers).status_code == 403


def test_the_manager_reads_the_centres_enrolments(w, api_client):
    enrol_baby(w)
    client, headers = api_client("manager")
    (item,) = client.get(BASE, headers=headers).json()["items"]
    assert item["caregiver"]["given_name"] == MOTHER
