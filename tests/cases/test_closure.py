"""The whole cycle through the pages, reviews, closing and reopening a case."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.cases.test_assessments import assessment_form, stage_on_page, start
from tests.cases.test_plans import approved_plan
from ura.cases.actions import case_changed
from ura.cases.models import (
    ActionProgress,
    ActionStatus,
    Approval,
    Assessment,
    Case,
    CaseEvent,
    CaseEventKind,
    CasePlan,
    CaseStatus,
    Decision,
    PlanAction,
    PlanGoal,
    Review,
    Stage,
    Step,
)
from ura.cases.models.work import Reopening

pytestmark = pytest.mark.django_db


def _complete(client, case: Case, assessment: Assessment, **changes) -> None:
    client.post(
        reverse("cases:assessment_edit", args=[case.pk, assessment.pk]),
        assessment_form(assessment, **changes),
    )
    assessment.refresh_from_db()
    response = client.post(
        reverse("cases:assessment_complete", args=[case.pk, assessment.pk]),
        {"version": assessment.version},
    )
    assert response.status_code == 302


def _plan_by_pages(client, world, case: Case) -> CasePlan:
    client.post(reverse("cases:plan_start", args=[case.pk]))
    plan = CasePlan.objects.get(case=case)
    client.post(
        reverse("cases:plan_goal_new", args=[case.pk]),
        {"version": plan.version, "domain": "family", "goal": "Safe care at home"},
    )
    goal = PlanGoal.objects.get(plan=plan)
    plan.refresh_from_db()
    response = client.post(
        reverse("cases:plan_action_new", args=[case.pk, goal.pk]),
        {
            "version": plan.version,
            "action": "Parenting sessions with the police liaison",
            "responsible_agency": world.agencies["police_pr"].pk,
            "due_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
            "status": "open",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    return plan


def test_the_whole_cycle_from_identification_to_reopening(world, signed_in):
    worker, supervisor = signed_in("worker_a1"), signed_in("sup_a")
    case = open_case(world)
    assert stage_on_page(worker, case) == Stage.IDENTIFICATION
    # The first contact is recorded with a note (not part of this cycle).
    Case.objects.filter(pk=case.pk).update(first_contact_at=timezone.now())

    initial = start(worker, case, "initial")
    assert stage_on_page(worker, case) == Stage.INITIAL_ASSESSMENT
    _complete(worker, case, initial)
    assert stage_on_page(worker, case) == Stage.COMPREHENSIVE_ASSESSMENT

    comprehensive = start(worker, case, "comprehensive")
    _complete(worker, case, comprehensive, summary="The full picture")
    assert stage_on_page(worker, case) == Stage.CASE_PLAN
    case.refresh_from_db()
    assert case.next_step == Step.CASE_PLAN

    plan = _plan_by_pages(worker, world, case)
    worker.post(
        reverse("cases:plan_submit", args=[case.pk]),
        {"version": plan.version, "note": "Please approve"},
    )
    assert stage_on_page(worker, case) == Stage.CASE_PLAN
    approval = Approval.objects.get(case=case, decision=Decision.PENDING)
    supervisor.post(
        reverse("cases:approval_decide", args=[case.pk, approval.pk]),
        {"decision": "approved"},
    )
    assert stage_on_page(worker, case) == Stage.IMPLEMENTATION
    case.refresh_from_db()
    assert case.next_step == Step.REVIEW

    # Time passes: the review falls due.
    CasePlan.objects.filter(case=case).update(
        approved_at=timezone.now() - timedelta(days=100)
    )
    case_changed(case, actor=None)
    assert stage_on_page(worker, case) == Stage.REVIEW

    action = PlanAction.objects.get(goal__plan__case=case)
    response = worker.post(
        reverse("cases:review_new", args=[case.pk]),
        {
            "held_on": timezone.localdate().isoformat(),
            "summary": "Going well",
            f"progress_{action.pk}_status": "done",
            f"progress_{action.pk}_note": "All sessions attended",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.done_on == timezone.localdate()
    assert stage_on_page(worker, case) == Stage.IMPLEMENTATION
    case.refresh_from_db()
    assert case.next_due_at.date() > timezone.localdate()

    response = worker.post(
        reverse("cases:closure_request", args=[case.pk]),
        {"reason": "goals_met", "note": "All done"},
    )
    assert response.status_code == 302
    assert stage_on_page(worker, case) == Stage.CLOSURE
    closure = Approval.objects.get(case=case, decision=Decision.PENDING)
    supervisor.post(
        reverse("cases:approval_decide", args=[case.pk, closure.pk]),
        {"decision": "approved"},
    )
    assert stage_on_page(worker, case) == Stage.CLOSED
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closure_reason == "goals_met"
    assert case.closed_at is not None
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.CLOSED).exists()

    response = worker.post(
        reverse("cases:reopen", args=[case.pk]), {"reason": "A new report came in"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.times_reopened == 1
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.REOPENED).exists()
    assert stage_on_page(worker, case) == Stage.IMPLEMENTATION
    page = worker.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "A new report came in" in page


def test_a_closure_without_an_approved_plan_is_refused(world, signed_in):
    case = open_case(world)
    response = signed_in("worker_a1").post(
        reverse("cases:closure_request", args=[case.pk]),
        {"reason": "no_concern", "note": ""},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "can only be closed once its case plan has been approved" in body
    assert not Approval.objects.exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.stage == Stage.IDENTIFICATION


def test_a_returned_closure_leaves_the_case_open(world, signed_in):
    case = open_case(world)
    approved_plan(world, case)
    signed_in("worker_a1").post(
        reverse("cases:closure_request", args=[case.pk]), {"reason": "moved"}
    )
    closure = Approval.objects.get(case=case, decision=Decision.PENDING)
    signed_in("sup_a").post(
        reverse("cases:approval_decide", args=[case.pk, closure.pk]),
        {"decision": "returned", "comment": "Check the new address first"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.stage == Stage.IMPLEMENTATION


def test_a_closed_case_takes_no_more_work_until_reopened(world, signed_in):
    case = open_case(world)
    approved_plan(world, case)
    signed_in("worker_a1").post(
        reverse("cases:closure_request", args=[case.pk]), {"reason": "goals_met"}
    )
    closure = Approval.objects.get(case=case, decision=Decision.PENDING)
    signed_in("sup_a").post(
        reverse("cases:approval_decide", args=[case.pk, closure.pk]),
        {"decision": "approved"},
    )
    response = signed_in("worker_a1").post(
        reverse("cases:review_new", args=[case.pk]),
        {"held_on": timezone.localdate().isoformat()},
    )
    assert "Reopen it to work on it" in response.content.decode()
    assert not Review.objects.exists()
    # The supervisor may reopen too.
    response = signed_in("sup_a").post(
        reverse("cases:reopen", args=[case.pk]), {"reason": "Back in the country"}
    )
    assert response.status_code == 302
    assert Reopening.objects.get(case=case).reopened_by == world.users["sup_a"]


def test_a_review_date_is_not_in_the_future_nor_before_the_approval(world, signed_in):
    case = open_case(world)
    approved_plan(world, case)
    client = signed_in("worker_a1")
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("cases:review_new", args=[case.pk]), {"held_on": tomorrow.isoformat()}
    )
    assert "cannot be in the future" in response.content.decode()
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("cases:review_new", args=[case.pk]),
        {"held_on": yesterday.isoformat(), "summary": "Kept words"},
    )
    body = response.content.decode()
    assert "cannot be before the plan was approved" in body
    assert "Kept words" in body
    assert not Review.objects.exists()
    assert not ActionProgress.objects.exists()


def test_a_review_is_held_only_on_an_approved_plan(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    client.post(reverse("cases:plan_start", args=[case.pk]))
    response = client.post(
        reverse("cases:review_new", args=[case.pk]),
        {"held_on": timezone.localdate().isoformat()},
    )
    assert "once the plan has been approved" in response.content.decode()


def test_others_cannot_close_review_or_reopen(world, signed_in):
    case = open_case(world)
    approved_plan(world, case)
    for persona in ("worker_a2", "worker_b1", "sup_b", "conf_member", "outsider"):
        client = signed_in(persona)
        for name, data in (
            ("cases:closure_request", {"reason": "goals_met"}),
            ("cases:review_new", {"held_on": timezone.localdate().isoformat()}),
            ("cases:reopen", {"reason": "x"}),
        ):
            url = reverse(name, args=[case.pk])
            assert client.post(url, data).status_code == 404, (persona, name)
    review = Review.objects.create(
        case=case, held_on=timezone.localdate(), held_by=world.users["worker_a1"]
    )
    url = reverse("cases:review", args=[case.pk, review.pk])
    assert signed_in("worker_a1").get(url).status_code == 200
    assert signed_in("worker_a2").get(url).status_code == 404
    assert not Approval.objects.filter(subject="closure").exists()


def test_every_page_of_the_work_opens_for_the_worker_and_supervisor(world, signed_in):
    case = open_case(world)
    plan = approved_plan(world, case)
    assessment = Assessment.objects.get(case=case)
    goal = plan.goals.get()
    action = PlanAction.objects.get(goal=goal)
    review = Review.objects.create(
        case=case, held_on=timezone.localdate(), held_by=world.users["worker_a1"]
    )
    worker = signed_in("worker_a1")
    for name, args in (
        ("cases:assessment", [case.pk, assessment.pk]),
        ("cases:assessment_edit", [case.pk, assessment.pk]),
        ("cases:assessment_complete", [case.pk, assessment.pk]),
        ("cases:plan", [case.pk]),
        ("cases:plan_edit", [case.pk]),
        ("cases:plan_goal_new", [case.pk]),
        ("cases:plan_goal_edit", [case.pk, goal.pk]),
        ("cases:plan_action_new", [case.pk, goal.pk]),
        ("cases:plan_action_edit", [case.pk, action.pk]),
        ("cases:plan_submit", [case.pk]),
        ("cases:review_new", [case.pk]),
        ("cases:review", [case.pk, review.pk]),
        ("cases:closure_request", [case.pk]),
        ("cases:reopen", [case.pk]),
    ):
        assert worker.get(reverse(name, args=args)).status_code == 200, name
    worker.post(reverse("cases:closure_request", args=[case.pk]), {"reason": "adult"})
    closure = Approval.objects.get(case=case, decision=Decision.PENDING)
    supervisor = signed_in("sup_a")
    page = supervisor.get(reverse("cases:approvals_pending")).content.decode()
    assert case.reference in page
    url = reverse("cases:approval_decide", args=[case.pk, closure.pk])
    assert "The child turned 18" in supervisor.get(url).content.decode()
