"""The reach figures learn of every write from triggers in the database
(services 0002). On SQLite a migration that alters one of those tables rebuilds
it and drops its triggers unless it makes them again: every trigger must still be
there once every migration has run."""

import importlib
import re

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db
REACH = importlib.import_module("ura.services.migrations.0002_reach_summary")


def _made_by_0002() -> set[str]:
    statements = (
        REACH.sqlite_up() if connection.vendor == "sqlite" else REACH.postgres_up()
    )
    return {
        m.group(1) for s in statements if (m := re.match(r"CREATE TRIGGER (\w+)", s))
    }


def _in_the_database() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


def test_every_reach_trigger_survives_the_later_migrations():
    expected = _made_by_0002()
    assert len(expected) > 10
    assert expected - _in_the_database() == set()
