"""Case notes: dated, append-only, encrypted; contact meets the first-contact
deadline; read only by those who work on the case, and every read audited."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.cases.test_documents import conference_grant
from ura.audit.models import AuditAction, AuditEvent
from ura.cases.models import Case, CaseEvent, CaseEventKind, CaseNote, Step
from ura.cases.note_actions import note_add

pytestmark = pytest.mark.django_db


def note_form(**changes) -> dict:  # noqa: ANN003
    form = {
        "happened_on": timezone.localdate().isoformat(),
        "kind": "home_visit",
        "contact_with": "",
        "body": "Visited the family; the child was at school.",
    }
    form.update(changes)
    return form


def test_a_worker_writes_a_note_from_the_case_page(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:note_add", args=[case.pk]) in page
    response = client.post(
        reverse("cases:note_add", args=[case.pk]),
        note_form(body="The grandmother now cares for the child."),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk]) + "#notes"
    note = CaseNote.objects.get(case=case)
    assert note.author == world.users["worker_a1"]
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "The grandmother now cares for the child." in page
    # Kept encrypted: the column holds ciphertext only.
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM cases_casenote WHERE id = %s", [note.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("ura1:") and "grandmother" not in raw
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="cases.casenote", object_id=str(note.pk)
    ).exists()
    # The case page read the notes: one audit event names them.
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(case.pk), detail="case page"
    ).exists()


def test_the_supervisor_also_writes_notes(world, signed_in):
    case = open_case(world)
    response = signed_in("sup_a").post(
        reverse("cases:note_add", args=[case.pk]), note_form(kind="phone")
    )
    assert response.status_code == 302
    assert CaseNote.objects.get().author == world.users["sup_a"]


def test_a_contact_note_meets_the_first_contact_deadline(world, signed_in):
    case = open_case(world, risk_level="high")
    assert case.next_step == Step.FIRST_CONTACT
    client = signed_in("worker_a1")
    client.post(reverse("cases:note_add", args=[case.pk]), note_form(contact_with=""))
    case.refresh_from_db()
    assert case.first_contact_at is None
    assert case.next_step == Step.FIRST_CONTACT
    client.post(
        reverse("cases:note_add", args=[case.pk]), note_form(contact_with="child")
    )
    case.refresh_from_db()
    assert case.first_contact_at is not None
    assert case.last_contact_at == case.first_contact_at
    assert case.next_step != Step.FIRST_CONTACT
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.CONTACT).count() == 1
    first = case.first_contact_at
    # A later note about an earlier contact moves the first contact back, and the
    # latest contact stays the latest.
    Case.objects.filter(pk=case.pk).update(
        reported_on=timezone.localdate() - timedelta(5)
    )
    earlier = timezone.localdate() - timedelta(days=3)
    client.post(
        reverse("cases:note_add", args=[case.pk]),
        note_form(contact_with="family", happened_on=earlier.isoformat()),
    )
    case.refresh_from_db()
    assert timezone.localdate(case.first_contact_at) == earlier
    assert case.last_contact_at == first


def test_bad_notes_are_refused_and_the_text_kept(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        reverse("cases:note_add", args=[case.pk]),
        note_form(happened_on=tomorrow, body="Words worth keeping"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The date cannot be in the future." in body
    assert "Words worth keeping" in body
    before = (case.reported_on - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("cases:note_add", args=[case.pk]), note_form(happened_on=before)
    )
    assert "before the case was reported" in response.content.decode()
    response = client.post(
        reverse("cases:note_add", args=[case.pk]), note_form(kind="gossip", body="")
    )
    assert response.status_code == 200
    assert not CaseNote.objects.exists()


def test_a_closed_case_takes_no_new_notes(world, signed_in):
    case = open_case(world)
    Case.objects.filter(pk=case.pk).update(status="closed")
    response = signed_in("worker_a1").post(
        reverse("cases:note_add", args=[case.pk]), note_form()
    )
    assert "The case is closed" in response.content.decode()
    assert not CaseNote.objects.exists()


def test_notes_are_listed_newest_first_a_page_at_a_time(world, signed_in):
    case = open_case(world)
    Case.objects.filter(pk=case.pk).update(
        reported_on=timezone.localdate() - timedelta(days=60)
    )
    case.refresh_from_db()
    worker = world.users["worker_a1"]
    for n in range(30):
        note_add(
            actor=worker,
            case=case,
            happened_on=timezone.localdate() - timedelta(days=n),
            kind="phone",
            body=f"Call number {n:02d}",
        )
    client = signed_in("worker_a1")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Call number 00" in page and "Call number 05" not in page
    assert reverse("cases:notes", args=[case.pk]) in page
    first = client.get(reverse("cases:notes", args=[case.pk])).content.decode()
    assert first.index("Call number 00") < first.index("Call number 01")
    assert "Call number 24" in first and "Call number 25" not in first
    second = client.get(reverse("cases:notes", args=[case.pk]), {"page": 2})
    assert "Call number 29" in second.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(case.pk), detail="notes, page 2"
    ).exists()


def test_a_conference_member_sees_the_case_but_not_its_notes(world, signed_in):
    case = open_case(world)
    note_add(
        actor=world.users["worker_a1"],
        case=case,
        happened_on=timezone.localdate(),
        kind="office",
        body="Private words about the mother",
    )
    conference_grant(world, case)
    member = signed_in("conf_member")
    page = member.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    assert "Private words about the mother" not in page.content.decode()
    assert reverse("cases:note_add", args=[case.pk]) not in page.content.decode()
    assert member.get(reverse("cases:notes", args=[case.pk])).status_code == 403
    response = member.post(reverse("cases:note_add", args=[case.pk]), note_form())
    assert response.status_code == 403
    assert CaseNote.objects.count() == 1


def test_other_workers_and_outsiders_find_no_notes(world, signed_in):
    case = open_case(world)
    for persona in ("worker_a2", "worker_b1", "sup_b", "outsider", "data_pr"):
        client = signed_in(persona)
        assert client.get(reverse("cases:notes", args=[case.pk])).status_code == 404
        response = client.post(reverse("cases:note_add", args=[case.pk]), note_form())
        assert response.status_code == 404, persona
    assert not CaseNote.objects.exists()
