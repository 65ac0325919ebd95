"""A person as the matcher sees them, and the prepared form it compares.

``Candidate`` is what callers hand in (the registration form, a database row, a
CSV line). ``prepare`` turns it into ``Prepared`` once: normalised names, their
codes, the place. Scoring a pair then touches only prepared values, which is
what makes a million-record batch affordable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from ura.people.matching.normalise import normalise_name, normalise_place

__all__ = ["Candidate", "Prepared", "prepare", "name_code"]

SEX_UNKNOWN, SEX_FEMALE, SEX_MALE = 0, 1, 2
_SEXES = {"female": SEX_FEMALE, "male": SEX_MALE}

# Vowels, and h and j, carry the least of a name's identity once the spelling
# pairs are folded: Albanian drops or adds a final vowel (Krasniqi/Krasniq), h is
# often silent (Hajdari/Ajdari), and j is what dj/đ/d typing variants differ by.
_SKELETON_DROP = re.compile("[aeiouhj]")
CODE_LENGTH = 8


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    given_name: str
    family_name: str
    sex: str = ""  # "female", "male" or "" when unknown
    date_of_birth: date | None = None
    dob_estimated: bool = False
    place: str = ""  # a place code or name, compared for equality after normalising
    caregiver_name: str = ""


class Prepared(NamedTuple):
    id: str
    given: str
    family: str
    given_code: str
    family_code: str
    sex: int
    dob: date | None
    dob_estimated: bool
    place: str
    caregiver: str


@lru_cache(maxsize=200_000)
def name_code(normalised: str) -> str:
    """A consonant skeleton of a normalised name: first letter, then consonants.

    Spaces, vowels, h and j are dropped after the first letter ("krasnici" →
    "krsnc", "djordje" → "drd"), so spelling variants that survive normalisation
    (vowel slips, a dropped ending, d/dj) still share a code. Cut to eight
    letters to keep blocking keys short.
    """
    compact = normalised.replace(" ", "")
    if not compact:
        return ""
    return (compact[0] + _SKELETON_DROP.sub("", compact[1:]))[:CODE_LENGTH]


def prepare(candidate: Candidate) -> Prepared:
    given = normalise_name(candidate.given_name)
    family = normalise_name(candidate.family_name)
    return Prepared(
        id=candidate.id,
        given=given,
        family=family,
        given_code=name_code(given),
        family_code=name_code(family),
        sex=_SEXES.get(candidate.sex, SEX_UNKNOWN),
        dob=candidate.date_of_birth,
        dob_estimated=candidate.dob_estimated,
        place=normalise_place(candidate.place) if candidate.place else "",
        caregiver=normalise_name(candidate.caregiver_name)
        if candidate.caregiver_name
        else "",
    )
