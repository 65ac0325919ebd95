"""Two rows of one file for one child: found by the batch matcher before any row
is written, with the same keys and scores as the check against stored records."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ura.people.duplicates import candidate_from_data, match_threshold
from ura.people.imports.rows import ValidRow
from ura.people.matching import Candidate, find_pairs, score_pair

__all__ = ["EarlierRow", "earlier_matches"]


@dataclass(frozen=True)
class EarlierRow:
    row: int
    score: float
    reasons: tuple[str, ...]


def _candidate(row: ValidRow) -> Candidate:
    # The row number stands in for the id the matcher pairs by.
    return replace(candidate_from_data(row.data), id=f"{row.number:09d}")


def earlier_matches(rows: list[ValidRow]) -> dict[int, list[EarlierRow]]:
    """For each row number, the earlier rows of the file it likely duplicates."""
    candidates = {row.number: _candidate(row) for row in rows}
    found: dict[int, list[EarlierRow]] = {}
    threshold = match_threshold()
    for id_a, id_b, _score in find_pairs(candidates.values(), threshold=threshold):
        first, later = sorted((int(id_a), int(id_b)))
        # Scored again for the reasons, which the batch does not keep.
        result = score_pair(candidates[later], candidates[first])
        found.setdefault(later, []).append(
            EarlierRow(first, result.score, tuple(result.reasons))
        )
    for matches in found.values():
        matches.sort(key=lambda m: (-m.score, m.row))
    return found
