"""Find every likely duplicate pair among many people, in memory.

The same keys and the same scoring as registration, applied to a whole file:

1. Each person is prepared once and filed under their blocking keys; only the
   keys' 40-bit hashes are kept, in one flat array with a fixed slot per key.
2. For each kind of key, the (hash, row) entries are sorted and people sharing a
   hash form a block. In a block of more than ``SMALL_BLOCK`` people, only the
   pairs the kind is there for are compared (``keys.KINDS``: every pair, or
   pairs whose birth years are a year or a decade apart at most, or pairs where
   a date is missing, estimated or close); the other pairs of such a block
   could only be duplicates if they also shared a narrower key.
3. A pair shares several keys more often than not (same names and same date
   share all of them), so a pair is scored only in the block of the smallest
   hash the two share among the kinds that would compare them. No set of seen
   pairs is kept: at a million people it would outweigh everything else.
4. A block with more than ``MAX_BLOCK_PAIRS`` such pairs (the commonest names)
   is not compared in full: it is sorted by date of birth and place, and each
   person is compared with the ``WINDOW`` people after them (the "sorted
   neighbourhood" method). Such blocks do not count in step 3, so a pair they
   hold is still scored in any other block it shares.
5. With several workers, forked processes share the blocks by hash: each
   finds its share of step 4's blocks, then, knowing them all, compares its
   share.
"""

from __future__ import annotations

import multiprocessing
import random
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import combinations, product
from typing import Protocol

from ura.people.matching.candidate import Candidate, Prepared, prepare
from ura.people.matching.keys import (
    EVERY_PAIR,
    KINDS,
    YEAR_APART,
    prepared_keys,
)
from ura.people.matching.learn import Learned, learn_model
from ura.people.matching.score import (
    DEFAULT_THRESHOLD,
    FITTED,
    NEAR_DAYS,
    Levels,
    Model,
    pair_levels,
)

__all__ = [
    "MAX_BLOCK_PAIRS",
    "WINDOW",
    "BatchStats",
    "Dated",
    "find_pairs",
    "worth_comparing",
]

MAX_BLOCK_PAIRS = 2_000
# With ``learn``: how many random pairs show what different people look like (as
# splink's u estimation; a fixed seed keeps the output reproducible).
RANDOM_PAIRS = 200_000
RANDOM_SEED = 0
SMALL_BLOCK = 8
WINDOW = 10
_HASH_MASK = (1 << 40) - 1
_NO_DATE = date.max
Pair = tuple[int, int]


def _layout() -> tuple[dict[str, int], list[tuple[tuple[int, ...], str]]]:
    """The first slot of each kind, and each pass: (its slots, its pair rule)."""
    first, passes, slot = {}, [], 0
    for kind, (count, rule) in KINDS.items():
        first[kind] = slot
        passes.append((tuple(range(slot, slot + count)), rule))
        slot += count
    return first, passes


_FIRST_SLOT, _PASSES = _layout()
_SLOTS = sum(count for count, _ in KINDS.values())
_SLOT_RULE = [rule for slots, rule in _PASSES for _ in slots]


@dataclass
class BatchStats:
    """What a batch did, for the command's summary and the benchmarks."""

    records: int = 0
    blocks: int = 0
    partial_blocks: int = 0
    comparisons: int = 0
    pairs: int = 0
    learned: Learned | None = None  # with ``learn``: the weights used


def _undated(record: Dated) -> bool:
    return record.dob is None or record.dob_estimated


def _years_close(a: int, b: int) -> bool:
    """A year off, or a slipped decade digit (2015/2005).

    Other one-digit slips (2015/2018) are scored as such when the two meet,
    but looking for them here would compare a whole decade of people.
    """
    return abs(a - b) in (0, 1, 10)


def _admits(rule: str, a: Dated, b: Dated) -> bool:
    """Whether blocks following ``rule`` compare ``a`` and ``b``."""
    if rule == EVERY_PAIR:
        return True
    if rule == YEAR_APART:
        # Only people with a date have these keys.
        if a.dob is None or b.dob is None:
            return False
        return _years_close(a.dob.year, b.dob.year)
    if _undated(a) or _undated(b):
        return True
    return abs((a.dob - b.dob).days) <= NEAR_DAYS  # type: ignore[operator]


class Dated(Protocol):
    """What ``worth_comparing`` reads of a person: their date of birth."""

    @property
    def dob(self) -> date | None: ...
    @property
    def dob_estimated(self) -> bool: ...


def worth_comparing(key: str, a: Dated, b: Dated) -> bool:
    """Whether two people filed under ``key`` are a pair its kind is there for.

    False means that, if they are duplicates at all, a narrower key they share
    brings them together. Registration, which looks up every key of a new
    person, may use it to skip most of the rows of a wide key.
    """
    return _admits(KINDS[key[0]][1], a, b)


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
            # Python's str hash: fast, and fixed for the life of the process
            # (and its forks), which is all a batch needs. A rare 40-bit
            # collision only merges two blocks, that is, adds comparisons.
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


def _dated_order(record: Prepared) -> date:
    return record.dob or _NO_DATE


def _rule_pairs(
    members: list[int], records: list[Prepared], rule: str
) -> list[Pair] | None:
    """The block's pairs that its rule admits, or None if over the limit."""
    if len(members) <= SMALL_BLOCK:
        # Rare names: every pair, as registration would compare them; the
        # rules only pay on the wide blocks of common names.
        return list(combinations(members, 2))
    if rule == EVERY_PAIR:
        if len(members) * (len(members) - 1) // 2 > MAX_BLOCK_PAIRS:
            return None
        return list(combinations(members, 2))
    if rule == YEAR_APART:
        return _year_pairs(members, records)
    loose = [r for r in members if _undated(records[r])]
    if len(loose) * len(members) > MAX_BLOCK_PAIRS:
        return None
    set_loose = set(loose)
    dated = [r for r in members if r not in set_loose]
    pairs = [(a, b) for i, a in enumerate(loose) for b in loose[i + 1 :]]
    pairs += [(a, b) for a in loose for b in dated]
    dated.sort(key=lambda r: _dated_order(records[r]))
    # Sorted by date, the admitted partners of a person are the next few.
    for i, first in enumerate(dated):
        for second in dated[i + 1 :]:
            if not _admits(rule, records[first], records[second]):
                break
            pairs.append((first, second))
        if len(pairs) > MAX_BLOCK_PAIRS:
            return None
    return pairs


def _year_pairs(members: list[int], records: list[Prepared]) -> list[Pair] | None:
    by_year: dict[int, list[int]] = {}
    for row in members:
        by_year.setdefault(records[row].dob.year, []).append(row)  # type: ignore[union-attr]
    years = sorted(by_year)
    pairs: list[Pair] = []
    for i, year in enumerate(years):
        pairs.extend(combinations(by_year[year], 2))
        for other in years[i + 1 :]:
            if _years_close(year, other):
                pairs.extend(product(by_year[year], by_year[other]))
        if len(pairs) > MAX_BLOCK_PAIRS:
            return None
    return pairs


def _window_order(record: Prepared) -> tuple[date, str, str, str]:
    return (_dated_order(record), record.place, record.family, record.given)


def _block_pairs(
    members: list[int], records: list[Prepared], rule: str
) -> tuple[list[Pair], bool]:
    """The pairs of a block to compare, and whether that is less than all of them."""
    pairs = _rule_pairs(members, records, rule)
    if pairs is not None:
        return pairs, False
    ordered = sorted(members, key=lambda row: _window_order(records[row]))
    windowed = [
        (first, second)
        for position, first in enumerate(ordered)
        for second in ordered[position + 1 : position + 1 + WINDOW]
        if _admits(rule, records[first], records[second])
    ]
    return windowed, True


@dataclass
class _Job:
    records: list[Prepared]
    slots: array
    threshold: float
    model: Model = FITTED

    def blocks(self, part: int, parts: int) -> Iterator[tuple[int, list[int], str]]:
        """The blocks whose hash is ``part`` modulo ``parts``, with their rule."""
        for pass_slots, rule in _PASSES:
            for hashed, members in _blocks(self.slots, pass_slots, len(self.records)):
                if hashed % parts == part:
                    yield hashed, members, rule

    def too_large(self, part: int, parts: int) -> tuple[set[int], int]:
        """Step 4's blocks (among this part's), and how many blocks there are."""
        large, count = set(), 0
        for hashed, members, rule in self.blocks(part, parts):
            count += 1
            if _rule_pairs(members, self.records, rule) is None:
                large.add(hashed)
        return large, count

    def owns(self, hashed: int, first: int, second: int, partial: set[int]) -> bool:
        """Whether this block is where the pair gets scored (step 3)."""
        here = first * _SLOTS
        theirs = self.slots[second * _SLOTS : second * _SLOTS + _SLOTS]
        a = b = None
        for slot in range(_SLOTS):
            value = self.slots[here + slot]
            if not value or value == hashed or value in partial or value not in theirs:
                continue
            # Another key the two share: it takes the pair if it is smaller (or
            # this block is a partial one) and its kind would compare the two.
            if value < hashed or hashed in partial:
                if a is None:
                    a, b = self.records[first], self.records[second]
                if _admits(_SLOT_RULE[slot], a, b):  # type: ignore[arg-type]
                    return False
        return True

    def _pairs(
        self, part: int, parts: int, partial: set[int]
    ) -> Iterator[tuple[Pair, bool]]:
        """Each pair of this part's blocks that is scored here, and whether its
        block is a partial one (where the same pair may come up again)."""
        records = self.records
        for hashed, members, rule in self.blocks(part, parts):
            pairs, is_partial = _block_pairs(members, records, rule)
            for first, second in pairs:
                if self.owns(hashed, first, second, partial):
                    pair = (first, second) if first < second else (second, first)
                    yield pair, is_partial

    def compare(
        self, part: int, parts: int, partial: set[int]
    ) -> tuple[dict[Pair, float], int]:
        """Score the pairs of this part's blocks: (pairs at the threshold, count)."""
        records, found, comparisons = self.records, {}, 0
        score, threshold = self.model.score, self.threshold
        for pair, is_partial in self._pairs(part, parts, partial):
            if is_partial and pair in found:
                continue
            comparisons += 1
            value = score(pair_levels(records[pair[0]], records[pair[1]]))
            if value >= threshold:
                found[pair] = value
        return found, comparisons

    def patterns(self, part: int, parts: int, partial: set[int]) -> Counter[Levels]:
        """How many of this part's pairs have each combination of levels."""
        records = self.records
        return Counter(
            pair_levels(records[first], records[second])
            for (first, second), _ in self._pairs(part, parts, partial)
        )


_JOB: _Job | None = None


def _too_large_part(part_of: tuple[int, int]) -> tuple[set[int], int]:
    assert _JOB is not None
    return _JOB.too_large(*part_of)


def _compare_part(
    part_of: tuple[int, int, set[int]],
) -> tuple[dict[Pair, float], int]:
    assert _JOB is not None
    return _JOB.compare(*part_of)


def _patterns_part(part_of: tuple[int, int, set[int]]) -> Counter[Levels]:
    assert _JOB is not None
    return _JOB.patterns(*part_of)


def find_pairs(
    candidates: Iterable[Candidate],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    stats: BatchStats | None = None,
    workers: int = 1,
    learn: bool = False,
) -> Iterator[tuple[str, str, float]]:
    """Yield ``(id_a, id_b, score)`` for every pair scoring at least ``threshold``.

    Each pair once, ``id_a < id_b``, sorted by ids. Nothing is yielded before all
    candidates are read, so an error in the input surfaces before any output.
    With ``workers`` > 1 the blocks are shared among that many forked processes
    (where the platform can fork). With ``learn``, the candidate pairs are first
    counted by their levels and the weights re-estimated on them
    (``matching.learn``); the pairs are then scored with those weights, which
    ``stats.learned`` reports.
    """
    global _JOB
    stats = stats if stats is not None else BatchStats()
    records, slots = _index(candidates)
    stats.records = len(records)
    if len(records) < 2:
        return
    job = _Job(records, slots, threshold)
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        _JOB = job  # inherited by the forked workers rather than pickled
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                parts = [(k, workers) for k in range(workers)]
                sizes = pool.map(_too_large_part, parts)
                partial = set().union(*(large for large, _ in sizes))
                tasks = [(k, workers, partial) for k in range(workers)]
                if learn:
                    counts = sum(pool.map(_patterns_part, tasks), Counter())
                    stats.learned = _learn(counts, records)
                    job.model = stats.learned.model  # the workers fork anew below
                    results = _fresh_pool_compare(job, workers, tasks)
                else:
                    results = pool.map(_compare_part, tasks)
        finally:
            _JOB = None
    else:
        sizes = [job.too_large(0, 1)]
        partial = sizes[0][0]
        if learn:
            stats.learned = _learn(job.patterns(0, 1, partial), records)
            job.model = stats.learned.model
        results = [job.compare(0, 1, partial)]
    stats.blocks = sum(count for _, count in sizes)
    stats.partial_blocks = len(partial)
    found: dict[Pair, float] = {}
    for part_found, comparisons in results:
        found.update(part_found)
        stats.comparisons += comparisons
    yield from _ordered(found, records, stats)


def _learn(candidates: Counter[Levels], records: list[Prepared]) -> Learned:
    """Re-estimate the weights: the candidate pairs against random pairs."""
    rng = random.Random(RANDOM_SEED)
    count = len(records)
    all_pairs = count * (count - 1) // 2
    random_pairs: Counter[Levels] = Counter()
    for _ in range(min(RANDOM_PAIRS, all_pairs)):
        first, second = rng.randrange(count), rng.randrange(count - 1)
        second += second >= first  # any other record, evenly
        random_pairs[pair_levels(records[first], records[second])] += 1
    return learn_model(candidates, random_pairs, all_pairs=all_pairs)


def _fresh_pool_compare(
    job: _Job, workers: int, tasks: list[tuple[int, int, set[int]]]
) -> list[tuple[dict[Pair, float], int]]:
    """Compare in new workers, forked after the job's model changed."""
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return pool.map(_compare_part, tasks)


def _ordered(
    found: dict[Pair, float], records: list[Prepared], stats: BatchStats
) -> Iterator[tuple[str, str, float]]:
    pairs = []
    for (first, second), score in found.items():
        id_a, id_b = records[first].id, records[second].id
        if id_a == id_b:
            continue
        pairs.append((id_a, id_b, score) if id_a < id_b else (id_b, id_a, score))
    pairs.sort()
    stats.pairs = len(pairs)
    yield from pairs
