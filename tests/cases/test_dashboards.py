"""The landing pages tell a worker what is due and a supervisor who is waiting."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from ura.access.models import PersonGrant
from ura.cases.models import Approval, ApprovalSubject, Case
from ura.people.models import Person

pytestmark = pytest.mark.django_db


def _panel(body: str, name: str) -> str:
    start = body.index(f'data-panel="{name}"')
    return body[start : body.index("</section>", start)]


def test_a_worker_sees_their_cases_by_stage_and_what_is_overdue(world, signed_in):
    late = open_case(world, risk_level="high")
    calm = open_case(world, person="team_shared", risk_level="low")
    Case.objects.filter(pk=late.pk).update(
        next_due_at=timezone.now() - timedelta(hours=3)
    )
    body = signed_in("worker_a1").get(reverse("workspace:home")).content.decode()
    mine = _panel(body, "my-cases")
    assert "Identification and registration" in mine
    assert ">2<" in mine.replace(" ", "")  # two cases in that stage
    overdue = _panel(body, "overdue")
    assert late.reference in overdue
    assert calm.reference not in overdue
    # Another worker's page knows nothing of these cases.
    other = signed_in("worker_b1").get(reverse("workspace:home")).content.decode()
    assert late.reference not in other


def test_a_supervisor_sees_the_team_overdue_high_risk_approvals_and_silence(
    world, signed_in
):
    late = open_case(world, risk_level="high")
    quiet = open_case(world, person="team_shared", worker="worker_a2")
    Case.objects.filter(pk=late.pk).update(
        next_due_at=timezone.now() - timedelta(hours=3)
    )
    Case.objects.filter(pk=quiet.pk).update(
        opened_at=timezone.now() - timedelta(days=45)
    )
    Approval.objects.create(
        case=late,
        subject=ApprovalSubject.PLAN,
        requested_by=world.users["worker_a1"],
        requested_at=timezone.now(),
    )
    body = signed_in("sup_a").get(reverse("workspace:home")).content.decode()
    team = _panel(body, "team-cases")
    assert f"?worker={world.users['worker_a1'].pk}" in team
    assert f"?worker={world.users['worker_a2'].pk}" in team
    assert late.reference in _panel(body, "overdue-high")
    assert late.reference in _panel(body, "approvals")
    assert quiet.reference in _panel(body, "no-contact")
    assert late.reference not in _panel(body, "no-contact")
    # The other team's supervisor sees none of it.
    other = signed_in("sup_b").get(reverse("workspace:home")).content.decode()
    assert late.reference not in other and quiet.reference not in other


def test_the_supervisors_worker_link_lists_that_workers_cases(world, signed_in):
    mine = open_case(world)
    theirs = open_case(world, person="team_shared", worker="worker_a2")
    body = (
        signed_in("sup_a")
        .get(reverse("cases:list"), {"worker": world.users["worker_a2"].pk})
        .content.decode()
    )
    assert theirs.reference in body
    assert mine.reference not in body


def test_the_supervisor_sees_the_longest_silence_and_the_most_overdue_first(
    world, signed_in
):
    now = timezone.now()
    cases = {}
    for key, person in [("a", "team_shared"), ("b", None), ("c", None)]:
        if person is None:
            person = f"quiet_{key}"
            world.people[person] = Person.objects.create(
                given_name=f"Quiet{key}",
                family_name="Child",
                sex="female",
                place=world.places["prishtina"],
            )
        cases[key] = open_case(world, person=person, risk_level="high")
    # a: contact 40 days ago, due 1 hour ago; b: never contacted, opened 50 days
    # ago, due 5 hours ago; c: contact 60 days ago, not due yet.
    Case.objects.filter(pk=cases["a"].pk).update(
        last_contact_at=now - timedelta(days=40), next_due_at=now - timedelta(hours=1)
    )
    Case.objects.filter(pk=cases["b"].pk).update(
        last_contact_at=None,
        opened_at=now - timedelta(days=50),
        next_due_at=now - timedelta(hours=5),
    )
    Case.objects.filter(pk=cases["c"].pk).update(
        last_contact_at=now - timedelta(days=60), next_due_at=now + timedelta(days=2)
    )
    body = signed_in("sup_a").get(reverse("workspace:home")).content.decode()
    silent = _panel(body, "no-contact")
    order = sorted("abc", key=lambda k: silent.index(cases[k].reference))
    assert order == ["c", "b", "a"]
    overdue = _panel(body, "overdue-high")
    assert overdue.index(cases["b"].reference) < overdue.index(cases["a"].reference)
    assert cases["c"].reference not in overdue
    # The caseload table counts them for their worker: 3 open, 3 high risk,
    # 2 overdue, 3 without contact.
    team = _panel(body, "team-cases")
    row = team[team.index(f"?worker={world.users['worker_a1'].pk}") :]
    row = row[: row.index("</tr>")]
    cells = [
        re.sub(r"<[^>]+>", " ", c).split()[0] for c in row.split('class="num">')[1:]
    ]
    assert cells[:4] == ["3", "3", "2", "3"], cells


def test_figures_lead_the_data_officers_landing_page_and_not_the_supervisors(
    world, signed_in
):
    officer = signed_in("data_pr").get(reverse("workspace:home")).content.decode()
    assert 'data-panel="statistics"' in officer
    supervisor = signed_in("sup_a").get(reverse("workspace:home")).content.decode()
    assert 'data-panel="statistics"' not in supervisor
    assert reverse("statistics:summary") in supervisor  # one click away


def test_the_supervisor_sees_how_many_people_each_worker_has_in_their_care(
    world, signed_in
):
    open_case(world)  # worker_a1's case grant on a child they were assigned
    expected = (
        PersonGrant.objects.filter(user=world.users["worker_a1"], ends_at__isnull=True)
        .values("person")
        .distinct()
        .count()
    )
    assert expected >= 1
    body = signed_in("sup_a").get(reverse("workspace:home")).content.decode()
    team = _panel(body, "team")
    name = world.users["worker_a1"].get_full_name() or "worker_a1"
    row = team[team.index(name) :]
    row = row[: row.index("</tr>")]
    assert re.sub(r"<[^>]+>", " ", row).split()[-1] == str(expected)
