"""The database sessions are set up as the benchmarks measured them."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_postgresql_prices_index_look_ups_as_on_an_ssd():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: run the suite with DATABASE_URL to check it")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == 1.1


def test_sqlite_has_planner_statistics_after_migrate():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name='sqlite_stat1'")
        assert cursor.fetchone()[0] == 1
