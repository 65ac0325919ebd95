"""Find every likely duplicate pair among many people, in memory.

The same keys and the same scoring as registration, applied to a whole file:

1. Each person is prepared once and filed under their blocking keys; only the
   keys' 40-bit hashes are kept, eight slots per person in one flat array.
2. For each kind of key, the (hash, row) entries are sorted and people sharing a
   hash form a block. Blocks are compared pair by pair.
3. A pair shares several keys more often than not (same names and same date
   share all of them), so a pair is scored only in the block of the smallest
   hash the two share. No set of seen pairs is kept: at a million people that
   set would be larger than everything else together.
4. A block larger than ``MAX_BLOCK`` (the commonest full names, in the keys
   without a date) is not compared all against all: it is sorted by date of
   birth and place and each person is compared with the ``WINDOW`` people after
   them (the "sorted neighbourhood" method). Such blocks do not count as shared
   in step 3, so a pair they hold is still scored in any other block it shares.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from ura.people.matching.candidate import Candidate, Prepared, prepare
from ura.people.matching.keys import prepared_keys
from ura.people.matching.score import DEFAULT_THRESHOLD, score_prepared

__all__ = ["BatchStats", "find_pairs", "MAX_BLOCK", "WINDOW"]

MAX_BLOCK = 100
WINDOW = 20
_SLOTS = 7
# Where each kind of key goes in a person's row of slots; the kinds with two
# keys (one per name) take two slots and meet in one pass, so that a key made
# from the given name of one record meets the same key made from the family name
# of a record with the names swapped.
_FIRST_SLOT = {"y": 0, "i": 1, "m": 2, "n": 4, "q": 5}
_PASSES = ((0,), (1,), (2, 3), (4,), (5, 6))
_HASH_BITS = 40
_HASH_MASK = (1 << _HASH_BITS) - 1
_NO_DATE = date.max


@dataclass
class BatchStats:
    """What a batch did, for the command's summary and the benchmarks."""

    records: int = 0
    blocks: int = 0
    large_blocks: int = 0
    comparisons: int = 0
    pairs: int = 0


def _index(candidates: Iterable[Candidate]) -> tuple[list[Prepared], array]:
    records: list[Prepared] = []
    slots = array("q")
    for candidate in candidates:
        prepared = prepare(candidate)
        records.append(prepared)
        row = [0] * _SLOTS
        for key in prepared_keys(prepared):
            slot = _FIRST_SLOT[key[0]]
            if row[slot]:
                slot += 1
            # Python's str hash: fast, and fixed for the life of the process,
            # which is all a batch needs. A rare 40-bit collision only merges two
            # blocks, that is, adds a few comparisons.
            row[slot] = (hash(key) & _HASH_MASK) or 1
        slots.extend(row)
    return records, slots


def _blocks(
    slots: array, pass_slots: tuple[int, ...], rows: int
) -> Iterator[tuple[int, list[int]]]:
    """(hash, rows) for every hash shared by at least two people in this pass."""
    row_bits = max(1, (rows - 1).bit_length())
    row_mask = (1 << row_bits) - 1
    entries = sorted(
        (slots[row * _SLOTS + slot] << row_bits) | row
        for row in range(rows)
        for slot in pass_slots
        if slots[row * _SLOTS + slot]
    )
    current, members = -1, []
    for entry in entries:
        hashed = entry >> row_bits
        if hashed == current:
            members.append(entry & row_mask)
            continue
        if len(members) > 1:
            yield current, members
        current, members = hashed, [entry & row_mask]
    if len(members) > 1:
        yield current, members


def _window_order(record: Prepared) -> tuple[date, str, str, str]:
    return (record.dob or _NO_DATE, record.place, record.family, record.given)


def _block_pairs(
    members: list[int], records: list[Prepared]
) -> Iterator[tuple[int, int]]:
    if len(members) <= MAX_BLOCK:
        for position, first in enumerate(members):
            for second in members[position + 1 :]:
                yield first, second
        return
    ordered = sorted(members, key=lambda row: _window_order(records[row]))
    for position, first in enumerate(ordered):
        for second in ordered[position + 1 : position + 1 + WINDOW]:
            yield first, second


def find_pairs(
    candidates: Iterable[Candidate],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    stats: BatchStats | None = None,
) -> Iterator[tuple[str, str, float]]:
    """Yield ``(id_a, id_b, score)`` for every pair scoring at least ``threshold``.

    Each pair once, ``id_a < id_b``, sorted by ids. Nothing is yielded before all
    candidates are read, so an error in the input surfaces before any output.
    """
    stats = stats if stats is not None else BatchStats()
    records, slots = _index(candidates)
    stats.records = rows = len(records)
    if rows < 2:
        return
    large: set[int] = set()
    for pass_slots in _PASSES:
        for hashed, members in _blocks(slots, pass_slots, rows):
            stats.blocks += 1
            if len(members) > MAX_BLOCK:
                large.add(hashed)
    stats.large_blocks = len(large)
    found: dict[tuple[int, int], float] = {}
    for pass_slots in _PASSES:
        for hashed, members in _blocks(slots, pass_slots, rows):
            in_large = hashed in large
            for first, second in _block_pairs(members, records):
                shared = set(slots[first * _SLOTS : first * _SLOTS + _SLOTS])
                shared.intersection_update(
                    slots[second * _SLOTS : second * _SLOTS + _SLOTS]
                )
                shared.discard(0)
                shared.difference_update(large)
                if shared and min(shared) != hashed:
                    continue  # scored in the block of a smaller shared key
                pair = (first, second) if first < second else (second, first)
                if in_large and pair in found:
                    continue
                stats.comparisons += 1
                score = score_prepared(records[first], records[second])
                if score >= threshold:
                    found[pair] = score
    pairs = []
    for (first, second), score in found.items():
        id_a, id_b = records[first].id, records[second].id
        if id_a == id_b:
            continue
        pairs.append((id_a, id_b, score) if id_a < id_b else (id_b, id_a, score))
    pairs.sort()
    stats.pairs = len(pairs)
    yield from pairs
