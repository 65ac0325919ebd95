"""Rescheduling many families at once: after a protocol is saved.

``reschedule_batch`` does for a batch of enrolments what
``ura.visiting.actions.reschedule`` does for one (the same rows, the done visits
kept), with a handful of queries per batch instead of four per family, and
writes only the rows whose dates, name or state change.

Saving a protocol (``protocol_update``) reschedules its active enrolments
inline when there are at most ``INLINE_LIMIT`` of them. With more (the universal
protocol of a country has hundreds of thousands), it records a
``ScheduleUpdate`` and a thread of the web process works through them a batch
at a time, each batch in its own transaction, writing its progress after each
one; the protocol's page shows it. A server stopped half-way leaves the update
"running" without progress; after ``STALLED_AFTER`` it counts as stopped, and
saving the protocol again runs it again (rescheduling twice gives the same rows).
"""

from __future__ import annotations

import contextlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ura.accounts.models import User
from ura.core.background import thread_runner
from ura.visiting.models import (
    Enrolment,
    EnrolmentStatus,
    Protocol,
    ProtocolVisit,
    ScheduledVisit,
    ScheduleUpdate,
    ScheduleUpdateStatus,
    VisitState,
)
from ura.visiting.schedule import VisitSpec, windows_for

logger = logging.getLogger(__name__)

# A save reschedules inline up to this many active enrolments: about a second
# (docs/benchmarks.md, "Home visiting schedules"). More go to the background.
INLINE_LIMIT = 1000
# Enrolments per batch: about 10,000 expected visits read and written together.
BATCH = 1000
# A running update writes its progress after every batch, a second or two
# apart; one silent this long died with its server.
STALLED_AFTER = timedelta(minutes=10)

# What rescheduling compares and writes, as ``wanted_rows`` names them.
FIELDS = [
    "name",
    "sections",
    "opens_on",
    "due_on",
    "overdue_on",
    "closes_on",
    "state",
    "nurse_id",
    "centre_id",
]
# An expected visit as read here: its id, enrolment, protocol visit, then FIELDS.
COLUMNS = ["pk", "enrolment_id", "protocol_visit_id", *FIELDS]
STATE = COLUMNS.index("state")


def wanted_rows(
    enrolment: Enrolment, visits: Iterable[ProtocolVisit]
) -> list[tuple[int, dict[str, Any]]]:
    """Each protocol visit's row as the enrolment's dates give it: (visit id,
    values), in the protocol's order."""
    visits = list(visits)
    specs = [
        VisitSpec(v.pk, v.anchor, v.target, v.opens, v.due, v.overdue, v.closes)
        for v in visits
    ]
    by_key = {v.pk: v for v in visits}
    windows = windows_for(
        specs,
        expected_delivery_on=enrolment.expected_delivery_on,
        born_on=enrolment.born_on,
        enrolled_on=enrolment.enrolled_on,
    )
    return [
        (
            w.key,
            {
                "name": by_key[w.key].name,
                "sections": by_key[w.key].sections,
                "opens_on": w.opens_on,
                "due_on": w.due_on,
                "overdue_on": w.overdue_on,
                "closes_on": w.closes_on,
                "state": VisitState.SCHEDULED if w.applies else VisitState.NOT_NEEDED,
                "nurse_id": enrolment.nurse_id,
                "centre_id": enrolment.centre_id,
            },
        )
        for w in windows
    ]


class _Writes:
    """What a batch changes: rows to insert, to delete, and per row to update
    the fields that differ."""

    def __init__(self) -> None:
        self.create: list[ScheduledVisit] = []
        self.update: dict[tuple[str, ...], list[list[Any]]] = defaultdict(list)
        self.delete: list[int] = []

    def plan(
        self, enrolment: Enrolment, visits: list[ProtocolVisit], rows: list[tuple]
    ) -> None:
        wanted = wanted_rows(enrolment, visits)
        keys = {key for key, _values in wanted}
        existing = {r[2]: r for r in rows if r[2] is not None}
        # Not done and no longer on the protocol (or never on it): they go.
        self.delete += [
            r[0] for r in rows if r[STATE] != VisitState.DONE and r[2] not in keys
        ]
        for key, values in wanted:
            row = existing.get(key)
            if row is None:
                self.create.append(
                    ScheduledVisit(
                        enrolment_id=enrolment.pk, protocol_visit_id=key, **values
                    )
                )
            elif row[STATE] != VisitState.DONE:
                changed = tuple(
                    f for i, f in enumerate(FIELDS, start=3) if row[i] != values[f]
                )
                if changed:
                    self.update[changed].append([*(values[f] for f in changed), row[0]])

    def write(self) -> int:
        if self.delete:
            ScheduledVisit.objects.filter(pk__in_ids=self.delete).delete()
        ScheduledVisit.objects.bulk_create(self.create, batch_size=BATCH)
        for fields, rows in self.update.items():
            _update(fields, rows)
        return len(self.create) + sum(len(rows) for rows in self.update.values())


def _update(fields: tuple[str, ...], rows: list[list[Any]]) -> None:
    """One UPDATE by primary key, sent for every row at once (``executemany``:
    pipelined on PostgreSQL). Django's ``bulk_update`` writes one CASE per
    field and row, which took two thirds of a batch's time."""
    meta = ScheduledVisit._meta
    columns = [meta.get_field(f.removesuffix("_id")) for f in fields]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(c.column)} = %s" for c in columns)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {sets} "  # noqa: S608
        f"WHERE {quote(meta.pk.column)} = %s"
    )
    params = [
        [c.get_db_prep_save(v, connection) for c, v in zip(columns, row, strict=False)]
        + [row[-1]]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def reschedule_batch(ids: list[int], *, protocol: Protocol | None = None) -> int:
    """Reschedule the active enrolments among ``ids`` (of ``protocol`` only,
    when given) inside the caller's transaction; returns the rows written.

    The expected visits are locked before the enrolments are read: a birth
    recorded meanwhile either committed first (its date is read here) or waits
    for these rows and writes its own schedule after."""
    rows: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        ScheduledVisit.objects.select_for_update()
        .filter(enrolment_id__in_ids=ids)
        .order_by("pk")
        .values_list(*COLUMNS)
    ):
        rows[row[1]].append(row)
    enrolments = Enrolment.objects.filter(
        pk__in_ids=ids, status=EnrolmentStatus.ACTIVE
    ).only(
        "pk", "protocol_id", "expected_delivery_on", "born_on", "enrolled_on",
        "nurse_id", "centre_id",
    )  # fmt: skip
    if protocol is not None:
        enrolments = enrolments.filter(protocol=protocol)
    enrolments = list(enrolments.order_by("pk"))
    visits: dict[int, list[ProtocolVisit]] = defaultdict(list)
    for visit in ProtocolVisit.objects.filter(
        protocol_id__in={e.protocol_id for e in enrolments}
    ):
        visits[visit.protocol_id].append(visit)
    writes = _Writes()
    for enrolment in enrolments:
        writes.plan(enrolment, visits[enrolment.protocol_id], rows[enrolment.pk])
    return writes.write()


def active_ids(protocol: Protocol, *, after: int = 0, limit: int | None = None):  # noqa: ANN201
    ids = (
        Enrolment.objects.filter(
            protocol=protocol, status=EnrolmentStatus.ACTIVE, pk__gt=after
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return list(ids[:limit] if limit else ids)


# ------------------------------------------------------------------ in the background


def is_stalled(job: ScheduleUpdate) -> bool:
    return (
        job.status == ScheduleUpdateStatus.RUNNING
        and job.updated_at < timezone.now() - STALLED_AFTER
    )


def running_update(protocol: Protocol) -> ScheduleUpdate | None:
    """The update of this protocol's schedules under way, if one is (a stalled
    one is not)."""
    job = protocol.schedule_updates.filter(status=ScheduleUpdateStatus.RUNNING).first()
    return None if job is None or is_stalled(job) else job


def update_start(
    *, protocol: Protocol, actor: User | None, total: int
) -> ScheduleUpdate:
    """Record a new update (inside the save's transaction); a stalled one ends."""
    for job in protocol.schedule_updates.filter(status=ScheduleUpdateStatus.RUNNING):
        _end(job, ScheduleUpdateStatus.FAILED, "stalled")
    return ScheduleUpdate.objects.create(
        protocol=protocol, started_by=actor, total=total
    )


def update_run(job: ScheduleUpdate) -> ScheduleUpdate:
    """Work through the protocol's active enrolments by id, a batch per
    transaction; an enrolment that joins or leaves the protocol meanwhile was
    rescheduled by the action that moved it."""
    last = 0
    try:
        while ids := active_ids(job.protocol, after=last, limit=BATCH):
            with transaction.atomic():
                reschedule_batch(ids, protocol=job.protocol)
            last = ids[-1]
            job.processed += len(ids)
            job.save(update_fields=["processed", "updated_at"])
    except Exception as exc:
        logger.error("schedule update %s stopped: %s", job.pk, type(exc).__name__)
        _end(job, ScheduleUpdateStatus.FAILED, type(exc).__name__)
        raise
    return _end(job, ScheduleUpdateStatus.DONE, "")


def _end(job: ScheduleUpdate, status: str, failure: str) -> ScheduleUpdate:
    job.status = status
    job.failure = failure[:200]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "failure", "finished_at", "updated_at"])
    return job


# (Tests replace this with a direct call.)
run_in_background = thread_runner("ura-schedules")


def update_in_background(job_id: int) -> None:
    def run(pk: int) -> None:
        # A failure is recorded on the update and logged; the thread has no one
        # else to tell.
        with contextlib.suppress(Exception):
            update_run(ScheduleUpdate.objects.select_related("protocol").get(pk=pk))

    run_in_background(run, job_id)
