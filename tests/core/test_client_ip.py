"""Behind a reverse proxy the audit log and the lockout see the client."""

import pytest
from django.test import Client, RequestFactory, override_settings

from ura.audit.models import AuditAction, AuditEvent
from ura.core.client_ip import client_ip

pytestmark = pytest.mark.django_db


def test_without_a_proxy_the_forwarded_header_is_ignored():
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="10.0.0.5"
    )
    assert client_ip(request) == "10.0.0.5"


@override_settings(URA_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_is_the_address_the_proxy_saw():
    # The client wrote "6.6.6.6" itself; nginx appended the address it really saw.
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="127.0.0.1"
    )
    assert client_ip(request) == "203.0.113.7"


@override_settings(URA_PROXY_COUNT=1)
def test_a_failed_sign_in_behind_a_proxy_records_the_clients_address(world):
    Client().post(
        "/accounts/login/",
        {"username": "worker_a1", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert event.ip == "203.0.113.7"


@override_settings(URA_PROXY_COUNT=1)
def test_the_lockout_is_per_client_behind_a_proxy(world, password):
    from django.conf import settings

    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(
            "/accounts/login/",
            {"username": "worker_a1", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    other_client = Client().post(
        "/accounts/login/",
        {"username": "worker_a1", "password": password},
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert other_client.status_code == 302
