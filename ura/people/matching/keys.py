"""Blocking keys: the few short strings under which a person is filed.

Two records are compared only if they share a key, so the keys decide recall
(a true duplicate must share one even when a name has a typo, the names are
swapped, the date of birth is missing or a year off) and cost (a key must not
gather thousands of people). Each person gets at most eight keys, of five kinds:

====  ===========================================  ===============================
kind  made of                                       still shared when
====  ===========================================  ===============================
y     both name codes (sorted) + birth year         day or month wrong, estimated
b     one name code (4 letters) + full date, x2     the other name misspelt or
                                                    changed
m     one name code (4 letters) + day/month, x2     the other name misspelt and
                                                    the year off
n     both normalised names, sorted                 date missing, person moved
q     one name code + place + the other's           date missing or wrong and
      initial, x2                                   one name misspelt
====  ===========================================  ===============================

Name codes are consonant skeletons (``candidate.name_code``): vowel slips and a
dropped ending do not change them. Names are sorted inside a key and the two
keys of a kind share one namespace, so given/family order does not matter.
Dates put the smaller of day and month first, so 03-04 and 04-03 share a key.

Selectivity at a million people: keys with a full date hold a handful of
people; y and m a few dozen for common names; the widest, n and q for the
commonest family names in the largest town, a few hundred. Keys are readable
(``y:arbn.krsnc:2012``) and at most 32 characters.
"""

from __future__ import annotations

import zlib
from datetime import date

from ura.people.matching.candidate import Candidate, Prepared, prepare

__all__ = ["blocking_keys", "prepared_keys", "MAX_KEY_LENGTH"]

MAX_KEY_LENGTH = 32
_EXACT_NAME_LENGTH = 12
_SHORT_CODE = 4


def _day_month(dob: date) -> str:
    low, high = sorted((dob.day, dob.month))
    return f"{low:02d}{high:02d}"


def prepared_keys(p: Prepared) -> list[str]:
    """The keys of a prepared record (the batch calls this; it skips ``prepare``)."""
    pairs = ((p.given_code, p.given), (p.family_code, p.family))
    named = [(code, name) for code, name in pairs if code]
    if not named:
        return []
    codes = sorted(code for code, _ in named)
    keys: list[str] = []
    if p.dob is not None:
        year = f"{p.dob.year:04d}"
        day_month = _day_month(p.dob)
        keys.append(f"y:{'.'.join(codes)}:{year}")
        initials = "".join(sorted(code[0] for code in codes))
        keys.append(f"i:{initials}:{year}{day_month}")
        for code in codes:
            keys.append(f"m:{code[:_SHORT_CODE]}:{day_month}")
    exact = sorted(name.replace(" ", "")[:_EXACT_NAME_LENGTH] for _, name in named)
    keys.append("n:" + ".".join(exact))
    if p.place:
        # Place codes and names can be long; eight hex digits of a checksum keep
        # the key short and are as selective as the place itself.
        place = f"{zlib.crc32(p.place.encode()):08x}"
        if len(named) == 2:
            (given_code, given), (family_code, family) = named
            keys.append(f"q:{given_code}:{place}:{family[0]}")
            keys.append(f"q:{family_code}:{place}:{given[0]}")
        else:
            keys.append(f"q:{named[0][0]}:{place}:")
    return list(dict.fromkeys(keys))


def blocking_keys(candidate: Candidate) -> frozenset[str]:
    """The keys under which ``candidate`` is filed: at most eight, each ≤ 32 chars.

    A later registration of the same person shares at least one of them with
    high probability (see the module docstring for which key covers which error).
    """
    return frozenset(prepared_keys(prepare(candidate)))
