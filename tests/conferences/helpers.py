"""Conferences in the shared test world: worker_a1 (centre for social work,
Prishtina) organises; conf_member (police, Prishtina) is invited."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from tests.world import GIVEN_NAMES, World
from ura.cases.models import Case, Consent
from ura.conferences import actions
from ura.conferences.models import Conference

# The given name of the child of the cases opened by ``open_case`` (person "own").
GIVEN = GIVEN_NAMES["own"]
SUMMARY = "CanaryConferenceSummary: the family agreed to weekly visits"


def consent_to(world: World, case: Case, *agencies: str) -> Consent:
    """The mother agreed to sharing the case with these agencies."""
    consent = Consent.objects.create(
        case=case,
        given_by="mother",
        given_on=date.today(),
        to_services=True,
        to_sharing=True,
        recorded_by=case.worker,
    )
    consent.agencies.add(*(world.agencies[a] for a in agencies))
    return consent


def schedule(
    world: World, *, organiser: str = "worker_a1", title: str = "Table 1", **extra
) -> Conference:  # noqa: ANN003
    extra.setdefault("scheduled_at", timezone.now())
    return actions.conference_schedule(
        actor=world.users[organiser],
        agency=world.agencies["csw_pr"],
        title=title,
        kind="first",
        location="CSW meeting room",
        **extra,
    ).conference


def table_with_police(world: World, case: Case) -> Conference:
    """A conference with conf_member invited and ``case`` on its table (the
    child's consent covers the police)."""
    consent_to(world, case, "police_pr")
    conference = schedule(world)
    actions.conference_member_add(
        actor=world.users["worker_a1"],
        conference=conference,
        user=world.users["conf_member"],
    )
    actions.conference_case_add(
        actor=world.users["worker_a1"], conference=conference, case=case
    )
    return conference
