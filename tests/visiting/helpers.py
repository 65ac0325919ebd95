"""Home visiting in the shared test world: ``nurse`` (family health centre,
Prishtina) and a second nurse in Prizren's centre; the Prishtina centre's
manager supervises a team with ``nurse`` in it. A mother, her baby and an
unborn sibling's household are registered and shared with ``nurse``."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from tests.world import World
from ura.access.models import GrantReason, PersonGrant
from ura.accounts.models import Agency, AgencyType, Membership, Role, Team, User
from ura.people.models import Household, HouseholdMember, Person, Relationship, Sex
from ura.visiting import actions
from ura.visiting.examples import load_example_protocols
from ura.visiting.models import Enrolment, Protocol, Visit
from ura.visiting.protocols import VisitInput, protocol_create

MOTHER = "CanaryMotherQ"
BABY = "CanaryBabyQ"


def setup_visiting(world: World) -> World:
    """Add the centres, nurses, manager, example protocols and a family."""
    if "health_pz" in world.agencies:
        return world
    load_example_protocols()
    pz = Agency.objects.create(
        name="health_pz", type=AgencyType.HEALTH, place=world.places["prizren"]
    )
    world.agencies["health_pz"] = pz
    for username, role, agency in [
        ("nurse_pz", Role.HOME_VISITOR, pz),
        ("manager", Role.SUPERVISOR, world.agencies["health_pr"]),
        ("nurse2", Role.HOME_VISITOR, world.agencies["health_pr"]),
    ]:
        user = User.objects.create_user(username=username, password="x-unused-x")
        Membership.objects.create(user=user, agency=agency, role=role)
        world.users[username] = user
    team = Team.objects.create(
        agency=world.agencies["health_pr"],
        name="Home visiting",
        supervisor=world.users["manager"],
    )
    team.members.add(world.users["nurse"], world.users["nurse2"])
    world.teams["hv"] = team
    today = timezone.localdate()
    household = Household.objects.create(place=world.places["prishtina"])
    mother = _person(world, MOTHER, Sex.FEMALE, date(2001, 3, 4))
    baby = _person(world, BABY, Sex.MALE, today - timedelta(days=20))
    HouseholdMember.objects.create(
        household=household,
        person=mother,
        relationship=Relationship.MOTHER,
        is_primary_caregiver=True,
    )
    HouseholdMember.objects.create(
        household=household, person=baby, relationship=Relationship.CHILD
    )
    world.people.update(mother=mother, baby=baby)
    world.households = {"family": household}  # type: ignore[attr-defined]
    return world


def _person(world: World, given: str, sex: str, born: date | None) -> Person:
    person = Person.objects.create(
        given_name=given,
        family_name="Visiti",
        sex=sex,
        date_of_birth=born,
        place=world.places["prishtina"],
    )
    PersonGrant.objects.create(
        person=person,
        user=world.users["nurse"],
        reason=GrantReason.REGISTRATION,
        starts_at=timezone.now(),
    )
    return person


def newborn(world: World, given: str, born: date | None) -> Person:
    """Another child of the mother's household, registered by the nurse."""
    child = _person(world, given, Sex.FEMALE, born)
    HouseholdMember.objects.create(
        household=world.households["family"],  # type: ignore[attr-defined]
        person=child,
        relationship=Relationship.CHILD,
    )
    return child


def enrol_pregnancy(
    world: World, *, edd: date | None = None, reasons=(), actor: str = "nurse"
) -> Enrolment:  # noqa: ANN001
    return actions.enrolment_create(
        actor=world.users[actor],
        kind="pregnancy",
        family=actions.Family(
            caregiver=world.people["mother"],
            household=world.households["family"],  # type: ignore[attr-defined]
        ),
        centre=world.agencies["health_pr"],
        nurse=world.users["nurse"],
        expected_delivery_on=edd or timezone.localdate() + timedelta(days=120),
        priority_reasons=reasons,
    )


def enrol_baby(world: World, *, reasons=(), actor: str = "nurse") -> Enrolment:  # noqa: ANN001
    baby = world.people["baby"]
    return actions.enrolment_create(
        actor=world.users[actor],
        kind="birth",
        family=actions.Family(
            caregiver=world.people["mother"],
            child=baby,
            household=world.households["family"],  # type: ignore[attr-defined]
        ),
        centre=world.agencies["health_pr"],
        nurse=world.users["nurse"],
        born_on=baby.date_of_birth,
        priority_reasons=reasons,
    )


def universal() -> Protocol:
    return Protocol.objects.get(kind="universal", is_default=True)


def intensified() -> Protocol:
    return Protocol.objects.get(kind="intensified", is_default=True)


def two_visits(world: World, *more: VisitInput) -> Protocol:
    """A small universal protocol: visits at 10 and 40 days (each window opens
    5 days before, is overdue 5 days after and closes 20 days after), and
    ``more``."""
    return protocol_create(
        actor=world.users["admin"],
        name="Two visits",
        kind="universal",
        visits=[
            VisitInput("First", "birth", 10, -5, 0, 5, 20),
            VisitInput("Second", "birth", 40, -5, 0, 5, 20),
            *more,
        ],
    )


def infant(  # noqa: PLR0913
    w,  # noqa: ANN001
    name: str,
    *,
    visits: tuple[int, ...] = (),
    born: date | None = None,
    community: str = "albanian",
    reasons: tuple[str, ...] = (),
    assistance: str = "unknown",
    place: str = "prishtina",
    centre: str = "health_pr",
    nurse: str = "nurse",
    **extra,  # noqa: ANN003
) -> Enrolment:
    """An infant enrolled at birth (by default the year before last, so that they
    turned one last year) on the "Two visits" protocol, with visits made on these
    days of age."""
    born = born or date(timezone.localdate().year - 2, 6, 15)
    where = w.places[place]
    mother = Person.objects.create(
        given_name=f"Canary{name}MotherQ",
        family_name="C",
        sex="female",
        place=where,
        social_assistance=assistance,
    )
    child = Person.objects.create(
        given_name=f"Canary{name}ChildQ",
        family_name="C",
        sex="male",
        place=where,
        date_of_birth=born,
        community=community,
    )
    enrolment = Enrolment.objects.create(
        kind="birth",
        caregiver=mother,
        child=child,
        household=Household.objects.create(place=where),
        born_on=born,
        centre=w.agencies[centre],
        nurse=w.users[nurse],
        protocol=Protocol.objects.get(name="Two visits"),
        priority_reasons=list(reasons),
        enrolled_on=born,
        enrolled_by=w.users[nurse],
        **extra,
    )
    for day in visits:
        Visit.objects.create(
            enrolment=enrolment,
            visited_on=born + timedelta(days=day),
            nurse=w.users[nurse],
            centre=w.agencies[centre],
            recorded_by=w.users[nurse],
        )
    return enrolment
