"""From counted people to the tables shown: the five figures, their breakdowns,
and the hiding of small cells for partners.

A counted person is a key: which figures they are in (bits), and their sex, age
band, community and disability. Every cell is a sum over keys, so a breakdown
always adds up to its figure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ura.people.forms import AGE_BANDS, community_choices
from ura.people.models import Sex
from ura.statistics.queries import SUPPRESSION_THRESHOLD

CHILD, ADULT, TRAINED, INDIRECT = 1, 2, 4, 8

FIGURES = [
    ("unique", _("Unique people reached"), CHILD | ADULT | TRAINED | INDIRECT),
    ("children", _("Children directly supported"), CHILD),
    ("caregivers", _("Parents and caregivers supported"), ADULT),
    ("indirect", _("People reached indirectly"), INDIRECT),
    ("trained", _("Professionals trained"), TRAINED),
]
FIGURE_KEYS = [f[0] for f in FIGURES]
# The figures whose union is "unique": a partner must not get a hidden one back
# from the others and the total.
PARTS = ["children", "caregivers", "indirect", "trained"]

UNKNOWN = "unknown"
AGE_UNKNOWN = UNKNOWN


def sex_values() -> list[tuple[str, str]]:
    return [(c.value, c.label) for c in Sex]


def age_values() -> list[tuple[str, str]]:
    return [*AGE_BANDS, (AGE_UNKNOWN, pgettext_lazy("age", "Unknown"))]


def community_values() -> list[tuple[str, str]]:
    """The deployment's communities; "declined" is shown with "unknown"."""
    return [(v, label) for v, label in community_choices() if v != "declined"]


def disability_values() -> list[tuple[str, str]]:
    return [
        ("yes", _("With a functional difficulty")),
        ("no", _("Without")),
        (UNKNOWN, pgettext_lazy("disability", "Not known")),
    ]


BREAKDOWNS = [
    ("sex", _("By sex"), sex_values),
    ("age", _("By age at the end of the period"), age_values),
    ("community", _("By community"), community_values),
    ("disability", _("By functional difficulty (disability)"), disability_values),
]


@dataclass
class Row:
    value: str
    label: str
    counts: list[int | None]  # one per figure, in FIGURES order


@dataclass
class Breakdown:
    key: str
    label: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class Tables:
    totals: list[int | None]  # one per figure
    breakdowns: list[Breakdown]

    def figure(self, key: str) -> int | None:
        return self.totals[FIGURE_KEYS.index(key)]


# A person: (bits, sex, age band, community, disability).
Key = tuple[int, str, str, str, str]


def tables_from(people: Counter[Key]) -> Tables:
    totals = [0] * len(FIGURES)
    cells: dict[str, Counter[tuple[str, int]]] = {b[0]: Counter() for b in BREAKDOWNS}
    for (bits, *values), n in people.items():
        if not bits:
            continue
        for f, (_key, _label, mask) in enumerate(FIGURES):
            if bits & mask:
                totals[f] += n
                for (b, _l, _v), value in zip(BREAKDOWNS, values, strict=True):
                    cells[b][(value, f)] += n
    breakdowns = []
    for key, label, values in BREAKDOWNS:
        rows = [
            Row(v, str(lab), [cells[key][(v, f)] for f in range(len(FIGURES))])
            for v, lab in values()
        ]
        breakdowns.append(Breakdown(key, str(label), rows))
    return Tables(totals, breakdowns)


# ------------------------------------------------------------------ suppression


def _hide_one_more(group: list[list[int | None]], margin: list[int | None]) -> bool:
    """``group`` are cells that add up to ``margin[0]`` (each a one-item list, so
    they can be hidden in place). When exactly one is hidden and the margin is
    shown, the hidden one is the margin minus the others: hide the smallest other
    non-zero cell too, or the margin if there is none. Returns whether anything
    was hidden."""
    hidden = [c for c in group if c[0] is None]
    if len(hidden) != 1 or margin[0] is None:
        return False
    shown = [c for c in group if c[0]]
    target = min(shown, key=lambda c: c[0]) if shown else margin
    target[0] = None
    return True


def suppress(tables: Tables) -> Tables:
    """Counts from 1 to 4 hidden, and the cells that would give one back by
    subtraction (ura.statistics' rule, for tables with many cells): within each
    breakdown against its figure, and across the figures against the unique
    people reached."""
    small = range(1, SUPPRESSION_THRESHOLD)
    totals = [[None if t in small else t] for t in tables.totals]
    grids = [
        [[[None if c in small else c] for c in row.counts] for row in b.rows]
        for b in tables.breakdowns
    ]
    unique, parts = 0, [FIGURE_KEYS.index(k) for k in PARTS]
    changed = True
    while changed:
        changed = False
        for grid in grids:
            for f in range(len(FIGURES)):
                column = [row[f] for row in grid]
                changed |= _hide_one_more(column, totals[f])
            for row in grid:
                changed |= _hide_one_more([row[f] for f in parts], row[unique])
        changed |= _hide_one_more([totals[f] for f in parts], totals[unique])
    breakdowns = [
        Breakdown(
            b.key,
            b.label,
            [
                Row(r.value, r.label, [c[0] for c in cells])
                for r, cells in zip(b.rows, grid, strict=True)
            ],
        )
        for b, grid in zip(tables.breakdowns, grids, strict=True)
    ]
    return Tables([t[0] for t in totals], breakdowns)


def hidden_if_small(count: int) -> int | None:
    return None if 0 < count < SUPPRESSION_THRESHOLD else count
