"""Small cells hidden so that no child can be recognised in a published figure.

**Primary suppression** hides every value that rests on 1 to ``threshold - 1``
records or persons (a count of 3, a share over 2 children, a median of 4 cases).
Zero is shown: nobody can be recognised in nobody.

**Secondary suppression** protects the hidden cells from subtraction. A table's
groups add up to its total (every breakdown counts each person once, in the group
of "not recorded" when the group is unknown), so one hidden cell could be got back
as the total minus the cells shown, and two hidden cells adding up to 3 are known
to be small. While the hidden cells are fewer than two, or add up to less than the
threshold, the smallest cell still shown is hidden as well. A breakdown whose
groups overlap (a case with two concerns) gets the same protection: it costs a
cell, never a child. A hidden total hides every group.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ura.indicators.compute import IndicatorValue, Number

THRESHOLD = 5


@dataclass
class Shown:
    """An indicator value as it may be shown: ``None`` where a cell is hidden."""

    value: Number
    groups: dict[str, Number] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    total_hidden: bool = False

    @property
    def any_hidden(self) -> bool:
        return self.total_hidden or bool(self.hidden)


def shown_as_is(value: IndicatorValue) -> Shown:
    return Shown(value.value, dict(value.groups))


def suppressed(value: IndicatorValue, threshold: int = THRESHOLD) -> Shown:
    """The value with its small cells hidden, primary and secondary."""
    total_hidden = _small(value.base, threshold)
    bases = {key: value.group_bases.get(key) for key in value.groups}
    hidden = set(bases) if total_hidden else hidden_cells(bases, threshold)
    groups = {k: (None if k in hidden else v) for k, v in value.groups.items()}
    return Shown(None if total_hidden else value.value, groups, hidden, total_hidden)


def hidden_cells(bases: dict[str, int | None], threshold: int = THRESHOLD) -> set[str]:
    """The groups to hide: the small ones, then the smallest others until no hidden
    cell can be worked out from the total (module docstring)."""
    hidden = {key for key, base in bases.items() if _small(base, threshold)}
    if not hidden:
        return hidden
    shown = sorted(
        ((base, key) for key, base in bases.items() if key not in hidden and base),
        key=lambda pair: (pair[0], pair[1]),
    )
    while shown and (len(hidden) < 2 or sum(bases[k] or 0 for k in hidden) < threshold):
        hidden.add(shown.pop(0)[1])
    return hidden


def _small(base: int | None, threshold: int) -> bool:
    return base is not None and 0 < base < threshold
