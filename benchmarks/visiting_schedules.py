"""Home visiting schedules at national scale: generating and rescheduling (issue 6).

Builds, in an empty database of its own, the world of
``benchmarks/visiting_worklists.py`` (200,000 families enrolled at birth over
three years on the example protocols), then throws its bulk-loaded schedules
away and times Ura's own code writing them:

- g1: generating every family's schedule with ``reschedule`` (what enrolling a
  family runs), one family at a time, each in its own transaction;
- then most past visits are marked done (as the builder has them);
- r1: an administrator's edit of the universal protocol that moves the target of
  "Twelve months" by a week, through ``protocol_update`` (the page's action);
- r2: a birth recorded three weeks earlier than the date held, one family
  (``reschedule`` after the date changes, as ``enrolment_record_birth`` does).

    createdb -h 127.0.0.1 -U postgres ura_bench_sched
    URA_ENV=development \\
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/ura_bench_sched \\
        .venv/bin/python benchmarks/visiting_schedules.py
    # smaller: --families 20000

Results (markdown) go to standard output; write them down in docs/benchmarks.md
with the load average they print.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.access_scale import (  # noqa: E402
    database,
    load,
    machine,
    measure,
    say,
    setup_django,
    table,
)
from benchmarks.visiting_worklists import build  # noqa: E402

MOVED_VISIT = "Twelve months"
MOVED_BY_DAYS = 7
EARLIER_BY_DAYS = 21


@dataclass
class Run:
    key: str
    label: str
    enrolments: int
    seconds: float
    rows: int

    def line(self) -> str:
        rate = self.enrolments / self.seconds if self.seconds else 0
        return (
            f"| {self.key} | {self.label} | {self.enrolments:,} | {self.rows:,} | "
            f"{self.seconds:,.1f} | {rate:,.0f} |"
        )


def runs_table(runs: list[Run]) -> str:
    lines = [
        "| # | What | Enrolments | Expected visits | Seconds | Enrolments a second |",
        "|---|---|--:|--:|--:|--:|",
    ]
    return "\n".join([*lines, *(r.line() for r in runs)])


def _execute(sql: str, params: list | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.rowcount


def _analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        _execute("ANALYZE")
    else:
        _execute("ANALYZE")
        _execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _forget_schedules() -> None:
    from django.db import connection

    from ura.visiting.models import ScheduledVisit

    # The visits made point to scheduled rows (none here): no TRUNCATE.
    table_ = connection.ops.quote_name(ScheduledVisit._meta.db_table)
    _execute(f"DELETE FROM {table_}")  # noqa: S608


def generate_one_by_one() -> Run:
    """g1: ``reschedule`` for each family in its own transaction."""
    from django.db import transaction

    from ura.visiting.actions import reschedule
    from ura.visiting.models import Enrolment, ScheduledVisit

    _forget_schedules()
    ids = list(Enrolment.objects.order_by("pk").values_list("pk", flat=True))
    clock = time.perf_counter()
    for start in range(0, len(ids), 2000):
        batch = Enrolment.objects.filter(pk__in=ids[start : start + 2000]).order_by(
            "pk"
        )
        for enrolment in batch.select_related("protocol"):
            with transaction.atomic():
                reschedule(enrolment)
        if start and start % 20000 == 0:
            say(f"  g1 {start:,} of {len(ids):,}")
    seconds = time.perf_counter() - clock
    rows = ScheduledVisit.objects.count()
    return Run("g1", "generate, one family at a time (`reschedule`)", len(ids),
               seconds, rows)  # fmt: skip


def mark_done(rng: random.Random) -> int:
    """Most past visits done, as a programme that works would have them."""
    from django.utils import timezone

    from ura.visiting.models import ScheduledVisit

    today = timezone.localdate()
    past = ScheduledVisit.objects.filter(state="scheduled", closes_on__lte=today)
    ids = list(past.values_list("pk", flat=True))
    done = [pk for pk in ids if rng.random() < 0.7]
    for start in range(0, len(done), 20000):
        ScheduledVisit.objects.filter(pk__in=done[start : start + 20000]).update(
            state="done", done_on=timezone.now().date()
        )
    return len(done)


def protocol_edit(actor: Any) -> Run:
    """r1: move the target of one visit of the universal protocol."""
    from ura.visiting import protocols
    from ura.visiting.models import EnrolmentStatus, Protocol
    from ura.visiting.protocols import VisitInput

    protocol = Protocol.objects.get(kind="universal", is_default=True)
    visits = [
        VisitInput(v.name, v.anchor, v.target, v.opens, v.due, v.overdue, v.closes,
                   list(v.sections), v.pk)
        for v in protocol.visits.order_by("pk")
    ]  # fmt: skip
    for visit in visits:
        if visit.name == MOVED_VISIT:
            visit.target += MOVED_BY_DAYS
    on_it = protocol.enrolments.filter(status=EnrolmentStatus.ACTIVE).count()
    clock = time.perf_counter()
    result = protocols.protocol_update(
        actor=actor,
        protocol=protocol,
        expected_version=protocol.version,
        name=protocol.name,
        kind=protocol.kind,
        description=protocol.description,
        is_default=protocol.is_default,
        is_active=protocol.is_active,
        visits=visits,
    )
    seconds = time.perf_counter() - clock
    say(f"  r1 protocol_update returned {result!r}")
    return Run("r1", f"protocol edit: '{MOVED_VISIT}' {MOVED_BY_DAYS} days later, "
               "`protocol_update` (one transaction)", on_it, seconds,
               _rows_of(protocol))  # fmt: skip


def _rows_of(protocol: Any) -> int:
    from ura.visiting.models import ScheduledVisit

    return ScheduledVisit.objects.filter(enrolment__protocol=protocol).count()


def birth_earlier(rng: random.Random, repeat: int, budget: float) -> Any:
    """r2: one family's birth moved three weeks earlier, then ``reschedule``."""
    from django.db import transaction

    from ura.visiting.actions import reschedule
    from ura.visiting.models import Enrolment

    ids = list(Enrolment.objects.values_list("pk", flat=True))

    def pick() -> Any:
        return Enrolment.objects.select_related("protocol").get(pk=rng.choice(ids))

    def act(enrolment: Any) -> int:
        with transaction.atomic():
            enrolment.born_on -= timedelta(days=EARLIER_BY_DAYS)
            enrolment.save(update_fields=["born_on"])
            return reschedule(enrolment)

    return measure(
        "r2", f"a birth recorded {EARLIER_BY_DAYS} days earlier, one family "
        "(`reschedule`)", "query", pick, act, repeat, budget,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--budget", type=float, default=60)
    parser.add_argument(
        "--reuse", action="store_true", help="the families built by an earlier run"
    )
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command

    from ura.accounts.models import User
    from ura.visiting.models import Enrolment, ScheduledVisit

    say(f"machine: {machine()}")
    call_command("migrate", verbosity=0)
    if not Enrolment.objects.exists():
        clock = time.perf_counter()
        build(args.families, random.Random(6))
        say(f"built in {time.perf_counter() - clock:.0f} s")
        User.objects.create_superuser(username="bench-admin", password="x")
    elif not args.reuse:
        sys.exit("This database holds enrolments: give an empty one, or --reuse.")
    admin = User.objects.get(username="bench-admin")
    _analyze()
    say(f"database: {database()}")
    runs = [generate_one_by_one()]
    say(f"g1: {runs[-1].seconds:.1f} s")
    rng = random.Random(8)
    say(f"marked done: {mark_done(rng):,}")
    _analyze()
    say(
        f"{Enrolment.objects.count():,} enrolments, "
        f"{ScheduledVisit.objects.count():,} expected visits, "
        f"{ScheduledVisit.objects.filter(state='done').count():,} done"
    )
    runs.append(protocol_edit(admin))
    say(f"r1: {runs[-1].seconds:.1f} s")
    figures = [birth_earlier(rng, args.repeat, args.budget)]
    print(runs_table(runs))
    print()
    print(table(figures))
    say(f"database: {database()}")
    say(f"load average: {load()}")


if __name__ == "__main__":
    main()
