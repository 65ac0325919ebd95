"""Each figure of docs/reach.md, in worlds small enough that the right number is
obvious."""

from datetime import date

from tests.services_reach.helpers import Reach, days_in
from ura.directory.models import ServiceType
from ura.people.models import Person
from ura.services.models import ParticipantRole, Presence

CAREGIVER = ParticipantRole.CAREGIVER


def test_a_child_served_by_three_services_counts_once(reach: Reach) -> None:
    child = reach.person()
    for name in ("Day care 2", "Homework club", "Sports"):
        service = reach.service(name)
        reach.attend(reach.enrol(child, service), date(2025, 3, 3))
    reach.attend(reach.enrol(child), date(2025, 4, 7), date(2025, 4, 8))
    assert reach.counts() == {
        "unique": 1, "children": 1, "caregivers": 0, "indirect": 0, "trained": 0,
    }  # fmt: skip


def test_only_a_presence_in_the_period_counts(reach: Reach) -> None:
    came, absent, excused, before = (reach.person() for _ in range(4))
    reach.attend(reach.enrol(came), date(2025, 2, 3))
    reach.attend(reach.enrol(absent), date(2025, 2, 3), presence=Presence.ABSENT)
    reach.attend(reach.enrol(excused), date(2025, 2, 3), presence=Presence.EXCUSED)
    early = reach.enrol(before, start=date(2024, 11, 1))
    reach.attend(early, date(2024, 12, 2))
    assert reach.counts()["children"] == 1
    assert (
        reach.counts(start=date(2024, 12, 1), end=date(2024, 12, 31))["children"] == 1
    )


def test_a_period_counts_to_the_day(reach: Reach) -> None:
    child = reach.person()
    reach.attend(reach.enrol(child), date(2025, 3, 5))
    assert reach.counts(start=date(2025, 3, 5), end=date(2025, 3, 5))["children"] == 1
    assert reach.counts(start=date(2025, 3, 6), end=date(2025, 3, 31))["children"] == 0
    assert reach.counts(start=date(2025, 1, 1), end=date(2025, 3, 4))["children"] == 0
    # Days past the first 61 of the year live in another stored word.
    reach.attend(reach.enrol(reach.person()), date(2025, 12, 31))
    assert reach.counts(start=date(2025, 12, 31), end=date(2025, 12, 31))["unique"] == 1


def test_a_period_over_several_years_counts_each_person_once(reach: Reach) -> None:
    child = reach.person()
    enrolment = reach.enrol(child, start=date(2023, 5, 1))
    reach.attend(enrolment, date(2023, 5, 2), date(2024, 5, 2), date(2025, 5, 2))
    other = reach.person()
    reach.attend(reach.enrol(other, start=date(2024, 1, 1)), date(2024, 12, 30))
    counts = reach.counts(start=date(2023, 6, 1), end=date(2025, 5, 1))
    assert counts["children"] == 2
    assert reach.counts(start=date(2023, 1, 1), end=date(2025, 12, 31))["unique"] == 2


def test_attendance_outside_the_enrolment_does_not_count(reach: Reach) -> None:
    child = reach.person()
    enrolment = reach.enrol(child, start=date(2025, 3, 1), end=date(2025, 3, 31))
    reach.attend(enrolment, date(2025, 4, 2))
    assert reach.counts()["children"] == 0


def test_a_service_without_sessions_counts_everyone_enrolled(reach: Reach) -> None:
    staying, left_before, arrives_later = reach.person(), reach.person(), reach.person()
    reach.enrol(staying, reach.shelter, start=date(2024, 10, 1))
    reach.enrol(
        left_before, reach.shelter, start=date(2024, 1, 1), end=date(2024, 12, 31)
    )
    reach.enrol(arrives_later, reach.shelter, start=date(2025, 7, 1))
    assert reach.counts()["children"] == 2
    assert reach.counts(start=date(2025, 1, 1), end=date(2025, 6, 30))["children"] == 1
    assert reach.counts(start=date(2024, 1, 1), end=date(2024, 12, 31))["children"] == 2


def test_a_service_counts_by_enrolment_until_its_first_session(reach: Reach) -> None:
    """Legal aid that records no session: everyone enrolled is counted; once it
    records sessions, only those who came from that day on."""
    legal = reach.service("Legal aid", type=ServiceType.LEGAL_AID)
    came, did_not = reach.person(), reach.person()
    reach.enrol(came, legal, start=date(2025, 2, 1))
    reach.enrol(did_not, legal, start=date(2025, 2, 1))
    assert reach.counts(start=date(2025, 5, 1), end=date(2025, 5, 31))["children"] == 2
    came_enrolment = came.enrolments.get()
    reach.attend(came_enrolment, date(2025, 4, 10))
    assert reach.counts(start=date(2025, 5, 1), end=date(2025, 5, 31))["children"] == 0
    assert reach.counts(start=date(2025, 4, 1), end=date(2025, 4, 30))["children"] == 2
    assert reach.counts(start=date(2025, 4, 10), end=date(2025, 4, 30))["children"] == 1
    # A shelter stays a shelter: its residents count when it records a session.
    resident = reach.person()
    reach.enrol(resident, reach.shelter, start=date(2025, 1, 5))
    reach.session(reach.shelter, date(2025, 3, 3))
    assert reach.counts(start=date(2025, 5, 1), end=date(2025, 5, 31))["children"] == 1


def test_child_or_caregiver_by_the_enrolment_role(reach: Reach) -> None:
    mother = reach.person(born=date(1990, 1, 1))
    reach.attend(reach.enrol(mother, role=CAREGIVER), date(2025, 2, 3))
    # A young mother: a child in one service, a caregiver in another.
    young = reach.person(born=date(2008, 1, 1))
    reach.attend(reach.enrol(young), date(2025, 2, 3))
    parents = reach.service("Parents' group", type=ServiceType.FAMILY_SUPPORT)
    reach.attend(reach.enrol(young, parents, role=CAREGIVER), date(2025, 2, 4))
    counts = reach.counts()
    assert (counts["children"], counts["caregivers"], counts["unique"]) == (1, 2, 2)


def test_household_members_are_reached_indirectly(reach: Reach) -> None:
    child, mother, sibling, attending_sibling = (reach.person() for _ in range(4))
    reach.household(child, mother, sibling, attending_sibling)
    reach.attend(reach.enrol(child), date(2025, 3, 3))
    reach.attend(reach.enrol(attending_sibling), date(2025, 3, 4))
    counts = reach.counts()
    assert (counts["children"], counts["indirect"], counts["unique"]) == (2, 2, 4)


def test_only_members_who_lived_there_on_a_day_of_support(reach: Reach) -> None:
    child = reach.person()
    left, joined_later, stayed = reach.person(), reach.person(), reach.person()
    reach.household(
        child,
        (left, None, date(2025, 2, 28)),
        (joined_later, date(2025, 6, 1), None),
        (stayed, date(2020, 1, 1), None),
    )
    reach.attend(reach.enrol(child), date(2025, 3, 3), date(2025, 3, 10))
    assert reach.counts()["indirect"] == 1
    # The household of a supported caregiver is reached too.
    mother, baby = (
        reach.person(born=date(1995, 1, 1)),
        reach.person(born=date(2024, 1, 1)),
    )
    reach.household(mother, baby)
    reach.attend(reach.enrol(mother, role=CAREGIVER), date(2025, 5, 5))
    assert reach.counts()["indirect"] == 2


def test_reached_indirectly_in_the_period_only(reach: Reach) -> None:
    child, brother = reach.person(), reach.person()
    reach.household(child, brother)
    enrolment = reach.enrol(child)
    reach.attend(enrolment, date(2025, 3, 3))
    assert reach.counts(start=date(2025, 4, 1), end=date(2025, 4, 30))["indirect"] == 0
    # Served himself later in the year: indirect in March, direct in the year.
    reach.attend(reach.enrol(brother), date(2025, 9, 1))
    march = reach.counts(start=date(2025, 3, 1), end=date(2025, 3, 31))
    year = reach.counts()
    assert (march["indirect"], year["indirect"], year["children"]) == (1, 0, 2)


def test_professionals_trained(reach: Reach) -> None:
    teacher, police, dropped, last_year = (
        reach.person(born=date(1980, 1, 1)) for _ in range(4)
    )
    reach.training(date(2025, 3, 11), teacher, police)
    reach.training(date(2025, 6, 11), teacher)  # the same teacher again
    reach.training(date(2025, 4, 1), dropped, completed=False)
    reach.training(date(2024, 12, 31), last_year)
    counts = reach.counts()
    assert (counts["trained"], counts["unique"]) == (2, 2)
    # A trained social worker who is also a supported mother is one person.
    reach.attend(reach.enrol(teacher, role=CAREGIVER), date(2025, 5, 5))
    assert reach.counts()["unique"] == 2


def test_linked_outreach_contacts_are_people_directly_supported(reach: Reach) -> None:
    child, adult = (
        reach.person(born=date(2012, 1, 1)),
        reach.person(born=date(1990, 1, 1)),
    )
    no_birth_date = reach.person(born=None)
    reach.outreach(date(2025, 3, 3), person=child)
    reach.outreach(date(2025, 4, 3), person=child)
    reach.outreach(date(2025, 3, 3), person=adult)
    reach.outreach(date(2025, 3, 3), person=no_birth_date, age=12)
    counts = reach.counts()
    assert (counts["children"], counts["caregivers"], counts["unique"]) == (2, 1, 3)
    # ... counted once with their services.
    reach.attend(reach.enrol(child), date(2025, 5, 5))
    assert reach.counts()["unique"] == 3


def test_contacts_not_yet_registered_are_counted_by_team_code(reach: Reach) -> None:
    other_team = reach.agency("mobile_pz2", "mobile_team", "prizren")
    for day in (3, 4, 5):
        reach.outreach(date(2025, 3, day), code="K7")
    reach.outreach(date(2025, 3, 3), code="K7", agency=other_team)
    reach.outreach(date(2025, 3, 3))
    reach.outreach(date(2025, 3, 4))
    reach.outreach(date(2024, 3, 4), code="OLD")
    figures = reach.figures()
    assert figures.unregistered == 4
    assert figures.tables.figure("unique") == 0


def test_a_merged_record_counts_once(reach: Reach) -> None:
    kept, merged = reach.person(), reach.person()
    reach.attend(reach.enrol(kept), date(2025, 3, 3))
    reach.attend(reach.enrol(merged, reach.shelter), date(2025, 3, 3))
    assert reach.counts()["children"] == 2
    Person.objects.filter(pk=merged.pk).update(merged_into=kept)
    assert reach.counts()["children"] == 1


def test_days_in_helper() -> None:
    assert list(days_in(3, 1, 2)) == [date(2025, 3, 1), date(2025, 3, 2)]
