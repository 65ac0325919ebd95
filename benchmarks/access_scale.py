"""Who may see what, at national scale: build a country-sized world and time it.

Builds, in an empty database of its own, Kosovo's places, about 100 agencies, about
2,000 users (social workers in teams of 8 under supervisors, service providers, home
visiting nurses, case conference members, data officers), a million people spread
over the municipalities and about 1.2 million access grants; then times, for random
users of each role, the reads that decide who may see what, at two levels: the query
functions the pages call, and the whole pages through Django's test client.

    URA_ENV=development DATABASE_URL=sqlite:////tmp/ura-bench.sqlite3 \\
        .venv/bin/python benchmarks/access_scale.py --people 1000000 --repeat 200

It refuses a database that already holds people unless ``--reuse`` is given (then it
measures what is there). DEBUG is off unless URA_DEBUG says otherwise, as in
production. Results (a markdown table) and the query plans go to standard output;
write them down in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEED = 20260501
BATCH = 10_000  # rows per INSERT batch (SQLite); PostgreSQL uses COPY
COPY_CHUNK = 100_000  # rows per COPY statement (PostgreSQL)

# Sizes per million people; with --people they scale so that caseloads stay the same.
WORKERS_PER_MILLION = 1400
TEAM_SIZE = 8
NURSES_PER_MILLION = 152
PROVIDER_AGENCIES = 16  # day care centres, NGOs and shelters in the larger towns
PROVIDERS_PER_AGENCY = 10
POLICE_STATIONS = 6
CONFERENCE_MEMBERS_PER_STATION = 5
NATIONAL_DATA_OFFICERS = 2
# Caseloads (per user, or per team/agency): these do not scale.
CASELOAD = 300  # active assignments per social worker
CLOSED_CASES = 300  # ended assignments per social worker (their history)
REGISTERED = 100  # of a worker's active people, those they registered themselves
SHARED_WITH_COLLEAGUE = 50  # per worker, shared with a worker of another team
TEAM_SHARES = 150  # people shared with a whole team
HOME_VISITS = 300  # per nurse
CONFERENCE_CASES = 100  # per case conference member
# Referrals per provider agency per million people (minimal level).
REFERRALS_PER_MILLION = 3000
ENDED_REFERRALS_PER_MILLION = 500
CHILD_SHARE = 0.55

TARGET_MS = 200
CEILING_MS = 1000


def say(message: str) -> None:
    print(f"# {message}", flush=True)


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --------------------------------------------------------------------------- set-up


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit(
            "DATABASE_URL must name a dedicated, empty benchmark database, e.g. "
            "sqlite:////tmp/ura-bench.sqlite3 or "
            "postgres://postgres@127.0.0.1:5432/ura_bench"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("URA_DEBUG", "0")  # measure what production runs
    import django

    django.setup()
    # The 404s asked for on purpose would fill the output with warnings.
    logging.getLogger("django.request").setLevel(logging.ERROR)


class Loader:
    """Fast inserts of plain rows: executemany in batches on SQLite, COPY on PostgreSQL.

    ``fields`` are attribute names (``person_id``); any other concrete field gets its
    model default, so a field added to the model later does not break the loader.
    """

    def __init__(self, model: Any, fields: list[str]) -> None:
        from django.db import connection

        self.model = model
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(fields) - set(by_attname)
        if unknown:
            raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
        extra_fields = [f for a, f in by_attname.items() if a not in fields]
        extra: list[Any] = []
        for f in extra_fields:
            default = f.get_default()
            if default is None and not f.null:
                raise ValueError(f"{model.__name__}.{f.attname} needs a value")
            extra.append(f.get_db_prep_save(default, connection))
        self.columns = [by_attname[a].column for a in fields] + [
            f.column for f in extra_fields
        ]
        self.extra = tuple(extra)

    def insert(self, rows: Iterable[tuple], total: int | None = None) -> int:
        from django.db import connection, transaction

        qn = connection.ops.quote_name
        table = qn(self.model._meta.db_table)
        columns = ", ".join(qn(c) for c in self.columns)
        done = 0
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            chunks = batched(rows, COPY_CHUNK)
            for chunk in chunks:
                with transaction.atomic(), connection.cursor() as cursor:
                    copy_sql = f"COPY {table} ({columns}) FROM STDIN"
                    with cursor.copy(copy_sql) as copy:
                        for row in chunk:
                            copy.write_row(row + self.extra)
                done += len(chunk)
                self._progress(done, total, started)
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            for chunk in batched(rows, BATCH):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.executemany(sql, [row + self.extra for row in chunk])
                done += len(chunk)
                if done % COPY_CHUNK < BATCH:
                    self._progress(done, total, started)
        return done

    def _progress(self, done: int, total: int | None, started: float) -> None:
        of = f" of {total:,}" if total else ""
        elapsed = time.perf_counter() - started
        say(f"  {self.model.__name__}: {done:,}{of} rows, {elapsed:.0f} s")


@dataclass
class WorldSize:
    agencies: int = 0
    users: int = 0
    teams: int = 0
    people: int = 0
    grants: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def build_world(n_people: int, rng: random.Random) -> WorldSize:  # noqa: C901
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from ura.access.models import GrantLevel, GrantReason, PersonGrant
    from ura.accounts.models import Agency, AgencyType, Membership, Role, Team, User
    from ura.demo.names import GROUPS
    from ura.people.models import Person, Sex
    from ura.places.loader import load_places
    from ura.places.models import Place, PlaceLevel

    size = WorldSize()
    clock = time.perf_counter()
    scale = n_people / 1_000_000
    now = timezone.now()
    ops = connection.ops

    load_places("kosovo")
    munis = list(Place.objects.filter(level=PlaceLevel.MUNICIPALITY).order_by("path"))
    country = Place.objects.get(code="XK")
    raw = [
        rng.lognormvariate(0, 0.6) * (5 if m.name_en == "Prishtina" else 1)
        for m in munis
    ]
    weights = [w / sum(raw) for w in raw]
    largest = sorted(range(len(munis)), key=lambda i: -weights[i])

    # Agencies: a centre for social work and a health centre in every municipality,
    # service providers and police stations in the larger ones, a ministry, a partner.
    agencies: list[tuple[Agency, Place]] = []
    csw, health = [], []
    for m in munis:
        csw.append(
            Agency(name=f"CSW {m.name_en}", type=AgencyType.SOCIAL_WORK, place=m)
        )
        health.append(
            Agency(name=f"Health centre {m.name_en}", type=AgencyType.HEALTH, place=m)
        )
    agencies += [(a, a.place) for a in csw + health]
    provider_kinds = [AgencyType.DAY_CARE, AgencyType.NGO, AgencyType.SHELTER]
    providers = []
    for k in range(PROVIDER_AGENCIES):
        m = munis[largest[k % 10]]
        kind = provider_kinds[k % len(provider_kinds)]
        providers.append(
            Agency(name=f"{str(kind.label)[:40]} {k + 1}", type=kind, place=m)
        )
    police = [
        Agency(
            name=f"Police {munis[largest[k]].name_en}",
            type=AgencyType.POLICE,
            place=munis[largest[k]],
        )
        for k in range(POLICE_STATIONS)
    ]
    ministry = Agency(
        name="Ministry of Social Welfare", type=AgencyType.MINISTRY, place=country
    )
    partner = Agency(name="Partner Foundation", type=AgencyType.PARTNER, place=country)
    agencies += [(a, a.place) for a in providers + police + [ministry, partner]]
    Agency.objects.bulk_create([a for a, _p in agencies])
    Agency.places_covered.through.objects.bulk_create(
        Agency.places_covered.through(agency_id=a.pk, place_id=p.pk)
        for a, p in agencies
    )
    size.agencies = len(agencies)

    # Users and their roles.
    password = make_password(None)  # unusable: these accounts never sign in
    users: list[User] = []
    roles: list[tuple[User, Agency, str]] = []

    def add_user(username: str, agency: Agency, role: str) -> User:
        group = GROUPS[rng.choice(["albanian", "albanian", "serbian", "roma"])]
        user = User(
            username=username,
            first_name=rng.choice(group[0] + group[1]),
            last_name=rng.choice(group[2]),
            password=password,
        )
        users.append(user)
        roles.append((user, agency, role))
        return user

    workers: list[tuple[User, int, int]] = []  # (user, municipality, team index)
    team_specs: list[tuple[int, User, list[User]]] = []  # (municipality, sup, members)
    for i, m in enumerate(munis):
        count = max(1, round(WORKERS_PER_MILLION * scale * weights[i]))
        for t in range(math.ceil(count / TEAM_SIZE)):
            sup = add_user(f"sup.{m.code}.{t + 1}", csw[i], Role.SUPERVISOR)
            members = []
            for k in range(t * TEAM_SIZE, min(count, (t + 1) * TEAM_SIZE)):
                worker = add_user(f"sw.{m.code}.{k + 1}", csw[i], Role.SOCIAL_WORKER)
                members.append(worker)
                workers.append((worker, i, len(team_specs)))
            team_specs.append((i, sup, members))
    nurses: list[tuple[User, int]] = []
    for i, m in enumerate(munis):
        for k in range(max(1, round(NURSES_PER_MILLION * scale * weights[i]))):
            nurse = add_user(f"nurse.{m.code}.{k + 1}", health[i], Role.HOME_VISITOR)
            nurses.append((nurse, i))
    per_agency = max(2, round(PROVIDERS_PER_AGENCY * min(1.0, scale)))
    for k, agency in enumerate(providers):
        for j in range(per_agency):
            add_user(f"provider.{k + 1}.{j + 1}", agency, Role.SERVICE_PROVIDER)
    conference: list[tuple[User, int]] = []
    for k, agency in enumerate(police):
        for j in range(CONFERENCE_MEMBERS_PER_STATION):
            member = add_user(f"police.{k + 1}.{j + 1}", agency, Role.CONFERENCE_MEMBER)
            conference.append((member, largest[k]))
    for k in range(NATIONAL_DATA_OFFICERS):
        add_user(f"data.national.{k + 1}", ministry, Role.DATA_OFFICER)
    for i, m in enumerate(munis):
        add_user(f"data.{m.code}", csw[i], Role.DATA_OFFICER)
    add_user("partner.1", partner, Role.PARTNER)
    add_user("admin.1", ministry, Role.ADMINISTRATOR)
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=1000)
        Membership.objects.bulk_create(
            Membership(user=u, agency=a, role=r) for u, a, r in roles
        )
        teams = Team.objects.bulk_create(
            Team(agency=csw[i], name=f"Team {k + 1}", supervisor=sup)
            for k, (i, sup, _members) in enumerate(team_specs)
        )
        Team.members.through.objects.bulk_create(
            Team.members.through(team_id=team.pk, user_id=member.pk)
            for team, (_i, _sup, members) in zip(teams, team_specs, strict=True)
            for member in members
        )
    size.users, size.teams = len(users), len(teams)
    size.seconds["agencies, users, teams"] = time.perf_counter() - clock
    say(f"{size.agencies} agencies, {size.users} users, {size.teams} teams")

    # People: ids 1..n, each in a municipality drawn by weight.
    clock = time.perf_counter()
    times = sorted(
        now - timedelta(seconds=rng.randrange(5 * 365 * 86400)) for _ in range(20_000)
    )
    stamps = [ops.adapt_datetimefield_value(t) for t in times]
    today = timezone.localdate()
    births = [
        ops.adapt_datefield_value(today - timedelta(days=d)) for d in range(80 * 365)
    ]
    muni_of = rng.choices(range(len(munis)), weights=weights, k=n_people)
    place_ids = [m.pk for m in munis]
    people_in: list[list[int]] = [[] for _ in munis]
    children_in: list[list[int]] = [[] for _ in munis]
    names = {
        group: (female, male, family)
        for group, (female, male, family) in GROUPS.items()
    }

    def people_rows() -> Iterator[tuple]:
        for pid in range(1, n_people + 1):
            m = muni_of[pid - 1]
            r = rng.random()
            group = "albanian" if r < 0.7 else ("serbian" if r < 0.85 else "roma")
            female, male, family = names[group]
            is_female = rng.random() < 0.5
            child = rng.random() < CHILD_SHARE
            age_days = (
                rng.randrange(18 * 365) if child else rng.randrange(18 * 365, 80 * 365)
            )
            created = rng.randrange(len(stamps))
            updated = rng.randrange(created, len(stamps))
            people_in[m].append(pid)
            if child:
                children_in[m].append(pid)
            yield (
                pid,
                stamps[created],
                stamps[updated],
                1,
                rng.choice(female if is_female else male),
                rng.choice(family),
                Sex.FEMALE if is_female else Sex.MALE,
                births[age_days],
                rng.random() < 0.05,
                place_ids[m],
                "",
                "",
                None,
            )

    person_loader = Loader(
        Person,
        [
            "id",
            "created_at",
            "updated_at",
            "version",
            "given_name",
            "family_name",
            "sex",
            "date_of_birth",
            "date_of_birth_estimated",
            "place_id",
            "address",
            "phone",
            "created_by_id",
        ],
    )
    size.people = person_loader.insert(people_rows(), total=n_people)
    size.seconds["people"] = time.perf_counter() - clock

    # Grants.
    clock = time.perf_counter()
    past = [
        ops.adapt_datetimefield_value(now - timedelta(days=d, seconds=s))
        for d, s in ((rng.randrange(1, 700), rng.randrange(86400)) for _ in range(5000))
    ]
    long_ago = [
        ops.adapt_datetimefield_value(now - timedelta(days=d)) for d in range(700, 1500)
    ]
    ended = [
        ops.adapt_datetimefield_value(now - timedelta(days=d, seconds=s))
        for d, s in ((rng.randrange(1, 365), rng.randrange(86400)) for _ in range(5000))
    ]
    future = [
        ops.adapt_datetimefield_value(now + timedelta(days=d)) for d in range(30, 180)
    ]
    grants: list[tuple] = []
    full, minimal = str(GrantLevel.FULL), str(GrantLevel.MINIMAL)

    def grant(
        pid,
        reason,
        *,
        user=None,
        team=None,
        agency=None,
        level=full,
        source=("", ""),
        by=None,
        until=None,
        since=None,
    ):  # noqa: ANN001, ANN202
        grants.append(
            (
                pid,
                user,
                team,
                agency,
                str(reason),
                level,
                source[0],
                str(source[1]),
                by,
                since or rng.choice(past),
                until,
            )
        )

    order = []
    for ids in people_in:
        shuffled = ids[:]
        rng.shuffle(shuffled)
        order.append(shuffled)
    pointer = [0] * len(munis)

    def take(m: int, k: int) -> list[int]:
        ids = order[m]
        start = pointer[m]
        pointer[m] += k
        return [ids[(start + j) % len(ids)] for j in range(k)] if ids else []

    team_workers: dict[int, list[User]] = {}
    for worker, _m, t in workers:
        team_workers.setdefault(t, []).append(worker)
    workers_in: dict[int, list[tuple[User, int]]] = {}
    for worker, m, t in workers:
        workers_in.setdefault(m, []).append((worker, t))
    for worker, m, t in workers:
        sup = team_specs[t][1].pk
        active = take(m, CASELOAD)
        for pid in active:
            grant(
                pid,
                GrantReason.ASSIGNMENT,
                user=worker.pk,
                source=("case", pid),
                by=sup,
            )
        for pid in take(m, CLOSED_CASES):
            grant(
                pid,
                GrantReason.ASSIGNMENT,
                user=worker.pk,
                source=("case", pid),
                by=sup,
                since=rng.choice(long_ago),
                until=rng.choice(ended),
            )
        for pid in rng.sample(active, min(REGISTERED, len(active))):
            grant(
                pid,
                GrantReason.REGISTRATION,
                user=worker.pk,
                since=rng.choice(long_ago),
            )
        others = [w for w, wt in workers_in[m] if wt != t] or [
            w for w, _wt in workers_in[m] if w is not worker
        ]
        if others:
            for pid in rng.sample(active, min(SHARED_WITH_COLLEAGUE, len(active))):
                grant(pid, GrantReason.SHARE, user=rng.choice(others).pk, by=worker.pk)
    for team, (m, _sup, _members) in zip(teams, team_specs, strict=True):
        for pid in rng.sample(people_in[m], min(TEAM_SHARES, len(people_in[m]))):
            grant(pid, GrantReason.SHARE, team=team.pk, source=("team-share", team.pk))
    for agency in providers:
        kids = children_in[munis.index(agency.place)]
        active = max(1, round(REFERRALS_PER_MILLION * scale))
        closed = max(1, round(ENDED_REFERRALS_PER_MILLION * scale))
        picked = rng.sample(kids, min(active + closed, len(kids)))
        for k, pid in enumerate(picked):
            if k < active:
                until = rng.choice(future) if rng.random() < 0.3 else None
                grant(
                    pid,
                    GrantReason.REFERRAL,
                    agency=agency.pk,
                    level=minimal,
                    source=("referral", pid),
                    until=until,
                )
            else:
                grant(
                    pid,
                    GrantReason.REFERRAL,
                    agency=agency.pk,
                    level=minimal,
                    source=("referral", pid),
                    since=rng.choice(long_ago),
                    until=rng.choice(ended),
                )
    for nurse, m in nurses:
        for pid in rng.sample(people_in[m], min(HOME_VISITS, len(people_in[m]))):
            grant(
                pid,
                GrantReason.HOME_VISITING,
                user=nurse.pk,
                source=("caseload", nurse.pk),
            )
    for member, m in conference:
        kids = children_in[m]
        for pid in rng.sample(kids, min(CONFERENCE_CASES, len(kids))):
            grant(
                pid, GrantReason.CONFERENCE, user=member.pk, source=("conference", pid)
            )
    # Grants are made over years, for all kinds of people at once: in a real table a
    # user's grants lie scattered, not side by side.
    rng.shuffle(grants)
    say(f"{len(grants):,} grants made in memory")
    grant_loader = Loader(
        PersonGrant,
        [
            "id",
            "person_id",
            "user_id",
            "team_id",
            "agency_id",
            "reason",
            "level",
            "source_type",
            "source_id",
            "granted_by_id",
            "starts_at",
            "ends_at",
        ],
    )
    size.grants = grant_loader.insert(
        ((k, *g) for k, g in enumerate(grants, start=1)), total=len(grants)
    )
    size.seconds["grants"] = time.perf_counter() - clock

    clock = time.perf_counter()
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in ops.sequence_reset_sql(no_style(), [Person, PersonGrant]):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            # What autovacuum does soon after a bulk load.
            for model in (Person, PersonGrant):
                cursor.execute(f"VACUUM ANALYZE {ops.quote_name(model._meta.db_table)}")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size.seconds["sequences, vacuum/analyze"] = time.perf_counter() - clock
    return size


# ---------------------------------------------------------------------- measuring


@dataclass
class Figure:
    key: str
    label: str
    level: str  # "query" or "page"
    samples: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    values: list[int] = field(default_factory=list)
    note: str = ""

    def pct(self, p: float) -> float:
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(p * len(ordered)) - 1)]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def verdict(self) -> str:
        p95 = self.pct(0.95)
        if p95 < TARGET_MS:
            return "ok"
        if p95 < CEILING_MS:
            return "over 200 ms"
        return "**over 1 s**"


def measure(
    key: str,
    label: str,
    level: str,
    prepare: Callable[[], Any],
    act: Callable[[Any], int],
    repeat: int,
    budget: float,
    warmup: int = 2,
    minimum: int = 20,
) -> Figure:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    figure = Figure(key, label, level)
    for _ in range(warmup):
        act(prepare())
    started = time.perf_counter()
    for _ in range(repeat):
        arg = prepare()
        # The log keeps 9,000 queries; once full, a capture would count none.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            value = act(arg)
            elapsed = time.perf_counter() - t0
        figure.samples.append(elapsed * 1000)
        figure.queries.append(len(queries))
        figure.values.append(value)
        if time.perf_counter() - started > budget and len(figure.samples) >= minimum:
            break
    say(
        f"{key} {label} [{level}]: n={len(figure.samples)} "
        f"median {figure.median:.1f} ms, p95 {figure.pct(0.95):.1f} ms, "
        f"queries {statistics.median(figure.queries):.0f}"
    )
    return figure


@dataclass
class Cast:
    """The users measured, by role, as ids."""

    workers: list[int]
    supervisors: list[int]
    providers: list[int]
    national_data: list[int]
    municipal_data: list[int]


def cast_of() -> Cast:
    from ura.accounts.models import AgencyType, Membership, Role

    def ids(role: str, **extra: Any) -> list[int]:
        return sorted(
            Membership.objects.filter(role=role, is_active=True, **extra).values_list(
                "user_id", flat=True
            )
        )

    return Cast(
        workers=ids(Role.SOCIAL_WORKER),
        supervisors=ids(Role.SUPERVISOR),
        providers=ids(Role.SERVICE_PROVIDER),
        national_data=ids(Role.DATA_OFFICER, agency__type=AgencyType.MINISTRY),
        municipal_data=ids(Role.DATA_OFFICER, agency__type=AgencyType.SOCIAL_WORK),
    )


def check_reach(cast: Cast, rng: random.Random, sample: int = 20) -> list[str]:
    """Compare visible_people with a plain re-reading of the grants, done in Python
    (ids and dates compared here, not in SQL). Returns the failures."""
    from django.db.models import Q
    from django.utils import timezone

    from ura.access.models import GrantLevel, PersonGrant
    from ura.access.rules import access_person, visible_people
    from ura.accounts.models import Membership, Role, Team, User

    failures = []
    now = timezone.now()
    users = (
        rng.sample(cast.workers, min(sample, len(cast.workers)))
        + rng.sample(cast.supervisors, min(sample, len(cast.supervisors)))
        + rng.sample(cast.providers, min(sample, len(cast.providers)))
        + cast.national_data
        + rng.sample(cast.municipal_data, min(5, len(cast.municipal_data)))
    )
    for uid in users:
        user = User.objects.get(pk=uid)
        roles = set(
            Membership.objects.filter(user=user, is_active=True).values_list(
                "role", flat=True
            )
        )
        user_ids, team_ids, agency_ids = {uid}, set(), set()
        team_ids |= set(
            Team.members.through.objects.filter(user_id=uid).values_list(
                "team_id", flat=True
            )
        )
        if Role.SUPERVISOR in roles:
            supervised = set(
                Team.objects.filter(supervisor_id=uid).values_list("pk", flat=True)
            )
            team_ids |= supervised
            user_ids |= set(
                Team.members.through.objects.filter(
                    team_id__in=supervised, user__is_active=True
                ).values_list("user_id", flat=True)
            )
        if Role.SERVICE_PROVIDER in roles:
            agency_ids |= set(
                Membership.objects.filter(
                    user_id=uid, role=Role.SERVICE_PROVIDER
                ).values_list("agency_id", flat=True)
            )
        expected: set[int] = set()
        if roles & {Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.SERVICE_PROVIDER}:
            rows = PersonGrant.objects.filter(
                Q(user_id__in=user_ids)
                | Q(team_id__in=team_ids)
                | Q(agency_id__in=agency_ids)
            ).values_list("person_id", "starts_at", "ends_at")
            expected = {
                pid
                for pid, start, end in rows
                if start <= now and (end is None or end > now)
            }
        got = set(visible_people(user).values_list("pk", flat=True))
        if got != expected:
            failures.append(
                f"user {uid} {sorted(roles)}: sees {len(got)}, grants say "
                f"{len(expected)} ({len(got - expected)} too many, "
                f"{len(expected - got)} missing)"
            )
        if Role.SERVICE_PROVIDER in roles and got:
            fresh = User.objects.get(pk=uid)
            _person, level = access_person(fresh, rng.choice(sorted(got)))
            if level != GrantLevel.MINIMAL:
                failures.append(f"provider {uid} sees a referral at level {level}")
    say(f"reach checked for {len(users)} users: {len(failures)} failures")
    return failures


def run_measurements(  # noqa: C901
    cast: Cast,
    rng: random.Random,
    repeat: int,
    budget: float,
    pages: bool,
    only: set[str] | None = None,
) -> list[Figure]:
    from django.core.paginator import Paginator
    from django.http import Http404
    from django.test import Client

    from ura.access.rules import access_person, visible_grants
    from ura.accounts.middleware import SESSION_STARTED_KEY
    from ura.accounts.models import User
    from ura.audit.actions import record
    from ura.audit.models import AuditAction
    from ura.people.models import Person
    from ura.people.queries import people_search
    from ura.statistics.queries import people_by_place
    from ura.workspace.queries import people_panels, team_caseloads

    max_person = Person.objects.order_by("-pk").values_list("pk", flat=True).first()

    def user_from(ids: list[int]) -> Callable[[], User]:
        # A fresh object each time: the access cache lives on the user object, for
        # one request, so every repetition pays for the roles look-up like a page.
        return lambda: User.objects.get(pk=rng.choice(ids))

    def reach(user: User) -> set[int]:
        return set(visible_grants(user).values_list("person_id", flat=True))

    def in_reach(ids: list[int]) -> Callable[[], tuple[User, int]]:
        def prepare() -> tuple[User, int]:
            while True:
                user = User.objects.get(pk=rng.choice(ids))
                seen = reach(user)
                if seen:
                    return User.objects.get(pk=user.pk), rng.choice(sorted(seen))

        return prepare

    def out_of_reach(ids: list[int]) -> Callable[[], tuple[User, int]]:
        def prepare() -> tuple[User, int]:
            user = User.objects.get(pk=rng.choice(ids))
            seen = reach(user)
            while True:
                pid = rng.randint(1, max_person)
                if pid not in seen:
                    return User.objects.get(pk=user.pk), pid

        return prepare

    def list_page(user: User) -> int:
        page = Paginator(people_search(user=user), 25).get_page(1)
        list(page)
        return page.paginator.count

    def open_person(arg: tuple[User, int]) -> int:
        access_person(*arg)
        return 200

    def refuse_person(arg: tuple[User, int]) -> int:
        try:
            access_person(*arg)
        except Http404:
            return 404
        raise AssertionError(f"user {arg[0].pk} reached person {arg[1]}")

    def panels(user: User) -> int:
        return sum(p.total for p in people_panels(user))

    def caseloads(user: User) -> int:
        return len(list(team_caseloads(user)))

    def by_place(user: User) -> int:
        return len(people_by_place(user=user))

    figures: list[Figure] = []
    queries: list[tuple[str, str, Callable[[], Any], Callable[[Any], int]]] = [
        ("a", "social worker: people list (count + page 1)",
         user_from(cast.workers), list_page),
        ("b", "supervisor: people list (count + page 1)",
         user_from(cast.supervisors), list_page),
        ("c", "service provider: people list (count + page 1)",
         user_from(cast.providers), list_page),
        ("d1", "social worker: access_person, in reach",
         in_reach(cast.workers), open_person),
        ("d2", "social worker: access_person, out of reach (404)",
         out_of_reach(cast.workers), refuse_person),
        ("e1", "supervisor: people_panels", user_from(cast.supervisors), panels),
        ("e2", "supervisor: team_caseloads", user_from(cast.supervisors), caseloads),
        ("f1", "national data officer: people_by_place",
         user_from(cast.national_data), by_place),
        ("f2", "municipal data officer: people_by_place",
         user_from(cast.municipal_data), by_place),
    ]  # fmt: skip
    for key, label, prepare, act in queries:
        if only and f"{key}.query" not in only and key not in only:
            continue
        figures.append(measure(key, label, "query", prepare, act, repeat, budget))

    if pages:

        def signed_in(user: User) -> Client:
            client = Client()
            client.force_login(user)
            session = client.session
            session[SESSION_STARTED_KEY] = time.time()
            session.save()
            return client

        def page_of(ids: list[int], url: str) -> Callable[[], tuple[Client, str, int]]:
            def prepare() -> tuple[Client, str, int]:
                return signed_in(User.objects.get(pk=rng.choice(ids))), url, 200

            return prepare

        def person_page(
            pick: Callable[[], tuple[User, int]], status: int
        ) -> Callable[[], tuple[Client, str, int]]:
            def prepare() -> tuple[Client, str, int]:
                user, pid = pick()
                return signed_in(user), f"/people/{pid}/", status

            return prepare

        def get(arg: tuple[Client, str, int]) -> int:
            client, url, status = arg
            response = client.get(url)
            if response.status_code != status:
                raise AssertionError(f"{url}: {response.status_code}, not {status}")
            return len(response.content)

        workers, sups = cast.workers, cast.supervisors
        pages_: list[tuple[str, str, Callable[[], Any]]] = [
            ("a", "social worker: GET /people/", page_of(workers, "/people/")),
            ("b", "supervisor: GET /people/", page_of(sups, "/people/")),
            ("c", "service provider: GET /people/",
             page_of(cast.providers, "/people/")),
            ("d1", "social worker: GET /people/<id>/ in reach",
             person_page(in_reach(workers), 200)),
            ("d2", "social worker: GET /people/<id>/ out of reach (404)",
             person_page(out_of_reach(workers), 404)),
            ("e0", "social worker: GET /home/", page_of(workers, "/home/")),
            ("e", "supervisor: GET /home/", page_of(sups, "/home/")),
            ("c2", "service provider: GET /home/", page_of(cast.providers, "/home/")),
            ("f1", "national data officer: GET /home/",
             page_of(cast.national_data, "/home/")),
            ("f1s", "national data officer: GET /statistics/",
             page_of(cast.national_data, "/statistics/")),
            ("f2", "municipal data officer: GET /home/",
             page_of(cast.municipal_data, "/home/")),
        ]  # fmt: skip
        for key, label, prepare in pages_:
            if only and f"{key}.page" not in only and key not in only:
                continue
            figures.append(measure(key, label, "page", prepare, get, repeat, budget))

    if only and "g" not in only:
        return figures
    actor = User.objects.get(pk=cast.workers[0])

    def append(pid: int) -> int:
        record(
            actor=actor,
            action=AuditAction.VIEW,
            object_type="people.person",
            object_id=pid,
            detail="benchmark",
        )
        return 1

    audit = measure(
        "g",
        "audit record(), single thread",
        "query",
        lambda: rng.randint(1, max_person),
        append,
        2000,
        budget=float("inf"),
    )
    audit.note = f"{1000 * len(audit.samples) / sum(audit.samples):,.0f} appends/s"
    figures.append(audit)
    return figures


def table(figures: list[Figure]) -> str:
    lines = [
        "| # | What | Level | n | Median ms | p95 ms | Max ms | Queries | "
        "Result (median) | Target |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for f in figures:
        low, high = min(f.queries), max(f.queries)
        queries = str(low) if low == high else f"{low}–{high}"
        if f.note:
            result = f.note
        elif f.level == "page":
            result = f"{statistics.median(f.values) / 1024:.1f} KiB"
        else:
            result = f"{statistics.median(f.values):,.0f}"
        lines.append(
            f"| {f.key} | {f.label} | {f.level} | {len(f.samples)} | "
            f"{f.median:.1f} | {f.pct(0.95):.1f} | {max(f.samples):.1f} | "
            f"{queries} | {result} | {f.verdict} |"
        )
    return "\n".join(lines)


# ------------------------------------------------------------------ experiments
# Proposed changes, tried inside this process (or on the benchmark database) only, so
# that a proposal comes with its figures. Nothing here changes Ura's code.

EXPERIMENTS = {
    "grantee-ids": "ura.access.rules._grantee_condition resolves the user's teams, "
    "supervised workers and agencies to lists of ids first (cached for the request), "
    "so the grant filter is plain IN lists with no sub-selects inside the OR",
    "list-order": "ura.people.queries.people_search orders by Lower(family_name), "
    "Lower(given_name), id: no index gives that order, so the database reads the "
    "user's people through their grants and sorts them, instead of walking the name "
    "index of all people and probing the grants of each one until 25 match",
    "panels-direct": "ura.workspace.queries.people_panels reads "
    "Person.objects.filter(pk__in=ids) instead of visible_people(user).filter("
    "pk__in=ids): ids come from visible_grants already, so the second semi-join "
    "only repeats the first",
    "covering-index": "an index people_person (place_id, date_of_birth, sex), so the "
    "statistics read the index and not the table",
    "pg-ssd-costs": "random_page_cost=1.1 on the benchmark database (PostgreSQL's "
    "default of 4 assumes spinning disks), so the planner prices index look-ups as "
    "what they cost on an SSD or in cache",
    "sqlite-keep-connection": "CONN_MAX_AGE=600 for SQLite: the connection, and its "
    "page cache, survive from one request to the next",
}
COVERING_INDEX = "bench_person_place_dob_sex"


def _grantee_condition_by_ids(user: Any) -> Any:
    from django.db.models import Q

    from ura.access import rules
    from ura.accounts.models import Role, Team, User

    roles = rules.roles_of(user)
    if not roles or not rules.may(user, rules.Permission.VIEW_PEOPLE):
        return Q(pk__in=[])

    def compute() -> Any:
        teams = list(Team.objects.filter(members=user).values_list("pk", flat=True))
        users = [user.pk]
        agencies: list[int] = []
        if Role.SUPERVISOR in roles:
            supervised = list(
                Team.objects.filter(
                    supervisor=user,
                    agency__in=rules.agencies_where(user, Role.SUPERVISOR),
                ).values_list("pk", flat=True)
            )
            teams += supervised
            users += list(
                User.objects.filter(teams__in=supervised, is_active=True)
                .values_list("pk", flat=True)
                .distinct()
            )
        if Role.SERVICE_PROVIDER in roles:
            agencies = list(
                rules.agencies_where(user, Role.SERVICE_PROVIDER).values_list(
                    "pk", flat=True
                )
            )
        condition = Q(user_id__in=sorted(set(users)))
        if teams:
            condition |= Q(team_id__in=sorted(set(teams)))
        if agencies:
            condition |= Q(agency_id__in=agencies)
        return condition

    return rules._cached(user, "grantee_condition", compute)


def apply_experiment(name: str) -> Callable[[], None]:
    """Apply one proposed change; returns what undoes it."""
    from django.db import connection

    say(f"experiment {name}: {EXPERIMENTS[name]}")
    if name == "grantee-ids":
        from ura.access import rules

        original = rules._grantee_condition
        rules._grantee_condition = _grantee_condition_by_ids

        def undo() -> None:
            rules._grantee_condition = original

        return undo
    if name == "list-order":
        from django.db.models.functions import Lower

        from ura.people import queries

        search = queries.people_search

        def ordered(*args: Any, **kwargs: Any) -> Any:
            people = search(*args, **kwargs)
            return people.order_by(Lower("family_name"), Lower("given_name"), "id")

        queries.people_search = ordered

        def undo() -> None:
            queries.people_search = search

        return undo
    if name == "panels-direct":
        from ura.access.rules import roles_of, visible_grants
        from ura.people.models import Person
        from ura.workspace import queries as workspace

        panels = workspace.people_panels

        def direct(user: Any) -> list[Any]:
            found = []
            for role in roles_of(user):
                if role not in workspace.ROLE_LISTS:
                    continue
                title, condition = workspace.ROLE_LISTS[role]
                ids = visible_grants(user).filter(condition).values("person_id")
                people = Person.objects.filter(pk__in=ids).select_related("place")
                found.append(
                    workspace.PeoplePanel(
                        title=str(title),
                        people=list(
                            people.order_by("-updated_at")[: workspace.PANEL_SIZE]
                        ),
                        total=people.count(),
                    )
                )
            return found

        workspace.people_panels = direct

        def undo() -> None:
            workspace.people_panels = panels

        return undo
    if name == "covering-index":
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            clock = time.perf_counter()
            cursor.execute(
                f"CREATE INDEX {qn(COVERING_INDEX)} ON {qn('people_person')} "
                f"({qn('place_id')}, {qn('date_of_birth')}, {qn('sex')})"
            )
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE people_person")
            say(f"index made in {time.perf_counter() - clock:.1f} s")

        def undo() -> None:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP INDEX {qn(COVERING_INDEX)}")

        return undo
    if name == "pg-ssd-costs":
        if connection.vendor != "postgresql":
            sys.exit("pg-ssd-costs is for PostgreSQL only")
        database = connection.ops.quote_name(connection.settings_dict["NAME"])
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER DATABASE {database} SET random_page_cost = 1.1")
        connection.close()  # the setting applies to new sessions

        def undo() -> None:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER DATABASE {database} RESET random_page_cost")
            connection.close()

        return undo
    if name == "sqlite-keep-connection":
        if connection.vendor != "sqlite":
            sys.exit("sqlite-keep-connection is for SQLite only")
        before = connection.settings_dict["CONN_MAX_AGE"]
        connection.settings_dict["CONN_MAX_AGE"] = 600
        connection.close()

        def undo() -> None:
            connection.settings_dict["CONN_MAX_AGE"] = before
            connection.close()

        return undo
    raise ValueError(name)


# ------------------------------------------------------------------------ plans


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        depth: dict[int, int] = {0: -1}
        lines = []
        for node, parent, _unused, detail in cursor.fetchall():
            depth[node] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node] + detail)
        return "\n".join(lines)


def captured(run: Callable[[], Any], pick: Callable[[str], bool]) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        run()
    matching = [q["sql"] for q in queries.captured_queries if pick(q["sql"])]
    return matching[-1]


def plans(cast: Cast, rng: random.Random) -> list[tuple[str, str, str]]:
    from ura.access.rules import roles_of
    from ura.accounts.models import User
    from ura.people.queries import people_search
    from ura.statistics.queries import people_by_place

    out = []
    for title, ids in (
        ("social worker", cast.workers),
        ("supervisor", cast.supervisors),
        ("service provider", cast.providers),
    ):
        user = User.objects.get(pk=rng.choice(ids))
        roles_of(user)  # cached: the next query captured is the list's own
        qs = people_search(user=user)
        sql = captured(qs.count, lambda s: "COUNT(" in s.upper())
        out.append((f"{title}: people list count", sql, explain(sql)))
        if title == "social worker":
            sql = captured(lambda qs=qs: list(qs[:25]), lambda s: "LIMIT" in s.upper())
            out.append((f"{title}: people list page 1", sql, explain(sql)))
    user = User.objects.get(pk=cast.national_data[0])
    sql = captured(
        lambda: people_by_place(user=user), lambda s: "GROUP BY" in s.upper()
    )
    out.append(("national data officer: people_by_place", sql, explain(sql)))
    return out


# -------------------------------------------------------------------------- main


def machine() -> str:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.1f} GiB memory"
    return f"{os.cpu_count()} CPUs{memory}, {platform.platform()}"


def load() -> str:
    """The load average: another process on the machine skews the figures."""
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def database() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0].split(" on ")[0]
            cursor.execute(
                "SELECT pg_size_pretty(pg_database_size(current_database()))"
            )
            return f"{version}, database {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
        name = Path(connection.settings_dict["NAME"])
        return f"SQLite {version}, file {name.stat().st_size / 1024**2:,.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument(
        "--budget",
        type=float,
        default=90,
        help="seconds per scenario; stops early (after 20 runs at least)",
    )
    parser.add_argument("--reuse", action="store_true", help="measure what is there")
    parser.add_argument("--no-pages", action="store_true", help="query level only")
    parser.add_argument(
        "--sqlite-analyze",
        action="store_true",
        help="run ANALYZE on SQLite before measuring (Ura does not do it itself)",
    )
    parser.add_argument(
        "--experiment",
        action="append",
        default=[],
        choices=sorted(EXPERIMENTS),
        help="try a proposed change (in this process or on the benchmark database "
        "only); may be given more than once",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated scenario keys to run, e.g. a,b,f1 or f1.page",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from ura.access.models import PersonGrant
    from ura.accounts.models import Agency, User
    from ura.people.models import Person

    say(f"machine: {machine()}")
    say(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    clock = time.perf_counter()
    call_command("migrate", verbosity=0)
    say(f"migrated in {time.perf_counter() - clock:.1f} s")
    rng = random.Random(args.seed)
    if Person.objects.exists():
        if not args.reuse:
            sys.exit(
                "This database already holds people: give an empty, dedicated "
                "database, or --reuse to measure what is there."
            )
        say("reusing the people already there")
        if connection.vendor == "postgresql":
            # A migration may have added columns since the last ANALYZE: without
            # their statistics the planner guesses (merged_into IS NULL: 0.5 %).
            clock = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            say(f"ANALYZE done in {time.perf_counter() - clock:.1f} s")
    else:
        clock = time.perf_counter()
        size = build_world(args.people, rng)
        say(f"world built in {time.perf_counter() - clock:.0f} s: {size.seconds}")
    if connection.vendor == "sqlite" and args.sqlite_analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        say("ANALYZE done")

    counts = (
        f"{Person.objects.count():,} people, {PersonGrant.objects.count():,} grants "
        f"({PersonGrant.objects.filter(ends_at__isnull=False).count():,} with an end), "
        f"{User.objects.count():,} users, {Agency.objects.count()} agencies"
    )
    say(counts)
    cast = cast_of()
    undo = [apply_experiment(name) for name in args.experiment]
    only = {k.strip() for k in args.only.split(",") if k.strip()} or None
    load_before = load()
    failures = check_reach(cast, random.Random(args.seed + 1))
    figures = run_measurements(
        cast,
        random.Random(args.seed + 2),
        args.repeat,
        args.budget,
        not args.no_pages,
        only,
    )
    load_after = load()
    found = plans(cast, random.Random(args.seed + 3))
    for step in reversed(undo):
        step()

    print()
    print(f"## Access at scale: {connection.vendor}")
    print()
    for name in args.experiment:
        print(f"- Experiment {name}: {EXPERIMENTS[name]}")
    print(f"- Machine: {machine()}")
    print(f"- Database: {database()}")
    print(f"- World: {counts}")
    print(f"- Load average (1/5/15 min) before: {load_before}, after: {load_after}")
    print(f"- Reach check: {'ok' if not failures else '; '.join(failures)}")
    print()
    print(table(figures))
    for title, sql, plan in found:
        print()
        print(f"### Plan: {title}")
        print()
        print("```sql")
        print(sql)
        print("```")
        print()
        print("```")
        print(plan)
        print("```")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
