"""Enrolling a family: what is refused, and what enrolling and ending open and
close (the nurse's grants, the schedule)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.visiting.helpers import (
    enrol_baby,
    enrol_pregnancy,
    intensified,
    setup_visiting,
    universal,
)
from ura.access.models import GrantReason, PersonGrant
from ura.access.rules import visible_people
from ura.audit.models import AuditEvent
from ura.visiting import actions
from ura.visiting.models import EnrolmentStatus, VisitState

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world):  # noqa: ANN001, ANN201
    return setup_visiting(world)


def _open_grants(person):  # noqa: ANN001, ANN202
    return PersonGrant.objects.filter(
        person=person, reason=GrantReason.HOME_VISITING, ends_at__isnull=True
    )


def test_an_enrolment_without_a_caregiver_is_refused_and_nothing_is_saved(w):
    with pytest.raises(ValidationError) as refused:
        actions.enrolment_create(
            actor=w.users["nurse"],
            kind="birth",
            family=actions.Family(caregiver=None, child=w.people["baby"]),
            centre=w.agencies["health_pr"],
            nurse=w.users["nurse"],
            born_on=w.people["baby"].date_of_birth,
        )
    assert "needs a caregiver" in refused.value.message_dict["caregiver"][0]
    assert not w.people["baby"].visiting_as_child.exists()


def test_a_pregnancy_needs_its_expected_date_of_delivery(w):
    with pytest.raises(ValidationError) as refused:
        actions.enrolment_create(
            actor=w.users["nurse"],
            kind="pregnancy",
            family=actions.Family(caregiver=w.people["mother"]),
            centre=w.agencies["health_pr"],
            nurse=w.users["nurse"],
        )
    assert "expected_delivery_on" in refused.value.message_dict


def test_a_birth_date_in_the_future_or_unlike_the_childs_record_is_refused(w):
    baby = w.people["baby"]
    for born_on in (
        timezone.localdate() + timedelta(days=1),
        baby.date_of_birth - timedelta(days=2),
    ):
        with pytest.raises(ValidationError) as refused:
            actions.enrolment_create(
                actor=w.users["nurse"],
                kind="birth",
                family=actions.Family(caregiver=w.people["mother"], child=baby),
                centre=w.agencies["health_pr"],
                nurse=w.users["nurse"],
                born_on=born_on,
            )
        assert "born_on" in refused.value.message_dict


def test_a_child_is_enrolled_once(w):
    enrol_baby(w)
    with pytest.raises(ValidationError) as refused:
        enrol_baby(w)
    assert "already enrolled" in refused.value.message_dict["child"][0]


def test_a_nurse_enrols_only_for_their_centre_and_themselves(w):
    with pytest.raises(ValidationError) as refused:
        actions.enrolment_create(
            actor=w.users["nurse"],
            kind="pregnancy",
            family=actions.Family(caregiver=w.people["mother"]),
            centre=w.agencies["health_pr"],
            nurse=w.users["nurse2"],
            expected_delivery_on=timezone.localdate() + timedelta(days=90),
        )
    assert "manager" in refused.value.message_dict["nurse"][0]
    with pytest.raises(ValidationError) as refused:
        actions.enrolment_create(
            actor=w.users["nurse"],
            kind="pregnancy",
            family=actions.Family(caregiver=w.people["mother"]),
            centre=w.agencies["health_pz"],
            nurse=w.users["nurse_pz"],
            expected_delivery_on=timezone.localdate() + timedelta(days=90),
        )
    assert "centre" in refused.value.message_dict


def test_a_person_the_actor_does_not_see_cannot_be_enrolled(w):
    with pytest.raises(actions.NotAllowed):
        actions.enrolment_create(
            actor=w.users["nurse"],
            kind="pregnancy",
            family=actions.Family(caregiver=w.people["own"]),
            centre=w.agencies["health_pr"],
            nurse=w.users["nurse"],
            expected_delivery_on=timezone.localdate() + timedelta(days=90),
        )


def test_the_other_reason_for_priority_needs_a_note(w):
    with pytest.raises(ValidationError) as refused:
        enrol_pregnancy(w, reasons=["other"])
    assert "priority_note" in refused.value.message_dict


def test_a_prioritised_family_gets_the_intensified_protocol_others_the_universal(w):
    assert enrol_pregnancy(w, reasons=["rae_community"]).protocol == intensified()
    assert enrol_baby(w).protocol == universal()


def test_enrolling_opens_the_nurses_grants_and_is_audited(w):
    enrolment = enrol_baby(w)
    for person in (w.people["mother"], w.people["baby"]):
        grant = _open_grants(person).get()
        assert grant.user == w.users["nurse"]
        assert grant.source_type == "visiting.enrolment"
    assert AuditEvent.objects.filter(
        action="create", object_type="visiting.enrolment", object_id=str(enrolment.pk)
    ).exists()


def test_the_manager_enrols_for_a_nurse_of_the_centre(w):
    enrolment = enrol_pregnancy(w, actor="manager")
    assert enrolment.nurse == w.users["nurse"]
    assert enrolment.enrolled_by == w.users["manager"]


@pytest.mark.parametrize(
    "reason", ["moved_away", "child_died", "withdrawn", "completed"]
)
def test_ending_the_enrolment_ends_the_grants_and_the_visits_to_come(w, reason):
    enrolment = enrol_baby(w)
    # The mother is shared with the nurse otherwise too (registration): only the
    # home visiting grants end.
    actions.enrolment_end(
        actor=w.users["nurse"],
        enrolment=enrolment,
        expected_version=enrolment.version,
        reason=reason,
    )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENDED
    assert not _open_grants(w.people["mother"]).exists()
    assert not _open_grants(w.people["baby"]).exists()
    left = enrolment.scheduled_visits.filter(closes_on__gt=timezone.localdate())
    assert set(left.values_list("state", flat=True)) == {VisitState.NOT_NEEDED}


def test_a_stale_edit_is_refused(w):
    enrolment = enrol_pregnancy(w)
    with pytest.raises(ValidationError) as refused:
        actions.enrolment_end(
            actor=w.users["nurse"],
            enrolment=enrolment,
            expected_version=enrolment.version - 1 if enrolment.version > 1 else 99,
            reason="withdrawn",
        )
    assert "Someone else changed" in refused.value.messages[0]


def test_an_ended_enrolment_cannot_be_changed(w):
    enrolment = enrol_pregnancy(w)
    actions.enrolment_end(
        actor=w.users["nurse"],
        enrolment=enrolment,
        expected_version=enrolment.version,
        reason="withdrawn",
    )
    with pytest.raises(ValidationError):
        actions.enrolment_update(
            actor=w.users["nurse"],
            enrolment=enrolment,
            expected_version=enrolment.version,
            protocol=universal(),
            priority_reasons=[],
        )


def test_the_nurse_reaches_the_family_only_through_the_enrolment(w):
    enrolment = enrol_baby(w)
    # Only the enrolment's grant remains once the registration grant is gone.
    PersonGrant.objects.filter(reason=GrantReason.REGISTRATION).delete()
    nurse = w.users["nurse"]
    assert visible_people(nurse).filter(pk=w.people["baby"].pk).exists()
    actions.enrolment_end(
        actor=nurse,
        enrolment=enrolment,
        expected_version=enrolment.version,
        reason="moved_away",
    )
    nurse = type(nurse).objects.get(pk=nurse.pk)  # a new request
    assert not visible_people(nurse).filter(pk=w.people["baby"].pk).exists()
