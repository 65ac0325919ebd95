"""Small cells for partners: ura.statistics' rule (counts from 1 to 4 hidden, and
the cells that would give them back by subtraction)."""

from datetime import date

from tests.services_reach.helpers import Reach, breakdown
from ura.people.models import Sex
from ura.services.reach_cells import FIGURE_KEYS, Breakdown, Row, Tables, suppress


def _tables(totals: list[int], sex: dict[str, list[int]]) -> Tables:
    rows = [Row(v, v, counts) for v, counts in sex.items()]
    return Tables(totals, [Breakdown("sex", "By sex", rows)])


def test_a_small_cell_and_its_complement_are_hidden() -> None:
    # unique, children, caregivers, indirect, trained
    tables = _tables(
        [30, 9, 21, 0, 0],
        {"female": [17, 7, 10, 0, 0], "male": [13, 2, 11, 0, 0], "unknown": [0] * 5},
    )
    out = suppress(tables)
    assert out.totals == [30, 9, 21, 0, 0]
    rows = {r.value: r.counts for r in out.breakdowns[0].rows}
    # Boys among children (2) hidden, and girls (7), which would give it back;
    # then the caregivers of the same rows, which would give them back from the
    # unique people reached.
    assert rows["male"][1] is None and rows["female"][1] is None
    assert rows["unknown"] == [0] * 5
    hidden_per_row = [sum(c is None for c in r) for r in rows.values()]
    assert all(n != 1 for n in hidden_per_row)


def test_a_small_total_is_hidden_with_its_cells() -> None:
    out = suppress(_tables([3, 3, 0, 0, 0], {"female": [3, 3, 0, 0, 0]}))
    assert out.totals[0] is None and out.totals[1] is None
    assert out.breakdowns[0].rows[0].counts[:2] == [None, None]


def test_nothing_is_hidden_when_nothing_is_small() -> None:
    tables = _tables([20, 20, 0, 0, 0], {"female": [10, 10, 0, 0, 0],
                                         "male": [10, 10, 0, 0, 0]})  # fmt: skip
    assert suppress(tables) == tables


def test_partners_see_small_counts_hidden_data_officers_do_not(
    reach: Reach,
    signed_in,  # noqa: ANN001
) -> None:
    for k in range(9):
        sex = Sex.MALE if k < 2 else Sex.FEMALE
        reach.attend(reach.enrol(reach.person(sex=sex)), date(2025, 3, 3))
    partner = reach.figures("partner")
    assert partner.suppressed
    assert partner.tables.figure("children") == 9
    assert breakdown(partner, "sex", "children") == {"female": None, "male": None}
    officer = reach.figures("data_officer", refreshed=False)
    assert breakdown(officer, "sex", "children") == {"female": 7, "male": 2}
    page = signed_in("partner").get("/services/reach/?start=2025-01-01&end=2025-12-31")
    assert b"&lt;5" in page.content and b"Counts below 5 are hidden" in page.content


def test_outreach_contacts_not_registered_are_hidden_when_few(reach: Reach) -> None:
    reach.outreach(date(2025, 3, 3), programme=reach.funded)
    assert reach.figures("partner").unregistered is None
    assert reach.figures("data_officer", refreshed=False).unregistered == 1


def test_figure_keys_are_the_five_figures() -> None:
    assert FIGURE_KEYS == ["unique", "children", "caregivers", "indirect", "trained"]
