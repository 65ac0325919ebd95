"""Opening cases in the shared test world."""

from datetime import date

from tests.world import World
from ura.cases.actions import case_open
from ura.cases.models import Case


def open_case(
    world: World,
    *,
    person: str = "own",
    worker: str = "worker_a1",
    risk_level: str = "high",
    concerns: tuple[str, ...] = ("neglect",),
    report_summary: str = "",
) -> Case:
    return case_open(
        actor=world.users[worker],
        person=world.people[person],
        risk_level=risk_level,
        reported_on=date.today(),
        reported_by="school",
        concerns=concerns,
        report_summary=report_summary,
    )
