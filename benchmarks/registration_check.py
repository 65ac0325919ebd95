"""The duplicate check at registration against a large registry.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ura_bench_reg \\
        .venv/bin/python benchmarks/registration_check.py --people 1000000

Loads a synthetic population (benchmarks/matching/synthetic.py: Albanian, Serbian
in both scripts and Roma names, with re-registrations that carry the field's
errors) into an empty, dedicated database, with the matcher's blocking keys, then
times ``ura.people.duplicates.likely_duplicates`` — exactly what the registration
page and ``POST /api/v1/people`` run — for probe registrations: half are people
already in the registry (written differently), half are new. Prints the median and
95th percentile in milliseconds, the rows compared, and how often the person
already registered was among the matches shown.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("URA_ENV", "development")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks.matching.synthetic import PLACES, generate  # noqa: E402
from ura.people.duplicates import candidate_from, likely_duplicates  # noqa: E402
from ura.people.matching import blocking_keys  # noqa: E402
from ura.people.models import Person, PersonMatchKey  # noqa: E402
from ura.places.loader import load_places  # noqa: E402
from ura.places.models import Place, PlaceLevel  # noqa: E402

BATCH = 10_000


def real_places() -> dict[str, str]:
    """The generator's place codes (XK01, RS12, AL03) mapped onto real
    municipality codes of the same country, so that stored people and probes
    carry places the registry knows."""
    mapping = {}
    for prefix, count in PLACES.items():
        municipalities = sorted(
            Place.objects.filter(
                level=PlaceLevel.MUNICIPALITY, code__startswith=prefix
            ).values_list("code", flat=True)
        )
        for number in range(1, count + 1):
            code = municipalities[(number - 1) % len(municipalities)]
            mapping[f"{prefix}{number:02d}"] = code
    return mapping


PLACE_CODES: dict[str, str] = {}


def _candidate(record, id_: str, place: str | None = None):  # noqa: ANN001, ANN202
    return candidate_from(
        id=id_,
        given_name=record.given,
        family_name=record.family,
        sex=record.sex,
        date_of_birth=record.dob,
        dob_estimated=record.estimated,
        place=PLACE_CODES.get(record.place, "") if place is None else place,
        caregiver_name=record.caregiver,
    )


def load(records: list, places: dict[str, int], default_place: str) -> list[int]:
    """Insert people and their keys in batches; returns the new ids in order."""
    ids: list[int] = []
    started = time.perf_counter()
    for start in range(0, len(records), BATCH):
        chunk = records[start : start + BATCH]
        people = Person.objects.bulk_create(
            Person(
                given_name=r.given,
                family_name=r.family,
                sex=r.sex or "unknown",
                date_of_birth=r.dob,
                date_of_birth_estimated=r.estimated,
                # The registry requires a place: a record without one is filed
                # under a default municipality, and its keys say so.
                place_id=places[PLACE_CODES.get(r.place) or default_place],
            )
            for r in chunk
        )
        keys = [
            PersonMatchKey(person_id=p.pk, key=k)
            for p, r in zip(people, chunk, strict=True)
            for k in blocking_keys(
                _candidate(r, str(p.pk), PLACE_CODES.get(r.place) or default_place)
            )
        ]
        PersonMatchKey.objects.bulk_create(keys, batch_size=5000)
        ids.extend(p.pk for p in people)
        done = start + len(chunk)
        rate = done / (time.perf_counter() - started)
        print(f"  loaded {done:,} people ({rate:,.0f}/s)", flush=True)
    return ids


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--probes", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep an earlier load")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    for country in ("kosovo", "albania", "serbia"):
        load_places(country)
    places = dict(Place.objects.values_list("code", "pk"))
    PLACE_CODES.update(real_places())
    default_place = (
        Place.objects.filter(level=PlaceLevel.MUNICIPALITY)
        .order_by("code")
        .first()
        .code
    )

    print(f"generating {args.people + args.probes:,} synthetic records", flush=True)
    records = generate(args.people + args.probes * 2, seed=args.seed)
    registry, rest = records[: args.people], records[args.people :]
    entities = {r.entity for r in registry}
    known = [r for r in rest if r.entity in entities][: args.probes // 2]
    new = [r for r in rest if r.entity not in entities][: args.probes - len(known)]

    if Person.objects.exists() and not args.reuse:
        raise SystemExit("the database has people already: use an empty one or --reuse")
    if not Person.objects.exists():
        print(f"loading {len(registry):,} people into {connection.vendor}", flush=True)
        ids = load(registry, places, default_place)
    else:
        ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    entity_of = {pk: r.entity for pk, r in zip(ids, registry, strict=False)}
    # A registry in service has planner statistics (autovacuum's ANALYZE); a table
    # loaded a minute ago has none yet, and its plans would measure that instead.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    # DEBUG keeps a log of the last 9,000 queries; after the load it is full and
    # would count none, so it starts empty.
    connection.queries_log.clear()
    timings, compared, found = [], [], 0
    for number, record in enumerate(known + new):
        candidate = _candidate(record, f"probe{number}")
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            matches = likely_duplicates(candidate)
            timings.append((time.perf_counter() - started) * 1000)
        compared.append(len(queries))
        if record in known and any(
            entity_of.get(m.person.pk) == record.entity for m in matches
        ):
            found += 1
    print()
    print(
        "| database | people | probes | median ms | p95 ms | max ms | queries | "
        "known person shown |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    print(
        f"| {connection.vendor} | {len(ids):,} | {len(timings)} | "
        f"{statistics.median(timings):.1f} | {percentile(timings, 0.95):.1f} | "
        f"{max(timings):.1f} | {statistics.median(compared):.0f} | "
        f"{found}/{len(known)} |"
    )


if __name__ == "__main__":
    main()
