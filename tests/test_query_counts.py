"""List and detail pages make a fixed number of queries, however many rows they show
(no N+1). The numbers are pinned: a change that adds queries must say why."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ura.access.models import GrantReason, PersonGrant
from ura.people.models import Person, Sex

pytestmark = pytest.mark.django_db


def _add_people(world, n: int) -> None:  # noqa: ANN001
    people = Person.objects.bulk_create(
        Person(
            given_name=f"Extra{i}",
            family_name="Many",
            sex=Sex.MALE,
            date_of_birth=date(2012, 1, 1),
            place=world.places["prishtina"],
        )
        for i in range(n)
    )
    PersonGrant.objects.bulk_create(
        PersonGrant(
            person=p,
            user=world.users["worker_a1"],
            reason=GrantReason.ASSIGNMENT,
            starts_at=timezone.now(),
        )
        for p in people
    )


@pytest.mark.parametrize(
    ("persona", "url_name", "budget"),
    [
        ("worker_a1", "people:list", 10),  # + filter places, + the user's teams
        # The case panels' budgets: tests/cases/test_case_query_counts.py.
        ("worker_a1", "workspace:home", 20),
        ("sup_a", "workspace:home", 30),
        ("data_pr", "statistics:summary", 10),
        ("admin", "audit:log", 10),
    ],
)
def test_list_pages_make_the_same_queries_for_few_or_many_rows(
    world, signed_in, persona, url_name, budget
):
    client = signed_in(persona)
    client.get(reverse(url_name))  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url_name)).status_code == 200
    _add_people(world, 40)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(url_name)).status_code == 200
    assert len(few) == len(many) <= budget, (len(few), len(many))


def test_the_person_page_has_a_small_fixed_query_budget(
    world, signed_in, django_assert_max_num_queries
):
    client = signed_in("worker_a1")
    url = reverse("people:detail", args=[world.people["own"].pk])
    client.get(url)
    # The record, its level, the user's teams, households, open duplicates, the
    # child's cases and referrals, the audit event (with PostgreSQL's advisory
    # lock) and the session.
    with django_assert_max_num_queries(18):
        assert client.get(url).status_code == 200


def test_the_api_people_list_does_not_grow_with_its_rows(
    world, api_client, django_assert_max_num_queries
):
    client, headers = api_client("worker_a1")
    _add_people(world, 40)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/people", headers=headers).status_code == 200
