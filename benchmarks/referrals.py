"""Referrals at national scale: the list of a busy provider, and the pages around it.

Builds, in an empty database of its own, Kosovo's places, a centre for social work
in every municipality (with its social workers in one team under a supervisor),
provider agencies with their services, people, and a million referrals over three
years: one provider agency (the "busy" one) receives 50,000 of them, the others
share the rest; most are over (completed, declined, closed, withdrawn), the
recent ones open, some past their deadline. Each person has a full grant to the
worker who refers them, each open referral its ``referral`` grant to the
receiving agency. Then it times the real pages through Django's test client:

    URA_ENV=development DATABASE_URL=sqlite:////tmp/ura-referrals.sqlite3 \\
        .venv/bin/python benchmarks/referrals.py --referrals 1000000 --busy 50000

    createdb -h 127.0.0.1 -U postgres ura_bench_referrals
    URA_ENV=development \\
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/ura_bench_referrals \\
        .venv/bin/python benchmarks/referrals.py --referrals 1000000 --busy 50000
    # a first try: --referrals 50000 --busy 5000 --people 20000 (under a minute)

It refuses a database that already holds referrals unless ``--reuse`` is given
(then it measures what is there). Each page must answer 200 and show what it is
about (a benchmark of error pages proves nothing). DEBUG is off unless URA_DEBUG
says otherwise. Results (a markdown table and the plans of the busy provider's
list) go to standard output; write them down in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.access_scale import (  # noqa: E402
    Figure,
    Loader,
    captured,
    database,
    explain,
    load,
    machine,
    measure,
    say,
    setup_django,
    table,
)

SEED = 20260503
WORKERS_PER_CSW = 10
PROVIDER_AGENCIES = 40
SERVICES_PER_PROVIDER = 3
YEARS = 3
# Statuses (weights) of the referrals older than OPEN_DAYS, and of the recent ones.
ENDED = (("completed", 60), ("declined", 14), ("closed", 10), ("cancelled", 6))
RECENT = (
    ("sent", 10),
    ("received", 10),
    ("accepted", 12),
    ("started", 28),
    ("completed", 20),
    ("declined", 8),
    ("closed", 6),
    ("cancelled", 6),
)
OPEN_DAYS = 90
RECENT_SHARE = 0.12  # of all referrals, sent in the last OPEN_DAYS days
URGENCIES = (("routine", 70), ("urgent", 25), ("emergency", 5))
HOURS = {"emergency": (24, 72), "urgent": (72, 240), "routine": (240, 720)}
ANSWERED = {"accepted", "declined", "started", "completed", "closed"}
STARTED = {"started", "completed"}
OPEN = {"sent", "received", "accepted", "started"}


def next_id(model: Any) -> int:
    """The first free id: the loader writes ids itself."""
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def build_world(
    n_referrals: int, n_busy: int, n_people: int, rng: random.Random
) -> dict[str, float]:
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from ura.access.models import GrantLevel, GrantReason, PersonGrant
    from ura.accounts.models import Agency, AgencyType, Membership, Role, Team, User
    from ura.directory.models import Service
    from ura.people.models import Person
    from ura.places.loader import load_places
    from ura.places.models import Place, PlaceLevel
    from ura.referrals.models import Referral, ReferralEvent

    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    now = timezone.now()
    load_places("kosovo")
    munis = list(Place.objects.filter(level=PlaceLevel.MUNICIPALITY).order_by("path"))

    csw = [
        Agency(name=f"CSW {m.name_en}", type=AgencyType.SOCIAL_WORK, place=m)
        for m in munis
    ]
    kinds = [AgencyType.DAY_CARE, AgencyType.NGO, AgencyType.SHELTER]
    providers = [
        Agency(
            name=f"Provider {k + 1}", type=kinds[k % len(kinds)], place=munis[k % 10]
        )
        for k in range(PROVIDER_AGENCIES)
    ]
    Agency.objects.bulk_create(csw + providers)
    password = make_password(None)
    users, roles = [], []
    for agency in csw:
        for i in range(WORKERS_PER_CSW + 1):
            user = User(username=f"sw-{agency.pk}-{i}", password=password)
            users.append(user)
            role = Role.SUPERVISOR if i == 0 else Role.SOCIAL_WORKER
            roles.append((user, agency, role))
    for agency in providers:
        for i in range(3):
            user = User(username=f"sp-{agency.pk}-{i}", password=password)
            users.append(user)
            roles.append((user, agency, Role.SERVICE_PROVIDER))
    User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        Membership(user=u, agency=a, role=r) for u, a, r in roles
    )
    workers_of: dict[int, list[int]] = {}
    for agency in csw:
        members = [u for u, a, r in roles if a is agency]
        team = Team.objects.create(agency=agency, name="Team", supervisor=members[0])
        team.members.add(*members[1:])
        workers_of[agency.pk] = [u.pk for u in members[1:]]
    services: dict[int, list[int]] = {}
    for agency in providers:
        made = Service.objects.bulk_create(
            Service(agency=agency, name=f"Service {agency.pk}-{i}", type="day_care")
            for i in range(SERVICES_PER_PROVIDER)
        )
        services[agency.pk] = [s.pk for s in made]
    seconds["agencies, users, services"] = time.perf_counter() - clock

    # People: each in a municipality, cared for by a worker of its centre.
    clock = time.perf_counter()
    base = (Person.objects.order_by("-pk").values_list("pk", flat=True).first()) or 0
    homes = [rng.randrange(len(munis)) for _ in range(n_people)]
    worker_of = [rng.choice(workers_of[csw[h].pk]) for h in homes]

    def people() -> Iterator[tuple]:
        for i, home in enumerate(homes):
            born = now.date() - timedelta(days=rng.randint(0, 17 * 365))
            yield (
                base + i + 1,
                f"Given{i}",
                f"Family{i % 5000}",
                rng.choice(("female", "male")),
                born,
                munis[home].pk,
                f"given{i} family{i % 5000}",
                now,
                now,
            )

    Loader(
        Person,
        [
            "id",
            "given_name",
            "family_name",
            "sex",
            "date_of_birth",
            "place_id",
            "search_name",
            "created_at",
            "updated_at",
        ],
    ).insert(people(), n_people)
    first = next_id(PersonGrant)
    Loader(
        PersonGrant,
        ["id", "person_id", "user_id", "reason", "level", "starts_at"],
    ).insert(
        (
            (
                first + i,
                base + i + 1,
                worker_of[i],
                GrantReason.ASSIGNMENT,
                GrantLevel.FULL,
                now,
            )
            for i in range(n_people)
        ),  # fmt: skip
        n_people,
    )
    seconds["people and their workers' grants"] = time.perf_counter() - clock

    # Referrals: the busy agency's first, then the others'.
    clock = time.perf_counter()
    reason = Referral._meta.get_field("reason").get_prep_value(
        "Needs daily care after school"
    )
    outcome = Referral._meta.get_field("outcome").get_prep_value("Attends daily")
    start_id = (
        Referral.objects.order_by("-pk").values_list("pk", flat=True).first()
    ) or 0
    busy = providers[0]
    others = providers[1:]
    answer_rows: list[tuple] = []
    open_rows: list[tuple[int, int, int]] = []  # (referral, person, agency)

    def referrals() -> Iterator[tuple]:
        for k in range(n_referrals):
            rid = start_id + k + 1
            agency = busy if k < n_busy else rng.choice(others)
            service = rng.choice(services[agency.pk])
            p = rng.randrange(n_people)
            person, sender = base + p + 1, worker_of[p]
            from_agency = csw[homes[p]].pk
            urgency = pick(rng, URGENCIES)
            answer_h, start_h = HOURS[urgency]
            if rng.random() < RECENT_SHARE:
                sent = now - timedelta(minutes=rng.randint(10, OPEN_DAYS * 24 * 60))
                status = pick(rng, RECENT)
            else:
                sent = now - timedelta(
                    minutes=rng.randint(OPEN_DAYS * 24 * 60, YEARS * 365 * 24 * 60)
                )
                status = pick(rng, ENDED)
            received = answered = started = ended = seen = None
            answered_by = None
            if status != "sent":
                received = sent + timedelta(hours=rng.uniform(0.1, 4))
            late = rng.random() < 0.2
            if status in ANSWERED:
                hours = rng.lognormvariate(3.2, 0.9)
                if late:
                    hours += answer_h
                answered = sent + timedelta(hours=hours)
                if answered > now:
                    answered = now
                answered_by = None
            if status in STARTED or (status == "closed" and rng.random() < 0.5):
                started = (answered or sent) + timedelta(hours=rng.uniform(4, 200))
                started = min(started, now)
            if status not in OPEN:
                ended = min(now, (started or answered or sent) + timedelta(days=30))
                if ended < now - timedelta(days=14):
                    seen = ended + timedelta(days=1)
            if status == "sent" and late:
                # Not received: overdue if its deadline has passed.
                pass
            if status in OPEN:
                open_rows.append((rid, person, agency.pk))
            if k < n_busy:
                answer_rows.append((rid, sent, status, received, answered, started))
            yield (
                rid,
                f"R{sent.year}-{rid:07d}",
                person,
                "person",
                from_agency,
                sender,
                service,
                agency.pk,
                urgency,
                reason,
                "mother",
                sent.date(),
                status,
                sent,
                sent + timedelta(hours=answer_h),
                sent + timedelta(hours=start_h),
                received,
                answered,
                answered_by,
                "full" if status == "declined" else "",
                started,
                ended,
                "no_show" if status == "closed" else "",
                outcome if ended else "",
                seen,
                sent,
                ended or answered or sent,
            )

    Loader(
        Referral,
        [
            "id",
            "reference",
            "person_id",
            "origin",
            "from_agency_id",
            "sent_by_id",
            "service_id",
            "to_agency_id",
            "urgency",
            "reason",
            "consent_given_by",
            "consent_given_on",
            "status",
            "sent_at",
            "answer_due_at",
            "start_due_at",
            "received_at",
            "answered_at",
            "answered_by_id",
            "decline_reason",
            "started_at",
            "ended_at",
            "end_reason",
            "outcome",
            "outcome_seen_at",
            "created_at",
            "updated_at",
        ],
    ).insert(referrals(), n_referrals)
    seconds["referrals"] = time.perf_counter() - clock

    clock = time.perf_counter()
    first = next_id(PersonGrant)
    Loader(
        PersonGrant,
        [
            "id",
            "person_id",
            "agency_id",
            "reason",
            "level",
            "source_type",
            "source_id",
            "starts_at",
        ],
    ).insert(
        (
            (
                first + n,
                person,
                agency,
                GrantReason.REFERRAL,
                GrantLevel.MINIMAL,
                "referral",
                str(rid),
                now,
            )
            for n, (rid, person, agency) in enumerate(open_rows)
        ),
        len(open_rows),
    )
    provider_user = User.objects.get(username=f"sp-{busy.pk}-0")
    sender_id = User.objects.filter(username__startswith="sw-").first().pk

    def steps() -> Iterator[tuple]:
        for rid, sent, status, received, answered, started in answer_rows:
            yield (rid, "sent", sent, sender_id)
            if received:
                yield (rid, "received", received, provider_user.pk)
            if answered:
                answer = "declined" if status == "declined" else "accepted"
                yield (rid, answer, answered, provider_user.pk)
            if started:
                yield (rid, "started", started, provider_user.pk)
            if status in ("completed", "closed", "cancelled"):
                yield (rid, status, started or answered or sent, provider_user.pk)

    first = next_id(ReferralEvent)
    Loader(ReferralEvent, ["id", "referral_id", "status", "at", "by_id"]).insert(
        (first + n, *row) for n, row in enumerate(steps())
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table_name in (
                "people_person",
                "referrals_referral",
                "access_persongrant",
                "referrals_referralevent",
            ):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "
                    f"(SELECT MAX(id) FROM {table_name}))"
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds["grants, events, ANALYZE"] = time.perf_counter() - clock
    return {k: round(v, 1) for k, v in seconds.items()}


def run(repeat: int, budget: float, rng: random.Random) -> list[Figure]:
    from django.test import Client
    from django.urls import reverse

    from ura.accounts.middleware import SESSION_STARTED_KEY
    from ura.accounts.models import Agency, Membership, Role, User
    from ura.referrals.models import Referral

    busy = Agency.objects.get(name="Provider 1")
    provider = (
        Membership.objects.filter(agency=busy, role=Role.SERVICE_PROVIDER)
        .order_by("pk")
        .first()
        .user_id
    )
    supervisors = list(
        Membership.objects.filter(role=Role.SUPERVISOR).values_list("user", flat=True)
    )
    workers = list(
        Membership.objects.filter(role=Role.SOCIAL_WORKER).values_list(
            "user", flat=True
        )
    )
    open_ids = list(
        Referral.objects.filter(
            to_agency=busy, status__in=["received", "accepted", "started"]
        ).values_list("pk", flat=True)[:5000]
    )

    def signed_in(user_id: int) -> Client:
        client = Client()
        client.force_login(User.objects.get(pk=user_id))
        session = client.session
        session[SESSION_STARTED_KEY] = time.time()
        session.save()
        return client

    def page(ids: list[int], url: str, shows: bytes) -> Callable[[], tuple]:
        return lambda: (signed_in(rng.choice(ids)), url, shows)

    def referral_page() -> tuple:
        rid = rng.choice(open_ids)
        reference = Referral.objects.values_list("reference", flat=True).get(pk=rid)
        url = reverse("referrals:detail", args=[rid])
        return signed_in(provider), url, reference.encode()

    def get(arg: tuple) -> int:
        client, url, shows = arg
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{url}: {response.status_code}")
        if shows not in response.content:
            raise AssertionError(f"{url}: does not show {shows!r}")
        return len(response.content)

    incoming = reverse("referrals:incoming")
    mine = reverse("referrals:list")
    home = reverse("workspace:home")
    times = reverse("referrals:response_times")
    end = time.strftime("%Y-%m-%d")
    year_ago = time.strftime("%Y-%m-%d", time.localtime(time.time() - 365 * 86400))
    row = b'<td><a href="/referrals/'
    scenarios = [
        ("p1", "provider: GET /referrals/incoming/ (open, overdue first)",
         page([provider], incoming, row)),
        ("p2", "provider: GET /referrals/incoming/?status=all",
         page([provider], incoming + "?status=all", row)),
        ("p3", "provider: ?status=all&page=1000 (deep page)",
         page([provider], incoming + "?status=all&page=1000", row)),
        ("p4", "provider: ?status=waiting&overdue=on",
         page([provider], incoming + "?status=waiting&overdue=on", row)),
        ("p5", "provider: GET /referrals/<id>/ (an open referral)", referral_page),
        ("p6", "provider: GET /home/ (waiting for an answer)",
         page([provider], home, b"referrals-waiting")),
        ("p7", "provider: response times, 90 days",
         page([provider], times, b'data-row="total"')),
        ("p8", "provider: response times, a year",
         page([provider], f"{times}?start={year_ago}&end={end}", b'data-row="total"')),
        ("w1", "social worker: GET /referrals/ (my open referrals)",
         page(workers, mine, b"My referrals")),
        ("w2", "social worker: GET /home/", page(workers, home, b"Welcome")),
        ("s1", "supervisor: /referrals/?who=team&overdue=on",
         page(supervisors, mine + "?who=team&overdue=on", b"team")),
        ("s2", "supervisor: GET /home/", page(supervisors, home, b"Welcome")),
    ]  # fmt: skip
    return [
        measure(key, label, "page", prepare, get, repeat, budget)
        for key, label, prepare in scenarios
    ]


def plans() -> list[tuple[str, str, str]]:
    from ura.access.rules import roles_of
    from ura.accounts.models import Agency, Membership, Role, User
    from ura.referrals.queries import referrals_received

    busy = Agency.objects.get(name="Provider 1")
    membership = Membership.objects.filter(agency=busy, role=Role.SERVICE_PROVIDER)
    user = User.objects.get(pk=membership.order_by("pk").first().user_id)
    roles_of(user)
    out = []
    for status in ("open", "all"):
        rows = referrals_received(user=user, status=status)
        sql = captured(rows.count, lambda s: "COUNT(" in s.upper())
        out.append((f"busy provider, {status}: count", sql, explain(sql)))
        sql = captured(
            lambda rows=rows: rows[:25],
            lambda s: s.startswith('SELECT "referrals_referral"."id" AS'),
        )
        out.append((f"busy provider, {status}: page 1, the ids", sql, explain(sql)))
        sql = captured(
            lambda rows=rows: rows[:25], lambda s: '"referrals_referral"."id" IN (' in s
        )
        out.append((f"busy provider, {status}: page 1, its rows", sql, explain(sql)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--busy", type=int, default=50_000)
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--budget", type=float, default=60, help="seconds per page")
    parser.add_argument("--reuse", action="store_true", help="measure what is there")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from ura.access.models import PersonGrant
    from ura.people.models import Person
    from ura.referrals.models import Referral

    say(f"machine: {machine()}")
    say(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    built: dict[str, Any] = {}
    if Referral.objects.exists():
        if not args.reuse:
            sys.exit(
                "This database already holds referrals: give an empty, dedicated "
                "database, or --reuse to measure what is there."
            )
        say("reusing the referrals already there")
    else:
        clock = time.perf_counter()
        built = build_world(args.referrals, args.busy, args.people, rng)
        say(f"world built in {time.perf_counter() - clock:.0f} s: {built}")
    counts = (
        f"{Referral.objects.count():,} referrals "
        f"({Referral.objects.filter(to_agency__name='Provider 1').count():,} to the "
        f"busy provider), {Person.objects.count():,} people, "
        f"{PersonGrant.objects.count():,} grants"
    )
    say(counts)
    load_before = load()
    figures = run(args.repeat, args.budget, random.Random(args.seed + 1))
    load_after = load()
    found = plans()

    print()
    print(f"## Referrals at scale: {connection.vendor}")
    print()
    print(f"- Machine: {machine()}")
    print(f"- Database: {database()}")
    print(f"- World: {counts}")
    if built:
        print(f"- Built in (s): {built}")
    print(f"- Load average (1/5/15 min) before: {load_before}, after: {load_after}")
    print()
    print(table(figures))
    print()
    for title, sql, plan in found:
        print(f"### {title}")
        print()
        print("```")
        print(sql)
        print()
        print(plan)
        print("```")
        print()


if __name__ == "__main__":
    main()
