"""Justice records in the shared test world, with dates relative to today."""

from datetime import date, timedelta

from django.utils import timezone

from tests.cases.helpers import open_case
from tests.world import World
from ura.access.grants import grant_open
from ura.access.models import GrantReason
from ura.cases.models import Case
from ura.justice.actions import involvement_add, measure_add, proceeding_add
from ura.justice.models import Measure, Proceeding


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def offender_proceeding(
    world: World, case: Case, worker: str = "worker_a1"
) -> Proceeding:
    actor = world.users[worker]
    involvement = involvement_add(
        actor=actor, case=case, role="alleged_offender", since=days_ago(200)
    )
    return proceeding_add(
        actor=actor,
        involvement=involvement,
        kind="criminal",
        authority="court",
        authority_name="Basic Court of Prishtina",
        stage="pre_trial",
        stage_since=days_ago(150),
    )


def detain(
    world: World,
    proceeding: Proceeding,
    start: int,
    end: int | None = None,
    worker: str = "worker_a1",
) -> Measure:
    """Pre-trial detention from ``start`` days ago to ``end`` days ago (or still)."""
    return measure_add(
        actor=world.users[worker],
        proceeding=proceeding,
        kind="pretrial_detention",
        started_on=days_ago(start),
        ended_on=None if end is None else days_ago(end),
    )


def conference_case(world: World) -> Case:
    """worker_b1's case of the "conference" child, put on a conference table that
    conf_member sits at (the grant a conference opens for its members)."""
    case = open_case(world, person="conference", worker="worker_b1")
    grant_open(
        actor=world.users["worker_b1"],
        person=case.person,
        reason=GrantReason.CONFERENCE,
        user=world.users["conf_member"],
        source=("conference", "1"),
        case_id=case.pk,
    )
    return case
