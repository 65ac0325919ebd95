"""Breakdowns: sex, age band at the end of the period, community, disability;
each adds up to its figure."""

from datetime import date

from tests.services_reach.helpers import Reach, breakdown
from ura.people.models import Sex


def test_age_is_counted_at_the_end_of_the_period(reach: Reach) -> None:
    turns_five = reach.person(born=date(2020, 6, 1))
    reach.attend(reach.enrol(turns_five), date(2025, 3, 3))
    before = reach.figures(end=date(2025, 5, 31))
    assert breakdown(before, "age") == {"0-4": 1}
    after = reach.figures(end=date(2025, 6, 1), refreshed=False)
    assert breakdown(after, "age") == {"5-9": 1}
    adult = reach.person(born=date(2007, 6, 1))
    unknown = reach.person(born=None)
    for person in (adult, unknown):
        reach.attend(reach.enrol(person), date(2025, 3, 3))
    assert breakdown(reach.figures(end=date(2025, 6, 1)), "age") == {
        "5-9": 1, "18+": 1, "unknown": 1,
    }  # fmt: skip
    assert breakdown(reach.figures(end=date(2025, 5, 31), refreshed=False), "age") == {
        "0-4": 1, "15-17": 1, "unknown": 1,
    }  # fmt: skip


def test_sex_community_and_disability(reach: Reach) -> None:
    people = [
        reach.person(sex=Sex.FEMALE, community="roma", difficulty="yes"),
        reach.person(sex=Sex.MALE, community="declined", difficulty="declined"),
        reach.person(sex=Sex.UNKNOWN, community="macedonian", difficulty="no"),
        reach.person(sex=Sex.MALE, community="ashkali", difficulty="unknown"),
    ]
    for person in people:
        reach.attend(reach.enrol(person), date(2025, 3, 3))
    figures = reach.figures()
    assert breakdown(figures, "sex") == {"female": 1, "male": 2, "unknown": 1}
    # "Declined" counts as unknown; a community not listed in Kosovo as other.
    assert breakdown(figures, "community") == {
        "roma": 1, "unknown": 1, "other": 1, "ashkali": 1,
    }  # fmt: skip
    assert breakdown(figures, "disability") == {"yes": 1, "no": 1, "unknown": 2}


def test_every_breakdown_adds_up_to_its_figure(reach: Reach) -> None:
    for k in range(6):
        child, parent = reach.person(sex=Sex.MALE), reach.person(born=date(1980, 1, 1))
        reach.household(child, parent, reach.person(community="serb"))
        reach.attend(reach.enrol(child), date(2025, 3, 3 + k))
        if k % 2:
            reach.attend(reach.enrol(parent, role="caregiver"), date(2025, 4, 4))
    figures = reach.figures()
    for f, total in enumerate(figures.tables.totals):
        for table in figures.tables.breakdowns:
            assert sum(row.counts[f] for row in table.rows) == total
