"""Recording a functioning assessment from the person's page and the API."""

from datetime import date

import pytest
from django.urls import reverse

from ura.audit.models import AuditAction, AuditEvent
from ura.people.models import FunctioningAssessment

pytestmark = pytest.mark.django_db


def _child_5_to_17(world):  # noqa: ANN001, ANN202
    person = world.people["own"]
    person.date_of_birth = date(2015, 5, 17)
    person.save()
    return person


def test_a_worker_records_answers_and_the_child_gets_the_modules_result(
    world, signed_in
):
    person = _child_5_to_17(world)
    client = signed_in("worker_a1")
    url = reverse("people:functioning", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "FCF" in page.content.decode()  # the 5–17 questionnaire for a 10-year-old
    response = client.post(
        url,
        {
            "instrument": "cfm_5_17",
            "assessed_on": "2026-11-01",
            "FCF1": "no",
            "FCF6": "a_lot_of_difficulty",
            "save": "1",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.functional_difficulty == "yes"
    assessment = FunctioningAssessment.objects.get(person=person)
    assert assessment.domains["seeing"] is True
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_id=str(person.pk)
    ).exists()


def test_an_answer_off_the_scale_is_refused_and_nothing_is_saved(world, signed_in):
    person = _child_5_to_17(world)
    response = signed_in("worker_a1").post(
        reverse("people:functioning", args=[person.pk]),
        {
            "instrument": "cfm_5_17",
            "assessed_on": "2026-11-01",
            "FCF1": "maybe",
            "save": "1",
        },
    )
    assert response.status_code == 200
    assert not FunctioningAssessment.objects.exists()


def test_unknown_answers_leave_the_fact_unknown_not_no(world, signed_in):
    person = _child_5_to_17(world)
    signed_in("worker_a1").post(
        reverse("people:functioning", args=[person.pk]),
        {
            "instrument": "cfm_5_17",
            "assessed_on": "2026-11-01",
            "FCF1": "no",
            "FCF6": "unknown",
            "save": "1",
        },
    )
    person.refresh_from_db()
    assert person.functional_difficulty == "unknown"


def test_people_without_the_right_to_edit_cannot_open_the_questions(world, signed_in):
    person = world.people["referred"]
    url = reverse("people:functioning", args=[person.pk])
    assert signed_in("provider").get(url).status_code in (403, 404)
    assert signed_in("worker_a1").get(url).status_code == 404


def test_the_api_records_an_assessment_and_refuses_bad_answers_per_question(
    world, api_client
):
    person = _child_5_to_17(world)
    client, headers = api_client("worker_a1")
    url = f"/api/v1/people/{person.pk}/functioning"
    bad = client.post(
        url,
        {
            "instrument": "cfm_5_17",
            "assessed_on": "2026-11-01",
            "answers": {"FCF1": "maybe"},
        },
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422
    assert "FCF1" in bad.json()["errors"]
    good = client.post(
        url,
        {
            "instrument": "cfm_5_17",
            "assessed_on": "2026-11-01",
            "answers": {"FCF1": "no", "FCF6": "cannot_do_at_all"},
        },
        content_type="application/json",
        headers=headers,
    )
    assert good.status_code == 201
    assert good.json()["result"] == "yes"
    listing = client.get(url, headers=headers).json()
    assert listing["count"] == 1
