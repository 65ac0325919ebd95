"""Home visiting in the demo pilot: the example protocols, the Prishtina family
health centre's manager and team, families enrolled by the nurse with the real
actions (in pregnancy, and after birth at several ages), and the visits she made
to the families enrolled after a birth, most of them, with growth, one with a
concern still to act on."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

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
    record_demo_visits(rng, nurse)


def _weight(age_days: int, rng: random.Random) -> Decimal:
    """A plausible weight: about the WHO median for the age, give or take."""
    months = age_days / 30.4
    median = 3.3 + 0.9 * min(months, 4) + 0.45 * max(0, min(months, 12) - 4)
    return Decimal(str(round(median * rng.uniform(0.88, 1.1), 2)))


def _length(age_days: int, rng: random.Random) -> Decimal:
    months = age_days / 30.4
    median = 50 + 3.6 * min(months, 3) + 2 * max(0, min(months, 12) - 3)
    return Decimal(str(round(median * rng.uniform(0.97, 1.03), 1)))


def record_demo_visits(rng: random.Random, nurse: User) -> None:
    """The families enrolled after a birth were enrolled in the days after it:
    their schedules start then, and the nurse made most visits whose window has
    opened, each on a day in its window (with the real action, so z-scores and
    the schedule follow). The newest baby's mother is not well at the last one."""
    from ura.visiting import actions
    from ura.visiting.models import Enrolment, VisitState
    from ura.visiting.visit_actions import visit_record

    today = timezone.localdate()
    enrolments = list(
        Enrolment.objects.filter(nurse=nurse, kind="birth").order_by("-born_on")
    )
    for index, enrolment in enumerate(enrolments):
        Enrolment.objects.filter(pk=enrolment.pk).update(
            enrolled_on=enrolment.born_on + timedelta(days=2)
        )
        enrolment.refresh_from_db()
        actions.reschedule(enrolment)
        due = list(
            enrolment.scheduled_visits.filter(
                state=VisitState.SCHEDULED, opens_on__lte=today
            ).order_by("due_on")
        )
        for number, scheduled in enumerate(due):
            if rng.random() > 0.8:
                continue  # missed, or still to make
            last = min(scheduled.overdue_on, today)
            first = max(scheduled.opens_on, enrolment.enrolled_on)
            day = first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
            age = (day - enrolment.born_on).days
            worried = index == 0 and number == len(due) - 1
            visit_record(
                actor=nurse,
                enrolment=enrolment,
                visited_on=min(day, today),
                scheduled=scheduled,
                seen=_seen(rng, age, worried),
            )


def _seen(rng: random.Random, age_days: int, worried: bool):  # noqa: ANN202
    from ura.visiting.visit_actions import Observations

    return Observations(
        present=["mother", "child"],
        weight_kg=_weight(age_days, rng),
        length_cm=_length(age_days, rng),
        feeding="exclusive_breastfeeding" if age_days < 180 else "complementary",
        immunisation=rng.choice(["up_to_date", "up_to_date", "behind"]),
        maternal_screening_score=16 if worried else rng.randint(2, 9),
        concerns=["maternal_depression"] if worried else [],
        concern_note="Tearful, not sleeping, says she cannot cope." if worried else "",
    )
