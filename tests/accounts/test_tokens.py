"""API tokens made and revoked from the page; only a digest is stored."""

import pytest
from django.urls import reverse

from ura.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_worker_makes_a_token_that_is_shown_once_and_stored_hashed(world, signed_in):
    client = signed_in("worker_a1")
    response = client.post(reverse("accounts:tokens"), {"name": "tablet"})
    body = response.content.decode()
    token = ApiToken.objects.get(user=world.users["worker_a1"])
    secret = body.split('<code class="secret">')[1].split("</code>")[0]
    assert secret.startswith("ura_")
    assert token.digest != secret and secret not in token.digest
    assert secret not in client.get(reverse("accounts:tokens")).content.decode()
    api = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"})
    assert api.json()["username"] == "worker_a1"


def test_a_revoked_token_no_longer_opens_the_api(world, signed_in):
    client = signed_in("worker_a1")
    body = client.post(reverse("accounts:tokens"), {"name": "tablet"}).content.decode()
    secret = body.split('<code class="secret">')[1].split("</code>")[0]
    token = ApiToken.objects.get(user=world.users["worker_a1"])
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    api = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 401


def test_nobody_can_revoke_someone_elses_token(world, signed_in):
    signed_in("worker_a1").post(reverse("accounts:tokens"), {"name": "tablet"})
    token = ApiToken.objects.get(user=world.users["worker_a1"])
    response = signed_in("outsider").post(
        reverse("accounts:token_revoke", args=[token.pk])
    )
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
