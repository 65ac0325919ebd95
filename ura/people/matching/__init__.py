"""Duplicate detection for people registered in Albanian and Serbian spellings.

Pure Python (no Django): registration calls ``blocking_keys`` and ``score_pair``
against the rows its key table returns; ``ura match`` runs ``find_pairs`` over a
whole file. Both use the same normalisation, keys and weights.
"""

from ura.people.matching.batch import BatchStats, find_pairs, worth_comparing
from ura.people.matching.candidate import Candidate
from ura.people.matching.files import (
    COLUMNS,
    CandidateFileError,
    read_candidates,
    write_pairs,
)
from ura.people.matching.keys import MAX_KEY_LENGTH, blocking_keys
from ura.people.matching.normalise import normalise_name, normalise_place
from ura.people.matching.score import (
    DEFAULT_THRESHOLD,
    REASONS,
    MatchResult,
    score_pair,
)

__all__ = [
    "COLUMNS",
    "DEFAULT_THRESHOLD",
    "MAX_KEY_LENGTH",
    "REASONS",
    "BatchStats",
    "Candidate",
    "CandidateFileError",
    "MatchResult",
    "blocking_keys",
    "find_pairs",
    "normalise_name",
    "normalise_place",
    "read_candidates",
    "score_pair",
    "worth_comparing",
    "write_pairs",
]
