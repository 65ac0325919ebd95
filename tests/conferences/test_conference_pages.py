"""Running a conference through its pages: scheduling from the case, the table,
members and consent, attendance, summary, decisions, action items, holding,
the printable minutes and the case page's section."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.conferences.helpers import SUMMARY, consent_to, schedule, table_with_police
from ura.access.cases import visible_cases
from ura.audit.models import AuditAction, AuditEvent
from ura.cases.models import CaseEvent, CaseEventKind
from ura.conferences import actions
from ura.conferences.models import (
    ActionItem,
    Conference,
    ConferenceStatus,
    SharingOverride,
)

pytestmark = pytest.mark.django_db


def _when(delta: timedelta = timedelta()) -> str:
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def test_a_worker_schedules_a_conference_from_the_case_page(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    link = reverse("conferences:schedule") + f"?case={case.pk}"
    assert link in page

    response = client.post(
        link,
        {
            "title": "Multidisciplinary table",
            "kind": "first",
            "agency": world.agencies["csw_pr"].pk,
            "scheduled_at": _when(timedelta(days=2)),
            "location": "CSW Prishtina",
            "case": case.pk,
        },
    )

    conference = Conference.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("conferences:detail", args=[conference.pk])
    assert conference.organiser == world.users["worker_a1"]
    assert conference.chair == world.users["worker_a1"]
    assert list(conference.table.values_list("case_id", flat=True)) == [case.pk]
    # The organiser is a member: their attendance is recorded like anyone's.
    assert conference.members.get().user == world.users["worker_a1"]
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.CONFERENCE).exists()
    detail = client.get(response["Location"]).content.decode()
    assert case.reference in detail
    assert "Multidisciplinary table" in detail
    case_page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Multidisciplinary table" in case_page


def test_a_worker_cannot_table_a_case_they_do_not_work_on(world, signed_in):
    mine = open_case(world)
    theirs = open_case(world, person="other_team", worker="worker_b1")
    conference = schedule(world, cases=[mine])
    client = signed_in("worker_a1")
    url = reverse("conferences:case_add", args=[conference.pk])

    response = client.post(url, {"reference": theirs.reference})

    assert response.status_code == 200
    assert "No case with this reference" in response.content.decode()
    assert not conference.table.filter(case=theirs).exists()
    # Through the schedule form too: a case out of reach is a 404.
    url = reverse("conferences:schedule") + f"?case={theirs.pk}"
    assert client.get(url).status_code == 404


def test_the_consent_refusal_and_the_recorded_reason_for_sharing(world, signed_in):
    case = open_case(world)
    conference = schedule(world)
    organiser = world.users["worker_a1"]
    actions.conference_member_add(
        actor=organiser, conference=conference, user=world.users["conf_member"]
    )
    client = signed_in("worker_a1")
    url = reverse("conferences:case_add", args=[conference.pk])

    refused = client.post(url, {"reference": case.reference})

    body = refused.content.decode()
    assert refused.status_code == 200
    assert "consent does not allow sharing" in body
    assert "police_pr" in body
    assert case.reference in body  # what was typed stays
    assert not conference.table.exists()
    assert not visible_cases(world.users["conf_member"]).filter(pk=case.pk).exists()

    reason = "CanaryDutyToProtect: police investigation of violence"
    accepted = client.post(url, {"reference": case.reference, "sharing_reason": reason})

    assert accepted.status_code == 302
    override = SharingOverride.objects.get()
    assert override.agency == world.agencies["police_pr"]
    assert override.reason == reason
    event = AuditEvent.objects.get(object_type="conferences.sharingoverride")
    assert event.action == AuditAction.CREATE
    assert "without consent" in event.detail
    assert "Canary" not in event.detail
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM conferences_sharingoverride")
        assert "Canary" not in cursor.fetchone()[0]
    assert visible_cases(world.users["conf_member"]).filter(pk=case.pk).exists()


def test_consent_covering_the_agency_needs_no_reason(world):
    case = open_case(world)
    conference = table_with_police(world, case)
    assert conference.table.filter(case=case).exists()
    assert not SharingOverride.objects.exists()


def test_a_withdrawn_consent_is_honoured_when_inviting_later(world):
    case = open_case(world)
    consent = consent_to(world, case, "csw_pz")
    conference = schedule(world, cases=[case])
    consent.withdrawn_on = timezone.localdate()
    consent.save()
    with pytest.raises(Exception, match="consent does not allow"):
        actions.conference_member_add(
            actor=world.users["worker_a1"],
            conference=conference,
            user=world.users["worker_pz"],
        )
    assert conference.members.count() == 1


def test_the_minutes_are_recorded_and_printed(world, signed_in):
    case = open_case(world)
    conference = table_with_police(world, case)
    client = signed_in("worker_a1")
    detail = reverse("conferences:detail", args=[conference.pk])
    member = conference.members.get(user=world.users["conf_member"])
    outside = actions.conference_member_add(
        actor=world.users["worker_a1"],
        conference=conference,
        name="Teacher Drita",
        institution_type="school",
        sharing_reason="The school must protect the child from the abuser",
    )

    client.post(
        reverse("conferences:attendance", args=[conference.pk]),
        {"attended": [member.pk, outside.pk]},
    )
    edit = client.get(reverse("conferences:edit", args=[conference.pk]))
    form = edit.context["form"].initial
    client.post(
        reverse("conferences:edit", args=[conference.pk]),
        {
            "version": form["version"],
            "title": "Table 1",
            "kind": "first",
            "scheduled_at": _when(),
            "location": "CSW meeting room",
            "summary": SUMMARY,
        },
    )
    client.post(
        reverse("conferences:decision_add", args=[conference.pk]),
        {"case": case.pk, "text": "CanaryDecision: refer to psychosocial support"},
    )
    due = timezone.localdate() + timedelta(days=7)
    client.post(
        reverse("conferences:item_add", args=[conference.pk]),
        {
            "case": case.pk,
            "description": "CanaryItem: report on the family's situation",
            "owner_agency": world.agencies["police_pr"].pk,
            "due_on": due.isoformat(),
        },
    )
    held = client.post(reverse("conferences:held", args=[conference.pk]))
    assert held.status_code == 302

    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.HELD
    assert conference.summary == SUMMARY
    assert set(
        conference.members.filter(attended=True).values_list("pk", flat=True)
    ) == {member.pk, outside.pk}
    assert CaseEvent.objects.filter(
        case=case, kind=CaseEventKind.CONFERENCE, detail=f"held {conference.pk}"
    ).exists()
    page = client.get(detail).content.decode()
    assert "CanaryDecision" in page and "CanaryItem" in page and SUMMARY in page

    minutes = client.get(reverse("conferences:minutes", args=[conference.pk]))
    body = minutes.content.decode()
    assert minutes.status_code == 200
    for text in (SUMMARY, "CanaryDecision", "CanaryItem", "Teacher Drita"):
        assert text in body
    assert "present" in body
    assert "police_pr" in body
    assert "ura.css" in body  # the print rules hide navigation and forms
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT,
        object_type="conferences.conference",
        object_id=str(conference.pk),
    ).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM conferences_conference")
        assert "Canary" not in cursor.fetchone()[0]
        cursor.execute("SELECT description FROM conferences_actionitem")
        assert "Canary" not in cursor.fetchone()[0]


def test_bad_minutes_are_refused_with_the_text_kept(world, signed_in):
    case = open_case(world)
    conference = table_with_police(world, case)
    client = signed_in("worker_a1")
    url = reverse("conferences:item_add", args=[conference.pk])
    yesterday = timezone.localdate() - timedelta(days=1)

    early = client.post(
        url,
        {
            "description": "CanaryEarly item",
            "owner_user": world.users["conf_member"].pk,
            "due_on": yesterday.isoformat(),
        },
    )
    assert "cannot be before the conference" in early.content.decode()
    assert "CanaryEarly item" in early.content.decode()

    both = client.post(
        url,
        {
            "description": "Two owners",
            "owner_user": world.users["conf_member"].pk,
            "owner_agency": world.agencies["police_pr"].pk,
            "due_on": timezone.localdate().isoformat(),
        },
    )
    assert "Choose one owner" in both.content.decode()
    none = client.post(
        url, {"description": "No owner", "due_on": timezone.localdate().isoformat()}
    )
    assert "Choose one owner" in none.content.decode()
    not_member = client.post(
        url,
        {
            "description": "Not a member",
            "owner_user": world.users["worker_b1"].pk,
            "due_on": timezone.localdate().isoformat(),
        },
    )
    assert not_member.status_code == 200
    assert not ActionItem.objects.exists()


def test_a_stale_edit_is_refused_and_the_summary_kept(world, signed_in):
    case = open_case(world)
    conference = table_with_police(world, case)
    client = signed_in("worker_a1")
    url = reverse("conferences:edit", args=[conference.pk])
    version = client.get(url).context["form"].initial["version"]
    actions.conference_update(
        actor=world.users["worker_a1"],
        conference=conference,
        data={"location": "Moved to the school"},
        expected_version=version,
    )

    response = client.post(
        url,
        {
            "version": version,
            "title": "Table 1",
            "kind": "first",
            "scheduled_at": _when(),
            "location": "CSW meeting room",
            "summary": "CanaryMySummary typed meanwhile",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this record" in body
    assert "CanaryMySummary typed meanwhile" in body
    conference.refresh_from_db()
    assert conference.summary == ""
    assert conference.location == "Moved to the school"


def test_a_conference_cannot_be_held_before_its_day(world, signed_in):
    conference = schedule(world, scheduled_at=timezone.now() + timedelta(days=3))
    client = signed_in("worker_a1")
    response = client.post(
        reverse("conferences:held", args=[conference.pk]), follow=True
    )
    assert "cannot be marked as held before its date" in response.content.decode()
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.SCHEDULED


def test_a_closed_conference_cannot_change(world, signed_in):
    case = open_case(world)
    conference = table_with_police(world, case)
    actions.conference_close(actor=world.users["worker_a1"], conference=conference)
    client = signed_in("worker_a1")
    response = client.post(
        reverse("conferences:decision_add", args=[conference.pk]),
        {"text": "Too late"},
    )
    assert "This conference is closed" in response.content.decode()
    assert not conference.decisions.exists()


def test_the_conference_list_is_paginated_and_shows_mine(world, signed_in):
    for n in range(27):
        schedule(world, title=f"Table number {n:02d}")
    schedule(world, organiser="worker_b1", title="Someone else's table")
    client = signed_in("worker_a1")
    first = client.get(reverse("conferences:list")).content.decode()
    second = client.get(reverse("conferences:list") + "?page=2").content.decode()
    assert "Table number 00" in first
    assert "Table number 26" in second
    assert "Someone else" not in first + second
    assert "Page 1 of 2" in first
