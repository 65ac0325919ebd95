"""Small cells: no table shown to a partner reveals a value resting on 1 to 4
people, directly or by subtracting the cells shown from the total."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ura.indicators.compute import IndicatorValue
from ura.indicators.suppression import THRESHOLD, hidden_cells, suppressed

groups = st.dictionaries(
    st.sampled_from(["female", "male", "", "0-4", "5-9", "roma", "XK-01", "XK-02"]),
    st.integers(min_value=0, max_value=40),
    min_size=1,
)


def _counts(cells: dict[str, int]) -> IndicatorValue:
    total = sum(cells.values())
    return IndicatorValue(total, dict(cells), total, dict(cells))


@given(groups)
def test_no_small_cell_can_be_read_or_worked_out(cells: dict[str, int]) -> None:
    shown = suppressed(_counts(cells))
    for key, value in shown.groups.items():
        assert value is None or value == 0 or value >= THRESHOLD, key
    if shown.total_hidden:
        assert all(v is None for v in shown.groups.values())
        return
    # The total minus the cells shown is what an attacker learns of the hidden:
    # nothing when no cell is hidden, else at least two cells and the threshold.
    hidden = [cells[k] for k in shown.hidden]
    assert not hidden or (len(hidden) >= 2 and sum(hidden) >= THRESHOLD)
    assert sum(cells.values()) - sum(v or 0 for v in shown.groups.values()) == sum(
        hidden
    )


def test_one_small_cell_takes_the_smallest_other_with_it() -> None:
    assert hidden_cells({"female": 3, "male": 40, "": 7}) == {"female", ""}


def test_two_small_cells_below_the_threshold_take_a_third() -> None:
    assert hidden_cells({"a": 1, "b": 2, "c": 9, "d": 30}) == {"a", "b", "c"}


def test_zero_is_shown_and_nothing_is_hidden_without_a_small_cell() -> None:
    assert hidden_cells({"a": 0, "b": 5, "c": 12}) == set()


def test_a_small_total_hides_every_group() -> None:
    shown = suppressed(_counts({"female": 2, "male": 1}))
    assert shown.value is None and shown.groups == {"female": None, "male": None}


def test_a_share_is_hidden_where_its_denominator_is_small() -> None:
    value = IndicatorValue(
        0.5, {"roma": 0.5, "other": 0.4}, 24, {"roma": 4, "other": 20}
    )
    shown = suppressed(value)
    assert shown.value == 0.5
    assert shown.groups == {"roma": None, "other": None}
