"""/api/v1/visiting visits: a nurse's app reads the worklist, posts the visit
once however often it retries, and reads it back with its z-scores and what its
concerns became; bad input is a field error with nothing saved."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.visiting.helpers import enrol_baby, setup_visiting
from ura.audit.models import AuditEvent
from ura.directory.models import Service
from ura.visiting import concerns
from ura.visiting.models import ScheduledVisit, Visit, VisitState

pytestmark = pytest.mark.django_db
BASE = "/api/v1/visiting"


@pytest.fixture
def w(world):  # noqa: ANN001, ANN201
    return setup_visiting(world)


def _post(client, headers, url, body, **extra):  # noqa: ANN001, ANN003, ANN202
    return client.post(
        url,
        json.dumps(body),
        content_type="application/json",
        headers={**headers, **extra},
    )


def _open(enrolment) -> ScheduledVisit:  # noqa: ANN001
    today = timezone.localdate()
    return (
        enrolment.scheduled_visits.filter(
            state=VisitState.SCHEDULED, opens_on__lte=today, closes_on__gte=today
        )
        .order_by("due_on")
        .first()
    )


def _visit(scheduled: ScheduledVisit | None, **more) -> dict:  # noqa: ANN003
    return {
        "visited_on": timezone.localdate().isoformat(),
        "scheduled_id": scheduled.pk if scheduled else None,
        "present": ["mother", "child"],
        "weight_kg": "3.9",
        "length_cm": "53.0",
        "head_cm": "36.0",
        "feeding": "exclusive_breastfeeding",
        "maternal_screening_score": 8,
        **more,
    }


def test_a_visit_posted_twice_with_its_key_is_recorded_once(w, api_client):
    enrolment = enrol_baby(w)
    expected = _open(enrolment)
    client, headers = api_client("nurse")
    worklist = client.get(f"{BASE}/worklist", headers=headers).json()["items"]
    assert expected.pk in [v["id"] for v in worklist]
    url = f"{BASE}/enrolments/{enrolment.pk}/visits"
    first = _post(client, headers, url, _visit(expected), **{"Idempotency-Key": "v1"})
    assert first.status_code == 201, first.content
    again = _post(client, headers, url, _visit(expected), **{"Idempotency-Key": "v1"})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Visit.objects.count() == 1
    body = first.json()
    assert body["scheduled_id"] == expected.pk and body["age_days"] == 20
    assert -2 < body["weight_z"] < 2 and body["bmi_z"] is not None
    assert body["likely_depression"] is False and body["actions"] == []
    expected.refresh_from_db()
    assert expected.state == VisitState.DONE
    worklist = client.get(f"{BASE}/worklist", headers=headers).json()["items"]
    assert expected.pk not in [v["id"] for v in worklist]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"visited_on": "tomorrow"}, "visited_on", "YYYY-MM-DD"),
        ("future", "visited_on", "before it is made"),
        ({"weight_kg": "3,9 kg"}, "weight_kg", "Enter a number."),
        ({"weight_kg": "39.5"}, "weight_kg", "not possible for a child 20 days old"),
        ({"concerns": ["witchcraft"]}, "concerns.0", "allowed values"),
        ({"concerns": ["neglect"]}, "concern_note", "Say what was seen"),
        ({"present": []}, "present", "who was at home"),
        ({"maternal_screening_score": 31}, "maternal_screening_score", "0 to 30"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(
    w, api_client, change, field, message
):
    enrolment = enrol_baby(w)
    expected = _open(enrolment)
    if change == "future":
        change = {"visited_on": (timezone.localdate() + timedelta(days=1)).isoformat()}
    client, headers = api_client("nurse")
    url = f"{BASE}/enrolments/{enrolment.pk}/visits"
    response = _post(
        client, headers, url, _visit(expected, **change), **{"Idempotency-Key": "k"}
    )
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert message in errors[field][0], errors
    assert not Visit.objects.exists()
    expected.refresh_from_db()
    assert expected.state == VisitState.SCHEDULED
    # The refused post used no key: the corrected one goes through with it.
    fixed = _post(client, headers, url, _visit(expected), **{"Idempotency-Key": "k"})
    assert fixed.status_code == 201


def test_another_familys_expected_visit_is_refused(w, api_client):
    enrolment = enrol_baby(w)
    client, headers = api_client("nurse")
    other = ScheduledVisit.objects.exclude(enrolment=enrolment).first()
    elsewhere = other.pk if other else 10**9
    body = {**_visit(None), "scheduled_id": elsewhere}
    response = _post(client, headers, f"{BASE}/enrolments/{enrolment.pk}/visits", body)
    assert response.status_code == 422
    assert (
        "not on this family's schedule" in response.json()["errors"]["scheduled_id"][0]
    )


def test_a_nurse_of_another_centre_gets_404_and_a_data_officer_403(w, api_client):
    enrolment = enrol_baby(w)
    url = f"{BASE}/enrolments/{enrolment.pk}/visits"
    client, headers = api_client("nurse_pz")
    assert _post(client, headers, url, _visit(None)).status_code == 404
    assert client.get(url, headers=headers).status_code == 404
    client, headers = api_client("data_pr")
    assert _post(client, headers, url, _visit(None)).status_code == 403
    assert not Visit.objects.exists()


def test_the_visits_are_listed_and_read_back_with_what_became_of_a_concern(
    w, api_client
):
    enrolment = enrol_baby(w)
    client, headers = api_client("nurse")
    url = f"{BASE}/enrolments/{enrolment.pk}/visits"
    older = _visit(
        None,
        visited_on=(timezone.localdate() - timedelta(days=3)).isoformat(),
        weight_kg=None,
        length_cm=None,
        head_cm=None,
    )
    assert _post(client, headers, url, older).status_code == 201
    seen = _visit(
        None,
        concerns=["maternal_depression"],
        concern_note="Tearful, not sleeping.",
        maternal_screening_score=16,
    )
    posted = _post(client, headers, url, seen).json()
    assert posted["likely_depression"] is True
    service = Service.objects.create(
        agency=w.agencies["daycare_pz"], type="counselling", name="Parent counselling"
    )
    service.places.add(w.places["prishtina"])
    action = concerns.concern_refer(
        actor=w.users["nurse"],
        visit=Visit.objects.get(pk=posted["id"]),
        concern="maternal_depression",
        who="caregiver",
        service=service,
        urgency="routine",
        reason="Screening score 16.",
        consent_given_by="mother",
        consent_given_on=timezone.localdate(),
    )
    listed = client.get(url, headers=headers).json()
    assert [v["id"] for v in listed["items"]][0] == posted["id"]  # latest first
    assert listed["count"] == 2
    detail = client.get(f"{BASE}/visits/{posted['id']}", headers=headers).json()
    assert detail["actions"] == [
        {
            "concern": "maternal_depression",
            "referral_id": action.referral_id,
            "referral_reference": action.referral.reference,
            "referral_status": "sent",
            "case_id": None,
            "case_reference": None,
            "case_stage": None,
        }
    ]
    viewed = AuditEvent.objects.filter(action="view")
    assert viewed.filter(object_type="visiting.visit", object_id=posted["id"]).exists()
    assert viewed.filter(detail="api visits", object_id=str(enrolment.pk)).exists()


def test_a_visit_is_corrected_with_its_version_and_a_stale_one_is_409(w, api_client):
    enrolment = enrol_baby(w)
    client, headers = api_client("nurse")
    url = f"{BASE}/enrolments/{enrolment.pk}/visits"
    typo = _visit(None, weight_kg="2.3", length_cm=None)
    posted = _post(client, headers, url, typo).json()
    assert posted["weight_z"] < -3

    def patch(body):  # noqa: ANN001, ANN202
        return client.patch(
            f"{BASE}/visits/{posted['id']}",
            json.dumps(body),
            content_type="application/json",
            headers=headers,
        )

    fixed = patch({**_visit(None), "version": posted["version"]})
    assert fixed.status_code == 200, fixed.content
    assert fixed.json()["weight_z"] > -2 and fixed.json()["version"] == 2
    stale = patch({**_visit(None, notes="Late."), "version": posted["version"]})
    assert stale.status_code == 409
    bad = patch({**_visit(None, weight_kg="39.5"), "version": 2})
    assert bad.status_code == 422 and "weight_kg" in bad.json()["errors"]
    assert Visit.objects.get().notes == ""


# --- From a concern to action ------------------------------------------------------


def _seen(client, headers, enrolment, *codes) -> dict:  # noqa: ANN001
    body = _visit(None, concerns=list(codes), concern_note="Bruises on the arms, thin.")
    url = f"{BASE}/enrolments/{enrolment.pk}/visits"
    return _post(client, headers, url, body).json()


def test_a_concern_becomes_a_referral_once_from_the_app(w, api_client):
    from ura.referrals.models import Origin, Referral

    enrolment = enrol_baby(w)
    service = Service.objects.create(
        agency=w.agencies["daycare_pz"], type="counselling", name="Parent counselling"
    )
    service.places.add(w.places["prishtina"])
    client, headers = api_client("nurse")
    visit = _seen(client, headers, enrolment, "maternal_depression")
    url = f"{BASE}/visits/{visit['id']}/referral"
    body = {
        "concern": "maternal_depression",
        "who": "caregiver",
        "service_id": service.pk,
        "reason": "EPDS 16 at the visit.",
        "consent_given_by": "mother",
        "consent_given_on": timezone.localdate().isoformat(),
    }
    first = _post(client, headers, url, body, **{"Idempotency-Key": "r1"})
    assert first.status_code == 201, first.content
    again = _post(client, headers, url, body, **{"Idempotency-Key": "r1"})
    assert again.status_code == 200 and again.json() == first.json()
    referral = Referral.objects.get()
    assert referral.origin == Origin.HOME_VISIT and referral.origin_id == visit["id"]
    assert first.json()["referral_reference"] == referral.reference
    twice = _post(client, headers, url, body, **{"Idempotency-Key": "r2"})
    assert twice.status_code == 422
    assert "already been acted on" in twice.json()["errors"]["concern"][0]
    elsewhere = Service.objects.create(
        agency=w.agencies["daycare_pz"], type="counselling", name="Far away"
    )
    elsewhere.places.add(w.places["prizren"])
    refused = _post(client, headers, url, {**body, "service_id": elsewhere.pk})
    assert "family's place" in refused.json()["errors"]["service_id"][0]


def test_a_concern_is_reported_and_a_case_opens_at_the_centre(w, api_client):
    from ura.cases.models import Case

    enrolment = enrol_baby(w)
    client, headers = api_client("nurse")
    visit = _seen(client, headers, enrolment, "violence")
    url = f"{BASE}/visits/{visit['id']}/report"
    centre = concerns.centres_for(Visit.objects.get(pk=visit["id"])).first()
    body = {
        "concern": "violence",
        "agency_id": centre.pk,
        "risk_level": "high",
        "case_concerns": [],
        "summary": "Bruises on the arms.",
    }
    empty = _post(client, headers, url, body)
    assert empty.status_code == 422 and "case_concerns" in empty.json()["errors"]
    assert not Case.objects.exists()
    made = _post(client, headers, url, {**body, "case_concerns": ["physical_violence"]})
    assert made.status_code == 201, made.content
    case = Case.objects.get()
    assert made.json()["case_reference"] == case.reference
    assert case.person == enrolment.child and case.agency == centre
    detail = client.get(f"{BASE}/visits/{visit['id']}", headers=headers).json()
    assert detail["actions"][0]["case_stage"] == case.stage
