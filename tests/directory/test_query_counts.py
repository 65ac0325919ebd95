"""The directory's lists make a fixed number of queries, however many services
they show (no N+1). The numbers are pinned: a change that adds queries must say
why."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.directory.helpers import add_service

pytestmark = pytest.mark.django_db


def _more_services(world, n: int) -> None:  # noqa: ANN001
    region = world.places["prizren"].parent
    for i in range(n):
        add_service(
            world,
            f"Service {i:03d}",
            actor="provider",
            places=[world.places["prizren"], region] if i % 2 else [],
            concerns=["neglect"],
            languages=["sq"],
        )


def _queries(client, method: str, url: str, data=None, **extra) -> int:  # noqa: ANN001
    getattr(client, method)(url, data or {}, **extra)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {}, **extra)
        assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("persona", "method", "url", "data", "budget"),
    [
        # session (read, and its three-step save), user, roles, the count, the
        # services with their agencies, their places, their agencies' places,
        # the municipalities of the form.
        ("worker_pz", "post", "/directory/", {"need": "day_care"}, 11),
        # + the municipality chosen, and the places above it (indexed lookups).
        ("worker_pz", "post", "/directory/", {"place": "prizren"}, 13),
        # no form; + the agencies the provider keeps (the list and Edit links).
        ("provider", "get", "/directory/manage/", None, 11),
    ],
)
def test_directory_lists_make_the_same_queries_for_few_or_many(
    world, signed_in, persona, method, url, data, budget
):
    if data and data.get("place") == "prizren":
        data = {"place": world.places["prizren"].pk}
    add_service(world, "First", actor="provider")
    client = signed_in(persona)
    few = _queries(client, method, url, data)
    _more_services(world, 30)
    many = _queries(client, method, url, data)
    assert few == many <= budget, (few, many)


def test_a_search_for_a_person_has_a_fixed_budget(world, signed_in):
    # The search (13 with its place) + the person and their level
    # (access_person), and the audit event with its lock on the chain (one more
    # on PostgreSQL: its advisory lock).
    person = world.people["own"]
    add_service(world, "First", agency="csw_pr")
    client = signed_in("worker_a1")
    few = _queries(client, "get", "/directory/", {"person": person.pk})
    _more_services(world, 30)
    many = _queries(client, "get", "/directory/", {"person": person.pk})
    assert few == many <= 20, (few, many)


def test_the_api_list_has_a_fixed_budget(world, api_client):
    client, headers = api_client("worker_pz")
    add_service(world, "First", actor="provider")
    url = "/api/v1/directory/services"
    few = _queries(client, "get", url, {"place_code": "XK-04-20"}, headers=headers)
    _more_services(world, 30)
    many = _queries(client, "get", url, {"place_code": "XK-04-20"}, headers=headers)
    assert few == many <= 10, (few, many)
