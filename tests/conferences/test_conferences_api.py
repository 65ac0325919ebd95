"""/api/v1/conferences: the same rules as the pages, end to end through JSON."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.conferences.helpers import consent_to, schedule, table_with_police
from ura.access.cases import visible_cases
from ura.conferences.models import ActionItem, Conference, ConferenceStatus

pytestmark = pytest.mark.django_db

BASE = "/api/v1/conferences"
JSON = "application/json"


def _post(client, headers, path, data=None):  # noqa: ANN001, ANN201
    return client.post(path, json.dumps(data or {}), content_type=JSON, headers=headers)


def test_a_worker_runs_a_conference_through_the_api(world, api_client):
    case = open_case(world)
    consent_to(world, case, "police_pr")
    client, headers = api_client("worker_a1")
    member_client, member_headers = api_client("conf_member")

    created = _post(
        client,
        headers | {"Idempotency-Key": "conf-1"},
        BASE,
        {
            "agency_id": world.agencies["csw_pr"].pk,
            "title": "API table",
            "kind": "first",
            "scheduled_at": timezone.now().isoformat(),
            "case_ids": [case.pk],
        },
    )
    assert created.status_code == 201, created.content
    conference_id = created.json()["id"]
    again = _post(
        client,
        headers | {"Idempotency-Key": "conf-1"},
        BASE,
        {
            "agency_id": world.agencies["csw_pr"].pk,
            "title": "API table",
            "kind": "first",
            "scheduled_at": timezone.now().isoformat(),
        },
    )
    assert again.status_code == 200
    assert Conference.objects.count() == 1

    invited = _post(
        client,
        headers,
        f"{BASE}/{conference_id}/members",
        {"user_id": world.users["conf_member"].pk},
    )
    assert invited.status_code == 201, invited.content
    case_url = f"/api/v1/cases/{case.pk}"
    assert member_client.get(case_url, headers=member_headers).status_code == 200

    member_ids = [m["id"] for m in invited.json()["members"]]
    attendance = _post(
        client, headers, f"{BASE}/{conference_id}/attendance", {"attended": member_ids}
    )
    assert all(m["attended"] for m in attendance.json()["members"])
    decision = _post(
        client,
        headers,
        f"{BASE}/{conference_id}/decisions",
        {"case_id": case.pk, "text": "Refer to psychosocial support"},
    )
    assert decision.status_code == 201
    item = _post(
        client,
        headers,
        f"{BASE}/{conference_id}/items",
        {
            "case_id": case.pk,
            "description": "Police report on the family",
            "owner_agency_id": world.agencies["police_pr"].pk,
            "due_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    assert item.status_code == 201, item.content
    patched = client.patch(
        f"{BASE}/{conference_id}",
        json.dumps({"version": 1, "summary": "All agreed"}),
        content_type=JSON,
        headers=headers,
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["summary"] == "All agreed"
    stale = client.patch(
        f"{BASE}/{conference_id}",
        json.dumps({"version": 1, "summary": "Late"}),
        content_type=JSON,
        headers=headers,
    )
    assert stale.status_code == 409
    held = _post(client, headers, f"{BASE}/{conference_id}/held")
    assert held.json()["status"] == ConferenceStatus.HELD

    # The member's view: the conference, its case, their agency's item.
    seen = member_client.get(f"{BASE}/{conference_id}", headers=member_headers)
    assert seen.status_code == 200
    body = seen.json()
    assert body["may_run"] is False
    assert body["cases"][0]["child"] is not None
    assert body["items"][0]["description"] == "Police report on the family"
    mine = member_client.get(f"{BASE}/items/mine", headers=member_headers).json()
    assert [i["id"] for i in mine["items"]] == [item.json()["id"]]
    progress = _post(
        member_client,
        member_headers,
        f"{BASE}/items/{item.json()['id']}/progress",
        {"version": 1, "status": "done", "progress_note": "Done"},
    )
    assert progress.status_code == 200, progress.content
    assert progress.json()["status"] == "done"

    # Taking the case off the table ends the member's access at once.
    removed = client.delete(f"{BASE}/{conference_id}/cases/{case.pk}", headers=headers)
    assert removed.status_code == 200
    assert removed.json()["cases"] == []
    assert member_client.get(case_url, headers=member_headers).status_code == 404
    person_url = f"/api/v1/people/{case.person_id}"
    assert member_client.get(person_url, headers=member_headers).status_code == 404

    closed = _post(client, headers, f"{BASE}/{conference_id}/close")
    assert closed.json()["status"] == ConferenceStatus.CLOSED
    after = member_client.get(f"{BASE}/{conference_id}", headers=member_headers)
    assert after.json()["shows_minutes"] is False
    assert after.json()["summary"] is None


def test_closing_through_the_api_ends_the_members_access(world, api_client):
    case = open_case(world)
    conference = table_with_police(world, case)
    client, headers = api_client("worker_a1")
    member_client, member_headers = api_client("conf_member")
    case_url = f"/api/v1/cases/{case.pk}"
    assert member_client.get(case_url, headers=member_headers).status_code == 200

    assert _post(client, headers, f"{BASE}/{conference.pk}/close").status_code == 200

    assert member_client.get(case_url, headers=member_headers).status_code == 404


def test_the_api_refuses_sharing_without_consent_unless_a_reason_is_given(
    world, api_client
):
    case = open_case(world)
    conference = schedule(world)
    client, headers = api_client("worker_a1")
    _post(
        client,
        headers,
        f"{BASE}/{conference.pk}/members",
        {"user_id": world.users["conf_member"].pk},
    )

    refused = _post(
        client, headers, f"{BASE}/{conference.pk}/cases", {"case_id": case.pk}
    )

    assert refused.status_code == 422
    assert "consent" in refused.json()["errors"]["sharing_reason"][0]
    assert not visible_cases(world.users["conf_member"]).filter(pk=case.pk).exists()
    accepted = _post(
        client,
        headers,
        f"{BASE}/{conference.pk}/cases",
        {"case_id": case.pk, "sharing_reason": "Police must protect the child now"},
    )
    assert accepted.status_code == 201
    assert visible_cases(world.users["conf_member"]).filter(pk=case.pk).exists()


def test_bad_input_is_a_field_error_and_nothing_is_saved(world, api_client):
    case = open_case(world)
    conference = table_with_police(world, case)
    client, headers = api_client("worker_a1")
    path = f"{BASE}/{conference.pk}/items"
    early = _post(
        client,
        headers,
        path,
        {
            "description": "Too early",
            "owner_user_id": world.users["conf_member"].pk,
            "due_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        },
    )
    assert early.status_code == 422
    assert "due_on" in early.json()["errors"]
    both = _post(
        client,
        headers,
        path,
        {
            "description": "Two owners",
            "owner_user_id": world.users["conf_member"].pk,
            "owner_agency_id": world.agencies["police_pr"].pk,
            "due_on": timezone.localdate().isoformat(),
        },
    )
    assert both.status_code == 422
    unknown = _post(
        client,
        headers,
        BASE,
        {
            "agency_id": world.agencies["csw_pr"].pk,
            "title": "X",
            "kind": "no_such_kind",
            "scheduled_at": timezone.now().isoformat(),
        },
    )
    assert unknown.status_code == 422
    assert not ActionItem.objects.exists()
    assert Conference.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("worker_a2", 404), ("sup_b", 404), ("provider", 403), ("outsider", 403)],
)
def test_others_get_nothing_from_the_api(world, api_client, persona, expected):
    case = open_case(world)
    conference = table_with_police(world, case)
    item = ActionItem.objects.create(
        conference=conference,
        description="Secret task",
        owner_user=world.users["worker_a1"],
        due_on=timezone.localdate(),
        created_by=world.users["worker_a1"],
    )
    client, headers = api_client(persona)

    assert client.get(f"{BASE}/{conference.pk}", headers=headers).status_code == (
        expected
    )
    listing = client.get(BASE, headers=headers)
    assert listing.status_code == (403 if expected == 403 else 200)
    if expected == 404:
        assert listing.json()["items"] == []
    bodies = {
        "held": {},
        "close": {},
        "attendance": {"attended": []},
        "decisions": {"text": "x"},
        "members": {"name": "Someone", "institution_type": "ngo"},
        "cases": {"case_id": case.pk},
    }
    for path, body in bodies.items():
        response = _post(client, headers, f"{BASE}/{conference.pk}/{path}", body)
        assert response.status_code == 404, path
    removed = client.delete(f"{BASE}/{conference.pk}/cases/{case.pk}", headers=headers)
    assert removed.status_code == 404
    progress = _post(
        client,
        headers,
        f"{BASE}/items/{item.pk}/progress",
        {"version": 1, "status": "done"},
    )
    assert progress.status_code in (403, 404)
    conference.refresh_from_db()
    item.refresh_from_db()
    assert conference.status == ConferenceStatus.SCHEDULED
    assert conference.table.filter(removed_at__isnull=True).count() == 1
    assert item.status == "open"


def test_a_member_cannot_run_the_conference_through_the_api(world, api_client):
    case = open_case(world)
    conference = table_with_police(world, case)
    client, headers = api_client("conf_member")
    assert _post(client, headers, f"{BASE}/{conference.pk}/close").status_code == 403
    removed = client.delete(f"{BASE}/{conference.pk}/cases/{case.pk}", headers=headers)
    assert removed.status_code == 403
    assert visible_cases(world.users["conf_member"]).filter(pk=case.pk).exists()
