"""/api/v1/justice: the same records, rules and refusals as the pages."""

import json

import pytest
from django.test import override_settings

from tests.cases.helpers import open_case
from tests.justice.helpers import conference_case, days_ago, detain, offender_proceeding
from ura.audit.models import AuditAction, AuditEvent
from ura.justice.models import DiscriminationReport, Measure, Proceeding

pytestmark = pytest.mark.django_db

API = "/api/v1/justice"


def _send(client, method: str, url: str, headers: dict, body: dict | None = None):  # noqa: ANN001, ANN202
    if method == "get":
        return client.get(url, headers=headers)
    return getattr(client, method)(
        url,
        data=json.dumps(body or {}),
        content_type="application/json",
        headers=headers,
    )


def test_a_worker_records_proceedings_and_detention_through_the_api(world, api_client):
    case = open_case(world)
    client, headers = api_client("worker_a1")
    response = _send(
        client,
        "post",
        f"{API}/cases/{case.pk}/involvements",
        headers,
        {"role": "alleged_offender", "since": str(days_ago(50)), "note": "Held"},
    )
    assert response.status_code == 201, response.content
    involvement_id = response.json()["id"]
    response = _send(
        client,
        "post",
        f"{API}/cases/{case.pk}/proceedings",
        headers,
        {
            "involvement_id": involvement_id,
            "kind": "criminal",
            "authority": "court",
            "authority_name": "Basic Court of Prishtina",
            "stage": "pre_trial",
            "stage_since": str(days_ago(45)),
        },
    )
    assert response.status_code == 201, response.content
    proceeding = response.json()
    assert proceeding["detention"] is None
    for start, end in ((40, 31), (20, None)):
        response = _send(
            client,
            "post",
            f"{API}/proceedings/{proceeding['id']}/measures",
            headers,
            {
                "kind": "pretrial_detention",
                "started_on": str(days_ago(start)),
                "ended_on": str(days_ago(end)) if end is not None else None,
            },
        )
        assert response.status_code == 201, response.content
    listed = client.get(f"{API}/cases/{case.pk}/proceedings", headers=headers).json()
    detention = listed["items"][0]["detention"]
    assert detention == {
        "days": 10 + 21,
        "limit_days": 90,
        "days_left": 59,
        "detained_now": True,
        "limit_reached_on": str(days_ago(20 - (90 - 10 - 1))),
        "alert": "",
    }
    with override_settings(URA_PRETRIAL_DETENTION_LIMIT_DAYS=40):
        listed = client.get(f"{API}/cases/{case.pk}/proceedings", headers=headers)
        assert listed.json()["items"][0]["detention"]["alert"] == "near"
        alerts = client.get(f"{API}/detention-alerts", headers=headers).json()
        assert [a["case_id"] for a in alerts["items"]] == [case.pk]
        assert alerts["items"][0]["detention"]["days_left"] == 9
    measures = client.get(f"{API}/cases/{case.pk}/measures", headers=headers).json()
    assert measures["count"] == 2
    assert client.get(f"{API}/detention-alerts", headers=headers).json()["count"] == 0


def test_the_api_refuses_bad_dates_per_field_and_stale_edits(world, api_client):
    case = open_case(world)
    proceeding = offender_proceeding(world, case)
    client, headers = api_client("worker_a1")
    url = f"{API}/proceedings/{proceeding.pk}/measures"
    response = _send(
        client,
        "post",
        url,
        headers,
        {
            "kind": "pretrial_detention",
            "started_on": str(days_ago(3)),
            "ended_on": str(days_ago(6)),
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "ended_on": ["The measure cannot end before it started."]
    }
    response = _send(
        client,
        "post",
        url,
        headers,
        {"kind": "pretrial_detention", "started_on": str(days_ago(-2))},
    )
    assert response.status_code == 422
    assert "started_on" in response.json()["errors"]
    response = _send(client, "post", url, headers, {"kind": "house_arrest"})
    assert response.status_code == 422
    assert not Measure.objects.exists()

    patch_url = f"{API}/proceedings/{proceeding.pk}"
    body = {"version": proceeding.version, "stage": "trial"}
    response = _send(client, "patch", patch_url, headers, body)
    assert response.status_code == 200
    assert [s["stage"] for s in response.json()["stages"]] == ["pre_trial", "trial"]
    response = _send(client, "patch", patch_url, headers, body | {"stage": "appeal"})
    assert response.status_code == 409
    assert Proceeding.objects.get().stage == "trial"


def test_a_discrimination_report_with_a_ruling_confirming_discrimination(
    world, api_client
):
    case = open_case(world)
    client, headers = api_client("worker_a1")
    url = f"{API}/cases/{case.pk}/discrimination-reports"
    body = {
        "happened_on": str(days_ago(100)),
        "description": "Turned away from the clinic",
        "community": "egyptian",
        "place_code": world.places["prishtina"].code,
        "reported_to": "equality_body",
        "litigation_support": "representation",
        "outcome": "ruling_confirmed",
    }
    response = _send(client, "post", url, headers, body)
    assert response.status_code == 422
    assert "ruling_on" in response.json()["errors"]
    response = _send(client, "post", url, headers, body | {"community": "hungarian"})
    assert "community" in response.json()["errors"]
    response = _send(client, "post", url, headers, body | {"place_code": "nowhere"})
    assert response.json()["errors"] == {"place_code": ["Unknown place code."]}
    assert not DiscriminationReport.objects.exists()
    response = _send(
        client,
        "post",
        url,
        {**headers, "Idempotency-Key": "report-1"},
        body | {"ruling_on": str(days_ago(10))},
    )
    assert response.status_code == 201, response.content
    report = response.json()
    assert report["outcome"] == "ruling_confirmed"
    assert report["ruling_on"] == str(days_ago(10))
    assert report["place_code"] == world.places["prishtina"].code
    assert report["description"] == "Turned away from the clinic"
    # A retry after a lost answer gets the same report, not a second one.
    retry = _send(
        client,
        "post",
        url,
        {**headers, "Idempotency-Key": "report-1"},
        body | {"ruling_on": str(days_ago(10))},
    )
    assert retry.status_code == 200
    assert retry.json()["id"] == report["id"]
    assert DiscriminationReport.objects.count() == 1
    response = _send(
        client,
        "patch",
        f"{API}/discrimination-reports/{report['id']}",
        headers,
        {"version": report["version"], "outcome": "pending", "ruling_on": None},
    )
    assert response.status_code == 200, response.content
    assert (response.json()["outcome"], response.json()["ruling_on"]) == (
        "pending",
        None,
    )
    listed = client.get(url, headers=headers).json()
    assert [r["id"] for r in listed["items"]] == [report["id"]]
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        object_id=str(case.pk),
        fields=["discrimination_reports"],
    ).exists()


def _case_urls(case, proceeding, measure) -> list[tuple[str, str, dict]]:  # noqa: ANN001
    return [
        ("get", f"{API}/cases/{case.pk}/involvements", {}),
        ("post", f"{API}/cases/{case.pk}/involvements", {"role": "victim"}),
        ("get", f"{API}/cases/{case.pk}/proceedings", {}),
        ("post", f"{API}/cases/{case.pk}/proceedings", {}),
        ("patch", f"{API}/proceedings/{proceeding.pk}", {"version": 1}),
        ("get", f"{API}/cases/{case.pk}/measures", {}),
        ("post", f"{API}/proceedings/{proceeding.pk}/measures", {}),
        ("patch", f"{API}/measures/{measure.pk}", {"version": 1}),
        ("get", f"{API}/cases/{case.pk}/discrimination-reports", {}),
        ("post", f"{API}/cases/{case.pk}/discrimination-reports", {}),
    ]


def test_outsiders_and_other_workers_get_404(world, api_client):
    case = open_case(world)
    proceeding = offender_proceeding(world, case)
    measure = detain(world, proceeding, 95)
    for persona in ("worker_a2", "worker_b1", "sup_b", "conf_member", "outsider"):
        client, headers = api_client(persona)
        for method, url, body in _case_urls(case, proceeding, measure):
            response = _send(client, method, url, headers, body)
            # Parsing may answer 422 first for a malformed body; never the data.
            assert response.status_code in (404, 422), (persona, method, url)
            if method == "get":
                assert response.status_code == 404, (persona, url)
        alerts = client.get(f"{API}/detention-alerts", headers=headers)
        assert alerts.status_code in (200, 403)
        if alerts.status_code == 200:
            assert alerts.json()["count"] == 0, persona
    client, headers = api_client("sup_a")
    assert client.get(f"{API}/detention-alerts", headers=headers).json()["count"] == 1
    assert Measure.objects.get().version == 1


def test_a_conference_member_reads_but_may_not_record(world, api_client):
    case = conference_case(world)
    proceeding = offender_proceeding(world, case, worker="worker_b1")
    measure = detain(world, proceeding, 3, worker="worker_b1")
    client, headers = api_client("conf_member")
    involvements = client.get(f"{API}/cases/{case.pk}/involvements", headers=headers)
    assert involvements.status_code == 200
    assert involvements.json()["items"][0]["role"] == "alleged_offender"
    proceedings = client.get(f"{API}/cases/{case.pk}/proceedings", headers=headers)
    assert proceedings.json()["items"][0]["detention"]["days"] == 4
    writes = [
        (
            "post",
            f"{API}/cases/{case.pk}/involvements",
            {"role": "victim", "since": str(days_ago(1))},
        ),
        (
            "patch",
            f"{API}/proceedings/{proceeding.pk}",
            {"version": proceeding.version, "stage": "trial"},
        ),
        (
            "patch",
            f"{API}/measures/{measure.pk}",
            {"version": measure.version, "ended_on": str(days_ago(0))},
        ),
    ]
    for method, url, body in writes:
        response = _send(client, method, url, headers, body)
        assert response.status_code == 403, url
    assert Proceeding.objects.get().stage == "pre_trial"
    assert Measure.objects.get().ended_on is None
