"""The case itself through the API: list and filters, open (idempotent), read,
edit with a version, assign, and transfers; the same access rules as the pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.cases.test_transfers import REASON, add_receiving_supervisor, consent_to
from ura.access.cases import visible_cases
from ura.audit.models import AuditAction, AuditEvent
from ura.cases.models import Case, CaseStatus, Transfer, TransferStatus

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases"
JSON = "application/json"


def new_case(world, **overrides) -> dict:  # noqa: ANN001
    return {
        "person_id": world.people["own"].pk,
        "risk_level": "high",
        "concerns": ["neglect", "school_drop_out"],
        "reported_on": timezone.localdate().isoformat(),
        "reported_by": "school",
        "report_summary": "Seen at school with bruises",
        **overrides,
    }


def test_a_worker_lists_their_cases_with_filters(world, api_client):
    high = open_case(world, risk_level="high", concerns=("neglect",))
    low = open_case(world, person="team_shared", risk_level="low", concerns=("other",))
    client, headers = api_client("worker_a1")

    def refs(**params) -> list[str]:  # noqa: ANN003
        response = client.get(CASES, params, headers=headers)
        assert response.status_code == 200
        return [item["reference"] for item in response.json()["items"]]

    assert refs() == [high.reference, low.reference]  # the most urgent first
    assert refs(risk_level="low") == [low.reference]
    assert refs(concern="neglect") == [high.reference]
    assert refs(stage="identification") == [high.reference, low.reference]
    assert refs(overdue=True) == []
    Case.objects.filter(pk=low.pk).update(
        next_due_at=timezone.now() - timedelta(hours=1)
    )
    assert refs(overdue=True) == [low.reference]
    assert refs(mine=True) == [low.reference, high.reference]
    assert refs(status="closed") == []
    Case.objects.filter(pk=low.pk).update(status=CaseStatus.CLOSED)
    assert refs(status="closed") == [low.reference]
    assert set(refs(status="all")) == {low.reference, high.reference}
    # The supervisor sees the team's cases, but none is theirs.
    sup, sup_headers = api_client("sup_a")
    mine = sup.get(CASES, {"mine": True}, headers=sup_headers).json()
    assert mine["count"] == 0
    item = client.get(CASES, headers=headers).json()["items"][0]
    assert item["person"]["given_name"] == world.people["own"].given_name
    assert item["supervisor"]["id"] == world.users["sup_a"].pk
    assert item["agency"]["name"] == "csw_pr"
    assert item["concerns"] == ["neglect"]
    assert "report_summary" not in item
    bad = client.get(CASES, {"concern": "no_such_concern"}, headers=headers)
    assert bad.status_code == 422


def test_the_list_is_paginated_without_a_query_per_case(world, api_client):
    for _ in range(52):
        open_case(world)
    client, headers = api_client("worker_a1")
    client.get(CASES, {"page": 2}, headers=headers)  # the token's first use
    with CaptureQueriesContext(connection) as first:
        page1 = client.get(CASES, headers=headers).json()
    with CaptureQueriesContext(connection) as second:
        page2 = client.get(CASES, {"page": 2}, headers=headers).json()
    assert page1["count"] == 52
    assert len(page1["items"]) == 50
    assert len(page2["items"]) == 2
    assert len(first) == len(second)


def test_opening_a_case_is_idempotent_with_a_key(world, api_client):
    client, headers = api_client("worker_a1")
    headers = {**headers, "Idempotency-Key": "case-key-1"}
    first = client.post(CASES, new_case(world), content_type=JSON, headers=headers)
    again = client.post(CASES, new_case(world), content_type=JSON, headers=headers)
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Case.objects.count() == 1
    body = first.json()
    assert body["worker"]["id"] == world.users["worker_a1"].pk
    assert body["stage"] == "identification"
    assert body["next_step"] == "first_contact"
    assert body["overdue"] is False
    assert body["report_summary"] == "Seen at school with bruises"
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="cases.case", object_id=str(body["id"])
    ).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"concerns": ["no_such_concern"]}, "concerns"),
        ({"concerns": []}, "concerns"),
        ({"risk_level": "extreme"}, "risk_level"),
        ({"reported_by": "gossip"}, "reported_by"),
        ({"reported_on": "2999-01-01"}, "reported_on"),
        ({"reported_on": "yesterday"}, "reported_on"),
        ({"worker_id": 3}, "worker_id"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(
    world, api_client, change, field
):
    client, headers = api_client("worker_a1")
    body = new_case(world, **change)
    response = client.post(CASES, body, content_type=JSON, headers=headers)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Case.objects.exists()


def test_an_unknown_or_unshared_child_is_not_found(world, api_client):
    client, headers = api_client("worker_a1")
    for person_id in (999_999, world.people["other_team"].pk):
        body = new_case(world, person_id=person_id)
        response = client.post(CASES, body, content_type=JSON, headers=headers)
        assert response.status_code == 404
    assert not Case.objects.exists()
    data, data_headers = api_client("data_pr")
    response = data.post(
        CASES, new_case(world), content_type=JSON, headers=data_headers
    )
    assert response.status_code == 403


def test_reading_a_case_is_audited_and_out_of_sight_is_not_found(world, api_client):
    case = open_case(world, report_summary="What the teacher saw")
    client, headers = api_client("worker_a1")
    response = client.get(f"{CASES}/{case.pk}", headers=headers)
    body = response.json()
    assert response.status_code == 200
    assert body["reference"] == case.reference
    assert body["person"]["id"] == world.people["own"].pk
    assert body["supervisor"]["id"] == world.users["sup_a"].pk
    assert body["version"] == case.version
    assert body["report_summary"] == "What the teacher saw"
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.case", object_id=str(case.pk)
    ).exists()
    for persona in ("worker_a2", "worker_b1", "sup_b", "worker_pz", "conf_member"):
        other, other_headers = api_client(persona)
        url = f"{CASES}/{case.pk}"
        assert other.get(url, headers=other_headers).status_code == 404, persona
        patch = other.patch(
            url, {"version": 1}, content_type=JSON, headers=other_headers
        )
        assert patch.status_code == 404, persona
    # Roles without cases at all are refused outright, as on the pages.
    for persona in ("data_pr", "outsider"):
        other, other_headers = api_client(persona)
        assert other.get(CASES, headers=other_headers).status_code == 403
        assert other.get(f"{CASES}/{case.pk}", headers=other_headers).status_code in (
            403,
            404,
        )
    assert client.get(f"{CASES}/{case.pk}").status_code == 401


def test_a_stale_edit_is_refused_with_409_and_nothing_changes(world, api_client):
    case = open_case(world)
    client, headers = api_client("worker_a1")
    url = f"{CASES}/{case.pk}"
    edit = {"version": case.version, "risk_level": "medium", "concerns": ["neglect"]}
    first = client.patch(url, edit, content_type=JSON, headers=headers)
    assert first.status_code == 200
    assert first.json()["version"] == case.version + 1
    assert first.json()["risk_level"] == "medium"
    stale = client.patch(
        url,
        {"version": case.version, "risk_level": "low"},
        content_type=JSON,
        headers=headers,
    )
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.json()["message"]
    case.refresh_from_db()
    assert case.risk_level == "medium"
    missing = client.patch(
        url, {"risk_level": "low"}, content_type=JSON, headers=headers
    )
    assert missing.status_code == 422
    assert "version" in missing.json()["errors"]
    unknown = client.patch(
        url,
        {"version": case.version, "concerns": ["bogus"]},
        content_type=JSON,
        headers=headers,
    )
    assert unknown.status_code == 422
    assert "concerns" in unknown.json()["errors"]


def test_a_supervisor_assigns_and_a_worker_may_not(world, api_client):
    case = open_case(world)
    worker, worker_headers = api_client("worker_a1")
    url = f"{CASES}/{case.pk}/assign"
    body = {"version": case.version, "worker_id": world.users["worker_a2"].pk}
    response = worker.post(url, body, content_type=JSON, headers=worker_headers)
    assert response.status_code == 403
    sup, sup_headers = api_client("sup_a")
    outside = {**body, "worker_id": world.users["worker_pz"].pk}
    response = sup.post(url, outside, content_type=JSON, headers=sup_headers)
    assert response.status_code == 422
    assert "worker_id" in response.json()["errors"]
    response = sup.post(url, body, content_type=JSON, headers=sup_headers)
    assert response.status_code == 200
    assert response.json()["worker"]["id"] == world.users["worker_a2"].pk
    assert worker.get(f"{CASES}/{case.pk}", headers=worker_headers).status_code == 404


def test_a_transfer_through_the_api(world, api_client):
    sup_pz = add_receiving_supervisor(world)
    case = open_case(world, report_summary="Only for the team")
    consent_to(world, case)
    worker, worker_headers = api_client("worker_a1")
    url = f"{CASES}/{case.pk}/transfers"
    body = {"to_agency_id": world.agencies["csw_pz"].pk, "reason": REASON}
    response = worker.post(url, body, content_type=JSON, headers=worker_headers)
    assert response.status_code == 201
    transfer_id = response.json()["id"]
    assert response.json()["status"] == "proposed"
    again = worker.post(url, body, content_type=JSON, headers=worker_headers)
    assert again.status_code == 409
    history = worker.get(url, headers=worker_headers).json()
    assert [t["id"] for t in history["items"]] == [transfer_id]

    receiver, receiver_headers = api_client("sup_pz")
    assert (
        receiver.get(f"{CASES}/{case.pk}", headers=receiver_headers).status_code == 404
    )
    inbox = receiver.get(f"{CASES}/transfers/incoming", headers=receiver_headers)
    assert inbox.status_code == 200
    [item] = inbox.json()["items"]
    assert set(item) == {
        "id",
        "case_reference",
        "given_name",
        "family_name",
        "age",
        "municipality",
        "concerns",
        "risk_level",
        "stage",
        "reason",
        "from_agency",
        "to_agency_id",
        "proposed_by",
        "proposed_at",
        "without_consent",
    }
    assert item["case_reference"] == case.reference
    assert item["reason"] == REASON
    assert "Only for the team" not in inbox.content.decode()
    one = receiver.get(f"{CASES}/transfers/{transfer_id}", headers=receiver_headers)
    assert one.json()["given_name"] == world.people["own"].given_name

    accept = f"{CASES}/transfers/{transfer_id}/accept"
    wrong = {"worker_id": world.users["worker_a2"].pk}
    response = receiver.post(accept, wrong, content_type=JSON, headers=receiver_headers)
    assert response.status_code == 422
    assert "worker_id" in response.json()["errors"]
    right = {"worker_id": world.users["worker_pz"].pk}
    response = receiver.post(accept, right, content_type=JSON, headers=receiver_headers)
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert worker.get(f"{CASES}/{case.pk}", headers=worker_headers).status_code == 404
    new, new_headers = api_client("worker_pz")
    detail = new.get(f"{CASES}/{case.pk}", headers=new_headers).json()
    assert detail["agency"]["name"] == "csw_pz"
    assert detail["supervisor"]["id"] == sup_pz.pk
    assert detail["report_summary"] == "Only for the team"
    decided = receiver.post(accept, right, content_type=JSON, headers=receiver_headers)
    assert decided.status_code == 404


def test_decline_withdraw_and_consent_through_the_api(world, api_client):
    add_receiving_supervisor(world)
    case = open_case(world)
    worker, worker_headers = api_client("worker_a1")
    url = f"{CASES}/{case.pk}/transfers"
    body = {"to_agency_id": world.agencies["csw_pz"].pk, "reason": REASON}
    # No consent covers csw_pz: refused, unless a ground is given.
    response = worker.post(url, body, content_type=JSON, headers=worker_headers)
    assert response.status_code == 422
    assert "without_consent" in response.json()["errors"]
    assert not Transfer.objects.exists()
    own = {**body, "to_agency_id": world.agencies["csw_pr"].pk}
    response = worker.post(url, own, content_type=JSON, headers=worker_headers)
    assert "to_agency_id" in response.json()["errors"]
    legal = {**body, "without_consent": "legal_duty"}
    response = worker.post(url, legal, content_type=JSON, headers=worker_headers)
    assert response.status_code == 201
    assert response.json()["without_consent"] == "legal_duty"
    first_id = response.json()["id"]

    withdraw = f"{url}/{first_id}/withdraw"
    sup, sup_headers = api_client("sup_a")
    assert sup.post(withdraw, headers=sup_headers).status_code == 403
    response = worker.post(withdraw, headers=worker_headers)
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert worker.post(withdraw, headers=worker_headers).status_code == 409

    response = worker.post(url, legal, content_type=JSON, headers=worker_headers)
    second_id = response.json()["id"]
    receiver, receiver_headers = api_client("sup_pz")
    decline = f"{CASES}/transfers/{second_id}/decline"
    empty = receiver.post(
        decline, {"comment": ""}, content_type=JSON, headers=receiver_headers
    )
    assert empty.status_code == 422
    response = receiver.post(
        decline,
        {"comment": "Not our area"},
        content_type=JSON,
        headers=receiver_headers,
    )
    assert response.status_code == 200
    assert Transfer.objects.get(pk=second_id).status == TransferStatus.DECLINED
    assert visible_cases(world.users["worker_a1"]).filter(pk=case.pk).exists()
    history = worker.get(url, headers=worker_headers).json()["items"]
    assert [t["status"] for t in history] == ["declined", "withdrawn"]
    assert history[0]["comment"] == "Not our area"


def test_outsiders_reach_no_transfer_through_the_api(world, api_client):
    add_receiving_supervisor(world)
    case = open_case(world)
    consent_to(world, case)
    worker, worker_headers = api_client("worker_a1")
    body = {"to_agency_id": world.agencies["csw_pz"].pk, "reason": REASON}
    transfer_id = worker.post(
        f"{CASES}/{case.pk}/transfers", body, content_type=JSON, headers=worker_headers
    ).json()["id"]
    for persona in ("worker_pz", "worker_a1", "conf_member", "outsider"):
        client, headers = api_client(persona)
        inbox = client.get(f"{CASES}/transfers/incoming", headers=headers)
        assert inbox.status_code == 403, persona
    sup_a, sup_headers = api_client("sup_a")
    assert (
        sup_a.get(f"{CASES}/transfers/incoming", headers=sup_headers).json()["items"]
        == []
    )
    for path, payload in (
        ("accept", {"worker_id": world.users["worker_a2"].pk}),
        ("decline", {"comment": "no"}),
    ):
        response = sup_a.post(
            f"{CASES}/transfers/{transfer_id}/{path}",
            payload,
            content_type=JSON,
            headers=sup_headers,
        )
        assert response.status_code == 404, path
    for persona in ("worker_a2", "sup_b", "outsider"):
        client, headers = api_client(persona)
        response = client.post(
            f"{CASES}/{case.pk}/transfers", body, content_type=JSON, headers=headers
        )
        assert response.status_code in (403, 404), persona
        if persona != "outsider":
            assert response.status_code == 404, persona
    assert Transfer.objects.get(pk=transfer_id).status == TransferStatus.PROPOSED
