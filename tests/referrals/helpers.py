"""Referrals in the shared test world: worker_a1 (centre for social work,
Prishtina) refers the child of their case ("own") to the day care centre in
Prizren, whose service provider is ``provider``."""

from __future__ import annotations

from datetime import date

from tests.cases.helpers import open_case
from tests.conferences.helpers import consent_to
from tests.world import World
from ura.cases.models import Case
from ura.directory.models import Service
from ura.referrals import actions
from ura.referrals.models import Referral

REASON = "CanaryReferralReason: needs daily care after school"


def day_care(world: World, **extra) -> Service:  # noqa: ANN003
    extra.setdefault("name", "Day care for children")
    return Service.objects.create(
        agency=world.agencies["daycare_pz"], type="day_care", **extra
    )


def case_with_consent(world: World, *agencies: str) -> Case:
    case = open_case(world)
    consent_to(world, case, *(agencies or ("daycare_pz",)))
    return case


def send(
    world: World,
    *,
    case: Case | None = None,
    service: Service | None = None,
    sender: str = "worker_a1",
    **extra,  # noqa: ANN003
) -> Referral:
    """A referral from worker_a1's case (with the consent it needs)."""
    if case is None:
        case = case_with_consent(world)
    service = service or day_care(world)
    extra.setdefault("urgency", "routine")
    extra.setdefault("reason", REASON)
    return actions.referral_send(
        actor=world.users[sender],
        person=case.person,
        case=case,
        service=service,
        **extra,
    )


def send_without_case(
    world: World, *, person: str = "own", sender: str = "worker_a1", **extra
) -> Referral:  # noqa: ANN003
    extra.setdefault("urgency", "routine")
    extra.setdefault("reason", REASON)
    extra.setdefault("consent_given_by", "mother")
    extra.setdefault("consent_given_on", date.today())
    service = extra.pop("service", None) or day_care(world)
    return actions.referral_send(
        actor=world.users[sender],
        person=world.people[person],
        service=service,
        **extra,
    )
