"""Case pages at national scale: the supervisor's dashboard, a worker's case list
and a case page, with a country's worth of cases.

Builds (or, with ``--reuse``, takes) the world of ``benchmarks/access_scale.py``
(a million people, agencies, teams, about 1,400 social workers with their
caseloads, 1.2 million grants), then opens cases in it: each for a child the
worker is already assigned to, with its concerns, history, assessments, plan,
reviews, approvals, notes and consent, and the case grants the access rules read
(the worker's assignment grant becomes the ``case_worker`` grant of the case; the
supervisor gets a ``case_supervisor`` grant). Then it times the real pages through
Django's test client, for random users:

    URA_ENV=development DATABASE_URL=sqlite:////tmp/ura-cases.sqlite3 \\
        .venv/bin/python benchmarks/case_pages.py --people 1000000 --cases 300000

    createdb -h 127.0.0.1 -U postgres ura_bench_cases
    URA_ENV=development \\
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/ura_bench_cases \\
        .venv/bin/python benchmarks/case_pages.py --people 1000000 --cases 300000
    # a first try: --people 20000 --cases 6000 --repeat 20 (under a minute)

It refuses a database that already holds people unless ``--reuse`` is given; with
``--reuse`` it adds the cases if there are none yet and measures what is there
(``--only s,w`` picks pages, ``--queries`` also times the query functions alone).
Each page must answer 200 and show a case (a benchmark of error pages proves
nothing). ``--sqlite-analyze`` and ``--experiment`` measure proposed changes
without changing Ura's code. DEBUG is off unless URA_DEBUG says otherwise.
Results (markdown tables, the slowest queries of each page, and the plans of those
of the pages over the target) go to standard output; write them down in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.access_scale import (  # noqa: E402
    EXPERIMENTS,
    TARGET_MS,
    Figure,
    Loader,
    apply_experiment,
    build_world,
    database,
    explain,
    load,
    machine,
    measure,
    say,
    setup_django,
    table,
)

SEED = 20260502
OPEN_SHARE = 0.70
OVERDUE_SHARE = 0.15  # of open cases
NO_CONTACT_SHARE = 0.20  # of open cases past identification: no contact in 30+ days
YEARS = 3  # cases were opened over the last three years
# Open cases by stage (weights), and how long ago such a case was opened (days).
STAGES = {
    "identification": (6, 0, 20),
    "initial_assessment": (10, 1, 45),
    "comprehensive_assessment": (10, 5, 90),
    "case_plan": (10, 15, 150),
    "implementation": (50, 30, YEARS * 365),
    "review": (8, 60, YEARS * 365),
    "closure": (6, 90, YEARS * 365),
}
NEXT_STEP = {
    "identification": "first_contact",
    "initial_assessment": "initial_assessment",
    "comprehensive_assessment": "comprehensive_assessment",
    "case_plan": "case_plan",
    "implementation": "review",
    "review": "review",
    "closure": "",  # waiting for the closure's approval: no deadline runs
}
RISKS = (("high", 20), ("medium", 45), ("low", 35))
CONCERNS = (
    ("neglect", 30),
    ("emotional_violence", 18),
    ("physical_violence", 14),
    ("school_drop_out", 10),
    ("exploitation", 6),
    ("street_situation", 5),
    ("family_separation", 5),
    ("sexual_violence", 4),
    ("conflict_with_law", 4),
    ("victim_witness", 3),
    ("discrimination", 3),
    ("disability_exclusion", 3),
    ("on_the_move", 2),
    ("trafficking", 1),
    ("other", 2),
)
CLOSURES = (("goals_met", 60), ("no_concern", 20), ("moved", 8), ("other", 12))
DOMAINS = (
    "safety",
    "health",
    "education",
    "family",
    "psychosocial",
    "legal",
    "economic",
)
PLAN_APPROVAL_PENDING = 0.4  # of cases at the case plan stage
TRANSFER_SHARE = 0.003  # of open cases: a transfer to another centre is proposed
LINKED_SHARE = 0.05  # of cases: linked to a sibling's case of the same worker
CIPHERTEXTS = 400  # per encrypted column: ciphertexts are reused across rows
STAGE_ORDER = {stage: k for k, stage in enumerate([*STAGES, "closed"])}


def pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


# ----------------------------------------------------------------------- the cases


class Spec:
    """One generated case, before and while its rows are written."""

    __slots__ = (
        "agency",
        "closed",
        "closure_reason",
        "due",
        "first_contact",
        "id",
        "last_contact",
        "opened",
        "person",
        "risk",
        "stage",
        "sup",
        "worker",
        "worker_grant",
    )

    def __init__(self, **values: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, values.get(name))

    @property
    def is_open(self) -> bool:
        return self.stage != "closed"

    def past(self, stage: str) -> bool:
        """Whether the case has gone through ``stage`` (closed ones: all of it)."""
        return STAGE_ORDER[self.stage] > STAGE_ORDER[stage]


@dataclass
class Staff:
    workers: list[int]
    agency: dict[int, int]  # worker -> centre for social work
    supervisor: dict[int, int]  # worker -> their team's supervisor
    centres: list[int]


def staff() -> Staff:
    from ura.accounts.models import Membership, Role, Team

    agency = dict(
        Membership.objects.filter(role=Role.SOCIAL_WORKER, is_active=True)
        .order_by("-pk")
        .values_list("user_id", "agency_id")
    )
    supervisor: dict[int, int] = {}
    # The first team by id, as ura.cases.actions.supervisor_of picks it.
    rows = Team.members.through.objects.order_by("-team_id").values_list(
        "user_id", "team__supervisor"
    )
    for user_id, sup in rows:
        if sup is not None:
            supervisor[user_id] = sup
    centres = sorted(set(agency.values()))
    return Staff(sorted(agency), agency, supervisor, centres)


def quotas(total: int, capacity: dict[int, int]) -> dict[int, int]:
    """Spread ``total`` cases evenly over the workers, none beyond its capacity."""
    share = dict.fromkeys(capacity, 0)
    left = min(total, sum(capacity.values()))
    while left:
        open_ = [w for w in capacity if share[w] < capacity[w]]
        each = max(1, left // len(open_))
        for w in open_:
            add = min(each, capacity[w] - share[w], left)
            share[w] += add
            left -= add
            if not left:
                break
    return share


def case_specs(n_cases: int, rng: random.Random) -> tuple[list[Spec], Staff]:
    """Which child, worker, stage and dates each case gets; ids in order of opening."""
    from django.utils import timezone

    from ura.access.models import GrantReason, PersonGrant

    team = staff()
    now = timezone.now()
    adult_born = timezone.localdate() - timedelta(days=18 * 365)
    # The worker's current assignments: their children are the cases' children.
    candidates: dict[int, list[tuple[int, int, bool]]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    rows = (
        PersonGrant.objects.filter(
            reason=GrantReason.ASSIGNMENT,
            ends_at__isnull=True,
            case_id__isnull=True,
            user_id__in=team.workers,
        )
        .order_by("pk")
        .values_list("pk", "user_id", "person_id", "person__date_of_birth")
    )
    for grant_id, user_id, person_id, born in rows.iterator(chunk_size=20_000):
        if (user_id, person_id) in seen or user_id not in team.supervisor:
            continue
        seen.add((user_id, person_id))
        candidates[user_id].append((grant_id, person_id, born > adult_born))
    share = quotas(n_cases, {w: len(c) for w, c in candidates.items()})
    if sum(share.values()) < n_cases:
        say(f"only {sum(share.values()):,} assignments to open cases on")
    stage_names = list(STAGES)
    stage_weights = [STAGES[s][0] for s in stage_names]
    # Open cases in review are overdue by definition; the others often enough that
    # OVERDUE_SHARE of the open cases are.
    review = STAGES["review"][0] / sum(stage_weights)
    closure = STAGES["closure"][0] / sum(stage_weights)
    late = max(0.0, (OVERDUE_SHARE - review) / (1 - review - closure))
    specs: list[Spec] = []
    for worker in sorted(share):
        k = share[worker]
        if not k:
            continue
        pool = candidates[worker][:]
        rng.shuffle(pool)
        # Children first; the adults this leaves are closed cases of children who
        # turned 18 (a worker's assignments are 55% children, like the registry).
        pool.sort(key=lambda c: not c[2])
        chosen = pool[:k]
        children = sum(1 for c in chosen if c[2])
        open_share = min(1.0, OPEN_SHARE * k / children) if children else 0.0
        for grant_id, person_id, child in chosen:
            spec = Spec(
                person=person_id,
                worker=worker,
                worker_grant=grant_id,
                sup=team.supervisor[worker],
                agency=team.agency[worker],
                risk=pick(rng, RISKS),
            )
            if child and rng.random() < open_share:
                stage = rng.choices(stage_names, stage_weights)[0]
                _w, low, high = STAGES[stage]
                spec.stage = stage
                spec.opened = now - timedelta(
                    days=rng.uniform(low, high), seconds=rng.randrange(86400)
                )
                if NEXT_STEP[stage]:
                    overdue = stage == "review" or rng.random() < late
                    if overdue:
                        due = now - timedelta(hours=rng.uniform(2, 45 * 24))
                    else:
                        due = now + timedelta(hours=rng.uniform(2, 60 * 24))
                    spec.due = max(due, spec.opened + timedelta(hours=1))
                if stage != "identification":
                    spec.first_contact = spec.opened + timedelta(
                        hours=rng.uniform(1, 72)
                    )
                    if rng.random() < NO_CONTACT_SHARE:
                        ago = rng.uniform(31, 150)
                    else:
                        ago = rng.uniform(0, 30)
                    spec.last_contact = max(
                        spec.first_contact, now - timedelta(days=ago)
                    )
            else:
                spec.stage = "closed"
                spec.opened = now - timedelta(
                    days=rng.uniform(60, YEARS * 365), seconds=rng.randrange(86400)
                )
                age = (now - spec.opened).days
                spec.closed = spec.opened + timedelta(
                    days=rng.uniform(min(30, age - 1), min(600, age - 1))
                )
                spec.closure_reason = "adult" if not child else pick(rng, CLOSURES)
                spec.first_contact = spec.opened + timedelta(hours=rng.uniform(1, 72))
                spec.last_contact = max(
                    spec.first_contact, spec.closed - timedelta(days=rng.uniform(0, 10))
                )
            specs.append(spec)
    # Case ids follow the order cases were opened in, as they would in a real table:
    # a worker's cases lie scattered over it.
    specs.sort(key=lambda s: s.opened)
    return specs, team


@dataclass
class Texts:
    """Encrypted texts by column: a few hundred ciphertexts per column, reused.

    A ciphertext is bound to its column (``<app>.<model>.<field>``), not to its
    row, so reusing one is a valid value: each decrypts to its text.
    """

    rng: random.Random
    pools: dict[str, list[str]]

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pools = {}

    def __call__(self, model: Any, field: str) -> str:
        from ura.core.crypto import encrypt_text

        context = model._meta.get_field(field).context()
        if context not in self.pools:
            self.pools[context] = [
                encrypt_text(self.sentence(), context) for _ in range(CIPHERTEXTS)
            ]
        return self.rng.choice(self.pools[context])

    def sentence(self) -> str:
        parts = [
            "Visited the family at home; the child was present and spoke openly.",
            "The mother says the father has not been in contact for some months.",
            "School attendance has improved since the last visit.",
            "The class teacher reports the child is often hungry in the morning.",
            "Agreed with the family that the younger siblings attend day care.",
            "The child was seen alone and said they feel safe at home now.",
            "The grandmother helps with the children after school.",
            "The family receives social assistance; the housing is damp and small.",
            "Referred to the health centre for a check-up and vaccinations.",
            "The police informed us of a report by a neighbour.",
            "Next visit agreed for the coming weeks; the family will call if needed.",
            "The child would like to continue with football at the youth centre.",
        ]
        return " ".join(self.rng.sample(parts, self.rng.randint(1, 5)))


def _next_id(model: Any) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def build_cases(n_cases: int, rng: random.Random) -> dict[str, int]:  # noqa: C901
    """Open ``n_cases`` cases in the world, with everything a case holds."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from ura.access.models import GrantLevel, GrantReason, PersonGrant
    from ura.accounts.models import Agency
    from ura.cases.models import (
        Approval,
        Assessment,
        AssessmentNeed,
        Case,
        CaseConcern,
        CaseEvent,
        CaseLink,
        CaseNote,
        CasePlan,
        Consent,
        PlanAction,
        PlanGoal,
        Review,
        Transfer,
    )

    ops = connection.ops
    pg = connection.vendor == "postgresql"
    counts: dict[str, int] = {}
    clock = time.perf_counter()
    specs, team = case_specs(n_cases, rng)
    first = _next_id(Case)
    for k, spec in enumerate(specs):
        spec.id = first + k
    say(f"{len(specs):,} cases planned in {time.perf_counter() - clock:.0f} s")
    now = timezone.now()
    today = timezone.localdate()
    text = Texts(rng)

    def ts(value: datetime | None) -> Any:
        return ops.adapt_datetimefield_value(value)

    def day(value: date | datetime | None) -> Any:
        if isinstance(value, datetime):
            value = timezone.localdate(value)
        return ops.adapt_datefield_value(value)

    def after(start: datetime, days: float, spec: Spec) -> datetime:
        """A moment ``days`` after ``start``, never after the case closed (or now)."""
        return min(start + timedelta(days=days), spec.closed or now)

    def insert(model: Any, fields: list[str], rows: Iterator[tuple]) -> None:
        counts[model.__name__] = Loader(model, fields).insert(rows)

    # The cases.
    def case_rows() -> Iterator[tuple]:
        for s in specs:
            updated = max(
                t for t in (s.opened, s.last_contact, s.closed) if t is not None
            )
            yield (
                s.id,
                ts(s.opened),
                ts(updated),
                1,
                s.person,
                f"{timezone.localtime(s.opened).year}-{s.id:06d}",
                s.agency,
                s.worker,
                s.sup,
                "open" if s.is_open else "closed",
                s.stage,
                s.risk,
                ts(s.opened),
                day(s.opened - timedelta(days=rng.uniform(0, 3))),
                rng.choice(
                    ["police", "school", "health", "family", "community", "ngo"]
                ),
                text(Case, "report_summary"),
                ts(s.opened),
                s.worker,
                ts(s.first_contact),
                ts(s.last_contact),
                NEXT_STEP[s.stage] if s.is_open else "",
                ts(s.due),
                ts(s.closed),
                s.closure_reason or "",
                1 if s.is_open and rng.random() < 0.02 else 0,
            )

    insert(
        Case,
        [
            "id",
            "created_at",
            "updated_at",
            "version",
            "person_id",
            "reference",
            "agency_id",
            "worker_id",
            "supervisor_id",
            "status",
            "stage",
            "risk_level",
            "risk_set_at",
            "reported_on",
            "reported_by",
            "report_summary",
            "opened_at",
            "opened_by_id",
            "first_contact_at",
            "last_contact_at",
            "next_step",
            "next_due_at",
            "closed_at",
            "closure_reason",
            "times_reopened",
        ],
        case_rows(),
    )

    next_id = {m: _next_id(m) for m in (CaseConcern, CaseEvent, CaseLink)}

    def concern_rows() -> Iterator[tuple]:
        k = next_id[CaseConcern]
        for s in specs:
            chosen: set[str] = set()
            for _ in range(rng.choice([1, 1, 2, 2, 3])):
                chosen.add(pick(rng, CONCERNS))
            for concern in sorted(chosen):
                yield (k, s.id, concern)
                k += 1

    insert(CaseConcern, ["id", "case_id", "concern"], concern_rows())

    def event_rows() -> Iterator[tuple]:
        k = next_id[CaseEvent]
        for s in specs:
            events = [(s.opened, s.worker, "opened", s.risk)]
            if s.first_contact:
                events.append((s.first_contact, s.worker, "contact", ""))
            if s.stage == "closed":
                events.append((s.closed, s.sup, "closed", s.closure_reason))
            elif s.stage != "identification":
                at = after(s.first_contact, rng.uniform(0, 60), s)
                events.append((at, s.worker, "stage", s.stage))
            for at, actor, kind, detail in events:
                yield (k, s.id, ts(at), actor, kind, detail)
                k += 1

    insert(
        CaseEvent, ["id", "case_id", "at", "actor_id", "kind", "detail"], event_rows()
    )

    # Siblings: a few cases of one worker linked both ways.
    by_worker: dict[int, list[Spec]] = defaultdict(list)
    for s in specs:
        by_worker[s.worker].append(s)

    def link_rows() -> Iterator[tuple]:
        k = next_id[CaseLink]
        for worker, cases in by_worker.items():
            pairs = int(len(cases) * LINKED_SHARE / 2)
            for a, b in zip(
                cases[0 : 2 * pairs : 2], cases[1 : 2 * pairs : 2], strict=True
            ):
                at = ts(max(a.opened, b.opened))
                yield (k, a.id, b.id, worker, at)
                yield (k + 1, b.id, a.id, worker, at)
                k += 2

    insert(CaseLink, ["id", "case_id", "other_id", "linked_by_id", "linked_at"],
           link_rows())  # fmt: skip

    # The grants: the worker's assignment grant becomes the case's worker grant (the
    # case_worker grant ura.cases.actions opens), and the supervisor gets one.
    clock = time.perf_counter()
    qn = ops.quote_name
    grants = qn(PersonGrant._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        stamp = "timestamp with time zone" if pg else "text"
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_case_grant "
            f"(grant_id bigint PRIMARY KEY, case_id bigint, starts_at {stamp})"
        )
        rows = ((s.worker_grant, s.id, ts(s.opened)) for s in specs)
        if pg:
            with cursor.copy(
                "COPY bench_case_grant (grant_id, case_id, starts_at) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                "INSERT INTO bench_case_grant VALUES (%s, %s, %s)", list(rows)
            )
        cursor.execute(
            f"UPDATE {grants} SET reason = %s, case_id = t.case_id, "
            "source_type = 'case', source_id = CAST(t.case_id AS text), "
            "starts_at = t.starts_at FROM bench_case_grant t "
            f"WHERE {grants}.id = t.grant_id",
            [str(GrantReason.CASE_WORKER)],
        )
        counts["worker grants changed"] = cursor.rowcount
        cursor.execute("DROP TABLE bench_case_grant")
    say(f"worker grants changed in {time.perf_counter() - clock:.0f} s")
    first_grant = _next_id(PersonGrant)
    supervisor_grants = [
        (s.person, s.sup, str(s.id), s.id, s.worker, ts(s.opened)) for s in specs
    ]
    insert(
        PersonGrant,
        [
            "id",
            "person_id",
            "user_id",
            "reason",
            "level",
            "source_type",
            "source_id",
            "case_id",
            "granted_by_id",
            "starts_at",
        ],
        (
            (first_grant + k, person, sup, str(GrantReason.CASE_SUPERVISOR),
             str(GrantLevel.FULL), "case", source, case_id, by, starts)
            for k, (person, sup, source, case_id, by, starts)
            in enumerate(supervisor_grants)
        ),
    )  # fmt: skip
    supervisor_grants.clear()

    # Assessments, with their needs by domain.
    ids = {
        m: _next_id(m)
        for m in (
            Assessment,
            AssessmentNeed,
            CasePlan,
            PlanGoal,
            PlanAction,
            Review,
            Approval,
            CaseNote,
            Consent,
            Transfer,
        )
    }
    assessed: list[tuple[int, datetime | None]] = []  # (assessment, completed)
    done_at: dict[int, datetime] = {}  # case -> when the assessments were done

    def assessment_rows() -> Iterator[tuple]:
        k = ids[Assessment]
        for s in specs:
            if not s.past("identification"):
                continue
            start = s.first_contact
            kinds: list[tuple[str, datetime | None, bool]] = []
            initial_done = after(start, rng.uniform(1, 10), s)
            needed = rng.random() < 0.7
            if s.stage == "initial_assessment":
                kinds.append(("initial", None, True))
            else:
                kinds.append(("initial", initial_done, needed))
                if s.stage == "comprehensive_assessment":
                    needed = True
                    kinds[0] = ("initial", initial_done, True)
                    if rng.random() < 0.5:
                        kinds.append(("comprehensive", None, True))
                elif needed:
                    at = after(initial_done, rng.uniform(5, 30), s)
                    kinds.append(("comprehensive", at, True))
                    done_at[s.id] = at
                else:
                    done_at[s.id] = initial_done
            for kind, completed, comprehensive in kinds:
                status = "completed" if completed else "draft"
                yield (
                    k, ts(start), ts(completed or start), 1, s.id, kind, status,
                    s.worker, True, comprehensive,
                    s.risk if completed else "",
                    text(Assessment, "summary") if completed else "",
                    text(Assessment, "child_views"),
                    text(Assessment, "caregiver_views"),
                    ts(completed),
                )  # fmt: skip
                assessed.append((k, completed))
                k += 1

    insert(
        Assessment,
        [
            "id", "created_at", "updated_at", "version", "case_id", "kind", "status",
            "started_by_id", "child_seen", "comprehensive_needed", "risk_level",
            "summary", "child_views", "caregiver_views", "completed_at",
        ],
        assessment_rows(),
    )  # fmt: skip

    def need_rows() -> Iterator[tuple]:
        k = ids[AssessmentNeed]
        levels = ["none", "low", "low", "medium", "medium", "high"]
        for assessment, completed in assessed:
            for domain in DOMAINS:
                level = rng.choice(levels) if completed else "unknown"
                notes = text(AssessmentNeed, "notes") if level != "none" else ""
                yield (k, assessment, domain, level, notes)
                k += 1

    insert(
        AssessmentNeed, ["id", "assessment_id", "domain", "level", "notes"], need_rows()
    )
    assessed.clear()  # memory: these lists hold hundreds of thousands of rows

    # Plans, goals and actions; approvals of plans and closures.
    planned: list[tuple[int, Spec, datetime | None]] = []  # (plan, case, approved)
    approvals: list[tuple] = []

    def plan_rows() -> Iterator[tuple]:
        k = ids[CasePlan]
        for s in specs:
            if not s.past("comprehensive_assessment") or s.id not in done_at:
                continue
            drafted = after(done_at[s.id], rng.uniform(1, 10), s)
            if s.stage == "case_plan":
                approved = None
                status = "draft"
                if rng.random() < PLAN_APPROVAL_PENDING:
                    status = "awaiting_approval"
                    approvals.append(("plan", s, drafted, "pending", None))
            else:
                approved = after(drafted, rng.uniform(1, 10), s)
                status = "approved"
                approvals.append(("plan", s, drafted, "approved", approved))
            every = rng.choice([30, 60, 90]) if approved else None
            yield (k, ts(drafted), ts(approved or drafted), 1, s.id, status,
                   ts(approved), every)  # fmt: skip
            planned.append((k, s, approved))
            k += 1
            if s.stage == "closure":
                asked = now - timedelta(days=rng.uniform(0, 20))
                s.closure_reason = pick(rng, CLOSURES)
                approvals.append(("closure", s, asked, "pending", None))
            elif s.stage == "closed":
                asked = s.closed - timedelta(days=rng.uniform(1, 10))
                approvals.append(("closure", s, asked, "approved", s.closed))

    insert(
        CasePlan,
        ["id", "created_at", "updated_at", "version", "case_id", "status",
         "approved_at", "review_every_days"],
        plan_rows(),
    )  # fmt: skip
    goals: list[tuple[int, Spec, datetime | None, datetime]] = []

    def goal_rows() -> Iterator[tuple]:
        k = ids[PlanGoal]
        for plan, s, approved in planned:
            for position, domain in enumerate(rng.sample(DOMAINS, rng.randint(2, 4))):
                yield (k, plan, domain, text(PlanGoal, "goal"), position)
                goals.append((k, s, approved, s.opened))
                k += 1

    insert(PlanGoal, ["id", "plan_id", "domain", "goal", "position"], goal_rows())
    agencies = list(Agency.objects.values_list("pk", flat=True))

    def action_rows() -> Iterator[tuple]:
        k = ids[PlanAction]
        for goal, s, approved, _opened in goals:
            start = timezone.localdate(approved or now)
            for _ in range(rng.randint(1, 3)):
                r = rng.random()
                user, agency, person = None, None, None
                if r < 0.6:
                    user = s.worker
                elif r < 0.9:
                    agency = rng.choice(agencies)
                else:
                    person = s.person
                due = start + timedelta(days=rng.randint(10, 180))
                status, done_on = "open", None
                if s.stage == "closed" or (due < today and rng.random() < 0.7):
                    status = "done" if rng.random() < 0.9 else "dropped"
                    done_on = day(min(due, today))
                yield (k, goal, text(PlanAction, "action"), user, agency, person,
                       day(due), status, done_on)  # fmt: skip
                k += 1

    insert(
        PlanAction,
        ["id", "goal_id", "action", "responsible_user_id", "responsible_agency_id",
         "responsible_person_id", "due_on", "status", "done_on"],
        action_rows(),
    )  # fmt: skip
    goals.clear()

    def review_rows() -> Iterator[tuple]:
        k = ids[Review]
        for _plan, s, approved in planned:
            if approved is None:
                continue
            end = s.closed or now
            held = approved
            while True:
                held = held + timedelta(days=rng.uniform(30, 90))
                if held >= end or rng.random() < 0.1:
                    break
                yield (k, s.id, day(held), s.worker, text(Review, "summary"), ts(held))
                k += 1

    insert(
        Review,
        ["id", "case_id", "held_on", "held_by_id", "summary", "created_at"],
        review_rows(),
    )
    planned.clear()

    def approval_rows() -> Iterator[tuple]:
        k = ids[Approval]
        for subject, s, asked, decision, decided in approvals:
            yield (
                k, s.id, subject, s.worker, ts(asked),
                s.closure_reason or "" if subject == "closure" else "",
                decision, s.sup if decided else None, ts(decided),
            )  # fmt: skip
            k += 1

    insert(
        Approval,
        ["id", "case_id", "subject", "requested_by_id", "requested_at",
         "closure_reason", "decision", "decided_by_id", "decided_at"],
        approval_rows(),
    )  # fmt: skip
    approvals.clear()
    done_at.clear()

    # Notes: one every month or two of the case's life, at most 20.
    def note_rows() -> Iterator[tuple]:
        k = ids[CaseNote]
        kinds = ["home_visit", "home_visit", "office", "phone", "school", "meeting"]
        for s in specs:
            start = s.first_contact or s.opened
            end = s.closed or now
            span = max(0.0, (end - start).total_seconds() / 86400)
            for _ in range(min(20, 1 + int(span / rng.uniform(30, 60)))):
                at = start + timedelta(days=rng.uniform(0, span))
                kind = rng.choice(kinds)
                contact = (
                    ""
                    if kind in ("meeting", "phone")
                    else rng.choice(["child", "family", "both"])
                )
                yield (k, s.id, s.worker, day(at), kind, contact,
                       text(CaseNote, "body"), ts(at))  # fmt: skip
                k += 1

    insert(
        CaseNote,
        ["id", "case_id", "author_id", "happened_on", "kind", "contact_with", "body",
         "written_at"],
        note_rows(),
    )  # fmt: skip

    def consent_rows() -> Iterator[tuple]:
        k = ids[Consent]
        for s in specs:
            if not s.past("identification"):
                continue
            given = day(after(s.first_contact, rng.uniform(0, 5), s))
            for giver in ("mother", "child") if rng.random() < 0.5 else ("mother",):
                yield (k, s.id, giver, "", given, True, rng.random() < 0.6,
                       "", s.worker, ts(s.first_contact), None, None)  # fmt: skip
                k += 1

    insert(
        Consent,
        ["id", "case_id", "given_by", "given_by_name", "given_on", "to_services",
         "to_sharing", "note", "recorded_by_id", "recorded_at", "withdrawn_on",
         "withdrawn_by_id"],
        consent_rows(),
    )  # fmt: skip

    def transfer_rows() -> Iterator[tuple]:
        k = ids[Transfer]
        for s in specs:
            if not s.is_open or rng.random() >= TRANSFER_SHARE:
                continue
            to = rng.choice([c for c in team.centres if c != s.agency] or [s.agency])
            at = now - timedelta(days=rng.uniform(0, 14))
            yield (k, s.id, s.agency, to, text(Transfer, "reason"), s.worker, ts(at),
                   "proposed")  # fmt: skip
            k += 1

    insert(
        Transfer,
        ["id", "case_id", "from_agency_id", "to_agency_id", "reason", "proposed_by_id",
         "proposed_at", "status"],
        transfer_rows(),
    )  # fmt: skip

    clock = time.perf_counter()
    models = [
        Case, CaseConcern, CaseEvent, CaseLink, PersonGrant, Assessment,
        AssessmentNeed, CasePlan, PlanGoal, PlanAction, Review, Approval, CaseNote,
        Consent, Transfer,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for sql in ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
        if pg:
            # What autovacuum does soon after a bulk load (and the grants' update
            # left a dead row version behind for each case).
            for model in models:
                cursor.execute(f"VACUUM ANALYZE {qn(model._meta.db_table)}")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    say(f"sequences and vacuum/analyze in {time.perf_counter() - clock:.0f} s")
    return counts


# ---------------------------------------------------------------------- measuring


@dataclass
class Cast:
    workers: list[int]  # with at least one open case
    supervisors: list[int]  # supervising at least one case
    cases_of: dict[int, list[int]]  # worker -> their case ids


def cast_of() -> Cast:
    from ura.cases.models import Case

    cases_of: dict[int, list[int]] = defaultdict(list)
    with_open: set[int] = set()
    supervisors: set[int] = set()
    rows = Case.objects.order_by("pk").values_list(
        "pk", "worker_id", "supervisor_id", "status"
    )
    for pk, worker, sup, status in rows.iterator(chunk_size=50_000):
        cases_of[worker].append(pk)
        if status == "open":
            with_open.add(worker)
        if sup:
            supervisors.add(sup)
    return Cast(sorted(with_open), sorted(supervisors), dict(cases_of))


def check_reach(cast: Cast, rng: random.Random, sample: int = 20) -> list[str]:
    """visible_cases against the cases table: a worker sees their own cases, a
    supervisor the cases of the workers of their teams."""
    from ura.access.cases import visible_cases
    from ura.accounts.models import Team, User
    from ura.cases.models import Case

    failures = []
    for uid in rng.sample(cast.workers, min(sample, len(cast.workers))):
        got = set(visible_cases(User.objects.get(pk=uid)).values_list("pk", flat=True))
        expected = set(Case.objects.filter(worker_id=uid).values_list("pk", flat=True))
        if got != expected:
            failures.append(f"worker {uid}: sees {len(got)} cases, has {len(expected)}")
    for uid in rng.sample(cast.supervisors, min(sample, len(cast.supervisors))):
        members = Team.members.through.objects.filter(team__supervisor_id=uid)
        workers = set(members.values_list("user_id", flat=True))
        got = set(visible_cases(User.objects.get(pk=uid)).values_list("pk", flat=True))
        expected = set(
            Case.objects.filter(worker_id__in=workers).values_list("pk", flat=True)
        ) | set(Case.objects.filter(supervisor_id=uid).values_list("pk", flat=True))
        if got != expected:
            failures.append(
                f"supervisor {uid}: sees {len(got)} cases, team has {len(expected)}"
            )
    say(f"case reach checked for {2 * sample} users: {len(failures)} failures")
    return failures


# ------------------------------------------------------------------ experiments
# Proposed changes to the case reads, tried inside this process only, so that a
# proposal comes with its figures. Nothing here changes Ura's code.

CASE_EXPERIMENTS = {
    "case-ids-once": "the case panels and the case list read the user's visible "
    "case ids once per request (visible_cases(user).values_list('pk'), cached on the "
    "user object like the roles) and filter Case.objects.filter(pk__in=ids), "
    "instead of repeating the semi-join on the grants in each of their queries",
    "case-grants-union": "visible_cases reads the case grants as a UNION ALL of "
    "one plain branch per kind of grantee (the user and the workers they supervise; "
    "their teams) instead of one OR, and a partial index on access_persongrant "
    "(user_id, case_id) covering reason, starts_at and ends_at WHERE case_id IS NOT "
    "NULL lets the database read the user's branch from the index alone",
    "supervisor-one-pass": "ura.workspace.case_panels.supervisor_panels reads the "
    "team's open cases once (id, worker, risk, deadline, last contact, opening: a "
    "few columns of about 1,200 rows) and computes the caseload table, both totals "
    "and which cases head both lists in Python; then reads those (at most 20) cases "
    "by id, and the team's pending approvals in one query (counted in Python): 4 "
    "queries instead of 8, and the grants are read once instead of 7 times",
}
CASE_GRANT_INDEX = "bench_grant_user_case"


def visible_cases_union(user: Any) -> Any:
    """``visible_cases`` with one plain branch per kind of grantee (proposed)."""
    from django.db.models import Q

    from ura.access.cases import CASE_TEAM_REASONS
    from ura.access.models import PersonGrant
    from ura.access.rules import Permission, _active_grants, grantees_of, may
    from ura.cases.models import Case

    grantees = grantees_of(user)
    if not may(user, Permission.VIEW_CASES) or grantees is None:
        return Case.objects.none()
    grants = PersonGrant.objects.filter(_active_grants(), case_id__isnull=False)
    # One index range per user: the user's own case grants, and the case_worker
    # and case_supervisor grants of the workers they supervise.
    mine = grants.filter(
        Q(user_id__in=sorted({grantees.user, *grantees.supervised_users})),
        Q(user_id=grantees.user) | Q(reason__in=sorted(CASE_TEAM_REASONS)),
    ).values("case_id")
    if grantees.teams:
        teams = grants.filter(team_id__in=sorted(grantees.teams)).values("case_id")
        mine = mine.union(teams, all=True)
    return Case.objects.filter(pk__in=mine)


def supervisor_panels_one_pass(user: Any) -> Any:
    """``supervisor_panels`` with one read of the team's open cases (proposed)."""
    from django.db import connection
    from django.db.models import Q
    from django.utils import timezone

    from ura.access.rules import Permission, agencies_where, may
    from ura.accounts.models import Role
    from ura.cases.models import (
        Approval,
        Case,
        Decision,
        RiskLevel,
        Transfer,
        TransferStatus,
    )
    from ura.workspace import case_panels as panels

    if not may(user, Permission.APPROVE_CASE_WORK):
        return None
    workers = panels._supervised_workers(user)
    supervised = panels._open(panels.visible_cases(user)).filter(
        Q(supervisor=user) | Q(worker__in=workers)
    )
    now = timezone.now()
    days = panels.no_contact_days()
    since = now - timedelta(days=days)
    rows = list(
        supervised.values_list(
            "pk", "worker_id", "risk_level", "next_due_at", "last_contact_at",
            "opened_at",
        )
    )  # fmt: skip
    loads = {w.pk: panels.WorkerLoad(w) for w in workers}
    overdue_high, quiet = [], []
    for pk, worker, risk, due, contact, opened in rows:
        late = due is not None and due < now
        silent = contact < since if contact is not None else opened < since
        load = loads.get(worker)
        if load is not None:
            load.open_cases += 1
            load.high_risk += risk == RiskLevel.HIGH
            load.overdue += late
            load.no_contact += silent
        if late and risk == RiskLevel.HIGH:
            overdue_high.append((due, pk))
        if silent:
            # As the database orders NULLs: first in SQLite, last in PostgreSQL.
            missing = contact is None
            first = missing if connection.vendor == "postgresql" else not missing
            quiet.append((first, contact or opened, opened, pk))
    overdue_high.sort()
    quiet.sort()
    shown = [pk for _d, pk in overdue_high[: panels.PANEL_SIZE]] + [
        row[-1] for row in quiet[: panels.PANEL_SIZE]
    ]
    cases = Case.objects.filter(pk__in=shown).select_related("person__place", "worker")
    by_id = {case.pk: case for case in cases}
    ids = [row[0] for row in rows]
    approvals = list(
        Approval.objects.filter(decision=Decision.PENDING, case_id__in=ids)
        .select_related("case__person", "requested_by")
        .order_by("requested_at", "pk")
    )
    transfers = (
        Transfer.objects.filter(
            status=TransferStatus.PROPOSED,
            to_agency__in=agencies_where(user, Role.SUPERVISOR),
        )
        .select_related("case", "from_agency")
        .order_by("proposed_at", "pk")
        if may(user, Permission.DECIDE_TRANSFERS)
        else Transfer.objects.none()
    )
    return panels.SupervisorPanels(
        team=[loads[w.pk] for w in workers],
        overdue_high=[by_id[pk] for _d, pk in overdue_high[: panels.PANEL_SIZE]],
        overdue_high_total=len(overdue_high),
        approvals=approvals[: panels.PANEL_SIZE],
        approvals_total=len(approvals),
        no_contact=[by_id[row[-1]] for row in quiet[: panels.PANEL_SIZE]],
        no_contact_total=len(quiet),
        no_contact_days=days,
        transfers_in=list(transfers[: panels.PANEL_SIZE]),
    )


def same_panels(first: Any, second: Any) -> bool:
    def shape(p: Any) -> tuple:
        return (
            [(w.worker.pk, w.open_cases, w.high_risk, w.overdue, w.no_contact)
             for w in p.team],
            [c.pk for c in p.overdue_high], p.overdue_high_total,
            [a.pk for a in p.approvals], p.approvals_total,
            [c.pk for c in p.no_contact], p.no_contact_total,
            [t.pk for t in p.transfers_in],
        )  # fmt: skip

    return shape(first) == shape(second)


def apply_case_experiment(name: str) -> Callable[[], None]:
    """Apply one proposed change to the case reads; returns what undoes it."""
    if name in EXPERIMENTS:
        return apply_experiment(name)
    say(f"experiment {name}: {CASE_EXPERIMENTS[name]}")
    if name == "case-ids-once":
        from ura.access import cases as access_cases
        from ura.cases import queries
        from ura.cases.models import Case
        from ura.workspace import case_panels

        original = access_cases.visible_cases

        def visible_case_ids(user: Any) -> Any:
            if "_bench_case_ids" not in user.__dict__:
                ids = list(original(user).values_list("pk", flat=True))
                user.__dict__["_bench_case_ids"] = ids
            return Case.objects.filter(pk__in=user.__dict__["_bench_case_ids"])

        case_panels.visible_cases = visible_case_ids
        queries.visible_cases = visible_case_ids

        def undo() -> None:
            case_panels.visible_cases = original
            queries.visible_cases = original

        return undo
    if name == "supervisor-one-pass":
        from ura.accounts.models import Role, User
        from ura.workspace import case_panels

        original_panels = case_panels.supervisor_panels
        # The same panels, or the proposal is worth nothing: compare first.
        supervisors = User.objects.filter(
            memberships__role=Role.SUPERVISOR, memberships__is_active=True
        ).order_by("?")[:20]
        for sup in supervisors:
            if not same_panels(
                original_panels(User.objects.get(pk=sup.pk)),
                supervisor_panels_one_pass(User.objects.get(pk=sup.pk)),
            ):
                sys.exit(f"supervisor-one-pass: other panels for user {sup.pk}")
        say(f"supervisor-one-pass: same panels for {len(supervisors)} supervisors")
        case_panels.supervisor_panels = supervisor_panels_one_pass

        def undo() -> None:
            case_panels.supervisor_panels = original_panels

        return undo
    if name == "case-grants-union":
        from django.db import connection

        from ura.access import cases as access_cases
        from ura.accounts.models import Role, User
        from ura.cases import queries
        from ura.workspace import case_panels

        qn = connection.ops.quote_name
        table = qn("access_persongrant")
        clock = time.perf_counter()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE INDEX {qn(CASE_GRANT_INDEX)} ON {table} "
                    "(user_id, case_id) INCLUDE (reason, starts_at, ends_at) "
                    "WHERE case_id IS NOT NULL"
                )
                cursor.execute(f"VACUUM ANALYZE {table}")
            else:
                # (--sqlite-analyze, which runs after the experiments, gives the
                # index its statistics.)
                cursor.execute(
                    f"CREATE INDEX {qn(CASE_GRANT_INDEX)} ON {table} "
                    "(user_id, case_id, reason, starts_at, ends_at) "
                    "WHERE case_id IS NOT NULL"
                )
        say(f"index made in {time.perf_counter() - clock:.1f} s")
        original = access_cases.visible_cases
        users = User.objects.filter(
            memberships__role__in=[Role.SOCIAL_WORKER, Role.SUPERVISOR],
            memberships__is_active=True,
        ).order_by("?")[:20]
        for user in users:
            if set(original(User.objects.get(pk=user.pk)).values_list("pk")) != set(
                visible_cases_union(User.objects.get(pk=user.pk)).values_list("pk")
            ):
                sys.exit(f"case-grants-union: other cases for user {user.pk}")
        say(f"case-grants-union: same cases for {len(users)} users")
        for module in (access_cases, case_panels, queries):
            module.visible_cases = visible_cases_union

        def undo() -> None:
            for module in (access_cases, case_panels, queries):
                module.visible_cases = original
            with connection.cursor() as cursor:
                cursor.execute(f"DROP INDEX {qn(CASE_GRANT_INDEX)}")

        return undo
    raise ValueError(name)


REFERENCE = re.compile(rb"\b\d{4}-\d{6}\b")


@dataclass
class Page:
    key: str
    label: str
    prepare: Callable[[], tuple[Any, str, bytes | None]]


def pages(cast: Cast, rng: random.Random) -> list[Page]:
    from django.test import Client
    from django.urls import reverse

    from ura.accounts.middleware import SESSION_STARTED_KEY
    from ura.accounts.models import User
    from ura.cases.models import Case

    def signed_in(user_id: int) -> Client:
        client = Client()
        client.force_login(User.objects.get(pk=user_id))
        # force_login skips the sign-in view; set what that view would have set.
        session = client.session
        session[SESSION_STARTED_KEY] = time.time()
        session.save()
        return client

    def page_of(ids: list[int], url: str) -> Callable[[], tuple[Any, str, None]]:
        return lambda: (signed_in(rng.choice(ids)), url, None)

    def case_page() -> tuple[Any, str, bytes]:
        worker = rng.choice(cast.workers)
        case_id = rng.choice(cast.cases_of[worker])
        reference = Case.objects.values_list("reference", flat=True).get(pk=case_id)
        url = reverse("cases:detail", args=[case_id])
        return signed_in(worker), url, reference.encode()

    home, cases = reverse("workspace:home"), reverse("cases:list")
    return [
        Page("s", "supervisor: GET /home/ (dashboard)",
             page_of(cast.supervisors, home)),
        Page("w", "social worker: GET /cases/ (case list)",
             page_of(cast.workers, cases)),
        Page("wo", "social worker: GET /cases/?overdue=on",
             page_of(cast.workers, cases + "?overdue=on")),
        Page("c", "social worker: GET /cases/<id>/ (own case)", case_page),
        Page("w0", "social worker: GET /home/", page_of(cast.workers, home)),
        Page("sl", "supervisor: GET /cases/ (team's cases)",
             page_of(cast.supervisors, cases)),
    ]  # fmt: skip


def fetch(arg: tuple[Any, str, bytes | None]) -> int:
    """GET the page; it must be a 200 that shows a case (a benchmark of error pages
    proves nothing)."""
    client, url, must_show = arg
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"{url}: {response.status_code}")
    body = response.content
    if must_show is not None and must_show not in body:
        raise AssertionError(f"{url} does not show {must_show.decode()}")
    if must_show is None and not REFERENCE.search(body):
        raise AssertionError(f"{url} shows no case reference")
    return len(body)


def query_figures(cast: Cast, rng: random.Random, repeat: int, budget: float):  # noqa: ANN201
    """The query functions the pages call, without the page around them."""
    from django.core.paginator import Paginator

    from ura.accounts.models import User
    from ura.cases.queries import case_page, case_search
    from ura.workspace.case_panels import supervisor_panels, worker_panels

    def user_from(ids: list[int]) -> Callable[[], User]:
        # A fresh object each time: the access cache lives on the user, per request.
        return lambda: User.objects.get(pk=rng.choice(ids))

    def listed(user: User, filters: dict | None = None) -> int:
        page = Paginator(case_search(user=user, filters=filters), 25).get_page(1)
        list(page)
        return page.paginator.count

    def one_case() -> tuple[User, int]:
        worker = rng.choice(cast.workers)
        return User.objects.get(pk=worker), rng.choice(cast.cases_of[worker])

    def opened(arg: tuple[User, int]) -> int:
        case_page(user=arg[0], case_id=arg[1], request=None)
        return 1

    scenarios = [
        ("s", "supervisor: supervisor_panels", user_from(cast.supervisors),
         lambda u: supervisor_panels(u).approvals_total),
        ("w", "social worker: case_search (count + page 1)",
         user_from(cast.workers), listed),
        ("wo", "social worker: case_search overdue (count + page 1)",
         user_from(cast.workers), lambda u: listed(u, {"overdue": True})),
        ("c", "social worker: case_page", one_case, opened),
        ("w0", "social worker: worker_panels", user_from(cast.workers),
         lambda u: worker_panels(u).total),
    ]  # fmt: skip
    return [
        measure(key, label, "query", prepare, act, repeat, budget)
        for key, label, prepare, act in scenarios
    ]


def normalised(sql: str) -> str:
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    return re.sub(r"\?(, \?)+", "?…", sql)


def slowest(page: Page, runs: int = 10, top: int = 3) -> list[tuple[float, str]]:
    """The page's slowest queries, by mean time per request over a few requests:
    (ms, an example of the SQL)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    spent: dict[str, float] = defaultdict(float)
    example: dict[str, str] = {}
    for _ in range(runs):
        arg = page.prepare()
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            fetch(arg)
        for q in queries.captured_queries:
            shape = normalised(q["sql"])
            spent[shape] += float(q["time"]) * 1000 / runs
            example[shape] = q["sql"]
    ranked = sorted(spent, key=lambda s: -spent[s])[:top]
    return [(spent[s], example[s]) for s in ranked]


def main() -> None:  # noqa: C901
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument(
        "--budget",
        type=float,
        default=90,
        help="seconds per scenario; stops early (after 20 runs at least)",
    )
    parser.add_argument("--reuse", action="store_true", help="measure what is there")
    parser.add_argument(
        "--queries", action="store_true", help="also time the query functions alone"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="show the plans of every page's slowest queries (otherwise only of the "
        "pages over the target)",
    )
    parser.add_argument(
        "--only", default="", help="comma-separated page keys to run, e.g. s,w,c"
    )
    parser.add_argument(
        "--sqlite-analyze",
        action="store_true",
        help="SQLite: gather the planner's statistics (ANALYZE) before measuring, "
        "and remove them afterwards so the database stays as Ura leaves it (Ura "
        "does not run ANALYZE itself)",
    )
    parser.add_argument(
        "--experiment",
        action="append",
        default=[],
        choices=sorted(EXPERIMENTS | CASE_EXPERIMENTS),
        help="try a proposed change, this script's or benchmarks/access_scale.py's "
        "(in this process or on the benchmark database only); may be given more "
        "than once",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from ura.access.models import PersonGrant
    from ura.accounts.models import User
    from ura.cases.models import (
        Approval,
        Case,
        CaseNote,
        CasePlan,
        CaseStatus,
        PlanAction,
    )
    from ura.people.models import Person

    say(f"machine: {machine()}")
    say(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    clock = time.perf_counter()
    call_command("migrate", verbosity=0)
    say(f"migrated in {time.perf_counter() - clock:.1f} s")
    rng = random.Random(args.seed)
    built = []
    if Person.objects.exists():
        if not args.reuse:
            sys.exit(
                "This database already holds people: give an empty, dedicated "
                "database, or --reuse to measure what is there."
            )
        say("reusing the people already there")
    else:
        clock = time.perf_counter()
        size = build_world(args.people, rng)
        seconds = time.perf_counter() - clock
        built.append(f"world {seconds:.0f} s")
        say(f"world built in {seconds:.0f} s: {size.seconds}")
    if not Case.objects.exists():
        clock = time.perf_counter()
        rows = build_cases(args.cases, rng)
        seconds = time.perf_counter() - clock
        built.append(f"cases {seconds:.0f} s")
        say(f"cases built in {seconds:.0f} s: {rows}")
    elif connection.vendor == "postgresql":
        # A migration may have added columns since the last ANALYZE: without their
        # statistics the planner guesses.
        clock = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        say(f"ANALYZE done in {time.perf_counter() - clock:.1f} s")

    counts = (
        f"{Person.objects.count():,} people, {User.objects.count():,} users, "
        f"{Case.objects.count():,} cases "
        f"({Case.objects.filter(status=CaseStatus.OPEN).count():,} open), "
        f"{PersonGrant.objects.count():,} grants "
        f"({PersonGrant.objects.filter(case_id__isnull=False).count():,} of cases), "
        f"{CasePlan.objects.count():,} plans, {PlanAction.objects.count():,} plan "
        f"actions, {Approval.objects.count():,} approvals, "
        f"{CaseNote.objects.count():,} notes"
    )
    say(counts)
    undo: list[Callable[[], None]] = []
    try:
        for name in args.experiment:
            undo.append(apply_case_experiment(name))
        failures = report(args, counts, built)
    finally:
        for step in reversed(undo):
            step()
        if connection.vendor == "sqlite" and args.sqlite_analyze:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'"
                )
                for (name,) in cursor.fetchall():
                    cursor.execute(f"DELETE FROM {name}")
            say("statistics removed again")
    if failures:
        sys.exit(1)


def report(args: argparse.Namespace, counts: str, built: list[str]) -> list[str]:  # noqa: C901
    """Measure the pages, print the tables and plans; returns the reach failures."""
    from django.db import connection

    statistics_note = ""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            if args.sqlite_analyze:
                clock = time.perf_counter()
                cursor.execute("ANALYZE")
                seconds = time.perf_counter() - clock
                say(f"ANALYZE done in {seconds:.1f} s")
                statistics_note = f"ANALYZE in {seconds:.1f} s"
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
            )
            if cursor.fetchone()[0]:
                cursor.execute("SELECT count(*) FROM sqlite_stat1")
                rows = cursor.fetchone()[0]
            else:
                rows = 0
        statistics_note = statistics_note or (
            f"{rows} rows in sqlite_stat1" if rows else "none (no ANALYZE)"
        )
        connection.close()  # a new connection reads the statistics
    cast = cast_of()
    say(
        f"{len(cast.workers)} workers with open cases, "
        f"{len(cast.supervisors)} supervisors"
    )
    failures = check_reach(cast, random.Random(args.seed + 1))
    only = {k.strip() for k in args.only.split(",") if k.strip()} or None
    measured = [
        p
        for p in pages(cast, random.Random(args.seed + 2))
        if not only or p.key in only
    ]
    load_before = load()
    figures: list[Figure] = []
    if args.queries:
        figures += query_figures(
            cast, random.Random(args.seed + 3), args.repeat, args.budget
        )
    cpu: dict[str, list[float]] = {}
    for page in measured:
        spent = cpu.setdefault(page.key, [])

        def timed(arg: Any, spent: list[float] = spent) -> int:
            # This process's CPU time: on a shared machine the wall time also
            # holds the time spent waiting for a core.
            start = time.process_time()
            size = fetch(arg)
            spent.append((time.process_time() - start) * 1000)
            return size

        figures.append(
            measure(
                page.key, page.label, "page", page.prepare, timed, args.repeat,
                args.budget,
            )
        )  # fmt: skip
    load_after = load()
    by_key = {f.key: f for f in figures if f.level == "page"}
    heavy = [(page, slowest(page)) for page in measured]

    print()
    print(f"## Case pages at scale: {connection.vendor}")
    print()
    for name in args.experiment:
        about = CASE_EXPERIMENTS.get(name) or EXPERIMENTS[name]
        print(f"- Experiment {name}: {about}")
    print(f"- Machine: {machine()}")
    print(f"- Database: {database()}")
    print(f"- World: {counts}")
    if built:
        print(f"- Built in: {', '.join(built)}")
    if statistics_note:
        print(f"- SQLite planner statistics: {statistics_note}")
    print(f"- Load average (1/5/15 min) before: {load_before}, after: {load_after}")
    print(f"- Reach check: {'ok' if not failures else '; '.join(failures)}")
    print()
    print(table(figures))
    print()
    print("CPU time of the Python process per page (the database's own CPU time is")
    print("not in it on PostgreSQL), median / p95 ms:")
    print()
    print("| # | CPU median ms | CPU p95 ms |")
    print("|---|--:|--:|")
    for key, spent in cpu.items():
        # The warm-up requests come first and are not in the figures.
        cpu_figure = Figure(key, "", "page", samples=spent[2:] or spent)
        print(f"| {key} | {cpu_figure.median:.1f} | {cpu_figure.pct(0.95):.1f} |")
    print()
    print("### Slowest queries per page (mean ms per request over 10 requests)")
    for page, queries in heavy:
        print()
        print(f"**{page.key}** {page.label}:")
        print()
        for ms, sql in queries:
            print(f"- {ms:.1f} ms: `{normalised(sql)[:300]}`")
    for page, queries in heavy:
        figure = by_key[page.key]
        if not args.explain and figure.pct(0.95) < TARGET_MS:
            continue
        for ms, sql in queries:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue  # EXPLAIN ANALYZE would run a write
            print()
            print(f"### Plan: {page.key} {page.label}, {ms:.1f} ms")
            print()
            print("```sql")
            print(sql)
            print("```")
            print()
            print("```")
            print(explain(sql))
            print("```")
    return failures


if __name__ == "__main__":
    main()
