"""/api/v1/services: the same rules as the pages; creates are idempotent and a
bad attendance row is named by its index."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.services_delivery.helpers import (
    day_care,
    days_ago,
    enrolled,
    group_of,
    other_provider,
    today,
    walk_in,
)
from tests.world import GIVEN_NAMES
from ura.access.models import PersonGrant
from ura.services.models import Attendance, Enrolment, Session

pytestmark = pytest.mark.django_db

API = "/api/v1/services"


def _send(client, method, url, headers, body=None):  # noqa: ANN001, ANN202
    if method == "get":
        return client.get(url, headers=headers)
    return getattr(client, method)(
        url,
        data=json.dumps(body or {}),
        content_type="application/json",
        headers=headers,
    )


def test_enrolment_is_idempotent_and_ends_with_its_version(world, api_client):
    service = day_care(world)
    client, headers = api_client("provider")
    child = world.people["referred"]
    body = {
        "service_id": service.pk,
        "person_id": child.pk,
        "role": "child",
        "enrolled_on": str(days_ago(3)),
    }
    keyed = {**headers, "Idempotency-Key": "enrol-1"}
    first = _send(client, "post", f"{API}/enrolments", keyed, body)
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["person"]["given_name"] == GIVEN_NAMES["referred"]
    retry = _send(client, "post", f"{API}/enrolments", keyed, body)
    assert retry.status_code == 200 and retry.json()["id"] == data["id"]
    # Without the key, the person already enrolled keeps their enrolment.
    again = _send(client, "post", f"{API}/enrolments", headers, body)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Enrolment.objects.count() == 1
    end = f"{API}/enrolments/{data['id']}/end"
    stale = {"ended_on": str(today()), "end_reason": "completed", "version": 9}
    assert _send(client, "post", end, headers, stale).status_code == 409
    early = {**stale, "version": 1, "ended_on": str(days_ago(4))}
    refused = _send(client, "post", end, headers, early)
    assert refused.status_code == 422 and "ended_on" in refused.json()["errors"]
    done = _send(client, "post", end, headers, {**stale, "version": 1})
    assert done.status_code == 200, done.content
    assert done.json()["ended_on"] == str(today()) and done.json()["version"] == 2


def test_only_people_shared_with_the_provider_can_be_enrolled(world, api_client):
    service = day_care(world)
    client, headers = api_client("provider")
    body = {
        "service_id": service.pk,
        "person_id": world.people["own"].pk,
        "role": "child",
        "enrolled_on": str(today()),
    }
    response = _send(client, "post", f"{API}/enrolments", headers, body)
    assert response.status_code == 422 and "person_id" in response.json()["errors"]
    future = {
        **body,
        "person_id": world.people["referred"].pk,
        "enrolled_on": str(today() + timedelta(days=1)),
    }
    response = _send(client, "post", f"{API}/enrolments", headers, future)
    assert response.status_code == 422 and "enrolled_on" in response.json()["errors"]


def test_the_list_shows_names_only_while_shared(world, api_client):
    service = day_care(world)
    enrolled(world, service, world.people["referred"])
    enrolled(world, service, walk_in(world, "Mine"))
    client, headers = api_client("provider")
    rows = _send(client, "get", f"{API}/enrolments", headers).json()["items"]
    names = {r["person"]["given_name"] for r in rows if r["person"]}
    assert names == {GIVEN_NAMES["referred"], "Mine"}
    PersonGrant.objects.filter(agency__isnull=False).update(ends_at=timezone.now())
    client, headers = api_client("provider")
    response = _send(client, "get", f"{API}/enrolments?active=true", headers)
    rows = response.json()["items"]
    assert len(rows) == 2
    hidden = [r for r in rows if r["person_id"] == world.people["referred"].pk]
    assert hidden[0]["person"] is None
    assert GIVEN_NAMES["referred"] not in response.content.decode()


def test_a_session_with_its_rows_is_created_once(world, api_client):
    service = day_care(world)
    group = group_of(world, service)
    kids = [
        enrolled(world, service, walk_in(world, f"K{i}"), group=group, on=days_ago(20))
        for i in range(3)
    ]
    client, headers = api_client("provider")
    body = {
        "service_id": service.pk,
        "group_id": group.pk,
        "held_on": str(days_ago(1)),
        "kind": "group",
        "activity": "sport",
        "attendance": [
            {"enrolment_id": kids[0].pk, "presence": "present"},
            {"enrolment_id": kids[1].pk, "presence": "absent"},
            {"enrolment_id": kids[2].pk, "presence": "excused"},
        ],
    }
    keyed = {**headers, "Idempotency-Key": "sheet-1"}
    first = _send(client, "post", f"{API}/sessions", keyed, body)
    assert first.status_code == 201, first.content
    assert first.json()["attendance_count"] == 3
    retry = _send(client, "post", f"{API}/sessions", keyed, body)
    assert retry.status_code == 200 and retry.json()["id"] == first.json()["id"]
    # The same group, day and activity without a key: the same session.
    same = _send(client, "post", f"{API}/sessions", headers, body)
    assert same.status_code == 200 and same.json()["id"] == first.json()["id"]
    assert Session.objects.count() == 1 and Attendance.objects.count() == 3
    listed = _send(
        client, "get", f"{API}/sessions/{first.json()['id']}/attendance", headers
    ).json()
    assert {r["presence"] for r in listed["items"]} == {"present", "absent", "excused"}
    other = {**body, "another_session": True}
    assert _send(client, "post", f"{API}/sessions", headers, other).status_code == 201
    assert Session.objects.count() == 2


def test_bad_attendance_rows_are_named_by_their_index(world, api_client):
    service = day_care(world)
    fine = enrolled(world, service, walk_in(world, "Fine"), on=days_ago(20))
    late = enrolled(world, service, walk_in(world, "Late"), on=days_ago(1))
    client, headers = api_client("provider")
    body = {
        "service_id": service.pk,
        "held_on": str(days_ago(5)),
        "kind": "group",
        "activity": "sport",
        "attendance": [
            {"enrolment_id": fine.pk, "presence": "present"},
            {"enrolment_id": late.pk, "presence": "present"},
            {"enrolment_id": 999999, "presence": "present"},
        ],
    }
    response = _send(client, "post", f"{API}/sessions", headers, body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"attendance.1", "attendance.2"}
    assert "outside their enrolment" in errors["attendance.1"][0]
    bad_value = {**body, "attendance": [{"enrolment_id": fine.pk, "presence": "late"}]}
    response = _send(client, "post", f"{API}/sessions", headers, bad_value)
    assert response.status_code == 422
    assert "attendance.0.presence" in response.json()["errors"]
    future = {**body, "held_on": str(today() + timedelta(days=1)), "attendance": []}
    response = _send(client, "post", f"{API}/sessions", headers, future)
    assert response.status_code == 422 and "held_on" in response.json()["errors"]
    assert not Session.objects.exists()


def test_groups_and_corrections_through_the_api(world, api_client):
    service = day_care(world)
    client, headers = api_client("provider")
    made = _send(client, "post", f"{API}/{service.pk}/groups", headers, {"name": "G1"})
    assert made.status_code == 201
    group_id = made.json()["id"]
    listed = _send(client, "get", f"{API}/{service.pk}/groups", headers).json()
    assert [g["name"] for g in listed["items"]] == ["G1"]
    patched = _send(
        client, "patch", f"{API}/groups/{group_id}", headers, {"name": "Group one"}
    )
    assert patched.json()["name"] == "Group one"
    kid = enrolled(world, service, walk_in(world, "Moved"), on=days_ago(9))
    moved = _send(
        client,
        "post",
        f"{API}/enrolments/{kid.pk}/group",
        headers,
        {"group_id": group_id, "version": kid.version},
    )
    assert moved.status_code == 200 and moved.json()["group_id"] == group_id
    session = _send(
        client,
        "post",
        f"{API}/sessions",
        headers,
        {
            "service_id": service.pk,
            "group_id": group_id,
            "held_on": str(days_ago(2)),
            "kind": "group",
            "activity": "creative",
        },
    ).json()
    assert session["attendance_count"] == 0
    sheet = {"attendance": [{"enrolment_id": kid.pk, "presence": "present"}]}
    put = _send(
        client, "put", f"{API}/sessions/{session['id']}/attendance", headers, sheet
    )
    assert put.status_code == 200 and put.json()["attendance_count"] == 1
    put = _send(
        client, "put", f"{API}/sessions/{session['id']}/attendance", headers, sheet
    )
    assert put.json()["attendance_count"] == 1
    sessions = _send(client, "get", f"{API}/{service.pk}/sessions", headers).json()
    assert sessions["count"] == 1


def test_another_agency_s_provider_gets_404(world, api_client):
    service = day_care(world)
    group = group_of(world, service)
    kid = enrolled(world, service, walk_in(world, "Ours"), group=group)
    other_provider(world)
    client, headers = api_client("provider_pr")
    assert _send(client, "get", f"{API}/enrolments", headers).json()["count"] == 0
    for url in (
        f"{API}/enrolments/{kid.pk}",
        f"{API}/{service.pk}/groups",
        f"{API}/{service.pk}/sessions",
    ):
        assert _send(client, "get", url, headers).status_code == 404, url
    body = {
        "service_id": service.pk,
        "held_on": str(days_ago(1)),
        "kind": "group",
        "activity": "sport",
    }
    assert _send(client, "post", f"{API}/sessions", headers, body).status_code == 404
    worker, worker_headers = api_client("worker_a1")
    assert _send(worker, "get", f"{API}/enrolments", worker_headers).status_code == 403


def test_a_session_is_corrected_with_its_version_and_removed_if_nobody_came(
    world, api_client
):
    service = day_care(world)
    group = group_of(world, service)
    kid = enrolled(world, service, walk_in(world, "K"), group=group, on=days_ago(20))
    client, headers = api_client("provider")

    def session(presence: str, activity: str) -> dict:
        body = {
            "service_id": service.pk,
            "group_id": group.pk,
            "held_on": str(days_ago(2)),
            "kind": "group",
            "activity": activity,
            "attendance": [{"enrolment_id": kid.pk, "presence": presence}],
        }
        return _send(client, "post", f"{API}/sessions", headers, body).json()

    came, nobody = session("present", "sport"), session("absent", "creative")
    url = f"{API}/sessions/{came['id']}"
    patch = {"version": 1, "held_on": str(days_ago(3)), "activity": "sport"}
    fixed = _send(client, "patch", url, headers, {**patch, "topic": "Football"})
    assert fixed.status_code == 200, fixed.content
    assert (fixed.json()["held_on"], fixed.json()["version"]) == (str(days_ago(3)), 2)
    assert _send(client, "patch", url, headers, patch).status_code == 409
    early = {**patch, "version": 2, "held_on": str(days_ago(30))}
    refused = _send(client, "patch", url, headers, early)
    assert refused.status_code == 422 and "held_on" in refused.json()["errors"]
    assert _send(client, "delete", url, headers, {"version": 2}).status_code == 422
    gone = _send(
        client, "delete", f"{API}/sessions/{nobody['id']}", headers, {"version": 1}
    )
    assert gone.status_code == 204
    assert list(Session.objects.values_list("pk", flat=True)) == [came["id"]]
