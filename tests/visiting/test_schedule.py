"""The schedule: generated from the protocol and the family's dates, one row per
protocol visit, windows in order; rescheduling never touches a done visit; a
premature birth moves the visits after birth earlier; the status is read from
today's date by the database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.visiting.helpers import (
    _person,
    enrol_baby,
    enrol_pregnancy,
    intensified,
    newborn,
    setup_visiting,
    universal,
)
from ura.people.models import HouseholdMember, Relationship, Sex
from ura.visiting import actions, queries
from ura.visiting.models import (
    Anchor,
    Enrolment,
    ScheduledVisit,
    VisitState,
    VisitStatus,
)
from ura.visiting.protocols import MAX_AGE_DAYS, VisitInput, protocol_problems
from ura.visiting.schedule import (
    PREGNANCY_DAYS,
    VisitSpec,
    status_expression,
    status_of,
    windows_for,
)


@st.composite
def protocols(draw) -> list[VisitInput]:  # noqa: ANN001
    """Valid protocols: windows one after another on the line of days from the
    last menstrual period (the expected delivery is day 280)."""
    visits = []
    start = draw(st.integers(7, 200))
    for i in range(draw(st.integers(1, 12))):
        length = draw(st.integers(1, 60))
        end = start + length
        inside = sorted(draw(st.lists(st.integers(start, end), min_size=2, max_size=2)))
        if end <= PREGNANCY_DAYS and start // 7 + 1 <= 42 and draw(st.booleans()):
            week = start // 7 + 1
            base, anchor, target = week * 7, Anchor.PREGNANCY, week
        else:
            if start < PREGNANCY_DAYS:
                start = PREGNANCY_DAYS + draw(st.integers(0, 20))
                end = start + length
                inside = [start, end]
            target = start - PREGNANCY_DAYS + draw(st.integers(0, length - 1))
            if target > MAX_AGE_DAYS:
                break
            base, anchor = PREGNANCY_DAYS + target, Anchor.BIRTH
        visits.append(
            VisitInput(
                name=f"Visit {i}",
                anchor=anchor,
                target=target,
                opens=start - base,
                due=inside[0] - base,
                overdue=inside[1] - base,
                closes=end - base,
            )
        )
        start = end + draw(st.integers(0, 30))
    return visits


def _specs(visits: list[VisitInput]) -> list[VisitSpec]:
    return [
        VisitSpec(i, v.anchor, v.target, v.opens, v.due, v.overdue, v.closes)
        for i, v in enumerate(visits)
    ]


dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@given(protocol=protocols(), edd=dates, early=st.integers(-20, 90), born=st.booleans())
def test_every_protocol_visit_has_one_window_in_order(protocol, edd, early, born):
    assert protocol_problems(protocol) == []
    born_on = edd - timedelta(days=early) if born else None
    windows = windows_for(
        _specs(protocol),
        expected_delivery_on=edd,
        born_on=born_on,
        enrolled_on=edd - timedelta(days=200),
    )
    assert [w.key for w in windows] == list(range(len(protocol)))
    for w in windows:
        assert w.opens_on <= w.due_on <= w.overdue_on <= w.closes_on
        assert w.opens_on < w.closes_on
    # In pregnancy order: windows never overlap while the birth comes as expected.
    if not born:
        ordered = sorted(windows, key=lambda w: w.opens_on)
        for a, b in zip(ordered, ordered[1:], strict=False):
            assert a.closes_on <= b.opens_on


@given(protocol=protocols(), edd=dates, early=st.integers(0, 90))
def test_no_pregnancy_visit_applies_once_the_window_runs_past_the_birth(
    protocol, edd, early
):
    born_on = edd - timedelta(days=early)
    windows = windows_for(
        _specs(protocol),
        expected_delivery_on=edd,
        born_on=born_on,
        enrolled_on=edd - timedelta(days=300),
    )
    for visit, w in zip(protocol, windows, strict=True):
        if visit.anchor == Anchor.PREGNANCY:
            assert w.applies == (w.closes_on <= born_on)
        else:
            assert w.opens_on == born_on + timedelta(days=visit.target + visit.opens)


@given(
    opens=st.integers(-50, 50),
    due=st.integers(-50, 50),
    overdue=st.integers(-50, 50),
    closes=st.integers(-50, 50),
)
def test_a_window_that_runs_backwards_is_refused(opens, due, overdue, closes):
    visit = VisitInput("A visit", Anchor.BIRTH, 100, opens, due, overdue, closes)
    in_order = opens <= due <= overdue <= closes and opens < closes
    assert (protocol_problems([visit]) == []) == in_order


@given(
    today=dates,
    offsets=st.lists(st.integers(-40, 40), min_size=4, max_size=4).map(sorted),
)
def test_the_status_follows_the_window(today, offsets):
    opens, _due, overdue, closes = (today + timedelta(days=o) for o in offsets)
    status = status_of(
        state=VisitState.SCHEDULED,
        opens_on=opens,
        overdue_on=overdue,
        closes_on=closes,
        today=today,
    )
    if today < opens:
        assert status == VisitStatus.UPCOMING
    elif today >= closes:
        assert status == VisitStatus.MISSED
    elif today >= overdue:
        assert status == VisitStatus.OVERDUE
    else:
        assert status == VisitStatus.DUE


# --- In the database --------------------------------------------------------------


@pytest.fixture
def w(world):  # noqa: ANN001, ANN201
    return setup_visiting(world)


def _rows(enrolment: Enrolment) -> dict[int, tuple]:
    return {
        r.pk: (r.protocol_visit_id, r.state, r.opens_on, r.due_on, r.closes_on, r.name)
        for r in ScheduledVisit.objects.filter(enrolment=enrolment)
    }


def _assert_one_row_per_protocol_visit(enrolment: Enrolment) -> None:
    enrolment.refresh_from_db()
    wanted = set(enrolment.protocol.visits.values_list("pk", flat=True))
    rows = list(
        ScheduledVisit.objects.filter(enrolment=enrolment, protocol_visit__in=wanted)
    )
    assert sorted(r.protocol_visit_id for r in rows) == sorted(wanted)
    for r in ScheduledVisit.objects.filter(enrolment=enrolment):
        assert r.opens_on <= r.due_on <= r.overdue_on <= r.closes_on


def _backdate(enrolment: Enrolment, days: int) -> None:
    """As if the family had been enrolled ``days`` ago."""
    Enrolment.objects.filter(pk=enrolment.pk).update(
        enrolled_on=enrolment.enrolled_on - timedelta(days=days)
    )
    enrolment.refresh_from_db()
    actions.reschedule(enrolment)


def _mark_done(enrolment: Enrolment, name: str) -> ScheduledVisit:
    visit = enrolment.scheduled_visits.get(name=name)
    visit.state, visit.done_on = VisitState.DONE, visit.due_on
    visit.save(update_fields=["state", "done_on"])
    return visit


@pytest.mark.django_db
def test_enrolling_schedules_every_visit_of_the_protocol_once(w):
    enrolment = enrol_pregnancy(w, reasons=["poverty"])
    _assert_one_row_per_protocol_visit(enrolment)
    assert enrolment.scheduled_visits.count() == 15


@pytest.mark.django_db
def test_a_premature_birth_moves_the_visits_after_birth_and_keeps_the_done_ones(w):
    today = timezone.localdate()
    edd = today + timedelta(days=30)
    enrolment = enrol_pregnancy(w, edd=edd, reasons=["rae_community"])
    _backdate(enrolment, 150)
    week28 = _mark_done(enrolment, "Pregnancy, week 28")
    before = _rows(enrolment)
    newborn_before = enrolment.scheduled_visits.get(name="Newborn, day 3")
    assert newborn_before.due_on == edd + timedelta(days=3)

    child = newborn(w, "CanaryPretermQ", today)
    actions.enrolment_record_birth(
        actor=w.users["nurse"],
        enrolment=enrolment,
        expected_version=enrolment.version,
        child=child,
        born_on=today,
    )
    after = _rows(enrolment)
    assert after[week28.pk] == before[week28.pk]
    visits = {v.name: v for v in queries.schedule_of(enrolment)}
    assert visits["Newborn, day 3"].due_on == today + timedelta(days=3)
    assert visits["Two years"].due_on == today + timedelta(days=730)
    assert visits["Pregnancy, week 28"].status == VisitStatus.DONE
    # Week 36's window ran past the birth: not needed any more.
    assert visits["Pregnancy, week 36"].status == VisitStatus.NOT_NEEDED
    # Week 20's window closed unvisited before the birth.
    assert visits["Pregnancy, week 20"].status == VisitStatus.MISSED
    assert visits["Newborn, day 3"].status == VisitStatus.DUE
    _assert_one_row_per_protocol_visit(enrolment)


@pytest.mark.django_db
def test_changing_the_protocol_keeps_done_visits_and_follows_the_new_one(w):
    enrolment = enrol_baby(w)
    assert enrolment.protocol == universal()
    _backdate(enrolment, 10)
    done = _mark_done(enrolment, "Newborn, day 3")
    actions.enrolment_update(
        actor=w.users["nurse"],
        enrolment=enrolment,
        expected_version=enrolment.version,
        protocol=intensified(),
        priority_reasons=["young_mother"],
    )
    rows = list(enrolment.scheduled_visits.all())
    assert done.pk in {r.pk for r in rows}
    assert all(
        r.protocol_visit.protocol_id == intensified().pk
        for r in rows
        if r.pk != done.pk
    )
    _assert_one_row_per_protocol_visit(enrolment)


@pytest.mark.django_db
def test_a_child_enrolled_late_does_not_owe_the_visits_before_enrolment(w):
    enrolment = enrol_baby(w)  # the baby is 20 days old
    visits = {v.name: v for v in queries.schedule_of(enrolment)}
    assert visits["Newborn, day 3"].status == VisitStatus.NOT_NEEDED
    assert visits["Pregnancy, week 28"].status == VisitStatus.NOT_NEEDED
    # Day 14, overdue from day 21, closes on day 28: due.
    assert visits["Two weeks"].status == VisitStatus.DUE


@pytest.mark.django_db
def test_the_database_computes_the_same_status_as_the_rule(w):
    enrolment = enrol_pregnancy(w, reasons=["poverty"])
    _backdate(enrolment, 120)
    today = timezone.localdate()
    for visit in enrolment.scheduled_visits.annotate(status=status_expression(today)):
        assert visit.status == status_of(
            state=visit.state,
            opens_on=visit.opens_on,
            overdue_on=visit.overdue_on,
            closes_on=visit.closes_on,
            today=today,
        )


@pytest.mark.django_db
def test_a_nurses_due_and_overdue_visits_are_read_from_the_worklist_index(w):
    enrolment = enrol_baby(w)
    due = list(queries.due_visits(nurse=w.users["nurse"]))
    assert due and {v.status for v in due} <= {VisitStatus.DUE, VisitStatus.OVERDUE}
    assert {v.enrolment_id for v in due} == {enrolment.pk}
    assert not queries.due_visits(nurse=w.users["nurse_pz"]).exists()
    if connection.vendor == "sqlite":
        plan = queries.due_visits(nurse=w.users["nurse"]).explain()
        assert "sv_worklist" in plan


_mothers = iter(range(10_000))


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    edd_in=st.integers(-20, 280),
    enrolled_ago=st.integers(0, 200),
    done=st.sets(st.integers(0, 14), max_size=5),
    change=st.sampled_from(["birth", "edd", "protocol"]),
    shift=st.integers(1, 60),
)
def test_rescheduling_never_touches_a_done_visit(
    w, edd_in, enrolled_ago, done, change, shift
):
    today = timezone.localdate()
    mother = _person(w, f"CanaryMother{next(_mothers)}Q", Sex.FEMALE, date(2000, 1, 1))
    enrolment = actions.enrolment_create(
        actor=w.users["nurse"],
        kind="pregnancy",
        family=actions.Family(caregiver=mother),
        centre=w.agencies["health_pr"],
        nurse=w.users["nurse"],
        expected_delivery_on=today + timedelta(days=edd_in),
        priority_reasons=["poverty"],
    )
    _backdate(enrolment, enrolled_ago)
    rows = list(enrolment.scheduled_visits.order_by("due_on", "pk"))
    for i in sorted(done):
        if i < len(rows):
            _mark_done(enrolment, rows[i].name)
    before = {k: v for k, v in _rows(enrolment).items() if v[1] == VisitState.DONE}
    enrolment.refresh_from_db()
    if change == "birth":
        child = _person(w, f"CanaryChild{next(_mothers)}Q", Sex.MALE, None)
        actions.enrolment_record_birth(
            actor=w.users["nurse"],
            enrolment=enrolment,
            expected_version=enrolment.version,
            child=child,
            born_on=max(today - timedelta(days=shift), enrolment.enrolled_on),
        )
    elif change == "edd":
        actions.enrolment_update(
            actor=w.users["nurse"],
            enrolment=enrolment,
            expected_version=enrolment.version,
            protocol=enrolment.protocol,
            priority_reasons=["poverty"],
            expected_delivery_on=today + timedelta(days=edd_in % 200 + shift),
        )
    else:
        actions.enrolment_update(
            actor=w.users["nurse"],
            enrolment=enrolment,
            expected_version=enrolment.version,
            protocol=universal(),
            priority_reasons=[],
            expected_delivery_on=enrolment.expected_delivery_on,
        )
    after = _rows(enrolment)
    for pk, row in before.items():
        assert after[pk] == row
    _assert_one_row_per_protocol_visit(enrolment)


@pytest.mark.django_db
def test_a_pregnancy_enrolment_in_a_household_links_the_child_of_that_household(w):
    enrolment = enrol_pregnancy(w)
    stranger = _person(w, "CanaryStrangerQ", Sex.MALE, timezone.localdate())
    import django.core.exceptions

    with pytest.raises(django.core.exceptions.ValidationError):
        actions.enrolment_record_birth(
            actor=w.users["nurse"],
            enrolment=enrolment,
            expected_version=enrolment.version,
            child=stranger,
            born_on=timezone.localdate(),
        )
    assert not HouseholdMember.objects.filter(
        person=stranger, relationship=Relationship.CHILD
    ).exists()
