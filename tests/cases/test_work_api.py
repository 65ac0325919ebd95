"""The JSON API for assessments, the plan, approvals, reviews, closure, reopening."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.cases.test_plans import approved_plan, drafted_plan
from ura.audit.models import AuditAction, AuditEvent
from ura.cases.models import Approval, Case, CasePlan, CaseStatus, PlanAction, Stage

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cases"


def call(client, headers, method: str, path: str, body=None):  # noqa: ANN001, ANN201
    kwargs = {"content_type": "application/json", "headers": headers}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(f"{BASE}{path}", **kwargs)


def test_the_cycle_through_the_api(world, api_client):
    worker, w = api_client("worker_a1")
    supervisor, s = api_client("sup_a")
    case = open_case(world)
    c = f"/{case.pk}"

    response = call(worker, w, "post", f"{c}/assessments", {"kind": "initial"})
    assert response.status_code == 201, response.content
    assessment = response.json()
    assert len(assessment["needs"]) == 7
    response = call(
        worker,
        w,
        "patch",
        f"{c}/assessments/{assessment['id']}",
        {
            "version": assessment["version"],
            "risk_level": "low",
            "summary": "Seen with the family",
            "child_views": "Wants to stay",
            "comprehensive_needed": False,
            "needs": {"safety": {"level": "high", "notes": "Locks broken"}},
        },
    )
    assert response.status_code == 200, response.content
    assessment = response.json()
    safety = next(n for n in assessment["needs"] if n["domain"] == "safety")
    assert safety == {"domain": "safety", "level": "high", "notes": "Locks broken"}
    case.refresh_from_db()
    assert case.risk_level == "low"
    response = call(
        worker,
        w,
        "post",
        f"{c}/assessments/{assessment['id']}/complete",
        {"version": assessment["version"]},
    )
    assert response.json()["status"] == "completed"
    listed = call(worker, w, "get", f"{c}/assessments").json()
    assert listed["count"] == 1

    plan = call(worker, w, "post", f"{c}/plan")
    assert plan.status_code == 201
    plan = call(
        worker,
        w,
        "post",
        f"{c}/plan/goals",
        {"version": plan.json()["version"], "domain": "safety", "goal": "Safe home"},
    ).json()
    goal_id = plan["goals"][0]["id"]
    response = call(
        worker,
        w,
        "post",
        f"{c}/plan/goals/{goal_id}/actions",
        {
            "version": plan["version"],
            "action": "Repair the locks",
            "responsible_user_id": world.users["worker_a1"].pk,
            "due_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    plan = response.json()
    approval = call(
        worker, w, "post", f"{c}/plan/approval", {"version": plan["version"]}
    )
    assert approval.status_code == 201, approval.content
    pending = call(supervisor, s, "get", "/approvals/pending").json()
    assert [a["id"] for a in pending["items"]] == [approval.json()["id"]]
    response = call(
        supervisor,
        s,
        "post",
        f"{c}/approvals/{approval.json()['id']}/decision",
        {"decision": "approved"},
    )
    assert response.json()["decision"] == "approved"
    case.refresh_from_db()
    assert case.stage == Stage.IMPLEMENTATION

    action_id = plan["goals"][0]["actions"][0]["id"]
    response = call(
        worker,
        w,
        "post",
        f"{c}/reviews",
        {
            "held_on": timezone.localdate().isoformat(),
            "summary": "Locks repaired",
            "progress": [{"action_id": action_id, "status": "done", "note": "Done"}],
        },
    )
    assert response.status_code == 201, response.content
    review = response.json()
    assert review["progress"] == [
        {"action_id": action_id, "status": "done", "note": "Done"}
    ]
    assert call(worker, w, "get", f"{c}/reviews/{review['id']}").status_code == 200
    assert PlanAction.objects.get(pk=action_id).done_on == timezone.localdate()

    closure = call(
        worker, w, "post", f"{c}/closure", {"reason": "goals_met", "note": "Done"}
    )
    assert closure.status_code == 201, closure.content
    case.refresh_from_db()
    assert case.stage == Stage.CLOSURE
    call(
        supervisor,
        s,
        "post",
        f"{c}/approvals/{closure.json()['id']}/decision",
        {"decision": "approved"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    response = call(worker, w, "post", f"{c}/reopen", {"reason": "New report"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "open"
    assert response.json()["times_reopened"] == 1
    assert response.json()["stage"] == Stage.IMPLEMENTATION
    history = call(worker, w, "get", f"{c}/approvals").json()
    assert [a["subject"] for a in history["items"]] == ["closure", "plan"]


def test_a_stale_plan_edit_answers_409(world, api_client):
    case = open_case(world)
    plan = drafted_plan(world, case)
    goal = plan.goals.get()
    client, headers = api_client("worker_a1")
    path = f"/{case.pk}/plan/goals/{goal.pk}"
    body = {"version": plan.version, "domain": "health", "goal": "First"}
    assert call(client, headers, "patch", path, body).status_code == 200
    body["goal"] = "Second"
    response = call(client, headers, "patch", path, body)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.json()["message"]
    goal.refresh_from_db()
    assert goal.goal == "First"


def test_bad_input_answers_field_errors(world, api_client):
    case = open_case(world)
    plan = drafted_plan(world, case)
    goal = plan.goals.get()
    client, headers = api_client("worker_a1")
    before = timezone.localdate(case.opened_at) - timedelta(days=3)
    response = call(
        client,
        headers,
        "post",
        f"/{case.pk}/plan/goals/{goal.pk}/actions",
        {
            "version": plan.version,
            "action": "Too early",
            "responsible_agency_id": world.agencies["csw_pr"].pk,
            "due_on": before.isoformat(),
        },
    )
    assert response.status_code == 422
    assert "before the case was opened" in response.json()["errors"]["due_on"][0]
    response = call(
        client,
        headers,
        "post",
        f"/{case.pk}/plan/goals/{goal.pk}/actions",
        {
            "version": plan.version,
            "action": "Someone not shared",
            "responsible_person_id": world.people["unshared"].pk,
            "due_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 422
    assert "responsible_person_id" in response.json()["errors"]
    assert PlanAction.objects.filter(goal=goal).count() == 1
    response = call(
        client, headers, "post", f"/{case.pk}/assessments", {"kind": "weekly"}
    )
    assert response.status_code == 422
    assert "kind" in response.json()["errors"]


def test_a_closure_without_an_approved_plan_answers_422(world, api_client):
    case = open_case(world)
    drafted_plan(world, case)
    client, headers = api_client("worker_a1")
    response = call(
        client, headers, "post", f"/{case.pk}/closure", {"reason": "goals_met"}
    )
    assert response.status_code == 422
    assert "approved" in response.json()["errors"]["__all__"][0]
    assert not Approval.objects.exists()


def test_a_worker_cannot_approve_through_the_api(world, api_client):
    case = open_case(world)
    approved_plan(world, case)
    client, headers = api_client("worker_a1")
    closure = call(
        client, headers, "post", f"/{case.pk}/closure", {"reason": "goals_met"}
    ).json()
    response = call(
        client,
        headers,
        "post",
        f"/{case.pk}/approvals/{closure['id']}/decision",
        {"decision": "approved"},
    )
    assert response.status_code == 403
    assert call(client, headers, "get", "/approvals/pending").status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_others_get_404_from_the_api(world, api_client):
    case = open_case(world)
    plan = approved_plan(world, case)
    approval = Approval.objects.get(case=case)
    c = f"/{case.pk}"
    reads = [f"{c}/assessments", f"{c}/plan", f"{c}/approvals", f"{c}/reviews"]
    for persona in ("worker_a2", "worker_b1", "sup_b", "conf_member", "outsider"):
        client, headers = api_client(persona)
        for path in reads:
            assert call(client, headers, "get", path).status_code in (403, 404)
        for path, body in (
            (f"{c}/assessments", {"kind": "initial"}),
            (
                f"{c}/plan/goals",
                {"version": plan.version, "domain": "legal", "goal": "x"},
            ),
            (f"{c}/closure", {"reason": "goals_met"}),
            (f"{c}/approvals/{approval.pk}/withdraw", None),
        ):
            response = call(client, headers, "post", path, body)
            assert response.status_code in (403, 404), (persona, path)
    # The worker's colleagues and the other team get exactly "not found".
    client, headers = api_client("worker_a2")
    assert call(client, headers, "get", f"{c}/plan").status_code == 404
    plan.refresh_from_db()
    assert plan.goals.count() == 1
    assert not Approval.objects.filter(subject="closure").exists()


def test_reading_through_the_api_is_audited(world, api_client):
    case = open_case(world)
    plan = drafted_plan(world, case)
    client, headers = api_client("worker_a1")
    assert call(client, headers, "get", f"/{case.pk}/plan").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.caseplan", object_id=str(plan.pk)
    ).exists()
    assert Case.objects.get(pk=case.pk).stage == Stage.IDENTIFICATION
    assert CasePlan.objects.count() == 1


def test_a_retried_review_with_the_same_key_is_recorded_once(world, api_client):
    from ura.cases.models import Review

    case = open_case(world)
    approved_plan(world, case)
    client, headers = api_client("worker_a1")
    headers = headers | {"Idempotency-Key": "review-retry-1"}
    body = {"held_on": timezone.localdate().isoformat(), "summary": "Once"}
    first = call(client, headers, "post", f"/{case.pk}/reviews", body)
    again = call(client, headers, "post", f"/{case.pk}/reviews", body)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Review.objects.filter(case=case).count() == 1
