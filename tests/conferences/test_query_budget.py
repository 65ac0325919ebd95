"""Conference lists and pages make the same number of queries for a few rows or
many: no query per conference, member, decision or item."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.conferences.helpers import consent_to, schedule, table_with_police
from ura.conferences import actions

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:  # noqa: ANN001
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _grow(world, conference, case, n: int) -> None:  # noqa: ANN001
    organiser = world.users["worker_a1"]
    for i in range(n):
        actions.conference_member_add(
            actor=organiser,
            conference=conference,
            name=f"Outside {i}",
            institution_type="ngo",
            sharing_reason="Legal duty to protect the child",
        )
        actions.conference_decision_add(
            actor=organiser, conference=conference, case=case, text=f"Decision {i}"
        )
        actions.action_item_add(
            actor=organiser,
            conference=conference,
            case=case,
            description=f"Item {i}",
            owner_agency=world.agencies["police_pr"],
            due_on=timezone.localdate() + timedelta(days=i),
        )


@pytest.mark.parametrize("persona", ["worker_a1", "conf_member"])
def test_the_conference_page_and_minutes_do_not_grow_with_their_rows(
    world, signed_in, persona
):
    case = open_case(world)
    small = table_with_police(world, case)
    _grow(world, small, case, 1)
    other = open_case(world, person="team_shared")
    consent_to(world, other, "police_pr")
    big = schedule(world, title="Big", cases=[other])
    actions.conference_member_add(
        actor=world.users["worker_a1"],
        conference=big,
        user=world.users["conf_member"],
    )
    _grow(world, big, other, 6)
    client = signed_in(persona)
    for name in ("detail", "minutes"):
        few = _queries(client, reverse(f"conferences:{name}", args=[small.pk]))
        many = _queries(client, reverse(f"conferences:{name}", args=[big.pk]))
        assert few == many, name


def test_the_lists_do_not_grow_with_their_rows(world, signed_in):
    case = open_case(world)
    conference = table_with_police(world, case)
    _grow(world, conference, case, 1)
    client = signed_in("conf_member")
    few = (
        _queries(client, reverse("conferences:list")),
        _queries(client, reverse("conferences:my_items")),
    )
    _grow(world, conference, case, 6)
    for i in range(5):
        extra = schedule(world, title=f"Extra {i}")
        actions.conference_member_add(
            actor=world.users["worker_a1"],
            conference=extra,
            user=world.users["conf_member"],
        )
    many = (
        _queries(client, reverse("conferences:list")),
        _queries(client, reverse("conferences:my_items")),
    )
    assert few == many
