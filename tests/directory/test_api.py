"""/api/v1/directory/services: the page's filters and rules, through JSON."""

import json

import pytest

from tests.directory.helpers import add_service, second_provider
from ura.directory.models import Service

pytestmark = pytest.mark.django_db

BASE = "/api/v1/directory/services"
JSON = "application/json"


def _send(client, method, headers, path, data):  # noqa: ANN001, ANN201
    return getattr(client, method)(
        path, json.dumps(data), content_type=JSON, headers=headers
    )


def _names(response) -> list[str]:  # noqa: ANN001
    assert response.status_code == 200, response.content
    return [s["name"] for s in response.json()["items"]]


def test_the_list_filters_like_the_page(world, api_client):
    add_service(world, "Girls day care", sex="female", min_age=6, max_age=14)
    add_service(
        world,
        "Правна помоћ",
        type="legal_aid",
        agency="csw_pr",
        concerns=["conflict_with_law"],
        languages=["sr"],
    )
    client, headers = api_client("worker_a1")
    everything = client.get(BASE, headers=headers).json()
    assert everything["count"] == 2
    get = lambda **q: client.get(BASE, q, headers=headers)  # noqa: E731
    assert _names(get(need="legal_aid")) == ["Правна помоћ"]
    assert _names(get(place_code="XK-04-20")) == ["Girls day care"]  # Prizren
    assert _names(get(place_code="XK-01-19")) == ["Правна помоћ"]  # Prishtina
    assert _names(get(age=15)) == ["Правна помоћ"]
    assert _names(get(sex="male")) == ["Правна помоћ"]
    assert _names(get(concern="neglect")) == ["Girls day care"]
    assert _names(get(language="sr")) == ["Правна помоћ"]
    assert _names(get(text="pravna pomoc")) == ["Правна помоћ"]
    item = get(text="girls").json()["items"][0]
    assert item["agency_name"] == "daycare_pz"
    assert item["place_codes"] == [] and item["covers_place_codes"] == ["XK-04-20"]
    assert item["min_age"] == 6 and item["version"] == 1


def test_bad_filters_are_field_errors(world, api_client):
    client, headers = api_client("worker_a1")
    unknown = client.get(BASE, {"place_code": "XX-99"}, headers=headers)
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == {"place_code": ["Unknown place code: XX-99."]}
    wrong = client.get(BASE, {"need": "spa", "age": "old"}, headers=headers)
    assert wrong.status_code == 422
    assert set(wrong.json()["errors"]) == {"need", "age"}


def test_who_may_read_the_directory(world, api_client):
    service = add_service(world, "Day care")
    hidden = add_service(world, "Closed", is_active=False)
    client, headers = api_client("worker_a1")
    assert client.get(f"{BASE}/{service.pk}", headers=headers).json()["name"] == (
        "Day care"
    )
    assert client.get(f"{BASE}/{hidden.pk}", headers=headers).status_code == 404
    provider, provider_headers = api_client("provider")
    assert (
        provider.get(f"{BASE}/{hidden.pk}", headers=provider_headers).json()[
            "is_active"
        ]
        is False
    )
    partner, partner_headers = api_client("partner")
    assert partner.get(BASE, headers=partner_headers).status_code == 403
    assert partner.get(f"{BASE}/{service.pk}", headers=partner_headers).status_code == (
        403
    )


NEW = {
    "name": "Mobile team Prizren",
    "type": "outreach",
    "min_age": 0,
    "max_age": 17,
    "concerns": ["street_situation"],
    "languages": ["sq", "rom"],
    "place_codes": ["XK-04-20"],
    "phone": "+383 29 111 111",
}


def test_a_provider_creates_a_service_once_per_idempotency_key(world, api_client):
    client, headers = api_client("provider")
    payload = NEW | {"agency_id": world.agencies["daycare_pz"].pk}
    keyed = headers | {"Idempotency-Key": "svc-1"}
    created = _send(client, "post", keyed, BASE, payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["place_codes"] == ["XK-04-20"] and body["languages"] == ["sq", "rom"]
    again = _send(client, "post", keyed, BASE, payload)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Service.objects.count() == 1
    worker, worker_headers = api_client("worker_pz")
    found = worker.get(BASE, {"text": "mobile"}, headers=worker_headers)
    assert _names(found) == ["Mobile team Prizren"]


def test_create_refuses_bad_input_with_field_errors(world, api_client):
    client, headers = api_client("provider")
    agency = world.agencies["daycare_pz"].pk
    backwards = _send(
        client,
        "post",
        headers,
        BASE,
        NEW | {"agency_id": agency, "min_age": 12, "max_age": 3},
    )
    assert backwards.status_code == 422
    assert backwards.json()["errors"] == {
        "max_age": ["The upper age cannot be below the lower age (12)."]
    }
    unknown = _send(
        client,
        "post",
        headers,
        BASE,
        NEW | {"agency_id": agency, "concerns": ["boredom"], "place_codes": ["X"]},
    )
    assert unknown.status_code == 422
    assert "concerns.0" in unknown.json()["errors"]
    places = _send(
        client, "post", headers, BASE, NEW | {"agency_id": agency, "place_codes": ["X"]}
    )
    assert places.json()["errors"] == {"place_codes": ["Unknown place code: X."]}
    email = _send(
        client,
        "post",
        headers,
        BASE,
        NEW | {"agency_id": agency, "email": "not an email"},
    )
    assert set(email.json()["errors"]) == {"email"}
    assert not Service.objects.exists()


def test_create_only_for_ones_own_agency(world, api_client):
    client, headers = api_client("provider")
    other = _send(
        client, "post", headers, BASE, NEW | {"agency_id": world.agencies["csw_pr"].pk}
    )
    assert other.status_code == 403
    missing = _send(client, "post", headers, BASE, NEW | {"agency_id": 999999})
    assert missing.status_code == 422 and "agency_id" in missing.json()["errors"]
    worker, worker_headers = api_client("worker_a1")
    assert (
        _send(
            worker,
            "post",
            worker_headers,
            BASE,
            NEW | {"agency_id": world.agencies["csw_pr"].pk},
        ).status_code
        == 403
    )
    assert not Service.objects.exists()


def test_patch_carries_the_version(world, api_client):
    service = add_service(world, "Day care", actor="provider", capacity=20)
    client, headers = api_client("provider")
    url = f"{BASE}/{service.pk}"
    changed = _send(
        client,
        "patch",
        headers,
        url,
        {"version": 1, "capacity": None, "opening_hours": "8-16"},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["capacity"] is None and changed.json()["version"] == 2
    stale = _send(client, "patch", headers, url, {"version": 1, "name": "Stale"})
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.json()["message"]
    out = _send(client, "patch", headers, url, {"version": 2, "is_active": False})
    assert out.json()["is_active"] is False
    worker, worker_headers = api_client("worker_pz")
    assert _names(worker.get(BASE, headers=worker_headers)) == []
    service.refresh_from_db()
    assert service.name == "Day care" and service.version == 3


def test_a_provider_cannot_patch_another_agencys_service(world, api_client):
    second_provider(world)
    theirs = add_service(world, "NGO service", agency="ngo_pr")
    client, headers = api_client("provider")
    response = _send(
        client,
        "patch",
        headers,
        f"{BASE}/{theirs.pk}",
        {"version": 1, "name": "Mine now"},
    )
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.name == "NGO service"
    admin, admin_headers = api_client("admin")
    assert (
        _send(
            admin,
            "patch",
            admin_headers,
            f"{BASE}/{theirs.pk}",
            {"version": 1, "name": "Fixed by admin"},
        ).status_code
        == 200
    )
