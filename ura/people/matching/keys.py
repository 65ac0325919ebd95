"""Blocking keys: the few short strings under which a person is filed.

Two records are compared only if they share a key, so the keys decide recall
(a true duplicate must share one even when a name has a typo, the names are
swapped, the date of birth is missing or a year off) and cost (a key must not
gather thousands of people). Each person gets at most seven keys, of five kinds:

====  ========================================  ==================================
kind  made of                                    still shared when
====  ========================================  ==================================
y     both name codes + birth year               day or month wrong, date
                                                 estimated
i     both initials + full date (not             both names misspelt (not their
      estimated)                                 first letters)
m     one name's code (4 letters) + day and      the other name misspelt or
      month (not estimated), x2                  changed, and the year off (or
                                                 its decade digit slipped)
n     both normalised names                      date missing or estimated, and
                                                 the person moved
q     one name's code + the other name's         date missing, estimated or
      initial + place, x2                        mistyped, and one name misspelt
====  ========================================  ==================================

Name codes are consonant skeletons (``candidate.name_code``): vowel slips and a
dropped ending do not change them. Names are sorted inside a key and the two
keys of a kind share one namespace, so given/family order does not matter.
Day and month go smaller first, so 03-04 and 04-03 share a key.

Keys with a full date or both names and a year hold a handful of people, a few
dozen for the commonest names. The others are wide by nature: m (a common family
name and a day and month) and n and q (the commonest full names, or a common
family name in the largest town) gather a hundred to a few hundred people at a
million. ``KINDS`` tells the batch which pairs in such a block can be the
duplicates the key is there for (birth years a year or a decade apart; a date
missing, estimated or close), and the batch compares only those.
Keys are readable (``y:arbn.krsnc:2012``) and at most 32 characters.
"""

from __future__ import annotations

import zlib
from datetime import date
from functools import lru_cache

from ura.people.matching.candidate import Candidate, Prepared, prepare

__all__ = [
    "EVERY_PAIR",
    "KINDS",
    "LOOSE_DATES",
    "MAX_KEY_LENGTH",
    "YEAR_APART",
    "blocking_keys",
    "prepared_keys",
]

MAX_KEY_LENGTH = 32
# Which pairs in a block of a kind can be duplicates that no narrower key finds:
# every pair; pairs whose birth years are a year or a decade apart (m holds one
# name and the day and month, so it is there for slips of the year); pairs where
# one date is missing or estimated, or the dates are close (the kinds that hold
# no date).
EVERY_PAIR, YEAR_APART, LOOSE_DATES = "every", "year", "loose"
# Each kind of key: how many keys of it a person can have, and its pairs.
KINDS = {
    "y": (1, EVERY_PAIR),
    "i": (1, EVERY_PAIR),
    "m": (2, YEAR_APART),
    "n": (1, LOOSE_DATES),
    "q": (2, LOOSE_DATES),
}
_EXACT_NAME_LENGTH = 12
_SHORT_CODE = 4


@lru_cache(maxsize=50_000)
def _date_parts(dob: date) -> tuple[str, str]:
    """(year, day and month with the smaller first), e.g. ("2012", "0304")."""
    low, high = sorted((dob.day, dob.month))
    return f"{dob.year:04d}", f"{low:02d}{high:02d}"


@lru_cache(maxsize=20_000)
def _place_part(place: str) -> str:
    # Place codes and names can be long; eight hex digits of a checksum keep the
    # key short and are as selective as the place itself.
    return f"{zlib.crc32(place.encode()):08x}"


def prepared_keys(p: Prepared) -> list[str]:
    """The keys of a prepared record (the batch calls this; it skips ``prepare``).

    Written for speed: the batch calls it once per person, a million times.
    """
    given, family = p.given_code, p.family_code
    if given and family:
        low, high = (given, family) if given <= family else (family, given)
        both = f"{low}.{high}"
        initials = f"{low[0]}{high[0]}"
        # Each key made of one name's code carries the other name's initial,
        # which a typo rarely touches.
        crossed = tuple({f"{given}.{p.family[0]}", f"{family}.{p.given[0]}"})
        shorts = {low[:_SHORT_CODE], high[:_SHORT_CODE]}
        exact = sorted(
            (
                p.given.replace(" ", "")[:_EXACT_NAME_LENGTH],
                p.family.replace(" ", "")[:_EXACT_NAME_LENGTH],
            )
        )
        names = f"{exact[0]}.{exact[1]}"
    elif given or family:
        both = given or family
        initials = both[0]
        crossed = (f"{both}.",)
        shorts = {both[:_SHORT_CODE]}
        names = (p.given or p.family).replace(" ", "")[:_EXACT_NAME_LENGTH]
    else:
        return []
    keys = []
    if p.dob is not None:
        year, day_month = _date_parts(p.dob)
        keys.append(f"y:{both}:{year}")
        # An estimated date's day and month are made up (1 January, 1 July):
        # keys built on them would only pile up everyone estimated.
        if not p.dob_estimated:
            keys.append(f"i:{initials}:{year}{day_month}")
            keys.extend(f"m:{short}:{day_month}" for short in sorted(shorts))
    keys.append(f"n:{names}")
    if p.place:
        place = _place_part(p.place)
        keys.extend(f"q:{cross}:{place}" for cross in crossed)
    return keys


def blocking_keys(candidate: Candidate) -> frozenset[str]:
    """The keys under which ``candidate`` is filed: at most seven, each ≤ 32 chars.

    A later registration of the same person shares at least one of them with
    high probability (see the module docstring for which key covers which error).
    """
    return frozenset(prepared_keys(prepare(candidate)))
