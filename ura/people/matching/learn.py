"""Re-estimate the matcher's weights on a file, without labels (``ura match --learn``).

The shipped weights (``score.FITTED``) were fitted on labelled pairs from a
register of families, where a different given name with the same family name,
date and place is a twin, and a date of birth years apart is another child. A
file whose duplicates carry other errors (a whole date replaced, a name changed)
and has no family structure is better served by weights estimated on itself. This
is the Fellegi–Sunter model as record linkage tools such as splink fit it:

* ``u``, how often each level of a field occurs between two different people, is
  counted on random pairs of the file (nearly all of them different people);
* ``m``, how often it occurs between two records of one person, and the share of
  matches are estimated by expectation–maximisation on the candidate pairs that
  blocking produces, starting from the shipped model's belief about each pair;
* fields are assumed independent given match or non-match, so a level's weight
  is ``log(m / u)``, and a missing value stays out, as in the shipped model;
* the pairs are counted by their levels, so an iteration costs the number of
  distinct patterns (a few thousand), not the number of pairs.

The result has the shipped model's form (an intercept and a weight per reason
code), so the same reasons explain its scores. The independence assumption is
what a register of families breaks: twins and siblings agree on family name,
place, caregiver and nearly on the date, far more often than random pairs do,
and this model takes many of them for the same child. That is why the fitted
weights stay the default (``docs/benchmarks.md`` has both on both kinds of data).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from ura.people.matching.score import _TABLES, FITTED, Levels, Model

__all__ = ["Learned", "learn_model"]

# Half a pair added to every level's count, so that a level never seen among the
# matches (or the random pairs) gets a large but finite weight.
_PSEUDO_COUNT = 0.5
_MAX_ITERATIONS = 200
_CONVERGED = 1e-6
_EPSILON = 1e-12


@dataclass(frozen=True)
class Learned:
    model: Model
    match_share: float  # estimated share of the candidate pairs that are matches
    iterations: int
    patterns: int


# Each field's level in a pattern, in the order of ``_TABLES``, then swapped names.
def _levels(pattern: Levels) -> tuple[int, ...]:
    given, family, swapped, dob, sex, place, caregiver = pattern
    return (given, family, dob, sex, place, caregiver, int(swapped))


_CODED = [[level for level, code in enumerate(table) if code] for table in _TABLES]
_CODED.append([0, 1])  # not swapped, swapped: both are evidence
_SIZES = [len(table) for table in _TABLES] + [2]


def _rates(counts: Counter[Levels], weight: dict[Levels, float]) -> list[list[float]]:
    """Per field, the (weighted) frequency of each level among the coded ones."""
    tallies = [[0.0] * size for size in _SIZES]
    for pattern, n in counts.items():
        share = weight[pattern] * n
        for field, level in enumerate(_levels(pattern)):
            tallies[field][level] += share
    rates = []
    for field, tally in enumerate(tallies):
        coded = _CODED[field]
        total = sum(tally[level] for level in coded) + _PSEUDO_COUNT * len(coded)
        rates.append([(value + _PSEUDO_COUNT) / total for value in tally])
    return rates


def _odds(share: float) -> float:
    share = min(max(share, _EPSILON), 1 - _EPSILON)
    return math.log(share / (1 - share))


def _model(m: list[list[float]], u: list[list[float]], prior: float) -> Model:
    weights: dict[str, float] = {}
    for field, table in enumerate(_TABLES):
        for level in _CODED[field]:
            weights[table[level]] = math.log(m[field][level] / u[field][level])  # type: ignore[index]
    # "Not swapped" is a level of every pair, so its weight joins the intercept.
    not_swapped = math.log(m[-1][0] / u[-1][0])
    weights["names_swapped"] = math.log(m[-1][1] / u[-1][1]) - not_swapped
    return Model(_odds(prior) + not_swapped, weights)


def learn_model(
    candidates: Counter[Levels],
    random_pairs: Counter[Levels],
    *,
    all_pairs: int,
    start: Model = FITTED,
) -> Learned:
    """Weights for a file, from its candidate pairs and a sample of random pairs,
    each counted by levels; ``all_pairs`` is the number of pairs in the file."""
    if not candidates or not random_pairs:
        return Learned(start, 0.0, 0, len(candidates))
    u = _rates(random_pairs, dict.fromkeys(random_pairs, 1.0))
    total = sum(candidates.values())
    all_pairs = max(all_pairs, total)
    belief = {pattern: start.score(pattern) for pattern in candidates}
    matches, iteration = 0.0, 0
    for iteration in range(1, _MAX_ITERATIONS + 1):  # noqa: B007
        # The pairs blocking leaves out are taken to be different people, so the
        # prior of a match is the expected matches over all the file's pairs.
        matches = sum(belief[p] * n for p, n in candidates.items())
        model = _model(_rates(candidates, belief), u, matches / all_pairs)
        updated = {pattern: model.score(pattern) for pattern in candidates}
        moved = max(abs(updated[p] - belief[p]) for p in candidates)
        belief = updated
        if moved < _CONVERGED:
            break
    return Learned(model, matches / total, iteration, len(candidates))
