from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client

pytestmark = pytest.mark.django_db


def test_health_says_ok_when_the_database_answers():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_says_503_when_the_database_cannot_be_reached():
    with mock.patch("ura.core.views.connection.cursor", side_effect=DatabaseError):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] != "ok"
