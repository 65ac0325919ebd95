"""POST /api/v1/auth/token, bearer tokens, revocation, the OpenAPI document."""

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token"


def _post(client: Client, body: dict):  # noqa: ANN202
    return client.post(TOKEN_URL, body, content_type="application/json")


def test_a_user_exchanges_name_and_password_for_a_token_that_opens_the_api(
    world, password
):
    client = Client()
    response = _post(client, {"username": "worker_a1", "password": password})
    assert response.status_code == 201
    token = response.json()["token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["roles"] == ["social_worker"]


def test_a_wrong_password_gets_401_with_a_message(world):
    response = _post(Client(), {"username": "worker_a1", "password": "wrong"})
    assert response.status_code == 401
    assert response.json()["message"] == "The user name or password is not right."


def test_repeated_failures_lock_the_api_too(world, password):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post(client, {"username": "worker_a1", "password": "wrong"})
    assert (
        _post(client, {"username": "worker_a1", "password": password}).status_code
        == 429
    )


def test_a_user_with_an_authenticator_needs_the_code_and_a_code_works_once(
    world, password
):
    device = TOTPDevice.objects.create(
        user=world.users["worker_a1"], name="p", confirmed=True
    )
    client = Client()
    assert (
        _post(client, {"username": "worker_a1", "password": password}).status_code
        == 401
    )
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    code = f"{totp.token():06d}"
    body = {"username": "worker_a1", "password": password, "otp": code}
    assert _post(client, body).status_code == 201
    assert _post(client, body).status_code == 401


def test_a_revoked_token_is_refused(world, password):
    client = Client()
    token = _post(client, {"username": "worker_a1", "password": password}).json()[
        "token"
    ]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.delete(TOKEN_URL, headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_calls_without_a_token_get_401_json():
    response = Client().get("/api/v1/people")
    assert response.status_code == 401
    assert "message" in response.json()


def test_a_malformed_body_gets_a_message_per_field(world):
    response = _post(Client(), {"password": 12})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["username"] == ["This field is required."]


def test_a_body_that_is_not_json_is_refused_clearly(world):
    response = Client().post(TOKEN_URL, "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert "message" in response.json() or "detail" in response.json()


def test_the_openapi_document_describes_the_api():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/auth/token" in paths
    assert "/api/v1/people" in paths
