"""How alike two people are: a score from 0 to 1 and the reasons behind it.

Each field is compared to a level (same, similar, ..., differs; a missing value
says nothing), and each level that is present is a reason code. The score is a
logistic model over those codes: ``1 / (1 + exp(-(INTERCEPT + Σ WEIGHTS[code])))``.
So the reasons the UI shows are exactly the terms that made the score.

The weights were fitted by ``benchmarks/matching/fit_weights.py`` (logistic
regression with a small L2 penalty, numpy, Newton steps) on the candidate pairs
that blocking produces on a synthetic population of 60,000 Albanian, Serbian and
Roma names (seed 7, a different seed from the accuracy benchmark), labelled with
the generator's truth. Rerun that script and paste its output here after any
change to the levels or to blocking.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from rapidfuzz.distance import OSA, JaroWinkler

from ura.people.matching.candidate import (
    SEX_UNKNOWN,
    Candidate,
    Prepared,
    prepare,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "FITTED",
    "Model",
    "REASONS",
    "MatchResult",
    "score_pair",
    "score_prepared",
    "pair_levels",
]

# Every reason code a MatchResult can carry, in the order they are reported.
REASONS: tuple[str, ...] = (
    "given_name_same",
    "given_name_similar",
    "given_name_close",
    "given_name_differs",
    "family_name_same",
    "family_name_similar",
    "family_name_close",
    "family_name_differs",
    "names_swapped",
    "dob_same",
    "dob_day_month_swapped",
    "dob_year_off",
    "dob_one_part_differs",
    "dob_estimated_close",
    "dob_near",
    "dob_differs",
    "sex_same",
    "sex_differs",
    "place_same",
    "place_differs",
    "caregiver_same",
    "caregiver_similar",
    "caregiver_differs",
)

# Fitted weights (log-odds); see the module docstring for how. Last fit:
# `fit_weights --records 60000 --seed 7`, 164,833 candidate pairs of which 16,468
# true, F1 0.976 on them at the threshold below. The weight of sex_same is a
# little below zero only because nearly every pair has it (the intercept carries
# it); sex_differs is what counts.
INTERCEPT = -7.448
WEIGHTS: dict[str, float] = {
    "given_name_same": 3.845,
    "given_name_similar": 3.437,
    "given_name_close": 0.894,
    "given_name_differs": -8.176,
    "family_name_same": 2.406,
    "family_name_similar": 2.192,
    "family_name_close": 0.080,
    "family_name_differs": -4.677,
    "names_swapped": 0.820,
    "dob_same": 6.657,
    "dob_day_month_swapped": 5.294,
    "dob_year_off": 5.412,
    "dob_one_part_differs": 2.278,
    "dob_estimated_close": 1.871,
    "dob_near": -1.373,
    "dob_differs": -5.244,
    "sex_same": -0.444,
    "sex_differs": -6.067,
    "place_same": 2.581,
    "place_differs": -2.209,
    "caregiver_same": 3.147,
    "caregiver_similar": 1.537,
    "caregiver_differs": -4.781,
}
# The threshold that maximised F1 on the training pairs. A deployment may set its
# own (`ura match --threshold`, or whatever setting registration reads): higher
# means fewer, surer suggestions.
DEFAULT_THRESHOLD = 0.5

# Levels, as indexes into the per-field tables below. A missing value is no
# evidence either way, so it has no reason code and no weight.
SAME, SIMILAR, CLOSE, DIFFERS, MISSING = range(5)
DOB_SAME, DOB_SWAPPED, DOB_YEAR_OFF, DOB_ONE_PART, DOB_ESTIMATED = range(5)
DOB_NEAR, DOB_DIFFERS, DOB_MISSING = 5, 6, 7

_SIMILAR_AT = 0.92
_CLOSE_AT = 0.84
# An estimated date of birth is usually 1 January or 1 July of a guessed year.
_ESTIMATED_WITHIN_DAYS = 730
# Two errors in one date (a year off and a mistyped day) still land this close;
# siblings other than twins are rarely born closer.
NEAR_DAYS = 400
# Order of preference when choosing between the direct and the swapped reading.
_RANK = {SAME: 4, SIMILAR: 3, CLOSE: 2, MISSING: 1, DIFFERS: 0}


def _codes(prefix: str, levels: tuple[str, ...]) -> tuple[str | None, ...]:
    return tuple(f"{prefix}_{level}" if level else None for level in levels)


_GIVEN = _codes("given_name", ("same", "similar", "close", "differs", ""))
_FAMILY = _codes("family_name", ("same", "similar", "close", "differs", ""))
_DOB = _codes(
    "dob",
    (
        "same",
        "day_month_swapped",
        "year_off",
        "one_part_differs",
        "estimated_close",
        "near",
        "differs",
        "",
    ),
)
_SEX = _codes("sex", ("same", "", "", "differs", ""))
_PLACE = _codes("place", ("same", "", "", "differs", ""))
_CAREGIVER = _codes("caregiver", ("same", "similar", "", "differs", ""))
_TABLES = (_GIVEN, _FAMILY, _DOB, _SEX, _PLACE, _CAREGIVER)
# A pair's levels: (given, family, swapped, dob, sex, place, caregiver).
Levels = tuple[int, int, bool, int, int, int, int]


def _name_level(a: str, b: str, code_a: str, code_b: str) -> int:
    if not a or not b:
        return MISSING
    if a == b:
        return SAME
    if " " in a or " " in b:
        return _names_level(a, b)
    similarity = JaroWinkler.similarity(a, b)
    if similarity >= _SIMILAR_AT:
        return SIMILAR
    # One slip in a short name ("Ana"/"Aba") costs Jaro-Winkler a lot; in a long
    # one it is surely a slip, in a short one it may be another name ("Ana"/"Ena").
    if OSA.distance(a, b, score_cutoff=1) <= 1:
        return SIMILAR if min(len(a), len(b)) >= 5 else CLOSE
    if similarity >= _CLOSE_AT or code_a == code_b:
        return CLOSE
    return DIFFERS


def _names_level(a: str, b: str, *, words: bool = True) -> int:
    """Names of several words: "Ana Marija" and "Ana" are one name written twice.

    With ``words``, a single word in common (and nothing else) is CLOSE.
    """
    if a.replace(" ", "") == b.replace(" ", ""):
        return SAME
    if JaroWinkler.similarity(a, b) >= _SIMILAR_AT:
        return SIMILAR
    words_a, words_b = set(a.split()), set(b.split())
    if words_a <= words_b or words_b <= words_a:
        return SIMILAR
    if not words:
        return DIFFERS
    best = max(JaroWinkler.similarity(x, y) for x in words_a for y in words_b)
    return CLOSE if best >= _SIMILAR_AT else DIFFERS


def _dob_level(a: date | None, b: date | None, estimated: bool) -> int:
    if a is None or b is None:
        return DOB_MISSING
    if estimated:
        # Two estimates, or an estimate and a real date: only nearness counts.
        close = abs((a - b).days) <= _ESTIMATED_WITHIN_DAYS
        return DOB_ESTIMATED if close else DOB_DIFFERS
    if a == b:
        return DOB_SAME
    if a.year == b.year and a.month == b.day and a.day == b.month:
        return DOB_SWAPPED
    if a.month == b.month and a.day == b.day:
        if abs(a.year - b.year) == 1:
            return DOB_YEAR_OFF
        # Another year is one mistyped digit (2016/2019) or a different person.
        typo = sum(x != y for x, y in zip(str(a.year), str(b.year), strict=False))
        return DOB_ONE_PART if typo == 1 else DOB_DIFFERS
    if a.year == b.year and (a.month == b.month or a.day == b.day):
        return DOB_ONE_PART
    apart = abs((a - b).days)
    if b.day <= 12:
        # Day and month swapped as well as another slip.
        apart = min(apart, abs((a - date(b.year, b.day, b.month)).days))
    return DOB_NEAR if apart <= NEAR_DAYS else DOB_DIFFERS


def _field_level(a: object, b: object) -> int:
    if not a or not b:
        return MISSING
    return SAME if a == b else DIFFERS


def pair_levels(a: Prepared, b: Prepared) -> Levels:
    """(given, family, swapped, dob, sex, place, caregiver) levels of a pair."""
    given = _name_level(a.given, b.given, a.given_code, b.given_code)
    family = _name_level(a.family, b.family, a.family_code, b.family_code)
    swapped = False
    if given > SIMILAR or family > SIMILAR:
        # Given and family names entered the other way round (common when one
        # office writes "Krasniqi Arben").
        s_given = _name_level(a.given, b.family, a.given_code, b.family_code)
        s_family = _name_level(a.family, b.given, a.family_code, b.given_code)
        if _RANK[s_given] + _RANK[s_family] > _RANK[given] + _RANK[family]:
            # Which record has its names the wrong way round is unknown, so
            # which comparison is "the given name" is too: take the cautious
            # reading, where the given names are the pair that agrees less
            # (a given name differing weighs more than a family name differing).
            worse, better = sorted((s_given, s_family), key=_RANK.__getitem__)
            given, family, swapped = worse, better, True
    dob = _dob_level(a.dob, b.dob, a.dob_estimated or b.dob_estimated)
    sex = (
        MISSING
        if a.sex == SEX_UNKNOWN or b.sex == SEX_UNKNOWN
        else (SAME if a.sex == b.sex else DIFFERS)
    )
    place = _field_level(a.place, b.place)
    if not a.caregiver or not b.caregiver:
        caregiver = MISSING
    elif a.caregiver == b.caregiver:
        caregiver = SAME
    else:
        # One word in common (the family name every relative shares) is no sign
        # of the same caregiver, so the word by word step is skipped.
        caregiver = _names_level(a.caregiver, b.caregiver, words=False)
    return given, family, swapped, dob, sex, place, caregiver


def _reasons(levels: Levels) -> list[str]:
    given, family, swapped, dob, sex, place, caregiver = levels
    found = [
        _GIVEN[given],
        _FAMILY[family],
        "names_swapped" if swapped else None,
        _DOB[dob],
        _SEX[sex],
        _PLACE[place],
        _CAREGIVER[caregiver],
    ]
    return [code for code in found if code is not None]


class Model:
    """An intercept and a weight per reason code, with the weights laid out by
    level so that the batch adds numbers without building reason lists.

    ``FITTED`` is the model above; ``ura match --learn`` re-estimates one on a
    file (``matching.learn``).
    """

    __slots__ = ("intercept", "weights", "_tables", "_swapped")

    def __init__(self, intercept: float, weights: dict[str, float]) -> None:
        self.intercept = intercept
        self.weights = dict(weights)
        self._tables = tuple(
            tuple(weights[code] if code else 0.0 for code in table) for table in _TABLES
        )
        self._swapped = weights["names_swapped"]

    def logit(self, levels: Levels) -> float:
        given, family, swapped, dob, sex, place, caregiver = levels
        w_given, w_family, w_dob, w_sex, w_place, w_caregiver = self._tables
        return (
            self.intercept
            + w_given[given]
            + w_family[family]
            + (self._swapped if swapped else 0.0)
            + w_dob[dob]
            + w_sex[sex]
            + w_place[place]
            + w_caregiver[caregiver]
        )

    def score(self, levels: Levels) -> float:
        logit = self.logit(levels)
        if logit < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-logit)) if logit < 30 else 1.0


FITTED = Model(INTERCEPT, WEIGHTS)


def _sigmoid(logit: float) -> float:
    if logit < -30:
        return 0.0
    if logit > 30:
        return 1.0
    return 1.0 / (1.0 + math.exp(-logit))


def score_prepared(a: Prepared, b: Prepared, model: Model = FITTED) -> float:
    """The score of two prepared records; the batch's fast path of ``score_pair``."""
    return model.score(pair_levels(a, b))


@dataclass(frozen=True)
class MatchResult:
    score: float  # 0..1
    reasons: tuple[str, ...]  # codes from REASONS, in that order


def score_pair(a: Candidate, b: Candidate) -> MatchResult:
    """How likely ``a`` and ``b`` are the same person, and why."""
    pa, pb = prepare(a), prepare(b)
    reasons = tuple(_reasons(pair_levels(pa, pb)))
    return MatchResult(score=score_prepared(pa, pb), reasons=reasons)
