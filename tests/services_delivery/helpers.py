"""Services of the day care centre in the shared world, and people in them."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from tests.world import World
from ura.access.models import GrantLevel, GrantReason, PersonGrant
from ura.accounts.models import Agency, AgencyType, Membership, Role, User
from ura.directory.models import Service, ServiceType
from ura.people.duplicates import match_keys_refresh
from ura.people.models import Person, Sex
from ura.services.delivery_actions import enrol, group_create
from ura.services.models import Enrolment, ParticipantRole, ServiceGroup


def today() -> date:
    return timezone.localdate()


def days_ago(n: int) -> date:
    return today() - timedelta(days=n)


def day_care(world: World, name: str = "Day care Prizren") -> Service:
    return Service.objects.create(
        agency=world.agencies["daycare_pz"], name=name, type=ServiceType.DAY_CARE
    )


def group_of(
    world: World, service: Service, name: str = "Morning group"
) -> ServiceGroup:
    return group_create(actor=world.users["provider"], service=service, name=name)


def walk_in(world: World, given: str, *, family: str = "Walkin") -> Person:
    """A child the provider registered: seen in full through the registration grant."""
    person = Person.objects.create(
        given_name=given,
        family_name=family,
        sex=Sex.MALE,
        date_of_birth=date(2016, 3, 1),
        place=world.places["prizren"],
    )
    match_keys_refresh(person)
    PersonGrant.objects.create(
        person=person,
        user=world.users["provider"],
        reason=GrantReason.REGISTRATION,
        level=GrantLevel.FULL,
        starts_at=timezone.now(),
    )
    return person


def enrolled(
    world: World,
    service: Service,
    person: Person,
    *,
    on: date | None = None,
    group: ServiceGroup | None = None,
    role: str = ParticipantRole.CHILD,
) -> Enrolment:
    return enrol(
        actor=world.users["provider"],
        service=service,
        person=person,
        role=role,
        enrolled_on=on or days_ago(60),
        group=group,
    )


def children(world: World, service: Service, group: ServiceGroup, n: int, *, on=None):  # noqa: ANN001, ANN201
    return [
        enrolled(world, service, walk_in(world, f"Kid{i}"), group=group, on=on)
        for i in range(n)
    ]


def other_provider(world: World) -> tuple[User, Service]:
    """A provider of another agency, with a service of its own."""
    agency = Agency.objects.create(
        name="mobile_pr", type=AgencyType.DAY_CARE, place=world.places["prishtina"]
    )
    user = User.objects.create_user(username="provider_pr", password="x" * 20)
    Membership.objects.create(user=user, agency=agency, role=Role.SERVICE_PROVIDER)
    world.users["provider_pr"] = user
    service = Service.objects.create(
        agency=agency, name="Mobile team Prishtina", type=ServiceType.OUTREACH
    )
    return user, service


def month_start_before(n_months: int = 1) -> date:
    """The first day of a month wholly in the past."""
    first = today().replace(day=1)
    for _ in range(n_months):
        first = (first - timedelta(days=1)).replace(day=1)
    return first
