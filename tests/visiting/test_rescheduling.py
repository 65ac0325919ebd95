"""Saving a protocol reschedules its families in batches: the same rows as
``reschedule`` one family at a time, inline for a few families, in the
background with progress on the protocol's page for many."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tests.visiting.helpers import intensified, setup_visiting, universal
from ura.audit.models import AuditEvent
from ura.people.models import Person, Sex
from ura.visiting import actions, protocols, rescheduling
from ura.visiting.models import (
    Enrolment,
    EnrolmentStatus,
    ScheduledVisit,
    ScheduleUpdate,
    ScheduleUpdateStatus,
    VisitState,
)
from ura.visiting.protocols import VisitInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world):  # noqa: ANN001, ANN201
    return setup_visiting(world)


@pytest.fixture
def direct(monkeypatch):  # noqa: ANN001, ANN201
    """The background thread replaced by a direct call."""
    monkeypatch.setattr(rescheduling, "run_in_background", lambda fn, *a: fn(*a))


def _person(w, given: str, born: date | None = None) -> Person:  # noqa: ANN001
    return Person.objects.create(
        given_name=given,
        family_name="Batch",
        sex=Sex.FEMALE,
        date_of_birth=born,
        place=w.places["prishtina"],
    )


def _enrol(w, n: int, *, protocol=None, **dates) -> Enrolment:  # noqa: ANN001, ANN003
    kind = "pregnancy" if dates.get("expected_delivery_on") else "birth"
    born = dates.get("born_on")
    enrolment = Enrolment.objects.create(
        kind=kind,
        caregiver=_person(w, f"Mother{n}"),
        child=_person(w, f"Child{n}", born) if born else None,
        centre=w.agencies["health_pr"],
        nurse=w.users["nurse"],
        protocol=protocol or universal(),
        enrolled_on=dates.pop("enrolled_on", timezone.localdate()),
        enrolled_by=w.users["nurse"],
        **dates,
    )
    actions.reschedule(enrolment)
    return enrolment


def _done(enrolment: Enrolment, *names: str) -> None:
    for visit in enrolment.scheduled_visits.filter(name__in=names):
        visit.state, visit.done_on = VisitState.DONE, visit.opens_on
        visit.save(update_fields=["state", "done_on"])


def _mixed_families(w) -> list[Enrolment]:  # noqa: ANN001
    """Pregnancies, births recorded early and late, families enrolled late,
    done visits (one of a visit about to leave the protocol), an ended
    enrolment and one on another protocol."""
    today = timezone.localdate()
    ago = lambda days: today - timedelta(days=days)  # noqa: E731
    families = [
        _enrol(w, 1, expected_delivery_on=today + timedelta(days=100)),
        _enrol(w, 2, expected_delivery_on=today + timedelta(days=10)),
        # Born three weeks before the expected date, enrolled in pregnancy.
        _enrol(w, 3, expected_delivery_on=ago(-7), born_on=ago(14),
               enrolled_on=ago(120)),
        _enrol(w, 4, expected_delivery_on=ago(60), born_on=ago(50),
               enrolled_on=ago(200)),
        _enrol(w, 5, born_on=ago(3)),
        _enrol(w, 6, born_on=ago(200), enrolled_on=ago(195)),
        # Enrolled late: the windows closed before the enrolment are not needed.
        _enrol(w, 7, born_on=ago(400), enrolled_on=ago(150)),
        _enrol(w, 8, born_on=ago(330), enrolled_on=ago(330)),
        _enrol(w, 9, born_on=ago(40), protocol=intensified()),
    ]  # fmt: skip
    _done(families[2], "Pregnancy, week 28")
    _done(families[3], "Pregnancy, week 28", "Newborn, day 3", "Two weeks")
    _done(families[5], "Newborn, day 3", "One month", "Four months", "Six months")
    _done(families[7], "Two weeks", "Nine months")
    ended = _enrol(w, 10, born_on=ago(100), enrolled_on=ago(100))
    _done(ended, "Newborn, day 3")
    actions.enrolment_end(
        actor=w.users["nurse"],
        enrolment=ended,
        expected_version=ended.version,
        reason="moved_away",
    )
    return [*families, ended]


def _as_saved(protocol) -> list[VisitInput]:  # noqa: ANN001
    return [
        VisitInput(v.name, v.anchor, v.target, v.opens, v.due, v.overdue, v.closes,
                   list(v.sections), v.pk)
        for v in protocol.visits.all()
    ]  # fmt: skip


def _edited(protocol) -> list[VisitInput]:  # noqa: ANN001
    """'Twelve months' a week later, 'Nine months' off, 'Six months' renamed
    and recording less, 'Fifteen months' added."""
    visits = []
    for visit in _as_saved(protocol):
        if visit.name == "Nine months":
            continue
        if visit.name == "Twelve months":
            visit.target += 7
        if visit.name == "Six months":
            visit.name, visit.sections = "Half a year", visit.sections[:1]
        visits.append(visit)
    visits.append(VisitInput("Fifteen months", "birth", 460, -20, 0, 20, 40))
    return visits


def _snapshot() -> list[tuple]:
    return sorted(
        ScheduledVisit.objects.values_list(
            "enrolment_id", "protocol_visit_id", "name", "sections", "opens_on",
            "due_on", "overdue_on", "closes_on", "state", "done_on", "nurse_id",
            "centre_id",
        ),
        key=repr,
    )  # fmt: skip


def _one_by_one(protocol) -> list[tuple]:  # noqa: ANN001
    """What ``reschedule`` for each active family leaves (then undone)."""
    with transaction.atomic():
        for enrolment in protocol.enrolments.filter(status=EnrolmentStatus.ACTIVE):
            actions.reschedule(enrolment)
        rows = _snapshot()
        transaction.set_rollback(True)
    return rows


def test_the_batched_reschedule_writes_what_reschedule_writes_for_each_family(w):
    families = _mixed_families(w)
    protocol = universal()
    protocols._save_visits(protocol, _edited(protocol))
    expected = _one_by_one(protocol)
    before = _snapshot()
    assert expected != before
    ids = [e.pk for e in families]
    with transaction.atomic():
        written = rescheduling.reschedule_batch(ids, protocol=protocol)
    assert _snapshot() == expected
    assert 0 < written < len([r for r in expected if r[8] != VisitState.DONE])
    # The ended family and the one on the intensified protocol kept their rows.
    for enrolment in (families[-1], families[-2]):
        assert [r for r in before if r[0] == enrolment.pk] == [
            r for r in expected if r[0] == enrolment.pk
        ]
    # A second run finds nothing to write.
    assert rescheduling.reschedule_batch(ids, protocol=protocol) == 0


def test_the_batched_reschedule_reads_and_writes_in_a_few_queries(
    w, django_assert_max_num_queries
):
    families = _mixed_families(w)
    protocol = universal()
    protocols._save_visits(protocol, _edited(protocol))
    ids = [e.pk for e in families]
    # Rows, enrolments, protocol visits; the delete (with the visits made that
    # pointed to a deleted row); one insert; one update.
    with django_assert_max_num_queries(9):
        rescheduling.reschedule_batch(ids, protocol=protocol)


def _save(w, protocol, visits):  # noqa: ANN001, ANN202
    return protocols.protocol_update(
        actor=w.users["admin"],
        protocol=protocol,
        expected_version=protocol.version,
        name=protocol.name,
        kind=protocol.kind,
        description=protocol.description,
        is_default=protocol.is_default,
        is_active=protocol.is_active,
        visits=visits,
    )


def test_a_protocol_with_few_families_is_rescheduled_at_once(w):
    families = _mixed_families(w)
    protocol = universal()
    protocols._save_visits(protocol, _edited(protocol))
    expected = _one_by_one(protocol)
    protocol.refresh_from_db()
    saved = _save(w, protocol, _as_saved(protocol))
    assert saved.update is None
    assert saved.rescheduled == len(families) - 2
    assert _snapshot() == expected
    assert not ScheduleUpdate.objects.exists()


def test_a_protocol_with_many_families_is_rescheduled_in_the_background(
    w, direct, monkeypatch, django_capture_on_commit_callbacks
):
    families = _mixed_families(w)
    protocol = universal()
    protocols._save_visits(protocol, _edited(protocol))
    expected = _one_by_one(protocol)
    protocol.refresh_from_db()
    monkeypatch.setattr(rescheduling, "INLINE_LIMIT", 2)
    monkeypatch.setattr(rescheduling, "BATCH", 3)
    with django_capture_on_commit_callbacks(execute=True):
        saved = _save(w, protocol, _as_saved(protocol))
    assert saved.update is not None
    update = ScheduleUpdate.objects.get()
    assert update.status == ScheduleUpdateStatus.DONE
    assert update.total == update.processed == len(families) - 2
    assert update.started_by == w.users["admin"]
    assert _snapshot() == expected
    event = AuditEvent.objects.filter(
        action="change", object_type="visiting.protocol", object_id=str(protocol.pk)
    ).last()
    assert event.changes["rescheduled"] == len(families) - 2
    assert event.changes["in_background"] == update.pk


def _post(client, protocol, visits=None):  # noqa: ANN001, ANN202
    data = {
        "version": protocol.version,
        "name": protocol.name,
        "kind": protocol.kind,
        "is_default": "on" if protocol.is_default else "",
        "is_active": "on",
        "visits-TOTAL_FORMS": 0,
        "visits-INITIAL_FORMS": 0,
        "visits-MIN_NUM_FORMS": 0,
        "visits-MAX_NUM_FORMS": 1000,
    }
    for i, visit in enumerate(visits or _edited(protocol)):
        data["visits-TOTAL_FORMS"] = i + 1
        for key in ("pk", "name", "anchor", "target", "opens", "due", "overdue",
                    "closes", "sections"):  # fmt: skip
            value = getattr(visit, key)
            data[f"visits-{i}-{key}"] = "" if value is None else value
    return client.post(reverse("visiting:protocol_edit", args=[protocol.pk]), data)


def test_the_protocol_page_says_the_schedules_are_being_updated_and_how_far(
    w, signed_in, monkeypatch, django_capture_on_commit_callbacks
):
    _mixed_families(w)
    protocol = universal()
    started = []
    monkeypatch.setattr(rescheduling, "INLINE_LIMIT", 2)
    monkeypatch.setattr(rescheduling, "run_in_background", lambda *a: started.append(a))
    client = signed_in("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, protocol)
    assert response.status_code == 302
    page = client.get(response.url)
    text = page.content.decode()
    assert "The schedules of 8 active enrolments are being updated" in text
    assert "0 of 8 active enrolments updated" in text
    assert 'hx-trigger="every 1s"' in text
    url = reverse("visiting:protocol_schedules", args=[protocol.pk])
    assert url in text
    # Saving again while it runs is refused; nothing is saved.
    protocol.refresh_from_db()
    again = _post(client, protocol, _as_saved(protocol))
    assert "still being updated" in again.content.decode()
    assert ScheduleUpdate.objects.count() == 1

    (job_id,) = ScheduleUpdate.objects.values_list("pk", flat=True)
    assert len(started) == 1
    fn, *args = started[0]
    fn(*args)
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "The schedules of 8 active enrolments follow the protocol." in partial
    assert "hx-trigger" not in partial
    assert client.get(url).status_code == 302
    assert ScheduleUpdate.objects.get(pk=job_id).status == ScheduleUpdateStatus.DONE


def test_an_update_that_stopped_is_shown_and_saving_again_finishes_it(
    w, signed_in, direct, monkeypatch, django_capture_on_commit_callbacks
):
    _mixed_families(w)
    protocol = universal()
    job = ScheduleUpdate.objects.create(protocol=protocol, total=8, processed=3)
    ScheduleUpdate.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - rescheduling.STALLED_AFTER - timedelta(minutes=1)
    )
    client = signed_in("admin")
    text = client.get(reverse("visiting:protocol_edit", args=[protocol.pk]))
    assert "stopped before it finished" in text.content.decode()
    monkeypatch.setattr(rescheduling, "INLINE_LIMIT", 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, protocol).status_code == 302
    job.refresh_from_db()
    assert job.status == ScheduleUpdateStatus.FAILED and job.failure == "stalled"
    assert ScheduleUpdate.objects.filter(status=ScheduleUpdateStatus.DONE).count() == 1


@pytest.mark.parametrize("persona", ["nurse", "manager", "data_pr", "outsider"])
def test_only_administrators_see_how_far_an_update_is(w, signed_in, persona):
    protocol = universal()
    ScheduleUpdate.objects.create(protocol=protocol, total=8)
    url = reverse("visiting:protocol_schedules", args=[protocol.pk])
    response = signed_in(persona).get(url, headers={"HX-Request": "true"})
    assert response.status_code == 403


def test_a_protocol_without_an_update_has_no_progress(w, signed_in):
    url = reverse("visiting:protocol_schedules", args=[universal().pk])
    assert signed_in("admin").get(url).status_code == 404
