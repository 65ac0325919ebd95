"""Home visiting worklists and coverage at national scale (issue 6, points 6-7).

Builds, in an empty database of its own, Kosovo's places, 40 family health
centres with a manager and 5 nurses each, the example protocols, 200,000
families enrolled at birth over three years (a caregiver, a child, a household
each), their expected visits (about 3 million ``ScheduledVisit`` rows, most of
the past ones done) and the visits made (``Visit``, about 1.3 million). Then it
times a nurse's today, a centre manager's three parts, and the coverage report
for a country-year (the query, and the page for a national data officer).

    createdb -h 127.0.0.1 -U postgres ura_bench_visiting
    URA_ENV=development \\
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/ura_bench_visiting \\
        .venv/bin/python benchmarks/visiting_worklists.py
    # smaller: --families 20000; measure again: --reuse

Results (markdown) go to standard output; write them down in docs/benchmarks.md
with the load average they print.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.access_scale import (  # noqa: E402
    Loader,
    database,
    load,
    machine,
    measure,
    say,
    setup_django,
    table,
)

CENTRES = 40
NURSES_PER_CENTRE = 5
COMMUNITIES = ["albanian"] * 80 + ["serb"] * 6 + ["roma", "ashkali", "egyptian"] * 3
COMMUNITIES += ["bosniak", "turkish", "gorani", "unknown", "unknown", "declined"]


def build(families: int, rng: random.Random) -> None:  # noqa: C901, PLR0915
    from django.utils import timezone

    from ura.accounts.models import Agency, AgencyType, Membership, Role, User
    from ura.people.models import Household, Person
    from ura.places.loader import load_places
    from ura.places.models import Place
    from ura.visiting.examples import load_example_protocols
    from ura.visiting.models import Enrolment, Protocol, ScheduledVisit, Visit
    from ura.visiting.schedule import VisitSpec

    load_places("kosovo")
    load_example_protocols()
    country = Place.objects.get(code="XK")
    municipalities = list(Place.objects.filter(level="municipality"))
    centres, nurses = [], []
    for i in range(CENTRES):
        place = municipalities[i % len(municipalities)]
        centre = Agency.objects.create(
            name=f"Health centre {i}", type=AgencyType.HEALTH, place=place
        )
        centre.places_covered.add(place)
        manager = User.objects.create_user(username=f"manager{i}", password="x")
        Membership.objects.create(user=manager, agency=centre, role=Role.SUPERVISOR)
        for j in range(NURSES_PER_CENTRE):
            nurse = User.objects.create_user(username=f"nurse{i}_{j}", password="x")
            Membership.objects.create(user=nurse, agency=centre, role=Role.HOME_VISITOR)
            nurses.append((nurse.pk, centre.pk, place.pk))
        centres.append(centre)
    ministry = Agency.objects.create(
        name="Statistics", type=AgencyType.MINISTRY, place=country
    )
    ministry.places_covered.add(country)
    officer = User.objects.create_user(username="officer", password="x")
    Membership.objects.create(user=officer, agency=ministry, role=Role.DATA_OFFICER)

    protocols = {p.kind: p for p in Protocol.objects.filter(is_default=True)}
    specs = {
        p.pk: [
            VisitSpec(v.pk, v.anchor, v.target, v.opens, v.due, v.overdue, v.closes)
            for v in p.visits.all()
        ]
        for p in protocols.values()
    }
    names = {v.pk: v.name for p in protocols.values() for v in p.visits.all()}
    today = timezone.localdate()
    now = timezone.now()
    loaders = {
        "people": Loader(
            Person,
            ["id", "given_name", "family_name", "sex", "date_of_birth", "place_id",
             "community", "social_assistance", "functional_difficulty", "created_at",
             "updated_at"],
        ),
        "households": Loader(
            Household, ["id", "place_id", "address", "created_at", "updated_at"]
        ),
        "enrolments": Loader(
            Enrolment,
            ["id", "kind", "caregiver_id", "child_id", "household_id", "born_on",
             "centre_id", "nurse_id", "protocol_id", "priority_reasons",
             "enrolled_on", "enrolled_by_id", "status", "last_visited_on",
             "created_at", "updated_at", "version"],
        ),
        "scheduled": Loader(
            ScheduledVisit,
            ["id", "enrolment_id", "protocol_visit_id", "nurse_id", "centre_id", "name",
             "sections", "opens_on", "due_on", "overdue_on", "closes_on", "state",
             "done_on"],
        ),
        "visits": Loader(
            Visit,
            ["id", "enrolment_id", "visited_on", "nurse_id", "centre_id",
             "recorded_by_id", "present", "concerns", "created_at", "updated_at",
             "version"],
        ),
    }  # fmt: skip
    chunk = 20_000
    for first in range(0, families, chunk):
        rows: dict[str, list[tuple]] = {k: [] for k in loaders}
        for n in range(first, min(families, first + chunk)):
            _family(n, rows, rng, nurses, protocols, specs, names, today, now)
        for key, loader in loaders.items():
            loader.insert(rows[key])
        say(f"  {min(families, first + chunk):,} families")
    _reset_sequences([Person, Household, Enrolment, ScheduledVisit, Visit])


def _family(n, rows, rng, nurses, protocols, specs, names, today, now) -> None:  # noqa: ANN001, PLR0913
    from ura.visiting.schedule import windows_for

    nurse, centre, place = nurses[rng.randrange(len(nurses))]
    born = today - timedelta(days=rng.randrange(0, 3 * 365))
    community = rng.choice(COMMUNITIES)
    assistance = "yes" if rng.random() < 0.15 else "unknown"
    mother, child, household, enrolment = 2 * n + 1, 2 * n + 2, n + 1, n + 1
    difficulty = "yes" if rng.random() < 0.02 else "unknown"
    rows["people"].append(
        (mother, "Mother", "B", "female", date(1995, 1, 1), place, community,
         assistance, "unknown", now, now)
    )  # fmt: skip
    rows["people"].append(
        (child, "Child", "B", "female", born, place, community, "unknown",
         difficulty, now, now)
    )  # fmt: skip
    rows["households"].append((household, place, f"Street {n}", now, now))
    reasons = []
    if community in {"roma", "ashkali", "egyptian"}:
        reasons.append('"rae_community"')
    if assistance == "yes":
        reasons.append('"poverty"')
    protocol = protocols["intensified" if reasons else "universal"].pk
    diligence = rng.random()
    last = None
    windows = windows_for(
        specs[protocol], expected_delivery_on=None, born_on=born, enrolled_on=born
    )
    for i, w in enumerate(windows):  # at most 20 visits a protocol: ids 20n + i
        if not w.applies:
            state = "not_needed"
        elif w.closes_on <= today:
            state = "done" if rng.random() < diligence else "scheduled"
        elif w.opens_on <= today and rng.random() < diligence / 2:
            state = "done"
        else:
            state = "scheduled"
        done_on = None
        if state == "done":
            span = max(1, (min(w.closes_on, today) - w.opens_on).days)
            done_on = min(today, w.opens_on + timedelta(days=rng.randrange(span)))
            last = max(last, done_on) if last else done_on
            rows["visits"].append(
                (
                    20 * n + i + 1,
                    enrolment,
                    done_on,
                    nurse,
                    centre,
                    nurse,
                    "[]",
                    "[]",
                    now,
                    now,
                    1,
                )
            )
        rows["scheduled"].append(
            (20 * n + i + 1, enrolment, w.key, nurse, centre, names[w.key], "[]",
             w.opens_on, w.due_on, w.overdue_on, w.closes_on, state, done_on)
        )  # fmt: skip
    rows["enrolments"].append(
        (enrolment, "birth", mother, child, household, born, centre, nurse, protocol,
         "[" + ", ".join(reasons) + "]", born, nurse, "active", last, now, now, 1)
    )  # fmt: skip


def _reset_sequences(models: list[Any]) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--budget", type=float, default=60)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from ura.accounts.models import User
    from ura.places.models import Place
    from ura.visiting import worklists
    from ura.visiting.coverage import CoverageFilters, CoverageScope, coverage_report
    from ura.visiting.models import Enrolment, ScheduledVisit, Visit

    say(f"machine: {machine()}")
    call_command("migrate", verbosity=0)
    if Enrolment.objects.exists():
        if not args.reuse:
            sys.exit("This database holds enrolments: give an empty one, or --reuse.")
    else:
        clock = time.perf_counter()
        build(args.families, random.Random(6))
        say(f"built in {time.perf_counter() - clock:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    say(f"database: {database()}")
    say(
        f"{Enrolment.objects.count():,} enrolments, "
        f"{ScheduledVisit.objects.count():,} expected visits, "
        f"{Visit.objects.count():,} visits"
    )
    rng = random.Random(7)
    nurses = list(User.objects.filter(username__startswith="nurse"))
    managers = list(User.objects.filter(username__startswith="manager"))
    today = timezone.localdate()
    country = Place.objects.get(code="XK")
    year = today.year - 1
    national = CoverageFilters(date(year, 1, 1), date(year, 12, 31))
    figures: list[Any] = []

    def fresh(users: list[Any]):  # noqa: ANN202
        def pick() -> Any:
            user = rng.choice(users)
            user.__dict__.pop("_ura_access_cache", None)
            user.__dict__.pop("_ura_visiting_cache", None)
            return user

        return pick

    figures.append(
        measure(
            "w1", "a nurse's today, first page of 25", "query", fresh(nurses),
            lambda u: len(list(worklists.nurse_today(user=u)[:25])),
            args.repeat, args.budget,
        )
    )  # fmt: skip

    def centre_parts(user: Any) -> int:
        centres = worklists.centres_of(user)
        worklists.centre_coverage(centres=centres)
        worklists.nurse_loads(centres=centres)
        rows = worklists.families_not_seen(user=user, centres=centres, days=60)
        return len(list(rows[:25])) + rows.count()

    figures.append(
        measure(
            "w2", "a centre manager's page (coverage, nurses, not seen 60 days)",
            "query", fresh(managers), centre_parts, args.repeat, args.budget,
        )
    )  # fmt: skip
    figures.append(
        measure(
            "c1", f"coverage, the country, {year}", "query", lambda: None,
            lambda _: coverage_report(
                scope=CoverageScope(places=(country,)), filters=national
            ).total.infants or 0,
            max(10, args.repeat // 10), args.budget, warmup=1, minimum=5,
        )
    )  # fmt: skip
    officer = User.objects.get(username="officer")
    client = Client()
    client.force_login(officer)

    def page(_: Any) -> int:
        response = client.get(f"/visiting/coverage/?year={year}")
        assert response.status_code == 200, response.status_code
        return len(response.content)

    figures.append(
        measure(
            "c2", f"coverage page, national data officer, {year}", "page",
            lambda: None, page, max(10, args.repeat // 10), args.budget,
            warmup=1, minimum=5,
        )
    )  # fmt: skip
    print(table(figures))
    say(f"load average: {load()}")


if __name__ == "__main__":
    main()
