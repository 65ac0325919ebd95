"""Recording a home visit: the schedule follows, bad input is refused with
nothing saved, the same form posted twice records once, and the visit's page
shows the WHO z-scores to those who see the family."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.visiting.helpers import enrol_baby, enrol_pregnancy, setup_visiting
from ura.audit.models import AuditEvent
from ura.visiting.actions import NotAllowed, enrolment_end
from ura.visiting.models import Enrolment, ScheduledVisit, Visit, VisitState
from ura.visiting.visit_actions import Observations, visit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world):  # noqa: ANN001, ANN201
    return setup_visiting(world)


def _open(enrolment: Enrolment) -> ScheduledVisit:
    """The first expected visit whose window is open today."""
    today = timezone.localdate()
    return (
        enrolment.scheduled_visits.filter(
            state=VisitState.SCHEDULED, opens_on__lte=today, closes_on__gte=today
        )
        .order_by("due_on")
        .first()
    )


def _record(w, enrolment, *, actor="nurse", on=None, scheduled=None, **seen):  # noqa: ANN001, ANN003, ANN202
    seen.setdefault("present", ["mother", "child"])
    return visit_record(
        actor=w.users[actor],
        enrolment=enrolment,
        visited_on=on or timezone.localdate(),
        scheduled=scheduled,
        seen=Observations(**seen),
    )


def test_a_scheduled_visit_recorded_is_done_and_the_family_seen(w):
    enrolment = enrol_baby(w)
    expected = _open(enrolment)
    assert expected is not None
    visit = _record(
        w,
        enrolment,
        scheduled=expected,
        weight_kg=Decimal("3.9"),
        length_cm=Decimal("53.0"),
        head_cm=Decimal("36.0"),
        feeding="exclusive_breastfeeding",
        maternal_screening_score=8,
    )
    expected.refresh_from_db()
    enrolment.refresh_from_db()
    assert expected.state == VisitState.DONE
    assert expected.done_on == timezone.localdate()
    assert enrolment.last_visited_on == timezone.localdate()
    assert visit.age_days == 20
    assert visit.weight_z is not None and -2 < visit.weight_z < 2
    event = AuditEvent.objects.get(object_type="visiting.visit", action="create")
    assert event.object_id == str(visit.pk)
    assert "weight_kg" in event.fields and "CanaryMotherQ" not in str(event.changes)


def test_a_visit_off_the_schedule_is_allowed_and_leaves_the_schedule_alone(w):
    enrolment = enrol_baby(w)
    before = list(enrolment.scheduled_visits.values_list("state", flat=True))
    visit = _record(w, enrolment, notes="Came by with the vaccination card.")
    assert visit.scheduled is None
    assert list(enrolment.scheduled_visits.values_list("state", flat=True)) == before


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"on": "tomorrow"}, "visited_on", "before it is made"),
        ({"on": "before_birth"}, "visited_on", "cannot be before the birth"),
        ({"weight_kg": Decimal("11")}, "weight_kg", "not possible for a child 20 days"),
        ({"present": []}, "present", "who was at home"),
        ({"concerns": ["neglect"]}, "concern_note", "Say what was seen"),
        ({"maternal_screening_score": 31}, "maternal_screening_score", "0 to 30"),
        ({"feeding": "cola"}, "feeding", "allowed values"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(
    w, change, field, message
):
    enrolment = enrol_baby(w)
    today = timezone.localdate()
    on = {
        "tomorrow": today + timedelta(days=1),
        "before_birth": enrolment.born_on - timedelta(days=3),
    }.get(change.pop("on", None))
    with pytest.raises(ValidationError) as refused:
        _record(w, enrolment, on=on, **change)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Visit.objects.exists()
    enrolment.refresh_from_db()
    assert enrolment.last_visited_on is None


def test_a_visit_outside_the_chosen_windows_dates_is_refused(w):
    enrolment = enrol_baby(w)
    expected = _open(enrolment)
    later = enrolment.scheduled_visits.filter(opens_on__gt=timezone.localdate()).first()
    with pytest.raises(ValidationError) as refused:
        _record(w, enrolment, scheduled=later)
    assert "window" in refused.value.message_dict["scheduled"][0]
    _record(w, enrolment, scheduled=expected)
    with pytest.raises(ValidationError):  # done already
        _record(w, enrolment, scheduled=expected)
    assert Visit.objects.count() == 1


def test_in_pregnancy_only_pregnancy_visits_come_before_the_birth(w):
    enrolment = enrol_pregnancy(w, edd=timezone.localdate() + timedelta(days=60))
    visit = _record(w, enrolment, present=["mother"], maternal_screening_score=14)
    assert visit.age_days is None
    newborn_visit = enrolment.scheduled_visits.filter(
        protocol_visit__anchor="birth"
    ).first()
    with pytest.raises(ValidationError) as refused:
        _record(w, enrolment, scheduled=newborn_visit, present=["mother"])
    assert "record the birth first" in refused.value.message_dict["scheduled"][0]
    with pytest.raises(ValidationError) as refused:
        _record(w, enrolment, present=["mother"], weight_kg=Decimal("3.1"))
    assert "after the birth" in refused.value.message_dict["weight_kg"][0]


def test_only_the_nurse_and_the_centres_manager_record_and_not_once_ended(w):
    enrolment = enrol_baby(w)
    with pytest.raises(NotAllowed):
        _record(w, enrolment, actor="nurse2")
    with pytest.raises(NotAllowed):
        _record(w, enrolment, actor="nurse_pz")
    visit = _record(w, enrolment, actor="manager")
    assert visit.nurse == w.users["nurse"]  # made for the family's nurse
    assert visit.recorded_by == w.users["manager"]
    enrolment_end(
        actor=w.users["nurse"],
        enrolment=enrolment,
        expected_version=enrolment.version,
        reason="moved_away",
    )
    with pytest.raises(ValidationError) as refused:
        _record(w, enrolment)
    assert "has ended" in refused.value.messages[0]


def _form(client, enrolment, **data):  # noqa: ANN001, ANN003, ANN202
    url = reverse("visiting:visit_new", args=[enrolment.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    payload = {
        "token": form.initial["token"],
        "scheduled": form.initial["scheduled"] or "",
        "visited_on": timezone.localdate().isoformat(),
        "present": ["mother", "child"],
    }
    payload.update(data)
    return page, client.post(url, payload)


def test_the_form_suggests_todays_visit_records_once_and_shows_the_scores(w, signed_in):
    enrolment = enrol_baby(w)
    expected = _open(enrolment)
    client = signed_in("nurse")
    page, posted = _form(
        client,
        enrolment,
        weight_kg="2.3",
        length_cm="50.0",
        concerns=["severe_malnutrition"],
        concern_note="Very thin, feeds poorly.",
    )
    assert page.context["form"].initial["scheduled"] == expected.pk
    visit = Visit.objects.get()
    assert posted.status_code == 302
    assert posted.url == reverse("visiting:visit", args=[visit.pk])
    again = client.post(
        reverse("visiting:visit_new", args=[enrolment.pk]),
        {
            "token": page.context["form"].initial["token"],
            "visited_on": timezone.localdate().isoformat(),
            "present": ["mother"],
        },
    )
    assert again.status_code == 302 and Visit.objects.count() == 1
    shown = client.get(posted.url).content.decode()
    assert "Severely underweight (below −3)" in shown
    assert "Severe malnutrition" in shown and "Refer to a service" in shown
    assert "Nothing more was recorded at this visit." in shown  # no feeding, notes
    schedule = client.get(reverse("visiting:detail", args=[enrolment.pk])).content
    assert f'data-made="{visit.pk}"'.encode() in schedule


def test_a_refused_form_keeps_what_was_typed_and_says_why(w, signed_in):
    enrolment = enrol_baby(w)
    client = signed_in("nurse")
    _page, posted = _form(client, enrolment, weight_kg="30", notes="CanaryNoteQ")
    assert posted.status_code == 200
    body = posted.content.decode()
    assert "not possible for a child 20 days old" in body
    assert "CanaryNoteQ" in body
    assert not Visit.objects.exists()


def test_another_centres_nurse_gets_404_for_the_visit_and_its_form(w, signed_in):
    enrolment = enrol_baby(w)
    visit = _record(w, enrolment)
    client = signed_in("nurse_pz")
    assert client.get(reverse("visiting:visit", args=[visit.pk])).status_code == 404
    url = reverse("visiting:visit_new", args=[enrolment.pk])
    assert client.get(url).status_code == 404


def test_opening_a_visit_is_audited(w, signed_in):
    visit = _record(w, enrol_baby(w))
    signed_in("manager").get(reverse("visiting:visit", args=[visit.pk]))
    assert AuditEvent.objects.filter(
        object_type="visiting.visit", action="view", object_id=str(visit.pk)
    ).exists()


# --- Correcting a visit -----------------------------------------------------------


def _correction(client, visit, **data):  # noqa: ANN001, ANN003, ANN202
    url = reverse("visiting:visit_change", args=[visit.pk])
    page = client.get(url)
    assert page.status_code == 200
    initial = page.context["form"].initial
    payload = {
        name: value for name, value in initial.items() if value not in (None, "", [])
    }
    payload["visited_on"] = initial["visited_on"].isoformat()
    payload.update(data)
    return client.post(url, payload)


def test_a_weight_typed_wrong_is_corrected_and_scored_again(w, signed_in):
    enrolment = enrol_baby(w)
    expected = _open(enrolment)
    visit = _record(
        w, enrolment, scheduled=expected, weight_kg=Decimal("2.3"), notes="Thin."
    )
    assert visit.weight_z < -3
    client = signed_in("nurse")
    shown = client.get(reverse("visiting:visit", args=[visit.pk])).content.decode()
    assert reverse("visiting:visit_change", args=[visit.pk]) in shown
    yesterday = timezone.localdate() - timedelta(days=1)
    posted = _correction(
        client, visit, weight_kg="3.8", visited_on=yesterday.isoformat()
    )
    assert posted.status_code == 302, posted.context["form"].errors
    visit.refresh_from_db()
    expected.refresh_from_db()
    enrolment.refresh_from_db()
    assert visit.weight_kg == Decimal("3.8") and -2 < visit.weight_z < 2
    assert visit.version == 2 and visit.age_days == 19 and visit.notes == "Thin."
    assert expected.done_on == yesterday and enrolment.last_visited_on == yesterday
    event = AuditEvent.objects.get(object_type="visiting.visit", action="change")
    assert set(event.fields) == {"weight_kg", "weight_z", "visited_on", "age_days"}


def test_a_stale_or_bad_correction_is_refused_with_nothing_changed(w, signed_in):
    enrolment = enrol_baby(w)
    visit = _record(w, enrolment, weight_kg=Decimal("3.8"))
    client = signed_in("nurse")
    url = reverse("visiting:visit_change", args=[visit.pk])
    stale = client.get(url).context["form"].initial
    _correction(client, visit, notes="First correction.")
    refused = client.post(
        url,
        {
            "version": stale["version"],
            "visited_on": stale["visited_on"].isoformat(),
            "present": ["mother"],
            "weight_kg": "3.9",
        },
    )
    assert refused.status_code == 200
    assert "Someone else changed this record" in refused.content.decode()
    bad = _correction(client, visit, weight_kg="39")
    assert "not possible for a child 20 days old" in bad.content.decode()
    visit.refresh_from_db()
    assert visit.weight_kg == Decimal("3.8") and visit.version == 2


def test_a_concern_acted_on_stays_and_others_may_not_correct(w, signed_in):
    from ura.visiting import concerns

    enrolment = enrol_baby(w)
    visit = _record(
        w, enrolment, concerns=["no_documents"], concern_note="No birth certificate."
    )
    centre = concerns.centres_for(visit).first()
    concerns.concern_report(
        actor=w.users["nurse"],
        visit=visit,
        concern="no_documents",
        agency=centre,
        risk_level="low",
        case_concerns=["neglect"],
        summary="No birth certificate.",
    )
    refused = _correction(signed_in("nurse"), visit, concerns=[])
    assert "stays on the visit" in refused.content.decode()
    url = reverse("visiting:visit_change", args=[visit.pk])
    assert signed_in("nurse2").get(url).status_code == 404
    assert signed_in("nurse_pz").get(url).status_code == 404
