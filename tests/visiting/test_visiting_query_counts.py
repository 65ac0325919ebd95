"""The home visiting lists make the same number of queries for a few rows or a
full page of them (no query per enrolment, person or visit). Pinned: a change
that adds queries must say why."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.visiting.helpers import _person, enrol_baby, setup_visiting, universal
from ura.people.models import Sex
from ura.visiting import actions
from ura.visiting.models import Enrolment
from ura.visiting.protocols import VisitInput, protocol_create

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:  # noqa: ANN001
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _more_families(w, n: int) -> None:  # noqa: ANN001
    today = timezone.localdate()
    for i in range(n):
        mother = _person(w, f"CanaryMany{i}Q", Sex.FEMALE, date(1999, 1, 1))
        enrolment = Enrolment.objects.create(
            kind="pregnancy",
            caregiver=mother,
            expected_delivery_on=today + timedelta(days=i + 10),
            centre=w.agencies["health_pr"],
            nurse=w.users["nurse"],
            protocol=universal(),
            priority_reasons=["poverty"] if i % 2 else [],
            enrolled_on=today - timedelta(days=i),
            enrolled_by=w.users["nurse"],
        )
        actions.reschedule(enrolment)


@pytest.mark.parametrize(
    ("persona", "url", "budget"),
    [
        # session, user, roles, the count for the pager, the page's rows (with
        # the people, centre, nurse, protocol, next visit, overdue count and
        # whether each name may show, in one query), the user's teams (for the
        # names), the audit event of the list (with its savepoint; PostgreSQL's
        # advisory lock), the session's save.
        ("nurse", "/visiting/", 14),
        # + the centres the manager manages, the supervised team's workers.
        ("manager", "/visiting/?status=all", 17),
    ],
)
def test_the_enrolment_lists_do_not_grow_with_their_rows(
    world, signed_in, persona, url, budget
):
    w = setup_visiting(world)
    enrol_baby(w)
    client = signed_in(persona)
    few = _queries(client, url)
    _more_families(w, 30)
    many = _queries(client, url)
    assert few == many <= budget, (few, many)


def test_the_protocol_list_does_not_grow_with_its_rows(world, signed_in):
    setup_visiting(world)
    client = signed_in("admin")
    few = _queries(client, "/visiting/protocols/")
    for i in range(30):
        protocol_create(
            actor=world.users["admin"],
            name=f"Protocol {i}",
            kind="universal",
            visits=[VisitInput("Newborn", "birth", 3, -3, 0, 3, 7)],
        )
    many = _queries(client, "/visiting/protocols/")
    # session, user, roles, the pager's count, the page's rows with their
    # counts, the session's save.
    assert few == many <= 8, (few, many)


def test_the_enrolment_page_has_a_fixed_budget(world, signed_in):
    w = setup_visiting(world)
    enrolment = enrol_baby(w)
    url = reverse("visiting:detail", args=[enrolment.pk])
    # session, user, roles, the enrolment, its schedule, its people by name
    # (with the user's teams), the protocols to change to, the children to
    # link, whether the user manages the centre, the count of the visits made,
    # the audit event, the session.
    n = _queries(signed_in("nurse"), url)  # 18 on SQLite, + the advisory lock
    assert n <= 19


def _visits(w, enrolment: Enrolment, n: int) -> None:  # noqa: ANN001
    from ura.visiting.visit_actions import Observations, visit_record

    today = timezone.localdate()
    for i in range(n):
        visit_record(
            actor=w.users["nurse"],
            enrolment=enrolment,
            visited_on=today - timedelta(days=i % 20),
            seen=Observations(present=["mother", "child"], notes=f"Visit {i}"),
        )


def test_the_enrolment_page_does_not_grow_with_the_visits_made(world, signed_in):
    w = setup_visiting(world)
    enrolment = enrol_baby(w)
    url = reverse("visiting:detail", args=[enrolment.pk])
    client = signed_in("nurse")
    _visits(w, enrolment, 1)
    few = _queries(client, url)
    _visits(w, enrolment, 25)
    many = _queries(client, url)
    # + the pager's count and the page of visits made.
    assert few == many <= 20, (few, many)  # 19 on SQLite, + the advisory lock


def test_a_visits_page_has_a_fixed_budget(world, signed_in):
    from ura.visiting.models import Visit
    from ura.visiting.visit_actions import Observations, visit_record

    w = setup_visiting(world)
    enrolment = enrol_baby(w)
    visit = visit_record(
        actor=w.users["nurse"],
        enrolment=enrolment,
        visited_on=timezone.localdate(),
        seen=Observations(
            present=["mother"],
            concerns=["neglect", "maternal_depression"],
            concern_note="Seen at the door.",
        ),
    )
    assert Visit.objects.count() == 1
    url = reverse("visiting:visit", args=[visit.pk])
    # session, user, roles, the visit with its enrolment, people, centre, nurse
    # and expected visit, who of the two people shows, the actions taken, the
    # user's teams, whether the user manages the centre, the services and the
    # centres for the two forms, the audit event, the session.
    n = _queries(signed_in("nurse"), url)
    assert n <= 21, n  # 20 on SQLite, + the advisory lock
