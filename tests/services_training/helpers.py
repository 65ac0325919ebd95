"""Trainers, mobile teams and programmes added to the shared test world.

``trainer`` organises trainings for an NGO in Prishtina; ``trainer_pz`` for a
centre in Prizren. ``street_a`` and ``street_a2`` are in one mobile team in
Prishtina, ``street_b`` in another, in Prizren. ``donor`` holds the partner role
in the world's partner agency, which funds one programme and not the other.
"""

from __future__ import annotations

from datetime import date

from tests.world import PASSWORD, World
from ura.accounts.models import Agency, AgencyType, Membership, Role, User
from ura.directory.models import Programme
from ura.services import training_actions
from ura.services.models import Training

PROFESSIONAL = "CanaryTrainee"


def _user(world: World, username: str, role: str, agency: Agency) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    Membership.objects.create(user=user, agency=agency, role=role)
    world.users[username] = user
    return user


def _agency(world: World, key: str, kind: str, place: str) -> Agency:
    agency = Agency.objects.create(name=key, type=kind, place=world.places[place])
    agency.places_covered.add(world.places[place])
    world.agencies[key] = agency
    return agency


def add_trainers(world: World) -> World:
    ngo = _agency(world, "ngo_pr", AgencyType.NGO, "prishtina")
    other = _agency(world, "centre_pz", AgencyType.NGO, "prizren")
    _user(world, "trainer", Role.TRAINER, ngo)
    _user(world, "trainer_pz", Role.TRAINER, other)
    return world


def add_street_teams(world: World) -> World:
    team_a = _agency(world, "mobile_pr", AgencyType.MOBILE_TEAM, "prishtina")
    team_b = _agency(world, "mobile_pz", AgencyType.MOBILE_TEAM, "prizren")
    _user(world, "street_a", Role.SERVICE_PROVIDER, team_a)
    _user(world, "street_a2", Role.SERVICE_PROVIDER, team_a)
    _user(world, "street_b", Role.SERVICE_PROVIDER, team_b)
    return world


def add_programmes(world: World) -> tuple[Programme, Programme]:
    funded = Programme.objects.create(code="P-FUND", name="Funded programme")
    funded.funders.add(world.agencies["partner"])
    other = Programme.objects.create(code="P-OTHER", name="Other programme")
    return funded, other


def record_training(
    world: World, *, trainer: str = "trainer", agency: str = "ngo_pr", **extra
) -> Training:  # noqa: ANN003
    data = {
        "title": "Child protection basics",
        "topic": "child_protection",
        "starts_on": date(2025, 3, 10),
        "ends_on": date(2025, 3, 11),
        "place": world.places["prishtina"],
        "venue": "Hotel Sirius",
        "hours": 12,
        "organiser": world.agencies[agency],
    } | extra
    return training_actions.training_create(actor=world.users[trainer], data=data)


def register_participant(
    world: World, training: Training, *, given: str = PROFESSIONAL, **person
) -> object:  # noqa: ANN003
    data = {
        "given_name": given,
        "family_name": "Profi",
        "sex": "female",
        "date_of_birth": date(1985, 4, 2),
        "place": world.places["prishtina"],
    } | person
    return training_actions.participant_register(
        actor=world.users["trainer"],
        training=training,
        person_data=data,
        profession="police",
        institution="Police station Prishtina",
    )
