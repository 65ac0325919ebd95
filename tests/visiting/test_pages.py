"""The home visiting pages as a nurse, a centre's manager, another centre's
nurse and an outsider see them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.visiting.helpers import (
    BABY,
    MOTHER,
    enrol_baby,
    enrol_pregnancy,
    intensified,
    newborn,
    setup_visiting,
)
from ura.audit.models import AuditEvent
from ura.visiting.models import Enrolment, EnrolmentStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world):  # noqa: ANN001, ANN201
    return setup_visiting(world)


def _household(w) -> int:  # noqa: ANN001
    return w.households["family"].pk


def _enrol_form(client, w, **data):  # noqa: ANN001, ANN003, ANN202
    page = client.get(reverse("visiting:enrol"), {"household": _household(w)})
    assert page.status_code == 200
    token = page.context["form"].initial["token"]
    payload = {
        "household": _household(w),
        "token": token,
        "kind": "pregnancy",
        "caregiver": w.people["mother"].pk,
        "expected_delivery_on": (
            timezone.localdate() + timedelta(days=100)
        ).isoformat(),
        "centre": w.agencies["health_pr"].pk,
        "nurse": w.users["nurse"].pk,
        "priority_reasons": ["rae_community"],
    }
    payload.update(data)
    return client.post(reverse("visiting:enrol"), payload)


def test_the_person_and_household_pages_offer_to_enrol(w, signed_in):
    client = signed_in("nurse")
    page = client.get(reverse("people:detail", args=[w.people["mother"].pk]))
    assert "Enrol in home visiting" in page.content.decode()
    page = client.get(reverse("people:household", args=[_household(w)]))
    assert f"household={_household(w)}" in page.content.decode()


def test_a_nurse_enrols_a_roma_family_in_pregnancy_and_sees_its_schedule(w, signed_in):
    client = signed_in("nurse")
    response = _enrol_form(client, w)
    enrolment = Enrolment.objects.get()
    assert response.url == reverse("visiting:detail", args=[enrolment.pk])
    assert enrolment.protocol == intensified()
    page = client.get(response.url).content.decode()
    assert MOTHER in page
    assert "Pregnancy, week 36" in page and "Two years" in page
    assert 'data-status="upcoming"' in page
    assert AuditEvent.objects.filter(
        action="view", object_type="visiting.enrolment", object_id=str(enrolment.pk)
    ).exists()


def test_posting_the_form_twice_enrols_once(w, signed_in):
    client = signed_in("nurse")
    first = _enrol_form(client, w, token="same-token")
    second = client.post(
        reverse("visiting:enrol"),
        {
            "household": _household(w),
            "token": "same-token",
            "kind": "pregnancy",
            "caregiver": w.people["mother"].pk,
            "expected_delivery_on": (
                timezone.localdate() + timedelta(days=100)
            ).isoformat(),
            "centre": w.agencies["health_pr"].pk,
            "nurse": w.users["nurse"].pk,
        },
    )
    assert first.url == second.url
    assert Enrolment.objects.count() == 1


def test_the_form_refuses_an_enrolment_without_a_caregiver(w, signed_in):
    response = _enrol_form(signed_in("nurse"), w, caregiver="")
    assert response.status_code == 200
    assert "An enrolment needs a caregiver" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_the_nurse_records_a_premature_birth_and_the_schedule_moves(w, signed_in):
    client = signed_in("nurse")
    edd = timezone.localdate() + timedelta(days=40)
    enrolment = enrol_pregnancy(w, edd=edd, reasons=["poverty"])
    child = newborn(w, "CanaryEarlyQ", timezone.localdate())
    response = client.post(
        reverse("visiting:birth", args=[enrolment.pk]),
        {
            "version": enrolment.version,
            "child": child.pk,
            "born_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "CanaryEarlyQ" in page
    newborn_visit = enrolment.scheduled_visits.get(name="Newborn, day 3")
    assert newborn_visit.due_on == timezone.localdate() + timedelta(days=3)


def test_a_refused_step_shows_the_page_again_with_the_message(w, signed_in):
    client = signed_in("nurse")
    enrolment = enrol_pregnancy(w)
    response = client.post(
        reverse("visiting:change", args=[enrolment.pk]),
        {
            "version": enrolment.version,
            "protocol": enrolment.protocol_id,
            "expected_delivery_on": (
                timezone.localdate() + timedelta(days=400)
            ).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "more than 300 days away" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.expected_delivery_on < timezone.localdate() + timedelta(days=300)


def test_changing_the_protocol_from_the_page(w, signed_in):
    enrolment = enrol_baby(w)
    response = signed_in("nurse").post(
        reverse("visiting:change", args=[enrolment.pk]),
        {
            "version": enrolment.version,
            "protocol": intensified().pk,
            "priority_reasons": ["premature_birth"],
        },
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.protocol == intensified()
    assert enrolment.scheduled_visits.filter(name="Ten weeks").exists()


def test_ending_from_the_page(w, signed_in):
    enrolment = enrol_baby(w)
    response = signed_in("nurse").post(
        reverse("visiting:end", args=[enrolment.pk]),
        {"version": enrolment.version, "reason": "moved_away"},
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENDED


def test_the_manager_sees_the_centres_families(w, signed_in):
    enrol_baby(w)
    page = signed_in("manager").get(reverse("visiting:list")).content.decode()
    assert MOTHER in page and BABY in page


def test_the_list_is_audited(w, signed_in):
    enrol_baby(w)
    signed_in("nurse").get(reverse("visiting:list"))
    assert AuditEvent.objects.filter(
        action="view", object_type="visiting.enrolment", detail="list"
    ).exists()


@pytest.mark.parametrize("persona", ["nurse_pz", "nurse2"])
def test_another_nurse_cannot_open_the_enrolment(w, signed_in, persona):
    enrolment = enrol_baby(w)
    client = signed_in(persona)
    assert (
        client.get(reverse("visiting:detail", args=[enrolment.pk])).status_code == 404
    )
    for step in ("change", "birth", "end"):
        url = reverse(f"visiting:{step}", args=[enrolment.pk])
        assert client.post(url, {"version": 1}).status_code == 404
    assert MOTHER not in client.get(reverse("visiting:list")).content.decode()


@pytest.mark.parametrize("persona", ["outsider", "worker_a1", "provider", "admin"])
def test_roles_without_home_visiting_are_refused(w, signed_in, persona):
    enrolment = enrol_baby(w)
    client = signed_in(persona)
    assert client.get(reverse("visiting:list")).status_code == 403
    assert (
        client.get(reverse("visiting:detail", args=[enrolment.pk])).status_code == 403
    )
    assert client.get(reverse("visiting:enrol")).status_code == 403


def test_a_supervisor_of_another_agency_sees_no_family(w, signed_in):
    enrolment = enrol_baby(w)
    client = signed_in("sup_a")
    assert (
        client.get(reverse("visiting:detail", args=[enrolment.pk])).status_code == 404
    )
    assert MOTHER not in client.get(reverse("visiting:list")).content.decode()


def test_a_nurse_cannot_enrol_from_a_record_not_shared_with_them(w, signed_in):
    url = reverse("visiting:enrol")
    client = signed_in("nurse")
    assert client.get(url, {"person": w.people["own"].pk}).status_code == 404


def test_a_social_work_supervisor_is_not_offered_home_visiting(w, signed_in):
    page = signed_in("sup_a").get(reverse("people:detail", args=[w.people["own"].pk]))
    assert "Enrol in home visiting" not in page.content.decode()
