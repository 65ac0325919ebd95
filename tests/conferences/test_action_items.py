"""Action items in their owners' lists, progress reported by the owner, and the
next conference starting from the open items of the last."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.conferences.helpers import consent_to, table_with_police
from ura.access.cases import visible_cases
from ura.audit.models import AuditAction, AuditEvent
from ura.cases.models import Case, CaseStatus
from ura.conferences import actions
from ura.conferences.models import ActionItem, ItemStatus
from ura.conferences.queries import open_action_items_for

pytestmark = pytest.mark.django_db

POLICE_TASK = "CanaryPoliceTask: visit the family with the social worker"


def _police_item(world, conference, case, **extra) -> ActionItem:  # noqa: ANN001, ANN003
    return actions.action_item_add(
        actor=world.users["worker_a1"],
        conference=conference,
        case=case,
        description=POLICE_TASK,
        owner_agency=world.agencies["police_pr"],
        due_on=timezone.localdate() + timedelta(days=5),
        **extra,
    )


def test_an_item_for_the_police_is_in_the_police_members_list(world, signed_in):
    case = open_case(world)
    conference = table_with_police(world, case)
    item = _police_item(world, conference, case)
    mine = actions.action_item_add(
        actor=world.users["worker_a1"],
        conference=conference,
        description="CanaryWorkerTask",
        owner_user=world.users["worker_a1"],
        due_on=timezone.localdate() + timedelta(days=1),
    )

    assert list(open_action_items_for(world.users["conf_member"])) == [item]
    assert list(open_action_items_for(world.users["worker_a1"])) == [mine]
    assert not open_action_items_for(world.users["worker_a2"]).exists()
    page = signed_in("conf_member").get(reverse("conferences:my_items"))
    body = page.content.decode()
    assert POLICE_TASK in body
    assert "CanaryWorkerTask" not in body
    assert case.reference in body
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        object_type="conferences.actionitem",
        detail=f"items {item.pk}",
    ).exists()
    # And on the case page, for whoever sees the case.
    case_page = signed_in("worker_a1").get(reverse("cases:detail", args=[case.pk]))
    assert POLICE_TASK in case_page.content.decode()


def test_the_owner_marks_the_item_done(world, signed_in):
    case = open_case(world)
    conference = table_with_police(world, case)
    item = _police_item(world, conference, case)
    client = signed_in("conf_member")
    url = reverse("conferences:item_progress", args=[item.pk])
    assert POLICE_TASK in client.get(url).content.decode()

    response = client.post(
        url,
        {"version": item.version, "status": "done", "progress_note": "Visited"},
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE
    assert item.done_on == timezone.localdate()
    assert item.progress_note == "Visited"
    assert not open_action_items_for(world.users["conf_member"]).exists()
    stale = client.post(
        url,
        {"version": 1, "status": "open", "progress_note": "CanaryStaleNote"},
    )
    assert "Someone else changed this record" in stale.content.decode()
    assert "CanaryStaleNote" in stale.content.decode()


def test_an_owner_keeps_their_item_after_the_case_leaves_the_table(world, signed_in):
    case = open_case(world)
    conference = table_with_police(world, case)
    item = _police_item(world, conference, case)
    actions.conference_close(actor=world.users["worker_a1"], conference=conference)
    client = signed_in("conf_member")

    body = client.get(reverse("conferences:my_items")).content.decode()

    # The task is theirs to do; the child's record is no longer in reach.
    assert POLICE_TASK in body
    assert case.reference in body
    assert reverse("cases:detail", args=[case.pk]) not in body
    url = reverse("conferences:item_progress", args=[item.pk])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("persona", ["worker_a2", "worker_b1", "nurse", "outsider"])
def test_others_cannot_see_or_report_on_an_item(world, signed_in, persona):
    case = open_case(world)
    conference = table_with_police(world, case)
    item = _police_item(world, conference, case)
    client = signed_in(persona)
    url = reverse("conferences:item_progress", args=[item.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"version": 1, "status": "done"}).status_code == 404
    listing = client.get(reverse("conferences:my_items"))
    assert POLICE_TASK not in listing.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN


def test_the_next_conference_starts_from_the_open_items_of_the_last(world, signed_in):
    case = open_case(world)
    conference = table_with_police(world, case)
    sibling = open_case(world, person="team_shared")
    consent_to(world, sibling, "police_pr")
    actions.conference_case_add(
        actor=world.users["worker_a1"], conference=conference, case=sibling
    )
    open_item = _police_item(world, conference, case)
    sibling_item = _police_item(world, conference, sibling)
    # The sibling's case is closed before the next conference: it stays behind.
    Case.objects.filter(pk=sibling.pk).update(status=CaseStatus.CLOSED)
    done = actions.action_item_add(
        actor=world.users["worker_a1"],
        conference=conference,
        description="Already done",
        owner_user=world.users["worker_a1"],
        due_on=timezone.localdate(),
    )
    actions.action_item_progress(
        actor=world.users["worker_a1"],
        item=done,
        status="done",
        progress_note="",
        expected_version=done.version,
    )
    actions.conference_close(actor=world.users["worker_a1"], conference=conference)
    assert not visible_cases(world.users["conf_member"]).filter(pk=case.pk).exists()
    client = signed_in("worker_a1")

    form = client.get(
        reverse("conferences:schedule") + f"?previous={conference.pk}"
    ).content.decode()
    assert "Table 1" in form
    response = client.post(
        reverse("conferences:schedule"),
        {
            "previous": conference.pk,
            "title": "Table 2",
            "kind": "review",
            "agency": world.agencies["csw_pr"].pk,
            "scheduled_at": timezone.localtime(
                timezone.now() + timedelta(days=14)
            ).strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert response.status_code == 302
    follow_up = conference.follow_ups.get()
    assert follow_up.title == "Table 2"
    assert list(follow_up.table.values_list("case_id", flat=True)) == [case.pk]
    assert set(follow_up.members.values_list("user__username", flat=True)) == {
        "worker_a1",
        "conf_member",
    }
    carried = follow_up.items.get()
    assert carried.carried_from == open_item
    assert carried.description == POLICE_TASK
    assert carried.owner_agency == world.agencies["police_pr"]
    open_item.refresh_from_db()
    assert open_item.status == ItemStatus.CARRIED
    # The carried original is not listed besides its copy; the member sees the
    # case again.
    # (Both due the same day: the older item first.)
    assert list(open_action_items_for(world.users["conf_member"])) == [
        sibling_item,
        carried,
    ]
    assert visible_cases(world.users["conf_member"]).filter(pk=case.pk).exists()
    assert not follow_up.items.filter(description="Already done").exists()
    sibling_item.refresh_from_db()
    assert sibling_item.status == ItemStatus.OPEN
    page = client.get(response["Location"], follow=True).content.decode()
    left_out = "Not carried over (closed, or not a case you work on)"
    assert f"{left_out}: {sibling.reference}" in page
    assert "Carried over from" in page
    old = client.get(reverse("conferences:detail", args=[conference.pk])).content
    assert "Table 2" in old.decode()


def test_a_follow_up_leaves_out_cases_the_organiser_no_longer_works_on(world):
    case = open_case(world)
    conference = table_with_police(world, case)
    _police_item(world, conference, case)
    actions.conference_member_add(
        actor=world.users["worker_a1"],
        conference=conference,
        user=world.users["worker_a2"],
    )
    # worker_a2 may chair but does not work on the case: it cannot come along.
    conference.chair = world.users["worker_a2"]
    conference.save(update_fields=["chair"])

    scheduled = actions.conference_schedule(
        actor=world.users["worker_a2"],
        agency=world.agencies["csw_pr"],
        title="Table 2",
        kind="review",
        scheduled_at=timezone.now() + timedelta(days=7),
        previous=conference,
    )

    assert scheduled.left_out == [case]
    assert not scheduled.conference.table.exists()
    assert not scheduled.conference.items.exists()
