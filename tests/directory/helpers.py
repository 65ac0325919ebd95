"""Services for the directory tests, written through the actions."""

from __future__ import annotations

from typing import Any

from tests.world import PASSWORD, World
from ura.accounts.models import Agency, AgencyType, Membership, Role, User
from ura.directory.actions import service_create
from ura.directory.models import Service
from ura.places.models import Place, PlaceLevel


def add_service(
    world: World,
    name: str,
    *,
    agency: str = "daycare_pz",
    actor: str = "admin",
    places: list[Place] | None = None,
    **data: Any,
) -> Service:
    data.setdefault("type", "day_care")
    return service_create(
        actor=world.users[actor],
        agency=world.agencies[agency],
        data={"name": name, **data},
        places=places or [],
    )


def second_provider(world: World) -> User:
    """An NGO in Prishtina with its own provider, "provider_pr"."""
    agency = Agency.objects.create(
        name="Shpresa NGO", type=AgencyType.NGO, place=world.places["prishtina"]
    )
    agency.places_covered.add(world.places["prishtina"])
    world.agencies["ngo_pr"] = agency
    user = User.objects.create_user(username="provider_pr", password=PASSWORD)
    Membership.objects.create(user=user, agency=agency, role=Role.SERVICE_PROVIDER)
    world.users["provider_pr"] = user
    return user


def settlement_in(world: World, municipality: str = "prishtina") -> Place:
    parent = world.places[municipality]
    place = Place(
        code=f"{parent.code}-001",
        parent=parent,
        level=PlaceLevel.SETTLEMENT,
        name_en="Village",
        name_sq="Fshati",
        name_sr="Село",
        name_sr_latn="Selo",
    )
    place.path = place.build_path()
    place.save()
    return place
