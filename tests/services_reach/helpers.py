"""Small worlds for the reach figures, written straight to the tables (the pages
that write them are tested elsewhere): a day care centre in Prizren with the
shared world's provider, a shelter, a mobile team, a trainer, a programme funded
by the world's partner agency and one that is not."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from django.utils import timezone

from tests.world import PASSWORD, World
from ura.accounts.models import Agency, AgencyType, Membership, Role, User
from ura.directory.models import Programme, Service, ServiceType
from ura.people.models import Household, HouseholdMember, Person, Sex
from ura.services.models import (
    Attendance,
    Enrolment,
    OutreachContact,
    ParticipantRole,
    Presence,
    Session,
    Training,
    TrainingParticipant,
)
from ura.services.reach import ReachFilters, reach_figures
from ura.services.reach_refresh import refresh

YEAR = 2025
START, END = date(YEAR, 1, 1), date(YEAR, 12, 31)


class Reach:
    """Builds a world and reads its figures."""

    def __init__(self, world: World) -> None:
        self.w = world
        self.actor = world.users["provider"]
        self.funded = Programme.objects.create(code="FUND", name="Funded")
        self.funded.funders.add(world.agencies["partner"])
        self.unfunded = Programme.objects.create(code="OTHER", name="Not funded")
        self.daycare = self.service("Day care", programme=self.funded)
        self.shelter_agency = self.agency("shelter_pz", AgencyType.SHELTER, "prizren")
        self.shelter = self.service(
            "Shelter", agency=self.shelter_agency, type=ServiceType.SHELTER,
            programme=self.unfunded,
        )  # fmt: skip
        self.mobile = self.agency("mobile_pz", AgencyType.MOBILE_TEAM, "prizren")
        self.ngo = self.agency("ngo_pr", AgencyType.NGO, "prishtina")
        self.user("trainer", Role.TRAINER, self.ngo)
        self.user("street", Role.SERVICE_PROVIDER, self.mobile)
        self._sessions: dict[tuple[int, date], Session] = {}
        self._people = 0
        # The day care has kept attendance for years: it counts who came.
        self.session(self.daycare, date(2020, 1, 6))

    # ------------------------------------------------------------- the world

    def agency(self, key: str, kind: str, place: str) -> Agency:
        agency = Agency.objects.create(name=key, type=kind, place=self.w.places[place])
        agency.places_covered.add(self.w.places[place])
        self.w.agencies[key] = agency
        return agency

    def user(self, name: str, role: str, agency: Agency) -> User:
        user = User.objects.create_user(username=name, password=PASSWORD)
        Membership.objects.create(user=user, agency=agency, role=role)
        self.w.users[name] = user
        return user

    def service(
        self, name: str, *, agency: Agency | None = None,
        type: str = ServiceType.DAY_CARE, programme: Programme | None = None,
    ) -> Service:  # fmt: skip
        return Service.objects.create(
            agency=agency or self.w.agencies["daycare_pz"], name=name, type=type,
            programme=programme,
        )  # fmt: skip

    def person(
        self, *, sex: str = Sex.FEMALE, born: date | None = date(2016, 6, 1),
        place: str = "prizren", community: str = "roma", difficulty: str = "no",
    ) -> Person:  # fmt: skip
        self._people += 1
        return Person.objects.create(
            given_name=f"Reach{self._people}", family_name="Testi", sex=sex,
            date_of_birth=born, place=self.w.places[place], community=community,
            functional_difficulty=difficulty,
        )  # fmt: skip

    def enrol(
        self, person: Person, service: Service | None = None, *,
        role: str = ParticipantRole.CHILD, start: date = date(YEAR, 1, 10),
        end: date | None = None,
    ) -> Enrolment:  # fmt: skip
        service = service or self.daycare
        return Enrolment.objects.create(
            service=service, person=person, role=role, enrolled_on=start,
            ended_on=end, programme=service.programme, enrolled_by=self.actor,
        )  # fmt: skip

    def session(self, service: Service, day: date) -> Session:
        key = (service.pk, day)
        if key not in self._sessions:
            self._sessions[key] = Session.objects.create(
                service=service, held_on=day, kind="group", activity="creative",
                recorded_by=self.actor,
            )  # fmt: skip
        return self._sessions[key]

    def attend(
        self, enrolment: Enrolment, *days: date, presence: str = Presence.PRESENT
    ) -> None:
        for day in days:
            Attendance.objects.create(
                session=self.session(enrolment.service, day), enrolment=enrolment,
                person_id=enrolment.person_id, held_on=day, presence=presence,
            )  # fmt: skip

    def household(
        self, *members: Person | tuple[Person, date | None, date | None]
    ) -> Household:
        first = members[0][0] if isinstance(members[0], tuple) else members[0]
        household = Household.objects.create(place=first.place)
        for m in members:
            person, since, until = m if isinstance(m, tuple) else (m, None, None)
            HouseholdMember.objects.create(
                household=household, person=person, relationship="other",
                started_on=since, ended_on=until,
            )  # fmt: skip
        return household

    def outreach(
        self, day: date, *, person: Person | None = None, code: str = "",
        age: int | None = None, place: str = "prizren",
        programme: Programme | None = None, agency: Agency | None = None,
    ) -> OutreachContact:  # fmt: skip
        return OutreachContact.objects.create(
            agency=agency or self.mobile, recorded_by=self.w.users["street"],
            contacted_at=timezone.make_aware(datetime.combine(day, time(15))),
            place=self.w.places[place], code=code, estimated_age=age, person=person,
            programme=programme,
        )  # fmt: skip

    def training(
        self, ends_on: date, *people: Person, completed: bool = True,
        organiser: Agency | None = None, programme: Programme | None = None,
    ) -> Training:  # fmt: skip
        training = Training.objects.create(
            title="Training", topic="child_protection", starts_on=ends_on,
            ends_on=ends_on, place=self.w.places["prishtina"],
            organiser=organiser or self.ngo, programme=programme,
            recorded_by=self.w.users["trainer"],
        )  # fmt: skip
        for person in people:
            TrainingParticipant.objects.create(
                training=training, person=person, profession="teacher",
                institution="School", completed=completed,
            )  # fmt: skip
        return training

    # ----------------------------------------------------------- the figures

    def figures(
        self, persona: str = "data_officer", *, start: date = START,
        end: date = END, refreshed: bool = True, **filters: object,
    ):  # noqa: ANN201  # fmt: skip
        if refreshed:
            refresh()
        return reach_figures(
            user=self.w.users[persona],
            filters=ReachFilters(start=start, end=end, **filters),
        )

    def counts(self, persona: str = "data_officer", **kwargs: object) -> dict:
        tables = self.figures(persona, **kwargs).tables
        return dict(zip(
            ["unique", "children", "caregivers", "indirect", "trained"],
            tables.totals, strict=True,
        ))  # fmt: skip


def national_data_officer(world: World) -> User:
    """A data officer of the ministry, whose agency covers the whole country."""
    ministry = world.agencies["ministry"]
    ministry.places_covered.add(world.places["country"])
    user = User.objects.create_user(username="data_officer", password=PASSWORD)
    Membership.objects.create(user=user, agency=ministry, role=Role.DATA_OFFICER)
    world.users["data_officer"] = user
    return user


def breakdown(figures, key: str, figure: str = "unique") -> dict[str, int | None]:  # noqa: ANN001
    from ura.services.reach_cells import FIGURE_KEYS

    f = FIGURE_KEYS.index(figure)
    table = next(b for b in figures.tables.breakdowns if b.key == key)
    return {row.value: row.counts[f] for row in table.rows if row.counts[f] != 0}


def days_in(month: int, *numbers: int) -> Iterable[date]:
    return [date(YEAR, month, d) for d in numbers]
