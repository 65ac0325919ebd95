"""The supervisor's approval: request, approve or return, withdraw, history."""

import pytest
from django.urls import reverse

from tests.cases.helpers import open_case
from tests.cases.test_plans import assessed, drafted_plan
from ura.cases import plan_actions
from ura.cases.models import (
    Approval,
    CaseEvent,
    CaseEventKind,
    CasePlan,
    Decision,
    PlanStatus,
    Stage,
)

pytestmark = pytest.mark.django_db


def submitted(world, case) -> Approval:
    assessed(world, case)
    plan = drafted_plan(world, case)
    return plan_actions.plan_submit(
        actor=world.users["worker_a1"],
        plan=plan,
        expected_version=plan.version,
        note="Ready for you",
    )


def test_the_supervisor_approves_the_plan_from_their_list(world, signed_in):
    case = open_case(world)
    approval = submitted(world, case)
    supervisor = signed_in("sup_a")
    waiting = supervisor.get(reverse("cases:approvals_pending")).content.decode()
    assert case.reference in waiting
    assert reverse("cases:approval_decide", args=[case.pk, approval.pk]) in waiting
    form = supervisor.get(reverse("cases:approval_decide", args=[case.pk, approval.pk]))
    assert "Back at school every day" in form.content.decode()
    assert "Ready for you" in form.content.decode()
    response = supervisor.post(
        reverse("cases:approval_decide", args=[case.pk, approval.pk]),
        {"decision": "approved", "comment": ""},
    )
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.decision == Decision.APPROVED
    assert approval.decided_by == world.users["sup_a"]
    plan = CasePlan.objects.get(case=case)
    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_at == approval.decided_at
    case.refresh_from_db()
    assert case.stage == Stage.IMPLEMENTATION
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.APPROVED).exists()
    assert (
        case.reference
        not in supervisor.get(reverse("cases:approvals_pending")).content.decode()
    )
    # The history stays on the case page.
    page = signed_in("worker_a1").get(reverse("cases:detail", args=[case.pk]))
    body = page.content.decode()
    assert "Approved" in body
    assert "Ready for you" in body


def test_returning_needs_a_comment_which_the_worker_reads(world, signed_in):
    case = open_case(world)
    approval = submitted(world, case)
    supervisor = signed_in("sup_a")
    url = reverse("cases:approval_decide", args=[case.pk, approval.pk])
    response = supervisor.post(url, {"decision": "returned", "comment": ""})
    assert "Say what must change" in response.content.decode()
    approval.refresh_from_db()
    assert approval.decision == Decision.PENDING
    supervisor.post(url, {"decision": "returned", "comment": "Add a health goal"})
    approval.refresh_from_db()
    assert approval.decision == Decision.RETURNED
    assert CasePlan.objects.get(case=case).status == PlanStatus.RETURNED
    page = signed_in("worker_a1").get(reverse("cases:detail", args=[case.pk]))
    assert "Add a health goal" in page.content.decode()
    assert "Returned with a comment" in page.content.decode()
    # An answered request is not answered twice.
    response = supervisor.post(url, {"decision": "approved"})
    assert "already been answered" in response.content.decode()


def test_a_worker_cannot_approve(world, signed_in):
    case = open_case(world)
    approval = submitted(world, case)
    client = signed_in("worker_a1")
    url = reverse("cases:approval_decide", args=[case.pk, approval.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approved"}).status_code == 403
    assert client.get(reverse("cases:approvals_pending")).status_code == 403
    approval.refresh_from_db()
    assert approval.decision == Decision.PENDING
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert url not in page


def test_the_worker_withdraws_a_request(world, signed_in):
    case = open_case(world)
    approval = submitted(world, case)
    response = signed_in("worker_a1").post(
        reverse("cases:approval_withdraw", args=[case.pk, approval.pk])
    )
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.decision == Decision.WITHDRAWN
    assert CasePlan.objects.get(case=case).status == PlanStatus.DRAFT
    page = signed_in("worker_a1").get(reverse("cases:detail", args=[case.pk]))
    assert "Withdrawn" in page.content.decode()


def test_only_one_request_waits_per_subject(world, signed_in):
    case = open_case(world)
    submitted(world, case)
    plan = CasePlan.objects.get(case=case)
    response = signed_in("worker_a1").post(
        reverse("cases:plan_submit", args=[case.pk]), {"version": plan.version}
    )
    assert response.status_code == 200
    assert Approval.objects.filter(case=case).count() == 1


def test_others_cannot_reach_approvals(world, signed_in):
    case = open_case(world)
    approval = submitted(world, case)
    for persona in ("worker_a2", "worker_b1", "sup_b", "conf_member", "outsider"):
        client = signed_in(persona)
        for name in ("cases:approval_decide", "cases:approval_withdraw"):
            url = reverse(name, args=[case.pk, approval.pk])
            assert client.post(url, {"decision": "approved"}).status_code == 404
    assert (
        case.reference
        not in signed_in("sup_b")
        .get(reverse("cases:approvals_pending"))
        .content.decode()
    )
    approval.refresh_from_db()
    assert approval.decision == Decision.PENDING
