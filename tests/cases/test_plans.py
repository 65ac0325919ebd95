"""The case plan: goals and actions, who is responsible, due dates, versions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from ura.audit.models import AuditAction, AuditEvent
from ura.cases import approval_actions, assessment_actions, plan_actions
from ura.cases.models import (
    ActionStatus,
    Approval,
    ApprovalSubject,
    AssessmentKind,
    Case,
    CasePlan,
    Decision,
    PlanAction,
    PlanGoal,
    PlanStatus,
)
from ura.people.models import Household, HouseholdMember

pytestmark = pytest.mark.django_db


# Shortcuts through the actions, shared by the other files of the case cycle.


def assessed(world, case: Case, *, worker: str = "worker_a1") -> None:
    """An initial assessment completed, saying no comprehensive one is needed."""
    actor = world.users[worker]
    assessment = assessment_actions.assessment_start(
        actor=actor, case=case, kind=AssessmentKind.INITIAL
    )
    assessment_actions.assessment_update(
        actor=actor,
        assessment=assessment,
        data={"summary": "Seen at school", "comprehensive_needed": False},
        expected_version=assessment.version,
    )
    assessment_actions.assessment_complete(
        actor=actor, assessment=assessment, expected_version=assessment.version
    )


def drafted_plan(world, case: Case, *, worker: str = "worker_a1") -> CasePlan:
    actor = world.users[worker]
    plan = plan_actions.plan_start(actor=actor, case=case)
    goal = plan_actions.goal_add(
        actor=actor,
        plan=plan,
        domain="education",
        goal="Back at school every day",
        expected_version=plan.version,
    )
    plan_actions.action_add(
        actor=actor,
        goal=goal,
        data={
            "action": "Meet the head teacher",
            "responsible_agency": world.agencies["csw_pr"],
            "due_on": timezone.localdate() + timedelta(days=10),
        },
        expected_version=plan.version,
    )
    plan.refresh_from_db()
    return plan


def approved_plan(world, case: Case) -> CasePlan:
    assessed(world, case)
    plan = drafted_plan(world, case)
    approval = plan_actions.plan_submit(
        actor=world.users["worker_a1"], plan=plan, expected_version=plan.version
    )
    approval_actions.approval_decide(
        actor=world.users["sup_a"], approval=approval, decision=Decision.APPROVED
    )
    plan.refresh_from_db()
    return plan


def _action_form(world, plan: CasePlan, **changes) -> dict:
    form = {
        "version": plan.version,
        "action": "Enrol in the after-school club",
        "responsible_agency": world.agencies["csw_pr"].pk,
        "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "status": "open",
    }
    form.update(changes)
    return form


def test_a_worker_builds_a_plan_of_goals_and_actions(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    assert client.post(reverse("cases:plan_start", args=[case.pk])).status_code == 302
    plan = CasePlan.objects.get(case=case)
    response = client.post(
        reverse("cases:plan_goal_new", args=[case.pk]),
        {"version": plan.version, "domain": "safety", "goal": "Safe at home"},
    )
    assert response.status_code == 302
    goal = PlanGoal.objects.get(plan=plan)
    plan.refresh_from_db()
    response = client.post(
        reverse("cases:plan_action_new", args=[case.pk, goal.pk]),
        _action_form(world, plan, responsible_user=world.users["worker_a2"].pk)
        | {"responsible_agency": ""},
    )
    assert response.status_code == 302
    action = PlanAction.objects.get(goal=goal)
    assert action.responsible_user == world.users["worker_a2"]
    page = client.get(reverse("cases:plan", args=[case.pk])).content.decode()
    assert "Safe at home" in page
    assert "Enrol in the after-school club" in page
    plan.refresh_from_db()
    assert plan.version == 3  # one step per change
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.caseplan", object_id=str(plan.pk)
    ).exists()
    # The case page shows the plan too.
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Enrol in the after-school club" in detail


def test_a_family_member_shared_with_the_worker_may_be_responsible(world, signed_in):
    case = open_case(world)
    mother = world.people["team_shared"]
    household = Household.objects.create(place=world.places["prishtina"])
    HouseholdMember.objects.create(
        household=household, person=case.person, relationship="child"
    )
    HouseholdMember.objects.create(
        household=household, person=mother, relationship="mother"
    )
    plan = drafted_plan(world, case)
    goal = plan.goals.get()
    client = signed_in("worker_a1")
    form = client.get(reverse("cases:plan_action_new", args=[case.pk, goal.pk]))
    assert mother.given_name in form.content.decode()
    response = client.post(
        reverse("cases:plan_action_new", args=[case.pk, goal.pk]),
        _action_form(world, plan, responsible_person=mother.pk)
        | {"responsible_agency": ""},
    )
    assert response.status_code == 302
    assert PlanAction.objects.filter(responsible_person=mother).exists()


def test_an_action_needs_exactly_one_responsible(world, signed_in):
    case = open_case(world)
    plan = drafted_plan(world, case)
    goal = plan.goals.get()
    response = signed_in("worker_a1").post(
        reverse("cases:plan_action_new", args=[case.pk, goal.pk]),
        _action_form(world, plan, responsible_user=world.users["worker_a1"].pk),
    )
    assert "Choose who is responsible" in response.content.decode()
    assert PlanAction.objects.filter(goal=goal).count() == 1


def test_a_due_date_before_the_case_opened_is_refused(world, signed_in):
    case = open_case(world)
    plan = drafted_plan(world, case)
    goal = plan.goals.get()
    before = timezone.localdate(case.opened_at) - timedelta(days=1)
    response = signed_in("worker_a1").post(
        reverse("cases:plan_action_new", args=[case.pk, goal.pk]),
        _action_form(world, plan, due_on=before.isoformat()),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The due date cannot be before the case was opened" in body
    assert "Enrol in the after-school club" in body
    assert PlanAction.objects.filter(goal=goal).count() == 1
    plan.refresh_from_db()
    assert plan.version == 3  # nothing saved, not even a version step


def test_a_stale_plan_edit_is_refused_and_the_text_kept(world, signed_in):
    case = open_case(world)
    plan = drafted_plan(world, case)
    goal = plan.goals.get()
    seen_version = plan.version
    # Someone else changes the plan after this worker opened the goal's form.
    first = signed_in("sup_a").post(
        reverse("cases:plan_goal_edit", args=[case.pk, goal.pk]),
        {"version": seen_version, "domain": "education", "goal": "The supervisor's"},
    )
    assert first.status_code == 302
    response = signed_in("worker_a1").post(
        reverse("cases:plan_goal_edit", args=[case.pk, goal.pk]),
        {"version": seen_version, "domain": "health", "goal": "Words of the worker"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this record" in body
    assert "Words of the worker" in body
    goal.refresh_from_db()
    assert goal.goal == "The supervisor's"
    assert goal.domain == "education"


def test_a_stale_removal_is_refused(world, signed_in):
    case = open_case(world)
    plan = drafted_plan(world, case)
    action = PlanAction.objects.get(goal__plan=plan)
    response = signed_in("worker_a1").post(
        reverse("cases:plan_action_delete", args=[case.pk, action.pk]),
        {"version": plan.version - 1},
        follow=True,
    )
    assert "Someone else changed this record" in response.content.decode()
    assert PlanAction.objects.filter(pk=action.pk).exists()


def test_revising_an_approved_plan_returns_it_to_draft_and_keeps_the_stage(
    world, signed_in
):
    case = open_case(world)
    plan = approved_plan(world, case)
    approved_at = plan.approved_at
    case.refresh_from_db()
    assert case.stage == "implementation"
    goal = plan.goals.get()
    response = signed_in("worker_a1").post(
        reverse("cases:plan_goal_edit", args=[case.pk, goal.pk]),
        {"version": plan.version, "domain": "education", "goal": "A better goal"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    case.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert plan.approved_at == approved_at
    assert case.stage == "implementation"
    # A new approval updates the approval date.
    approval = plan_actions.plan_submit(
        actor=world.users["worker_a1"], plan=plan, expected_version=plan.version
    )
    approval_actions.approval_decide(
        actor=world.users["sup_a"], approval=approval, decision=Decision.APPROVED
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_at > approved_at


def test_a_plan_waiting_for_approval_cannot_be_changed(world, signed_in):
    case = open_case(world)
    assessed(world, case)
    plan = drafted_plan(world, case)
    plan_actions.plan_submit(
        actor=world.users["worker_a1"], plan=plan, expected_version=plan.version
    )
    plan.refresh_from_db()
    goal = plan.goals.get()
    response = signed_in("worker_a1").post(
        reverse("cases:plan_goal_edit", args=[case.pk, goal.pk]),
        {"version": plan.version, "domain": "education", "goal": "Changed"},
    )
    assert "waiting for the supervisor" in response.content.decode()
    goal.refresh_from_db()
    assert goal.goal == "Back at school every day"


def test_a_plan_is_submitted_only_after_the_assessments(world, signed_in):
    case = open_case(world)
    plan = drafted_plan(world, case)
    response = signed_in("worker_a1").post(
        reverse("cases:plan_submit", args=[case.pk]),
        {"version": plan.version, "note": "Please look"},
    )
    assert "Complete the assessments" in response.content.decode()
    assert not Approval.objects.exists()
    assessed(world, case)
    response = signed_in("worker_a1").post(
        reverse("cases:plan_submit", args=[case.pk]),
        {"version": plan.version, "note": "Please look"},
    )
    assert response.status_code == 302
    approval = Approval.objects.get(case=case)
    assert approval.subject == ApprovalSubject.PLAN
    assert approval.request_note == "Please look"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AWAITING_APPROVAL


def test_marking_an_action_done_sets_its_date(world, signed_in):
    case = open_case(world)
    plan = drafted_plan(world, case)
    action = PlanAction.objects.get(goal__plan=plan)
    response = signed_in("worker_a1").post(
        reverse("cases:plan_action_edit", args=[case.pk, action.pk]),
        _action_form(world, plan, action="Meet the head teacher", status="done"),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.done_on == timezone.localdate()


def test_others_cannot_reach_the_plan(world, signed_in):
    case = open_case(world)
    plan = drafted_plan(world, case)
    goal = plan.goals.get()
    urls = [
        reverse("cases:plan", args=[case.pk]),
        reverse("cases:plan_goal_new", args=[case.pk]),
        reverse("cases:plan_goal_edit", args=[case.pk, goal.pk]),
        reverse("cases:plan_submit", args=[case.pk]),
    ]
    for persona in ("worker_a2", "worker_b1", "sup_b", "outsider"):
        client = signed_in(persona)
        for url in urls:
            assert client.get(url).status_code == 404, (persona, url)
        response = client.post(
            reverse("cases:plan_goal_edit", args=[case.pk, goal.pk]),
            {"version": plan.version, "domain": "health", "goal": "Intruder"},
        )
        assert response.status_code == 404
    goal.refresh_from_db()
    assert goal.goal == "Back at school every day"


def test_the_case_page_reads_the_plan_without_a_query_per_goal(world, signed_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = open_case(world)
    plan = approved_plan(world, case)
    client = signed_in("worker_a1")
    url = reverse("cases:detail", args=[case.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    actor = world.users["worker_a1"]
    for n in range(3):
        goal = plan_actions.goal_add(
            actor=actor,
            plan=plan,
            domain="health",
            goal=f"Goal {n}",
            expected_version=plan.version,
        )
        plan_actions.action_add(
            actor=actor,
            goal=goal,
            data={
                "action": f"Action {n}",
                "responsible_user": world.users["worker_a2"],
                "due_on": timezone.localdate(),
            },
            expected_version=goal.plan.version,
        )
        plan.refresh_from_db()
    assert queries() == before
