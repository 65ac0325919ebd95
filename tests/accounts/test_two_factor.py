"""TOTP two-factor sign-in: set up, required where the deployment says so, no replay."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _device(user) -> TOTPDevice:  # noqa: ANN001
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_a_user_with_an_authenticator_must_give_a_code_after_the_password(
    world, password
):
    device = _device(world.users["worker_a1"])
    client = Client()
    response = client.post(LOGIN, {"username": "worker_a1", "password": password})
    assert response["Location"] == reverse("accounts:two_factor")
    assert client.get(reverse("workspace:home")).status_code == 302  # not signed in yet
    response = client.post(reverse("accounts:two_factor"), {"code": _code(device)})
    assert response.status_code == 302
    assert client.get(reverse("workspace:home")).status_code == 200


def test_a_code_already_used_is_refused_a_second_time(world, password):
    device = _device(world.users["worker_a1"])
    first = Client()
    first.post(LOGIN, {"username": "worker_a1", "password": password})
    code = _code(device)
    assert first.post(reverse("accounts:two_factor"), {"code": code}).status_code == 302
    second = Client()
    second.post(LOGIN, {"username": "worker_a1", "password": password})
    response = second.post(reverse("accounts:two_factor"), {"code": code})
    assert response.status_code == 200
    assert "already used" in response.content.decode()
    assert second.get(reverse("workspace:home")).status_code == 302


def test_a_wrong_code_is_refused(world, password):
    _device(world.users["worker_a1"])
    client = Client()
    client.post(LOGIN, {"username": "worker_a1", "password": password})
    response = client.post(reverse("accounts:two_factor"), {"code": "000000"})
    assert response.status_code == 200
    assert client.get(reverse("workspace:home")).status_code == 302


@override_settings(URA_REQUIRE_2FA=True)
def test_where_required_a_role_that_sees_names_must_set_up_an_authenticator_first(
    world, password
):
    client = Client()
    client.post(LOGIN, {"username": "worker_a1", "password": password})
    response = client.get(reverse("people:list"))
    assert response["Location"] == reverse("accounts:two_factor_setup")
    setup = client.get(reverse("accounts:two_factor_setup"))
    assert setup.status_code == 200
    device = TOTPDevice.objects.get(user=world.users["worker_a1"], confirmed=False)
    assert b"data:image/svg+xml" in setup.content
    client.post(reverse("accounts:two_factor_setup"), {"code": _code(device)})
    assert client.get(reverse("people:list")).status_code == 200


@override_settings(URA_REQUIRE_2FA=True)
def test_aggregate_roles_are_not_asked_for_a_second_factor(world, password):
    client = Client()
    client.post(LOGIN, {"username": "data_pr", "password": password})
    assert client.get(reverse("statistics:summary")).status_code == 200
