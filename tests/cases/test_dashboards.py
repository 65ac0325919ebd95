"""The landing pages tell a worker what is due and a supervisor who is waiting."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from ura.cases.models import Approval, ApprovalSubject, Case

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
