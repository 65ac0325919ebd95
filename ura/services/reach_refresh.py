"""Keeping the reach summary up to date: what changed is recomputed, in batches,
by one refresh at a time.

A refresh claims every change the triggers marked (``ReachChange``), recomputes
the enrolments, people and households they name, and deletes the changes it
claimed; a change made meanwhile is left for the next run. The figures it leaves
are exact for every record written before its ``as_of``. It runs from
``ura refresh-reach`` (on a schedule), from the page in the background, or inline
when a page finds only a few changes waiting.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from ura.accounts.models import User
from ura.core.background import thread_runner
from ura.people.models import HouseholdMember
from ura.services import reach_build as build
from ura.services import reach_people
from ura.services.models import Enrolment, OutreachContact, TrainingParticipant
from ura.services.reach_models import (
    ReachActivity,
    ReachChange,
    ReachPersonYear,
    ReachRefresh,
    RefreshStatus,
)

logger = logging.getLogger(__name__)

# A page refreshes inline when at most this many changes wait: with their
# households, about half a second with a million people (133 changes took 1.3 s
# on a busy machine; docs/benchmarks.md). More wait for the scheduled refresh.
INLINE_LIMIT = 50
# ... or when the whole database is this small (a new or a test deployment).
SMALL_DATABASE = 2000  # enrolments
# A running refresh writes its progress after every batch; one silent this long
# has died with its server.
STALLED_AFTER = timedelta(minutes=10)
ENROLMENT_BATCH = 20000  # a full refresh reads enrolments by id range
PEOPLE_BATCH = build.CHUNK

Progress = Callable[[ReachRefresh], None]


@dataclass(frozen=True)
class Freshness:
    """What the figures shown cover."""

    as_of: datetime | None  # None: never computed
    pending: int  # changes recorded since, not in the figures yet
    running: ReachRefresh | None
    # A new year began since the last run: open enrolments need its days.
    new_year: bool = False

    @property
    def current(self) -> bool:
        return self.as_of is not None and not self.pending and not self.new_year


def _is_stalled(job: ReachRefresh) -> bool:
    return job.updated_at < timezone.now() - STALLED_AFTER


def freshness() -> Freshness:
    """Two queries: the changes waiting, and the last runs."""
    waiting = ReachChange.objects.aggregate(n=Count("pk"))["n"]
    running = last = None
    for job in ReachRefresh.objects.exclude(status=RefreshStatus.FAILED)[:2]:
        if job.status == RefreshStatus.RUNNING and running is None and last is None:
            running = None if _is_stalled(job) else job
        elif job.status == RefreshStatus.DONE and last is None:
            last = job
    new_year = bool(
        last and last.counted_until and last.counted_until < build.counted_until()
    )
    return Freshness(last.as_of if last else None, waiting, running, new_year)


def _rollover_from() -> date | None:
    last = ReachRefresh.objects.filter(status=RefreshStatus.DONE).first()
    if last and last.counted_until and last.counted_until < build.counted_until():
        return last.counted_until
    return None


def _may_run_inline(state: Freshness) -> bool:
    largest = Enrolment.objects.order_by("-pk").values_list("pk", flat=True).first()
    if (largest or 0) <= SMALL_DATABASE:
        return True
    if state.pending > INLINE_LIMIT or state.new_year:
        return False
    return not ReachChange.objects.filter(kind=ReachChange.EVERYTHING).exists()


def ensure_fresh(*, actor: User | None = None) -> Freshness:
    """The freshness of the figures, after refreshing inline if only a few
    changes wait and no refresh runs (no query more when nothing waits)."""
    state = freshness()
    waiting = state.running is None and (state.pending or state.new_year)
    if waiting and _may_run_inline(state):
        job = refresh_start(actor=actor)
        if job is not None:
            refresh_run(job)
            state = freshness()
    return state


# ------------------------------------------------------------------------ runs


def refresh_start(
    *, actor: User | None = None, full: bool = False
) -> ReachRefresh | None:
    """A new run, or None while another one runs (a stalled one is ended)."""
    for job in ReachRefresh.objects.filter(status=RefreshStatus.RUNNING):
        if not _is_stalled(job):
            return None
        _end(job, RefreshStatus.FAILED, "stalled")
    try:
        with transaction.atomic():
            return ReachRefresh.objects.create(started_by=actor, full=full)
    except IntegrityError:
        return None  # another start won the race


def refresh(*, actor: User | None = None, full: bool = False,
            progress: Progress | None = None) -> ReachRefresh | None:  # fmt: skip
    """Start and run a refresh here and now (the command, tests)."""
    job = refresh_start(actor=actor, full=full)
    if job is None:
        return None
    return refresh_run(job, progress=progress)


# (Tests replace this with a direct call.)
run_in_background = thread_runner("ura-reach")


def refresh_in_background(job: ReachRefresh) -> None:
    def run(job_id: int) -> None:
        # A failure is recorded on the run and logged; the thread has no one to tell.
        with contextlib.suppress(Exception):
            refresh_run(ReachRefresh.objects.get(pk=job_id))

    run_in_background(run, job.pk)


def refresh_run(job: ReachRefresh, *, progress: Progress | None = None) -> ReachRefresh:
    until = build.counted_until()
    try:
        with transaction.atomic():
            job.as_of = timezone.now()
            job.save(update_fields=["as_of", "updated_at"])
            ReachChange.objects.update(claimed_by=job.pk)
        changes = list(
            ReachChange.objects.filter(claimed_by=job.pk).values_list(
                "kind", "ref", "month"
            )
        )
        context = build.Context(until)
        if job.full or any(c[0] == ReachChange.EVERYTHING for c in changes):
            if not job.full:
                job.full = True
                job.save(update_fields=["full", "updated_at"])
            _everything(job, context, progress)
        else:
            _changes(job, changes, context, progress)
        ReachChange.objects.filter(claimed_by=job.pk).delete()
    except Exception as exc:
        logger.error("reach refresh %s stopped: %s", job.pk, type(exc).__name__)
        _end(job, RefreshStatus.FAILED, type(exc).__name__)
        raise
    job.counted_until = until
    return _end(job, RefreshStatus.DONE, "")


def _end(job: ReachRefresh, status: str, failure: str) -> ReachRefresh:
    job.status = status
    job.failure = failure[:200]
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "failure",
            "finished_at",
            "counted_until",
            "updated_at",
        ]
    )
    return job


def _step(job: ReachRefresh, done: int, progress: Progress | None) -> None:
    job.processed += done
    job.save(update_fields=["processed", "total", "updated_at"])
    if progress:
        progress(job)


# --------------------------------------------------------------- what changed


def _enrolments_of_first_sessions(services: set[int], until: date) -> set[int]:
    """A service's enrolments count by the days enrolled until its first
    session: when that day moves, the enrolments around it change."""
    ids: set[int] = set()
    never = until + timedelta(days=1)
    for service, old, new in build.first_sessions_update(services):
        low, high = min(old or never, new or never), max(old or never, new or never)
        ids |= set(
            Enrolment.objects.filter(service_id=service, enrolled_on__lt=high)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=low))
            .values_list("pk", flat=True)
        )
    return ids


def _changes(
    job: ReachRefresh,
    changes: list[tuple[str, int, int]],
    context: build.Context,
    progress: Progress | None,
) -> None:
    enrolments = {ref for kind, ref, _m in changes if kind == ReachChange.ENROLMENT}
    people = {ref for kind, ref, _m in changes if kind == ReachChange.PERSON}
    households = {ref for kind, ref, _m in changes if kind == ReachChange.HOUSEHOLD}
    services = {ref for kind, ref, _m in changes if kind == ReachChange.SERVICE_MONTH}
    enrolments |= _enrolments_of_first_sessions(services, context.until)
    for batch in build.chunks(sorted(people)):
        # A merge moves what counts to the kept record: recompute theirs too.
        enrolments |= set(
            Enrolment.objects.filter(person_id__in=batch).values_list("pk", flat=True)
        )
    rollover = _rollover_from()
    if rollover is not None:
        enrolments |= set(
            Enrolment.objects.filter(enrolled_on__lte=rollover)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=rollover))
            .values_list("pk", flat=True)
        )
    job.total = len(enrolments)
    touched: set[int] = set()
    for batch in build.chunks(sorted(enrolments)):
        with transaction.atomic():
            touched |= build.recompute_enrolments(batch, context)
        _step(job, len(batch), progress)
    people |= set(build.kept_ids(people).values())
    for batch in build.chunks(sorted(people)):
        with transaction.atomic():
            build.recompute_outreach_and_trainings(batch)
    for batch in build.chunks(sorted(households)):
        touched |= set(
            HouseholdMember.objects.filter(household_id__in=batch).values_list(
                "person_id", flat=True
            )
        )
    # Whose rows or households changed: the people reached through them too.
    through = people | touched
    job.total += len(through)
    affected = set(through)
    for batch in build.chunks(sorted(through)):
        with transaction.atomic():
            affected |= build.recompute_indirect(batch)
        _step(job, len(batch), progress)
    job.total += len(affected)
    for batch in build.chunks(sorted(affected)):
        with transaction.atomic():
            reach_people.recompute_people(batch)
        _step(job, len(batch), progress)


def _clear_everything() -> None:
    tables = [m._meta.db_table for m in (ReachActivity, ReachPersonYear)]
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {connection.ops.quote_name(table)}")
            else:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


def _everything(
    job: ReachRefresh, context: build.Context, progress: Progress | None
) -> None:
    """Recompute the whole summary (the first run, or ``--full``), writing each
    year's rows together. The old figures are gone as soon as it starts: run it
    when nobody is reading them."""
    with transaction.atomic():
        _clear_everything()
        build.first_sessions_update(None)
    bounds = Enrolment.objects.order_by("pk").values_list("pk", flat=True)
    low, high = bounds.first() or 0, bounds.last() or -1
    ranges = [(a, min(high, a + ENROLMENT_BATCH - 1))
              for a in range(low, high + 1, ENROLMENT_BATCH)]  # fmt: skip
    job.total = high - low + 1 if ranges else 0
    spool = build.YearSpool()
    try:
        people: set[int] = set()
        for a, b in ranges:
            people |= build.build_enrolment_range(a, b, context, sink=spool)
            _step(job, b - a + 1, progress)
        others = set(
            OutreachContact.objects.filter(person__isnull=False).values_list(
                "person_id", flat=True
            )
        ) | set(
            TrainingParticipant.objects.filter(completed=True).values_list(
                "person_id", flat=True
            )
        )
        others = set(build.kept_ids(others).values())
        for batch in build.chunks(sorted(others)):
            build.recompute_outreach_and_trainings(batch, sink=spool)
        spool.flush(ReachActivity)
        people |= others
        job.total += len(people)
        reached: set[int] = set()
        for batch in build.chunks(sorted(people)):
            rows = build.indirect_rows(set(batch))
            reached |= {r[0] for r in rows}
            spool(ReachActivity, build.ACTIVITY_COLUMNS, rows)
            _step(job, len(batch), progress)
        spool.flush(ReachActivity)
        people |= reached
        job.total += len(people)
        for batch in build.chunks(sorted(people)):
            reach_people.recompute_people(batch, sink=spool)
            _step(job, len(batch), progress)
        spool.flush(ReachPersonYear)
    finally:
        spool.close()
