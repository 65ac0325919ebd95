"""The summary follows the records: triggers mark every change, a refresh
recomputes what they name, and gives the same summary as recomputing everything;
counting by person and by source agree."""

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from tests.services_reach.helpers import Reach
from ura.people.models import HouseholdMember, Person
from ura.services import reach as figures
from ura.services import reach_people
from ura.services.models import Attendance, Enrolment, Presence, Training
from ura.services.reach_models import (
    ReachActivity,
    ReachChange,
    ReachPersonYear,
    ReachRefresh,
    RefreshStatus,
)
from ura.services.reach_refresh import (
    freshness,
    refresh,
    refresh_run,
    refresh_start,
)
from ura.services.reach_scope import ReachScope


def _marks() -> set[tuple[str, int]]:
    return set(ReachChange.objects.values_list("kind", "ref"))


def test_every_write_is_marked(reach: Reach) -> None:
    child = reach.person()
    enrolment = reach.enrol(child)
    refresh()
    assert not _marks()
    reach.attend(enrolment, date(2025, 3, 3))
    assert ("enrolment", enrolment.pk) in _marks()
    assert ("service_month", reach.daycare.pk) in _marks()
    refresh()
    Attendance.objects.filter(enrolment=enrolment).update(presence=Presence.ABSENT)
    Person.objects.filter(pk=child.pk).update(community="serb")
    household = reach.household(child)
    training = reach.training(date(2025, 4, 4), reach.person(born=date(1980, 1, 1)))
    trainee = training.participants.get().person_id
    refresh()
    Training.objects.filter(pk=training.pk).update(ends_on=date(2025, 4, 5))
    HouseholdMember.objects.filter(household=household).delete()
    contact = reach.outreach(date(2025, 3, 3), person=child)
    assert {("person", trainee), ("household", household.pk), ("person", child.pk)} <= (
        _marks()
    )
    refresh()
    contact.delete()
    assert ("person", child.pk) in _marks()


def test_an_edit_of_a_person_moves_them_in_the_breakdowns(reach: Reach) -> None:
    child = reach.person(community="roma")
    reach.attend(reach.enrol(child), date(2025, 3, 3))
    assert reach.figures().tables.breakdowns[2].rows[5].value == "roma"
    Person.objects.filter(pk=child.pk).update(community="ashkali")
    rows = {r.value: r.counts[0] for r in reach.figures().tables.breakdowns[2].rows}
    assert (rows["roma"], rows["ashkali"]) == (0, 1)


def _snapshot() -> tuple[Counter, Counter]:
    activity = Counter(
        ReachActivity.objects.values_list(
            "person_id", "year", "category", "source", "enrolment_id", "service_id",
            "agency_id", "programme_id", "w0", "w1", "w2", "w3", "w4", "w5",
        )
    )  # fmt: skip
    people = Counter(
        tuple(getattr(r, f.attname) for f in ReachPersonYear._meta.concrete_fields[1:])
        for r in ReachPersonYear.objects.all()
    )
    return activity, people


def _random_world(reach: Reach, rng: random.Random, size: int) -> list[Person]:
    people = [
        reach.person(
            sex=rng.choice(["female", "male", "unknown"]),
            born=rng.choice(
                [None, date(2010, 5, 5), date(2019, 2, 2), date(1985, 1, 1)]
            ),
            place=rng.choice(["prizren", "prishtina"]),
            community=rng.choice(["roma", "albanian", "declined", "serb"]),
            difficulty=rng.choice(["yes", "no", "unknown", "declined"]),
        )
        for _ in range(size)
    ]
    services = [reach.daycare, reach.shelter, reach.service("Legal", type="legal_aid")]
    for _ in range(size):
        person = rng.choice(people)
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(700))
        end = rng.choice([None, start + timedelta(days=rng.randrange(20, 200))])
        enrolment = reach.enrol(
            person, rng.choice(services), role=rng.choice(["child", "caregiver"]),
            start=start, end=end,
        )  # fmt: skip
        for _k in range(rng.randrange(4)):
            day = start + timedelta(days=rng.randrange(250))
            if (
                day <= date(2026, 11, 30)
                and not Attendance.objects.filter(
                    enrolment=enrolment, held_on=day
                ).exists()
            ):
                reach.attend(enrolment, day, presence=rng.choice(["present", "absent"]))
    for _ in range(size // 3):
        members = rng.sample(people, rng.randrange(1, 4))
        since = rng.choice([None, date(2025, 3, 1)])
        until = rng.choice([None, date(2025, 8, 1)])
        reach.household(*[(m, since, until) for m in members])
    for _ in range(size // 4):
        reach.outreach(
            date(2025, 1, 1) + timedelta(days=rng.randrange(300)),
            person=rng.choice([None, rng.choice(people)]),
            age=rng.choice([None, 9, 30]),
            code=rng.choice(["", "A", "B"]),
        )
    reach.training(date(2025, 6, 6), *rng.sample(people, 3))
    return people


@pytest.mark.parametrize("seed", [1, 2])
def test_counting_by_person_and_by_source_agree(reach: Reach, seed: int) -> None:
    _random_world(reach, random.Random(seed), 40)
    refresh()
    everything = ReachScope("agencies")  # no limit, but read by source
    for start, end in [
        (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2025, 3, 15), date(2025, 8, 3)),
        (date(2024, 6, 1), date(2025, 6, 1)),
        (date(2025, 7, 1), date(2025, 7, 1)),
    ]:
        filters = figures.ReachFilters(start=start, end=end)
        by_person = figures._by_person(filters, None)
        by_source = figures._by_source(filters, everything, None)
        assert by_person == by_source, (start, end)


def test_a_refresh_of_changes_equals_a_full_one(reach: Reach) -> None:
    rng = random.Random(7)
    people = _random_world(reach, rng, 30)
    refresh()
    # A month of changes of every kind.
    for enrolment in rng.sample(list(Enrolment.objects.all()), 5):
        Enrolment.objects.filter(pk=enrolment.pk).update(ended_on=enrolment.enrolled_on)
    Attendance.objects.filter(
        pk__in=list(Attendance.objects.values_list("pk", flat=True)[:5])
    ).delete()
    for person in rng.sample(people, 5):
        Person.objects.filter(pk=person.pk).update(
            sex="female", place=reach.w.places["prishtina"]
        )
    HouseholdMember.objects.filter(
        pk__in=list(HouseholdMember.objects.values_list("pk", flat=True)[:3])
    ).update(ended_on=date(2025, 2, 1))
    reach.household(people[0], people[1])
    reach.session(reach.shelter, date(2025, 5, 5))
    legal = reach.service("Legal 2", type="legal_aid")
    reach.enrol(people[2], legal, start=date(2025, 1, 5))
    reach.session(legal, date(2025, 6, 1))
    Person.objects.filter(pk=people[3].pk).update(merged_into=people[4])
    reach.outreach(date(2025, 9, 9), person=people[5])
    reach.training(date(2025, 10, 10), people[6])
    job = refresh()
    assert not job.full and not _marks()
    incremental = _snapshot()
    assert refresh(full=True).full
    assert _snapshot() == incremental


def test_a_change_made_during_a_refresh_waits_for_the_next(reach: Reach) -> None:
    child = reach.person()
    enrolment = reach.enrol(child)
    refresh()
    reach.attend(enrolment, date(2025, 3, 3))
    job = refresh_start()

    def meanwhile(_job: ReachRefresh) -> None:
        if not Attendance.objects.filter(held_on=date(2025, 3, 4)).exists():
            reach.attend(enrolment, date(2025, 3, 4))

    refresh_run(job, progress=meanwhile)
    assert ("enrolment", enrolment.pk) in _marks()
    assert freshness().pending >= 1
    refresh()
    assert freshness().pending == 0


def test_one_refresh_at_a_time_and_a_stalled_one_is_replaced(reach: Reach) -> None:
    first = refresh_start()
    assert first is not None and refresh_start() is None
    ReachRefresh.objects.filter(pk=first.pk).update(
        updated_at=first.updated_at - timedelta(hours=1)
    )
    second = refresh_start()
    assert second is not None
    first.refresh_from_db()
    assert first.status == RefreshStatus.FAILED


def test_a_failed_refresh_leaves_the_changes_for_the_next(
    reach: Reach,
    monkeypatch,  # noqa: ANN001
) -> None:
    refresh()
    reach.attend(reach.enrol(reach.person()), date(2025, 3, 3))

    def broken(_people: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(reach_people, "recompute_people", broken)
    with pytest.raises(RuntimeError):
        refresh()
    assert ReachRefresh.objects.first().status == RefreshStatus.FAILED
    assert _marks()
    monkeypatch.undo()
    refresh()
    assert not _marks()
    assert reach.counts(refreshed=False)["children"] == 1


def test_the_command_refreshes(reach: Reach, capsys) -> None:  # noqa: ANN001
    reach.attend(reach.enrol(reach.person()), date(2025, 3, 3))
    call_command("refresh-reach")
    assert "reach figures as of" in capsys.readouterr().out
    call_command("refresh-reach", "--full")
    assert "(everything)" in capsys.readouterr().out
    assert reach.counts(refreshed=False)["children"] == 1
