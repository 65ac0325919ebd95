"""Computing the rows of the reach summary from the records (the refresh in
``ura.services.reach_refresh`` decides which).

Each function recomputes the rows of the ids it is given, whole: it deletes what
was there and writes what the records say now, so running it twice changes
nothing. The rules are those of docs/reach.md.
"""

from __future__ import annotations

import pickle
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from typing import IO

from django.db import connection, transaction
from django.db.models import Min, Q
from django.utils import timezone

from ura.directory.models import Service, ServiceType
from ura.people.models import HouseholdMember, Person
from ura.services import reach_days as days
from ura.services.models import (
    Enrolment,
    OutreachContact,
    ParticipantRole,
    Presence,
    Session,
    TrainingParticipant,
)
from ura.services.reach_models import (
    ReachActivity,
    ReachCategory,
    ReachService,
    ReachSource,
)

# Ids per IN (...) list: under SQLite's limit on variables, and small enough for
# PostgreSQL to plan each list as an index look-up.
CHUNK = 5000
ADULT_AGE = 18
WORDS = [f"w{k}" for k in range(days.WORDS)]
PERSON_WORDS = {p: [f"{p}{k}" for k in range(days.WORDS)] for p in "cati"}


def chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    batch: list[int] = []
    for i in ids:
        batch.append(i)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def counted_until(today: date | None = None) -> date:
    """Open enrolments in a service that keeps no attendance count up to this
    day: the end of the current year. Days after today are never asked for (a
    period ends today at the latest), so this only spares a refresh each day."""
    today = today or timezone.localdate()
    return date(today.year, 12, 31)


# ------------------------------------------------------------------ people ids


def kept_ids(ids: Iterable[int]) -> dict[int, int]:
    """Each id mapped to the record it was merged into, if any (following a
    chain of merges)."""
    out = {i: i for i in ids}
    pending = set(out)
    for _level in range(5):
        if not pending:
            break
        merged: dict[int, int] = {}
        for batch in chunks(sorted(pending)):
            merged |= dict(
                Person.objects.filter(pk__in=batch, merged_into__isnull=False)
                .values_list("pk", "merged_into_id")
            )  # fmt: skip
        for original, current in out.items():
            if current in merged:
                out[original] = merged[current]
        pending = set(merged.values())
    return out


def household_members(people: Iterable[int]) -> list[tuple[int, int, date, date]]:
    """Every membership (household, person, from, until) of the households the
    given people ever belonged to."""
    households: set[int] = set()
    for batch in chunks(sorted(set(people))):
        households |= set(
            HouseholdMember.objects.filter(person_id__in=batch).values_list(
                "household_id", flat=True
            )
        )
    rows: list[tuple[int, int, date, date]] = []
    for batch in chunks(sorted(households)):
        for h, p, start, end in HouseholdMember.objects.filter(
            household_id__in=batch
        ).values_list("household_id", "person_id", "started_on", "ended_on"):
            rows.append((h, p, start or days.FAR_PAST, end or days.FAR_FUTURE))
    return rows


# ----------------------------------------------------------- writing rows fast


def insert_rows(model: type, columns: list[str], rows: list[tuple]) -> None:
    """Plain rows in one go: COPY on PostgreSQL, executemany on SQLite (a full
    refresh writes millions; Django objects would take minutes)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                rows,
            )


Sink = Callable[[type, list[str], list[tuple]], None]


class YearSpool:
    """Rows kept in temporary files by year, then written year after year.

    A full refresh writes each year's rows side by side, so that a year's
    figures read consecutive pages: with the rows of a year scattered over the
    table, PostgreSQL read 600,000 pages for a country-year instead of 40,000
    (2.4 s instead of 0.6; docs/benchmarks.md). The files are unlinked from the
    start and gone when the refresh ends."""

    def __init__(self) -> None:
        self.files: dict[tuple[type, tuple], tuple[list[str], IO[bytes]]] = {}

    def __call__(self, model: type, columns: list[str], rows: list[tuple]) -> None:
        # Activity rows by year and programme: a partner's figures read the rows
        # of their programmes, side by side.
        keys = [columns.index("year")]
        if "programme_id" in columns:
            keys.append(columns.index("programme_id"))
        by_year: dict[tuple, list[tuple]] = defaultdict(list)
        for row in rows:
            by_year[tuple(row[k] or 0 for k in keys)].append(row)
        for y, chunk in by_year.items():
            if (model, y) not in self.files:
                # Closed by flush() or close().
                handle = tempfile.TemporaryFile()  # noqa: SIM115
                self.files[(model, y)] = (columns, handle)
            pickle.dump(chunk, self.files[(model, y)][1])

    def flush(self, model: type) -> None:
        for key in sorted((k for k in self.files if k[0] is model), key=lambda k: k[1]):
            columns, handle = self.files.pop(key)
            handle.seek(0)
            with transaction.atomic():
                while True:
                    try:
                        # Our own rows, written above by this process.
                        chunk = pickle.load(handle)  # noqa: S301
                    except EOFError:
                        break
                    insert_rows(model, columns, chunk)
            handle.close()

    def close(self) -> None:
        for _columns, handle in self.files.values():
            handle.close()
        self.files.clear()


# ------------------------------------------------------------------ enrolments

ACTIVITY_COLUMNS = [
    "person_id",
    "year",
    "category",
    "source",
    "enrolment_id",
    "service_id",
    "agency_id",
    "programme_id",
    "via_id",
    *WORDS,
]


def _attendance_sql(where: str) -> str:
    """Days present, per enrolment and year, as the six words: summed in the
    database (a sum of distinct powers of two is their OR)."""
    if connection.vendor == "postgresql":
        year = "EXTRACT(YEAR FROM a.held_on)::int"
        doy = "(EXTRACT(DOY FROM a.held_on)::int - 1)"
        one, cast = "1::bigint", "::bigint"
    else:
        year = "CAST(strftime('%%Y', a.held_on) AS INTEGER)"
        doy = "(CAST(strftime('%%j', a.held_on) AS INTEGER) - 1)"
        one, cast = "1", ""
    words = ", ".join(
        f"SUM(DISTINCT CASE WHEN d / {days.WORD_BITS} = {k} "
        f"THEN {one} << (d %% {days.WORD_BITS}) END){cast}"
        for k in range(days.WORDS)
    )
    return (
        f"SELECT enrolment_id, y, {words} FROM ("  # noqa: S608
        f"SELECT a.enrolment_id, {year} AS y, {doy} AS d "
        "FROM services_attendance a "
        "JOIN services_enrolment e ON e.id = a.enrolment_id "
        f"WHERE {where} AND a.presence = %s AND a.held_on >= e.enrolled_on "
        "AND (e.ended_on IS NULL OR a.held_on <= e.ended_on)"
        ") t GROUP BY enrolment_id, y"
    )


def _present_days(where: str, params: list) -> dict[int, dict[int, int]]:
    out: dict[int, dict[int, int]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(_attendance_sql(where), [*params, Presence.PRESENT])
        for enrolment_id, year, *words in cursor.fetchall():
            out[enrolment_id][int(year)] = days.join(words)
    return out


# Services that are the support itself (a bed, a payment): everyone enrolled is
# served, whether or not sessions are recorded.
COUNTED_BY_ENROLMENT = frozenset({ServiceType.SHELTER, ServiceType.CASH_ASSISTANCE})


class Context:
    """What one refresh reads once: each service's agency, type and first
    session, and the day open enrolments count up to."""

    def __init__(self, until: date | None = None) -> None:
        self.until = until or counted_until()
        self._services: dict[int, tuple[int, str]] | None = None
        self._first: dict[int, date | None] = {}

    def _load(self) -> dict[int, tuple[int, str]]:
        if self._services is None:
            rows = Service.objects.values_list("pk", "agency_id", "type")
            self._services = {pk: (agency, kind) for pk, agency, kind in rows}
            self._first = dict(
                ReachService.objects.values_list("service_id", "first_session")
            )
        return self._services

    def agency_of(self, service: int) -> int:
        return self._load()[service][0]

    def enrolled_until(self, service: int) -> date:
        """The last day on which being enrolled in ``service`` counts as being
        served: always, for shelters and cash assistance; until the day before
        its first recorded session, for every other service."""
        if self._load()[service][1] in COUNTED_BY_ENROLMENT:
            return self.until
        first = self._first.get(service)
        return self.until if first is None else first - timedelta(days=1)


def first_sessions_update(services: Iterable[int] | None) -> list[tuple]:
    """Store each service's first session day (every service's when None); the
    services whose day changed, with the old and the new day (None: none)."""
    sessions = Session.objects.all()
    stored = ReachService.objects.all()
    if services is not None:
        services = sorted(set(services))
        sessions = sessions.filter(service_id__in=services)
        stored = stored.filter(service_id__in=services)
    now = dict(
        sessions.values("service_id")
        .annotate(first=Min("held_on"))
        .values_list("service_id", "first")
    )
    before = dict(stored.values_list("service_id", "first_session"))
    ids = set(now) | set(before) | set(services or [])
    changed = [(s, before.get(s), now.get(s)) for s in sorted(ids)]
    changed = [c for c in changed if c[1] != c[2]]
    for service, _old, new in changed:
        ReachService.objects.update_or_create(
            service_id=service, defaults={"first_session": new}
        )
    return changed


def enrolment_rows(
    where: str,
    params: list,
    enrolments: Iterable[Enrolment],
    context: Context,
    kept: dict[int, int],
) -> list[tuple]:
    """The activity rows of these enrolments: days present at a session, and the
    days enrolled in months in which the service held no session at all."""
    present = _present_days(where, params)
    rows = []
    for e in enrolments:
        by_year = dict(present.get(e.pk, {}))
        last = min(e.ended_on or context.until, context.enrolled_until(e.service_id))
        if last >= e.enrolled_on:
            for year, bits in days.ranges_by_year(e.enrolled_on, last).items():
                by_year[year] = by_year.get(year, 0) | bits
        category = (
            ReachCategory.CHILD
            if e.role == ParticipantRole.CHILD
            else ReachCategory.ADULT
        )
        person = kept.get(e.person_id, e.person_id)
        for year, bits in sorted(by_year.items()):
            if bits:
                rows.append(
                    (person, year, category, ReachSource.ENROLMENT, e.pk)
                    + (e.service_id, context.agency_of(e.service_id), e.programme_id)
                    + (None, *days.split(bits))
                )
    return rows


ENROLMENT_FIELDS = (
    "pk",
    "person_id",
    "service_id",
    "programme_id",
    "role",
    "enrolled_on",
    "ended_on",
)


def recompute_enrolments(ids: list[int], context: Context) -> set[int]:
    """Rewrite the rows of these enrolments; the people whose figures that may
    change (before and after)."""
    own = ReachActivity.objects.filter(enrolment_id__in=ids, via__isnull=True)
    touched = set(own.values_list("person_id", flat=True).distinct())
    own.delete()
    enrolments = list(Enrolment.objects.filter(pk__in=ids).only(*ENROLMENT_FIELDS))
    kept = kept_ids({e.person_id for e in enrolments})
    marks = ", ".join(["%s"] * len(ids))
    rows = enrolment_rows(
        f"a.enrolment_id IN ({marks})", ids, enrolments, context, kept
    )
    insert_rows(ReachActivity, ACTIVITY_COLUMNS, rows)
    return touched | {r[0] for r in rows}


def build_enrolment_range(
    low: int, high: int, context: Context, sink: Sink = insert_rows
) -> set[int]:
    """The rows of the enrolments with ids from ``low`` to ``high`` (a full
    refresh: the table holds none of them yet)."""
    enrolments = list(
        Enrolment.objects.filter(pk__gte=low, pk__lte=high).only(*ENROLMENT_FIELDS)
    )
    kept = kept_ids({e.person_id for e in enrolments})
    rows = enrolment_rows(
        "a.enrolment_id BETWEEN %s AND %s", [low, high], enrolments, context, kept
    )
    sink(ReachActivity, ACTIVITY_COLUMNS, rows)
    return {r[0] for r in rows}


# ------------------------------------------------------- outreach and trainings


def _age_on(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def recompute_outreach_and_trainings(
    people: list[int], sink: Sink = insert_rows
) -> None:
    """Rewrite the outreach and training rows of these (kept) people."""
    ReachActivity.objects.filter(
        person_id__in=people,
        source__in=[ReachSource.OUTREACH, ReachSource.TRAINING],
        via__isnull=True,
    ).delete()
    linked = Q(person_id__in=people) | Q(person__merged_into_id__in=people)
    contacts = OutreachContact.objects.filter(linked, person__isnull=False).values_list(
        "person_id",
        "agency_id",
        "programme_id",
        "contacted_at",
        "estimated_age",
        "person__date_of_birth",
    )
    trained = (
        TrainingParticipant.objects.filter(linked, completed=True)
        .values_list(
            "person_id", "training__organiser_id", "training__programme_id",
            "training__ends_on",
        )
    )  # fmt: skip
    contacts, trained = list(contacts), list(trained)
    kept = kept_ids({c[0] for c in contacts} | {t[0] for t in trained})
    bits: dict[tuple, int] = defaultdict(int)
    zone = timezone.get_current_timezone()
    for person, agency, programme, at, estimated, born in contacts:
        day = timezone.localtime(at, zone).date()
        age = _age_on(born, day) if born else estimated
        category = (
            ReachCategory.CHILD
            if age is not None and age < ADULT_AGE
            else ReachCategory.ADULT
        )
        key = (
            kept[person],
            day.year,
            category,
            ReachSource.OUTREACH,
            agency,
            programme,
        )
        bits[key] |= 1 << days.day_bit(day)
    for person, agency, programme, ended in trained:
        key = (kept[person], ended.year, ReachCategory.TRAINED, ReachSource.TRAINING)
        bits[(*key, agency, programme)] |= 1 << days.day_bit(ended)
    rows = [
        (person, year, category, source, None, None, agency, programme, None)
        + tuple(days.split(value))
        for (person, year, category, source, agency, programme), value in bits.items()
    ]
    sink(ReachActivity, ACTIVITY_COLUMNS, rows)


# ------------------------------------------------------- reached indirectly

DIRECT = [ReachCategory.CHILD, ReachCategory.ADULT]
SOURCE_FIELDS = ["source", "enrolment_id", "service_id", "agency_id", "programme_id"]


def indirect_rows(through: set[int]) -> list[tuple]:
    """The rows of the people reached through ``through``: for each source that
    served one of them, the days on which it did while another member of their
    household lived with them (both memberships open on that day)."""
    members = household_members(through)
    by_household: dict[int, list[tuple[int, date, date]]] = defaultdict(list)
    for household, person, start, end in members:
        by_household[household].append((person, start, end))
    served: dict[int, list[tuple]] = defaultdict(list)
    for batch in chunks(sorted(through)):
        rows = ReachActivity.objects.filter(
            person_id__in=batch, category__in=DIRECT, via__isnull=True
        ).values_list("person_id", "year", *SOURCE_FIELDS, *WORDS)
        for person, year, *source, w0, w1, w2, w3, w4, w5 in rows:
            served[person].append(
                (year, tuple(source), days.join([w0, w1, w2, w3, w4, w5]))
            )
    out: dict[tuple, int] = defaultdict(int)
    for household in by_household.values():
        for x, x_from, x_until in household:
            if x not in through or x not in served:
                continue
            for y, y_from, y_until in household:
                low, high = max(y_from, x_from), min(y_until, x_until)
                if y == x or low > high:
                    continue
                for year, source, bits in served[x]:
                    if low.year <= year <= high.year:
                        together = bits & days.range_bits(year, low, high)
                        if together:
                            out[(y, year, source, x)] |= together
    return [
        (y, year, ReachCategory.INDIRECT, *source, x, *days.split(bits))
        for (y, year, source, x), bits in out.items()
    ]


def recompute_indirect(through: list[int], sink: Sink = insert_rows) -> set[int]:
    """Rewrite the rows of the people reached through these people; the people
    whose rows changed (before and after)."""
    old = ReachActivity.objects.filter(via_id__in=through)
    touched = set(old.values_list("person_id", flat=True).distinct())
    old.delete()
    rows = indirect_rows(set(through))
    sink(ReachActivity, ACTIVITY_COLUMNS, rows)
    return touched | {r[0] for r in rows}
