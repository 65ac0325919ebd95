"""``ura match INPUT.csv --out PAIRS.csv [--threshold X] [--learn]``: duplicates
in a file.

Reads people in the ``ura.people.matching.files`` CSV format, writes
``id_a,id_b,score`` for every pair judged to be the same person, and never
touches the database: it is the registration matcher run over a file, for
migrations from other registers and for the benchmarks.
"""

import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ura.people.matching import (
    DEFAULT_THRESHOLD,
    REASONS,
    BatchStats,
    CandidateFileError,
    find_pairs,
    read_candidates,
    write_pairs,
)
from ura.people.matching.learn import Learned


def _threshold(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise ValueError(text)
    return value


def _default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class Command(BaseCommand):
    help = (
        "Find likely duplicate people in a CSV file (id,given_name,family_name,sex,"
        "date_of_birth,place,caregiver_name) and write id_a,id_b,score. "
        "Does not use the database."
    )
    # No system checks: they would import every app's models and may query the
    # database, and this command must run on a machine with no database at all.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path, help="people, as CSV (UTF-8)")
        parser.add_argument(
            "--out", type=Path, required=True, help="where to write the pairs (CSV)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=_default_workers(),
            help="processes that share the comparisons (default: the CPU count, "
            "at most 4)",
        )
        parser.add_argument(
            "--threshold",
            type=_threshold,
            default=DEFAULT_THRESHOLD,
            help=f"lowest score written, 0 to 1 (default {DEFAULT_THRESHOLD})",
        )
        parser.add_argument(
            "--learn",
            action="store_true",
            help="re-estimate the weights on this file first (no labels needed), "
            "for files whose errors differ from a family register's",
        )

    def handle(self, *args: object, **options: object) -> None:
        # call_command() hands keyword options over without the parser's types.
        source, out = Path(str(options["input"])), Path(str(options["out"]))
        try:
            threshold = _threshold(str(options["threshold"]))
        except ValueError:
            raise CommandError("--threshold must be a number from 0 to 1") from None
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        if not out.parent.is_dir():
            raise CommandError(f"{out.parent}: no such directory")
        started = time.perf_counter()
        stats = BatchStats()
        try:
            # write_pairs only creates the output once every pair is written, and
            # find_pairs reads the whole input before yielding anything: a bad
            # line leaves no output file behind.
            pairs = find_pairs(
                read_candidates(source),
                threshold=threshold,
                stats=stats,
                workers=max(1, int(str(options["workers"]))),
                learn=bool(options.get("learn")),
            )
            written = write_pairs(pairs, out)
        except CandidateFileError as exc:
            raise CommandError(f"{source}: {exc}") from exc
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{stats.records} records read, {stats.comparisons} pairs compared, "
            f"{written} pairs written to {out} (threshold {threshold}) "
            f"in {seconds:.1f} s"
        )
        if stats.learned is not None:
            self._report_learned(stats.learned)

    def _report_learned(self, learned: Learned) -> None:
        self.stdout.write(
            f"weights re-estimated on {learned.patterns} patterns in "
            f"{learned.iterations} iterations; estimated share of matches among "
            f"the compared pairs {learned.match_share:.3f}"
        )
        model = learned.model
        self.stdout.write(f"  intercept {model.intercept:+.3f}")
        for code in REASONS:
            self.stdout.write(f"  {code} {model.weights[code]:+.3f}")
