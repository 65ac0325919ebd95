"""Home visiting in the demo pilot: the example protocols, the Prishtina family
health centre's manager and team, and families enrolled by the nurse with the
real actions (in pregnancy, and after birth at several ages)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from ura.accounts.models import Agency, Team, User
from ura.people.equity import Community
from ura.people.models import HouseholdMember, Person, Relationship
from ura.visiting.examples import load_example_protocols

HEALTH_CENTRE = "Family Health Centre Prishtina"
RAE = {Community.ROMA, Community.ASHKALI, Community.EGYPTIAN}


def ensure_visiting(agencies: dict[str, Agency], users: dict[str, User]) -> None:
    """Idempotent: the example protocols and the centre's home visiting team."""
    load_example_protocols()
    team, _created = Team.objects.get_or_create(
        agency=agencies[HEALTH_CENTRE],
        name="Home visiting",
        defaults={"supervisor": users["health.manager"]},
    )
    team.members.add(users["nurse"])


def _household_of(person: Person):  # noqa: ANN202
    member = HouseholdMember.objects.filter(person=person, ended_on=None).first()
    return member.household if member else None


def enrol_demo_families(
    rng: random.Random, families: list[list[Person]], users: dict[str, User]
) -> None:
    """Enrol the nurse's families: the first four in pregnancy, the next six
    after a birth in the last year (the youngest child made a baby: the demo's
    people are invented)."""
    from ura.people.duplicates import match_keys_rebuild
    from ura.visiting import actions

    nurse = users["nurse"]
    centre = Agency.objects.get(name=HEALTH_CENTRE)
    today = timezone.localdate()
    babies = []
    for index, family in enumerate(families[:10]):
        mother = family[0]
        reasons = ["rae_community"] if mother.community in RAE else []
        if rng.random() < 0.3:
            reasons.append("poverty")
        household = _household_of(mother)
        if index < 4:
            actions.enrolment_create(
                actor=nurse,
                kind="pregnancy",
                family=actions.Family(caregiver=mother, household=household),
                centre=centre,
                nurse=nurse,
                expected_delivery_on=today + timedelta(days=rng.randint(15, 200)),
                priority_reasons=reasons,
            )
            continue
        children = [
            p
            for p in family
            if HouseholdMember.objects.filter(
                person=p, relationship=Relationship.CHILD
            ).exists()
        ]
        if not children:
            continue
        baby = children[-1]
        baby.date_of_birth = today - timedelta(days=rng.randint(5, 330))
        baby.save(update_fields=["date_of_birth"])
        babies.append(baby.pk)
        actions.enrolment_create(
            actor=nurse,
            kind="birth",
            family=actions.Family(caregiver=mother, child=baby, household=household),
            centre=centre,
            nurse=nurse,
            born_on=baby.date_of_birth,
            priority_reasons=reasons,
        )
    # The matcher's keys carry the date of birth.
    match_keys_rebuild(Person.objects.filter(pk__in=babies))
