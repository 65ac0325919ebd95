"""Days as bits: the reach summary stores, for each person and year, the days on
which something happened as six 61-bit words (6 x 61 = 366 days).

A day is bit ``doy`` of its year (0 for 1 January). Six words of 61 bits fit
signed 64-bit integers, which SQLite and PostgreSQL both compute with (``&``), so a
period of any length is tested in the database with one AND per word, and a
person counted in a year is one row however many sessions they came to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from functools import lru_cache

WORD_BITS = 61
WORDS = 6
WORD_MASK = (1 << WORD_BITS) - 1
FAR_PAST = date(1900, 1, 1)
FAR_FUTURE = date(9999, 12, 31)


def day_bit(day: date) -> int:
    """The position of ``day`` in its year's bits."""
    return day.toordinal() - _new_year(day.year)


@lru_cache(maxsize=512)
def _new_year(year: int) -> int:
    return date(year, 1, 1).toordinal()


@lru_cache(maxsize=4096)
def range_bits(year: int, first: date | None, last: date | None) -> int:
    """The bits of the days of ``year`` from ``first`` to ``last`` (inclusive;
    None is open-ended). 0 when the range misses the year."""
    start = max(first or FAR_PAST, date(year, 1, 1))
    end = min(last or FAR_FUTURE, date(year, 12, 31))
    if end < start:
        return 0
    low, high = day_bit(start), day_bit(end)
    return ((1 << (high - low + 1)) - 1) << low


def year_bits(year: int) -> int:
    return range_bits(year, None, None)


def split(bits: int) -> list[int | None]:
    """A year's bits as the six stored words; an empty word is None (stored as
    NULL, which costs nothing in PostgreSQL's rows)."""
    words: list[int | None] = []
    for k in range(WORDS):
        word = (bits >> (k * WORD_BITS)) & WORD_MASK
        words.append(word or None)
    return words


def join(words: Sequence[int | None]) -> int:
    bits = 0
    for k, word in enumerate(words):
        if word:
            bits |= int(word) << (k * WORD_BITS)
    return bits


def years_of(first: date, last: date) -> range:
    return range(first.year, last.year + 1)


def days_by_year(days: Iterable[date]) -> dict[int, int]:
    """Bits per year for a set of days."""
    out: dict[int, int] = {}
    for day in days:
        out[day.year] = out.get(day.year, 0) | (1 << day_bit(day))
    return out


def ranges_by_year(first: date, last: date) -> dict[int, int]:
    """Bits per year for every day from ``first`` to ``last``."""
    return {y: range_bits(y, first, last) for y in years_of(first, last)}


def first_day(bits: int, year: int) -> date | None:
    """The earliest day set in a year's bits (tests and checks)."""
    if not bits:
        return None
    low = (bits & -bits).bit_length() - 1
    return date(year, 1, 1) + timedelta(days=low)
