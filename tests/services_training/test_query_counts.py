"""The training, outreach and programme pages make the same number of queries
for a few rows or many: no query per training, participant, contact or service.
The numbers are pinned: a change that adds queries must say why."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.services_training.helpers import (
    add_programmes,
    add_street_teams,
    add_trainers,
    record_training,
    register_participant,
)
from ura.directory.models import Service
from ura.services import outreach_actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(world):  # noqa: ANN001, ANN201
    add_trainers(world)
    add_street_teams(world)
    funded, _other = add_programmes(world)
    return world, funded


def _grow(world, programme, n: int) -> None:  # noqa: ANN001
    for i in range(n):
        training = record_training(world, title=f"T{i}", programme=programme)
        register_participant(world, training, given=f"Prof{i}", sex="male")
        Service.objects.create(
            agency=world.agencies["daycare_pz"],
            name=f"Service {i}",
            type="day_care",
            programme=programme,
        )
        outreach_actions.outreach_contact_record(
            actor=world.users["street_a"],
            agency=world.agencies["mobile_pr"],
            data={
                "contacted_at": timezone.now() - timedelta(minutes=i + 1),
                "place": world.places["prishtina"],
                "code": f"C{i}",
                "name": f"Nick {i}",
                "actions": ["information"],
                "programme": programme,
            },
        )
        if i == 0:
            training.partners.add(world.agencies["police_pr"])


def _count(client, url: str, method: str = "get") -> int:  # noqa: ANN001
    getattr(client, method)(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url)
    assert response.status_code == 200
    return len(captured)


PAGES = [
    # The session and user (read, then saved in a savepoint), the roles, the
    # user's agencies, the rows and their count; the audit event (three more)
    # where the page shows names (four on PostgreSQL, with its advisory lock); the
    # funders of the programmes in one query.
    ("trainer", "services:training_list", 10),
    ("street_a", "services:outreach_list", 14),
    ("partner", "directory:programme_list", 9),
    ("sup_a", "directory:programme_list", 9),
]


@pytest.mark.parametrize(("persona", "url_name", "budget"), PAGES)
def test_list_pages_make_the_same_queries_for_few_or_many_rows(
    setting, signed_in, persona, url_name, budget
):
    world, programme = setting
    client = signed_in(persona)
    _grow(world, programme, 1)
    few = _count(client, reverse(url_name))
    _grow(world, programme, 30)
    many = _count(client, reverse(url_name))
    assert few == many <= budget, (few, many)


@pytest.mark.parametrize(("persona", "budget"), [("partner", 18), ("admin", 18)])
def test_the_programme_page_does_not_grow_with_what_is_attributed(
    setting, signed_in, persona, budget
):
    world, programme = setting
    client = signed_in(persona)
    url = reverse("directory:programme_detail", args=[programme.pk])
    _grow(world, programme, 1)
    few = _count(client, url)
    _grow(world, programme, 30)
    many = _count(client, url)
    assert few == many <= budget, (few, many)


def test_the_training_page_does_not_grow_with_its_participants(setting, signed_in):
    world, _programme = setting
    training = record_training(world, starts_on=date(2025, 1, 1))
    client = signed_in("trainer")
    url = reverse("services:training_detail", args=[training.pk])
    register_participant(world, training, given="First")
    few = _count(client, url)
    for i in range(30):
        register_participant(world, training, given=f"Many{i}", sex="male")
    many = _count(client, url)
    # One more on PostgreSQL: the audit event's advisory lock.
    assert few == many <= 17, (few, many)
