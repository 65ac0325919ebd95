"""The initial and comprehensive assessments: needs by domain, views, risk."""

import pytest
from django.db import connection
from django.urls import reverse

from tests.cases.helpers import open_case
from ura.audit.models import AuditAction, AuditEvent
from ura.cases.models import (
    Approval,
    ApprovalSubject,
    Assessment,
    AssessmentStatus,
    Case,
    CaseEvent,
    CaseEventKind,
    Decision,
    Domain,
    Stage,
)

pytestmark = pytest.mark.django_db


def assessment_form(assessment: Assessment, **changes) -> dict:
    form = {
        "version": assessment.version,
        "child_seen": "on",
        "risk_level": "medium",
        "comprehensive_needed": "on",
        "summary": "Summary words",
        "child_views": "The child wants to stay with the grandmother",
        "caregiver_views": "The grandmother asks for help",
    }
    for domain in Domain.values:
        form[f"need_{domain}_level"] = "low"
        form[f"need_{domain}_notes"] = f"Found in {domain}"
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def start(client, case: Case, kind: str = "initial") -> Assessment:
    response = client.post(
        reverse("cases:assessment_start", args=[case.pk]), {"kind": kind}
    )
    assessment = Assessment.objects.filter(case=case, kind=kind).latest("pk")
    assert response["Location"] == reverse(
        "cases:assessment_edit", args=[case.pk, assessment.pk]
    )
    return assessment


def stage_on_page(client, case: Case) -> str:
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    case.refresh_from_db()
    label = Stage(case.stage).label
    assert f"<strong>{label}</strong>" in body
    return case.stage


def test_a_worker_writes_and_completes_the_initial_assessment(world, signed_in):
    case = open_case(world, risk_level="high")
    client = signed_in("worker_a1")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Start the initial assessment" in page
    assessment = start(client, case)
    assert assessment.needs.count() == len(Domain.values)
    assert stage_on_page(client, case) == Stage.INITIAL_ASSESSMENT
    response = client.post(
        reverse("cases:assessment_edit", args=[case.pk, assessment.pk]),
        assessment_form(assessment),
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.child_views == "The child wants to stay with the grandmother"
    assert assessment.needs.get(domain="legal").notes == "Found in legal"
    assert assessment.needs.get(domain="economic").level == "low"
    # The risk found becomes the case's at once.
    case.refresh_from_db()
    assert case.risk_level == "medium"
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.RISK).exists()
    detail = client.get(reverse("cases:assessment", args=[case.pk, assessment.pk]))
    assert "The grandmother asks for help" in detail.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        object_type="cases.assessment",
        object_id=str(assessment.pk),
    ).exists()
    response = client.post(
        reverse("cases:assessment_complete", args=[case.pk, assessment.pk]),
        {"version": assessment.version},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.COMPLETED
    assert assessment.completed_at is not None
    assert stage_on_page(client, case) == Stage.COMPREHENSIVE_ASSESSMENT
    # A completed assessment is not edited any more.
    response = client.post(
        reverse("cases:assessment_edit", args=[case.pk, assessment.pk]),
        assessment_form(assessment, summary="Later words"),
    )
    assert "can no longer be changed" in response.content.decode()


def test_no_comprehensive_needed_goes_straight_to_the_plan(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    assessment = start(client, case)
    client.post(
        reverse("cases:assessment_edit", args=[case.pk, assessment.pk]),
        assessment_form(assessment, comprehensive_needed=None),
    )
    assessment.refresh_from_db()
    assert assessment.comprehensive_needed is False
    client.post(
        reverse("cases:assessment_complete", args=[case.pk, assessment.pk]),
        {"version": assessment.version},
    )
    assert stage_on_page(client, case) == Stage.CASE_PLAN


def test_the_comprehensive_waits_for_the_initial(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    response = client.post(
        reverse("cases:assessment_start", args=[case.pk]),
        {"kind": "comprehensive"},
        follow=True,
    )
    assert "Complete the initial assessment" in response.content.decode()
    assert not Assessment.objects.filter(case=case).exists()


def test_completing_needs_a_risk_level_and_a_summary(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    assessment = start(client, case)
    client.post(
        reverse("cases:assessment_edit", args=[case.pk, assessment.pk]),
        assessment_form(assessment, summary=""),
    )
    assessment.refresh_from_db()
    response = client.post(
        reverse("cases:assessment_complete", args=[case.pk, assessment.pk]),
        {"version": assessment.version},
    )
    assert "Write a summary before completing" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_a_stale_assessment_edit_is_refused_and_the_text_kept(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    assessment = start(client, case)
    first = assessment_form(assessment, summary="First words")
    assert (
        client.post(
            reverse("cases:assessment_edit", args=[case.pk, assessment.pk]), first
        ).status_code
        == 302
    )
    second = assessment_form(assessment, summary="Second person's words")
    response = signed_in("sup_a").post(
        reverse("cases:assessment_edit", args=[case.pk, assessment.pk]), second
    )
    body = response.content.decode()
    assert "Someone else changed this record" in body
    assert "Second person&#x27;s words" in body
    assessment.refresh_from_db()
    assert assessment.summary == "First words"


def test_the_narratives_are_encrypted_at_rest(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    assessment = start(client, case)
    client.post(
        reverse("cases:assessment_edit", args=[case.pk, assessment.pk]),
        assessment_form(assessment, child_views="CanaryViewsZ19"),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child_views FROM cases_assessment WHERE id = %s", [assessment.pk]
        )
        stored = cursor.fetchone()[0]
    assert "CanaryViewsZ19" not in stored
    assert stored.startswith("ura1:")


def test_where_configured_the_supervisor_approves_the_assessment(
    world, signed_in, settings
):
    settings.URA_APPROVE_ASSESSMENTS = True
    case = open_case(world)
    client = signed_in("worker_a1")
    assessment = start(client, case)
    client.post(
        reverse("cases:assessment_edit", args=[case.pk, assessment.pk]),
        assessment_form(assessment, comprehensive_needed=None),
    )
    assessment.refresh_from_db()
    page = client.get(reverse("cases:assessment", args=[case.pk, assessment.pk]))
    assert "Ask the supervisor to approve" in page.content.decode()
    client.post(
        reverse("cases:assessment_complete", args=[case.pk, assessment.pk]),
        {"version": assessment.version, "note": "Please check the risk"},
    )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.AWAITING_APPROVAL
    assert stage_on_page(client, case) == Stage.INITIAL_ASSESSMENT
    approval = Approval.objects.get(case=case, decision=Decision.PENDING)
    assert approval.subject == ApprovalSubject.ASSESSMENT
    # Returned: the worker may change it again.
    supervisor = signed_in("sup_a")
    supervisor.post(
        reverse("cases:approval_decide", args=[case.pk, approval.pk]),
        {"decision": "returned", "comment": "Say more about school"},
    )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RETURNED
    client.post(
        reverse("cases:assessment_edit", args=[case.pk, assessment.pk]),
        assessment_form(
            assessment, comprehensive_needed=None, summary="More about school"
        ),
    )
    assessment.refresh_from_db()
    client.post(
        reverse("cases:assessment_complete", args=[case.pk, assessment.pk]),
        {"version": assessment.version},
    )
    approval = Approval.objects.get(case=case, decision=Decision.PENDING)
    supervisor.post(
        reverse("cases:approval_decide", args=[case.pk, approval.pk]),
        {"decision": "approved"},
    )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.COMPLETED
    assert assessment.completed_at is not None
    assert stage_on_page(client, case) == Stage.CASE_PLAN


def test_others_cannot_reach_an_assessment(world, signed_in):
    case = open_case(world)
    assessment = start(signed_in("worker_a1"), case)
    for persona in ("worker_a2", "worker_b1", "sup_b", "conf_member", "outsider"):
        client = signed_in(persona)
        for name in ("cases:assessment", "cases:assessment_edit"):
            url = reverse(name, args=[case.pk, assessment.pk])
            assert client.get(url).status_code == 404, (persona, name)
        response = client.post(
            reverse("cases:assessment_start", args=[case.pk]), {"kind": "initial"}
        )
        assert response.status_code == 404
    assert Assessment.objects.filter(case=case).count() == 1
