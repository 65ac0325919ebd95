"""/api/v1/referrals: the lifecycle, the same refusals and access as the pages."""

import json

import pytest

from tests.referrals.helpers import REASON, case_with_consent, day_care, send
from tests.world import GIVEN_NAMES
from ura.referrals.models import Referral

pytestmark = pytest.mark.django_db
BASE = "/api/v1/referrals"


def _post(client, headers, url: str, body: dict, **extra):  # noqa: ANN001, ANN003, ANN202
    return client.post(
        url,
        data=json.dumps(body),
        content_type="application/json",
        headers=headers | extra,
    )


def test_the_lifecycle_through_the_api(world, api_client):
    case = case_with_consent(world)
    service = day_care(world)
    worker, w_headers = api_client("worker_a1")
    body = {
        "person_id": case.person_id,
        "case_id": case.pk,
        "service_id": service.pk,
        "urgency": "emergency",
        "reason": REASON,
        "shared": ["contact"],
    }
    created = _post(worker, w_headers, BASE, body, **{"Idempotency-Key": "k-1"})
    assert created.status_code == 201, created.content
    again = _post(worker, w_headers, BASE, body, **{"Idempotency-Key": "k-1"})
    assert again.status_code == 200
    assert again.json()["id"] == created.json()["id"]
    assert Referral.objects.count() == 1
    referral_id = created.json()["id"]

    provider, p_headers = api_client("provider")
    listed = provider.get(BASE, {"side": "received"}, headers=p_headers).json()
    assert [r["id"] for r in listed["items"]] == [referral_id]
    detail = provider.get(f"{BASE}/{referral_id}", headers=p_headers).json()
    assert detail["status"] == "received"
    assert detail["person"]["given_name"] == GIVEN_NAMES["own"]
    assert "date_of_birth" not in detail["person"]
    assert detail["shared_values"]["address"] == "Secret street own"
    assert "concerns" not in detail["shared_values"]
    assert set(detail["steps"]) == {"accept", "decline", "start"}

    version = detail["version"]
    stale = _post(provider, p_headers, f"{BASE}/{referral_id}/accept", {"version": 0})
    assert stale.status_code == 409
    wrong = _post(
        provider,
        p_headers,
        f"{BASE}/{referral_id}/complete",
        {"version": version, "outcome": "x"},
    )
    assert wrong.status_code == 409
    assert "cannot be completed" in wrong.json()["message"]
    accepted = _post(
        provider, p_headers, f"{BASE}/{referral_id}/accept", {"version": version}
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    started = _post(
        provider,
        p_headers,
        f"{BASE}/{referral_id}/start",
        {"version": accepted.json()["version"], "role": "child"},
    )
    assert started.json()["start_hours"] is not None
    missing = _post(
        provider,
        p_headers,
        f"{BASE}/{referral_id}/complete",
        {"version": started.json()["version"]},
    )
    assert missing.status_code == 422 and "outcome" in missing.json()["errors"]
    done = _post(
        provider,
        p_headers,
        f"{BASE}/{referral_id}/complete",
        {"version": started.json()["version"], "outcome": "Attends daily"},
    )
    assert done.status_code == 200
    assert done.json()["person"] is None and done.json()["reason"] is None
    assert done.json()["shared_values"] == {}
    person = provider.get(f"/api/v1/people/{case.person_id}", headers=p_headers)
    assert person.status_code == 404

    mine = worker.get(f"{BASE}/{referral_id}", headers=w_headers).json()
    assert mine["outcome"] == "Attends daily"
    assert [e["status"] for e in mine["events"]] == [
        "sent",
        "received",
        "accepted",
        "started",
        "completed",
    ]


def test_refusals_are_field_errors(world, api_client):
    case = case_with_consent(world, "police_pr")
    service = day_care(world, max_age=6)
    worker, headers = api_client("worker_a1")
    body = {
        "person_id": case.person_id,
        "case_id": case.pk,
        "service_id": service.pk,
        "urgency": "routine",
        "reason": REASON,
    }
    refused = _post(worker, headers, BASE, body)
    assert refused.status_code == 422
    assert "No consent to share with daycare_pz" in json.dumps(refused.json())
    no_case = {k: v for k, v in body.items() if k != "case_id"}
    refused = _post(worker, headers, BASE, no_case)
    errors = refused.json()["errors"]
    assert refused.status_code == 422
    assert {"consent_given_by", "consent_given_on"} <= set(errors)
    consented = no_case | {
        "consent_given_by": "father",
        "consent_given_on": "2026-01-02",
    }
    refused = _post(worker, headers, BASE, consented)
    assert "takes people up to age 6" in refused.json()["errors"]["eligibility_note"][0]
    sent = _post(worker, headers, BASE, consented | {"eligibility_note": "Siblings go"})
    assert sent.status_code == 201
    unknown = _post(worker, headers, BASE, consented | {"shared": ["diary"]})
    assert unknown.status_code == 422
    assert not Referral.objects.exclude(pk=sent.json()["id"]).exists()


def test_api_access_follows_the_pages(world, api_client):
    referral = send(world)
    for persona in ("worker_b1", "outsider", "nurse"):
        client, headers = api_client(persona)
        response = client.get(f"{BASE}/{referral.pk}", headers=headers)
        assert response.status_code == 404, persona
    sup, headers = api_client("sup_a")
    team = sup.get(BASE, {"who": "team"}, headers=headers).json()
    assert [r["id"] for r in team["items"]] == [referral.pk]
    worker, headers = api_client("worker_a1")
    assert worker.get(BASE, {"side": "received"}, headers=headers).status_code == 403
    start = _post(worker, headers, f"{BASE}/{referral.pk}/start", {"version": 1})
    assert start.status_code == 403
    withdrawn = _post(worker, headers, f"{BASE}/{referral.pk}/withdraw", {"version": 1})
    assert withdrawn.json()["status"] == "cancelled"
