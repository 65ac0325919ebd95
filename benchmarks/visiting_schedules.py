"""Home visiting schedules at national scale: generating and rescheduling (issue 6).

Builds, in an empty database of its own, the world of
``benchmarks/visiting_worklists.py`` (200,000 families enrolled at birth over
three years on the example protocols), then throws its bulk-loaded schedules
away and times Ura's own code writing them:

- g1: generating the schedules of the first ``--sample`` families with
  ``reschedule`` (what enrolling a family runs), one family at a time, each in
  its own transaction (the rate, and what it would take for every family);
- g2: generating every family's schedule with
  ``ura.visiting.rescheduling.reschedule_batch``, a batch per transaction;
- then most past visits are marked done (as the builder has them);
- r1: an administrator's edit of the universal protocol that moves the target of
  "Twelve months" by a week, through ``protocol_update`` (the page's action): the
  save itself, then the update it leaves to the background, run here;
- r0: the same edit as ``protocol_update`` did it before the background update,
  ``reschedule`` for each family in one transaction, on ``--sample`` families;
- b1: one batch of ``INLINE_LIMIT`` families, what a save does inline;
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
        rows = f"{self.rows:,}" if self.rows else ""
        return (
            f"| {self.key} | {self.label} | {self.enrolments:,} | {rows} | "
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


def generate_one_by_one(sample: int) -> Run:
    """g1: ``reschedule`` for each family in its own transaction."""
    from django.db import transaction

    from ura.visiting.actions import reschedule
    from ura.visiting.models import Enrolment, ScheduledVisit

    _forget_schedules()
    ids = list(Enrolment.objects.order_by("pk").values_list("pk", flat=True))
    ids = ids[:sample]
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


def generate_in_batches() -> Run:
    """g2: ``reschedule_batch``, a batch of families per transaction."""
    from django.db import transaction

    from ura.visiting.models import Enrolment, ScheduledVisit
    from ura.visiting.rescheduling import BATCH, reschedule_batch

    _forget_schedules()
    ids = list(Enrolment.objects.order_by("pk").values_list("pk", flat=True))
    clock = time.perf_counter()
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            reschedule_batch(ids[start : start + BATCH])
        if start and start % 50000 == 0:
            say(f"  g2 {start:,} of {len(ids):,}")
    seconds = time.perf_counter() - clock
    rows = ScheduledVisit.objects.count()
    return Run("g2", f"generate, {BATCH:,} families a batch (`reschedule_batch`)",
               len(ids), seconds, rows)  # fmt: skip


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


def _moved(protocol: Any) -> list[Any]:
    from ura.visiting.protocols import VisitInput

    visits = [
        VisitInput(v.name, v.anchor, v.target, v.opens, v.due, v.overdue, v.closes,
                   list(v.sections), v.pk)
        for v in protocol.visits.order_by("pk")
    ]  # fmt: skip
    for visit in visits:
        if visit.name == MOVED_VISIT:
            visit.target += MOVED_BY_DAYS
    return visits


def protocol_edit(actor: Any) -> list[Run]:
    """r1: move the target of one visit of the universal protocol."""
    from ura.visiting import protocols, rescheduling
    from ura.visiting.models import EnrolmentStatus, Protocol, ScheduleUpdate

    protocol = Protocol.objects.get(kind="universal", is_default=True)
    on_it = protocol.enrolments.filter(status=EnrolmentStatus.ACTIVE).count()
    started: list[tuple] = []
    inline = rescheduling.run_in_background
    rescheduling.run_in_background = lambda *a: started.append(a)
    try:
        clock = time.perf_counter()
        saved = protocols.protocol_update(
            actor=actor,
            protocol=protocol,
            expected_version=protocol.version,
            name=protocol.name,
            kind=protocol.kind,
            description=protocol.description,
            is_default=protocol.is_default,
            is_active=protocol.is_active,
            visits=_moved(protocol),
        )
        save = time.perf_counter() - clock
    finally:
        rescheduling.run_in_background = inline
    say(f"  r1 saved in {save:.2f} s: {saved!r}")
    clock = time.perf_counter()
    for target, *args in started:
        target(*args)
    background = time.perf_counter() - clock
    job = ScheduleUpdate.objects.first()
    say(f"  r1 update: {job.status if job else None}, {job.processed if job else 0:,}")
    rows = _rows_of(protocol)
    return [
        Run("r1", f"protocol edit: '{MOVED_VISIT}' {MOVED_BY_DAYS} days later, "
            "the save (`protocol_update`)", on_it, save, 0),
        Run("r1", "... and the update of the schedules it starts in the background "
            f"({rescheduling.BATCH:,} families a transaction)", on_it, background,
            rows),
    ]  # fmt: skip


def protocol_edit_one_by_one(sample: int) -> Run:
    """r0: the same edit rescheduled one family at a time in one transaction,
    as ``protocol_update`` did before (on a sample, then undone)."""
    from django.db import transaction
    from django.db.models import F

    from ura.visiting.actions import reschedule
    from ura.visiting.models import EnrolmentStatus, Protocol, ProtocolVisit

    protocol = Protocol.objects.get(kind="universal", is_default=True)
    enrolments = list(
        protocol.enrolments.filter(status=EnrolmentStatus.ACTIVE)
        .select_related("protocol")
        .order_by("pk")[:sample]
    )
    with transaction.atomic():
        ProtocolVisit.objects.filter(protocol=protocol, name=MOVED_VISIT).update(
            target=F("target") + MOVED_BY_DAYS
        )
        clock = time.perf_counter()
        for enrolment in enrolments:
            reschedule(enrolment)
        seconds = time.perf_counter() - clock
        transaction.set_rollback(True)
    return Run("r0", "the same edit, one family at a time in one transaction "
               "(`reschedule`, as before)", len(enrolments), seconds,
               0)  # fmt: skip


def inline_batch(rng: random.Random, repeat: int, budget: float) -> Any:
    """b1: a save's inline part: ``INLINE_LIMIT`` families in one batch."""
    from django.db import transaction
    from django.db.models import F

    from ura.visiting.models import Enrolment, Protocol, ProtocolVisit
    from ura.visiting.rescheduling import INLINE_LIMIT, reschedule_batch

    protocol = Protocol.objects.get(kind="universal", is_default=True)
    ids = list(
        Enrolment.objects.filter(protocol=protocol)
        .order_by("pk")
        .values_list("pk", flat=True)
    )

    def pick() -> list[int]:
        start = rng.randrange(max(1, len(ids) - INLINE_LIMIT))
        return ids[start : start + INLINE_LIMIT]

    def act(batch: list[int]) -> int:
        with transaction.atomic():
            ProtocolVisit.objects.filter(protocol=protocol, name=MOVED_VISIT).update(
                target=F("target") + MOVED_BY_DAYS
            )
            written = reschedule_batch(batch, protocol=protocol)
            transaction.set_rollback(True)
        return written

    return measure(
        "b1", f"a save's inline part: {INLINE_LIMIT:,} families moved by the edit "
        "(`reschedule_batch`)", "query", pick, act, max(5, repeat // 10), budget,
        warmup=1, minimum=5,
    )  # fmt: skip


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
        "--sample", type=int, default=10_000, help="families for g1 and r0"
    )
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
    runs = [generate_one_by_one(args.sample)]
    say(f"g1: {runs[-1].seconds:.1f} s")
    runs.append(generate_in_batches())
    say(f"g2: {runs[-1].seconds:.1f} s")
    rng = random.Random(8)
    say(f"marked done: {mark_done(rng):,}")
    _analyze()
    say(
        f"{Enrolment.objects.count():,} enrolments, "
        f"{ScheduledVisit.objects.count():,} expected visits, "
        f"{ScheduledVisit.objects.filter(state='done').count():,} done"
    )
    runs += protocol_edit(admin)
    say(f"r1: {runs[-2].seconds:.1f} s + {runs[-1].seconds:.1f} s")
    runs.append(protocol_edit_one_by_one(args.sample))
    say(f"r0: {runs[-1].seconds:.1f} s")
    figures = [
        inline_batch(rng, args.repeat, args.budget),
        birth_earlier(rng, args.repeat, args.budget),
    ]
    print(runs_table(runs))
    print()
    print(table(figures))
    say(f"database: {database()}")
    say(f"load average: {load()}")


if __name__ == "__main__":
    main()
