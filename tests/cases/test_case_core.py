"""Opening a case, who sees it, its stage and deadline, editing and assigning."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from ura.access.cases import visible_cases
from ura.audit.models import AuditAction, AuditEvent
from ura.cases.models import Case, CaseEvent, CaseEventKind, Stage, Step

pytestmark = pytest.mark.django_db


def test_a_worker_opens_a_case_from_the_childs_page(world, signed_in):
    client = signed_in("worker_a1")
    person = world.people["own"]
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert reverse("cases:open", args=[person.pk]) in page
    response = client.post(
        reverse("cases:open", args=[person.pk]),
        {
            "risk_level": "high",
            "concerns": ["neglect", "school_drop_out"],
            "reported_on": timezone.localdate().isoformat(),
            "reported_by": "school",
            "report_summary": "Teacher saw bruises",
        },
    )
    case = Case.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.reference.startswith(f"{timezone.now().year}-")
    assert case.worker == world.users["worker_a1"]
    assert case.supervisor == world.users["sup_a"]
    assert case.stage == Stage.IDENTIFICATION
    # High risk: first contact within 24 hours is the first deadline.
    assert case.next_step == Step.FIRST_CONTACT
    assert abs(case.next_due_at - (case.opened_at + timedelta(hours=24))) < timedelta(
        seconds=1
    )
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Identification and registration" in detail
    assert "Teacher saw bruises" in detail
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.case", object_id=str(case.pk)
    ).exists()


def test_bad_input_is_refused_with_field_errors_and_nothing_saved(world, signed_in):
    client = signed_in("worker_a1")
    person = world.people["own"]
    response = client.post(
        reverse("cases:open", args=[person.pk]),
        {
            "risk_level": "high",
            "concerns": ["no_such_concern"],
            "reported_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "reported_by": "school",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "no_such_concern is not one of the available choices" in body
    assert not Case.objects.exists()
    response = client.post(
        reverse("cases:open", args=[person.pk]),
        {
            "risk_level": "high",
            "concerns": ["neglect"],
            "reported_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "reported_by": "school",
        },
    )
    assert "cannot be in the future" in response.content.decode()
    assert not Case.objects.exists()


def test_who_sees_a_case(world, signed_in):
    case = open_case(world)
    seeing = {
        name
        for name, user in world.users.items()
        if visible_cases(user).filter(pk=case.pk).exists()
    }
    assert seeing == {"worker_a1", "sup_a"}
    for persona in ("worker_a2", "worker_b1", "sup_b", "conf_member", "outsider"):
        response = signed_in(persona).get(reverse("cases:detail", args=[case.pk]))
        assert response.status_code in (403, 404), persona


def test_a_case_list_shows_the_most_urgent_first(world, signed_in):
    low = open_case(world, risk_level="low")
    high = open_case(world, person="team_shared", risk_level="high")
    body = signed_in("worker_a1").get(reverse("cases:list")).content.decode()
    assert body.index(high.reference) < body.index(low.reference)
    overdue = signed_in("sup_a").get(reverse("cases:list"), {"overdue": "on"})
    assert high.reference not in overdue.content.decode()
    Case.objects.filter(pk=high.pk).update(
        next_due_at=timezone.now() - timedelta(hours=2)
    )
    overdue = signed_in("sup_a").get(reverse("cases:list"), {"overdue": "on"})
    assert high.reference in overdue.content.decode()
    assert low.reference not in overdue.content.decode()


def test_a_stale_edit_is_refused_and_the_text_kept(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    form = {
        "version": case.version,
        "risk_level": "medium",
        "concerns": ["neglect"],
        "reported_on": case.reported_on.isoformat(),
        "reported_by": "school",
        "report_summary": "First version of the words",
    }
    assert client.post(reverse("cases:edit", args=[case.pk]), form).status_code == 302
    form["report_summary"] = "Words typed by a second person"
    response = client.post(reverse("cases:edit", args=[case.pk]), form)
    body = response.content.decode()
    assert "Someone else changed this record" in body
    assert "Words typed by a second person" in body
    case.refresh_from_db()
    assert case.report_summary == "First version of the words"
    assert case.risk_level == "medium"
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.RISK).exists()


def test_assignment_moves_access_with_the_case(world, signed_in):
    case = open_case(world)
    response = signed_in("sup_a").post(
        reverse("cases:assign", args=[case.pk]),
        {"version": case.version, "worker": world.users["worker_a2"].pk},
    )
    assert response.status_code == 302
    assert visible_cases(world.users["worker_a2"]).filter(pk=case.pk).exists()
    assert not visible_cases(world.users["worker_a1"]).filter(pk=case.pk).exists()
    # A worker may not reassign.
    response = signed_in("worker_a2").post(
        reverse("cases:assign", args=[case.pk]),
        {"version": case.version + 1, "worker": world.users["worker_a1"].pk},
    )
    assert response.status_code == 403
