"""Every starter indicator against a count written plainly here, on records made
with the real actions in the shared world (Prishtina and Prizren)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.referrals.helpers import send
from tests.services_delivery.helpers import day_care, enrolled, walk_in
from tests.services_training.helpers import (
    add_trainers,
    record_training,
    register_participant,
)
from tests.world import World
from ura.cases.models import Case
from ura.indicators.compute import indicator_value
from ura.indicators.models import Indicator
from ura.indicators.periods import Period
from ura.indicators.starter import STARTER, load_starter_indicators
from ura.places.models import Place
from ura.referrals.lifecycle import referral_accept
from ura.referrals.models import ReferralEvent
from ura.services.models import Attendance, Session, TrainingParticipant
from ura.services.training_actions import participant_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicators(world: World) -> dict[str, Indicator]:
    load_starter_indicators()
    return {i.code: i for i in Indicator.objects.all()}


def _year() -> Period:
    return Period.year(timezone.localdate().year)


def _places(world: World) -> list[Place]:
    return [world.places["country"], world.places["prishtina"], world.places["prizren"]]


def _in(path: str, place: Place) -> bool:
    return path.startswith(place.path)


def _cases(world: World) -> list[Case]:
    made = [
        open_case(world, person="own", risk_level="high"),
        open_case(world, person="team", risk_level="low", concerns=("neglect",)),
        open_case(
            world,
            person="other_municipality",
            worker="worker_pz",
            risk_level="high",
            concerns=("physical_violence", "neglect"),
        ),
    ]
    # A first contact a day and a half and three days after opening.
    for case, days in zip(made[:2], (1.5, 3), strict=True):
        Case.objects.filter(pk=case.pk).update(
            first_contact_at=case.opened_at + timedelta(days=days)
        )
    return made


def test_the_case_indicators_agree_with_plain_counts(
    world: World, indicators: dict[str, Indicator]
) -> None:
    _cases(world)
    year = _year()
    cases = list(Case.objects.select_related("agency__place"))
    for place in _places(world):
        here = [c for c in cases if _in(c.agency.place.path, place)]
        high = [c for c in here if c.risk_level == "high"]

        def value(code: str, by: str | None = None, place: Place = place):  # noqa: ANN202
            return indicator_value(indicators[code], year, place, by)

        assert value("CP-OPEN").value == len({c.person_id for c in here})
        assert value("CP-NEW").value == len(here)
        assert value("CP-NEW-HIGH").value == len(high)
        assert value("CP-NEW-HIGH-SHARE").value == len(high) / len(here)
        by_sex = value("CP-OPEN", "sex").groups
        assert by_sex == {"female": len({c.person_id for c in here})}
    country = world.places["country"]
    by_concern = indicator_value(indicators["CP-NEW"], year, country, "concern")
    assert by_concern.groups == {"neglect": 3, "physical_violence": 1}
    assert by_concern.value == 3  # a case with two concerns is one case
    # Medians of 1.5 and 3 days: 2.25; the case without a contact is left out.
    median = indicator_value(indicators["CP-FIRST-CONTACT-DAYS"], year, country)
    assert median.value == pytest.approx(2.25)
    by_risk = indicator_value(
        indicators["CP-FIRST-CONTACT-DAYS"], year, country, "risk_level"
    ).groups
    assert by_risk == {"high": pytest.approx(1.5), "low": pytest.approx(3)}


def test_a_share_without_a_denominator_is_no_data(
    world: World, indicators: dict[str, Indicator]
) -> None:
    share = indicator_value(
        indicators["CP-NEW-HIGH-SHARE"], _year(), world.places["prizren"], "sex"
    )
    assert share.value is None
    assert share.groups == {}
    median = indicator_value(
        indicators["CP-FIRST-CONTACT-DAYS"], _year(), world.places["prizren"]
    )
    assert median.value is None


def test_referrals_accepted_agree_with_plain_counts(
    world: World, indicators: dict[str, Indicator]
) -> None:
    for _ in range(2):
        referral = send(world)
        referral_accept(
            actor=world.users["provider"],
            referral=referral,
            expected_version=referral.version,
        )
    send(world)  # sent, never accepted
    events = list(
        ReferralEvent.objects.filter(status="accepted").select_related(
            "referral__to_agency__place"
        )
    )
    assert len(events) == 2
    for place in _places(world):
        expected = [e for e in events if _in(e.referral.to_agency.place.path, place)]
        value = indicator_value(indicators["REF-ACCEPTED"], _year(), place)
        assert value.value == len(expected)
    by_type = indicator_value(
        indicators["REF-ACCEPTED"], _year(), world.places["country"], "service_type"
    )
    assert by_type.groups == {"day_care": 2}


def test_children_and_parents_served_agree_with_plain_counts(
    world: World, indicators: dict[str, Indicator]
) -> None:
    service = day_care(world)
    today = timezone.localdate()
    kids = [enrolled(world, service, walk_in(world, f"Kid{i}")) for i in range(3)]
    parent = enrolled(world, service, walk_in(world, "Parent"), role="caregiver")
    for day in (today - timedelta(days=1), today):
        session = Session.objects.create(
            service=service,
            held_on=day,
            kind="group",
            activity="homework",
            recorded_by=world.users["provider"],
        )
        for n, enrolment in enumerate([*kids, parent]):
            Attendance.objects.create(
                session=session,
                enrolment=enrolment,
                person=enrolment.person,
                held_on=day,
                # The third child never came; the others came both days.
                presence="absent" if n == 2 else "present",
            )
    year = Period.year(today.year)
    present = list(
        Attendance.objects.filter(presence="present", held_on__year=today.year)
        .select_related("enrolment")
        .values_list("person_id", "enrolment__role")
    )
    children = {p for p, role in present if role == "child"}
    parents = {p for p, role in present if role == "caregiver"}
    assert (len(children), len(parents)) == (2, 1)
    for place, share in ((world.places["prizren"], 1), (world.places["prishtina"], 0)):
        assert (
            indicator_value(indicators["SRV-DAYCARE-CHILDREN"], year, place).value
            == len(children) * share
        )
        assert (
            indicator_value(indicators["SRV-DAYCARE-PARENTS"], year, place).value
            == len(parents) * share
        )


def test_professionals_trained_agree_with_plain_counts(
    world: World, indicators: dict[str, Indicator]
) -> None:
    add_trainers(world)
    training = record_training(world)
    first = register_participant(world, training)
    register_participant(world, training, given="OtherTrainee")
    again = record_training(world, title="Follow-up")
    # The same professional at a second training is one professional trained.
    participant_add(
        actor=world.users["trainer"],
        training=again,
        person=first.person,
        profession="police",
        institution="Police station Prishtina",
    )
    TrainingParticipant.objects.filter(person__given_name="OtherTrainee").update(
        completed=False
    )
    year = Period.year(training.ends_on.year)
    rows = TrainingParticipant.objects.filter(
        completed=True, training__ends_on__year=year.start.year
    )
    expected = len({r.person_id for r in rows})
    for place in _places(world):
        value = indicator_value(indicators["TRN-PROFESSIONALS"], year, place).value
        assert value == (expected if _in(world.places["prishtina"].path, place) else 0)
    assert expected == 1
    by_profession = indicator_value(
        indicators["TRN-PROFESSIONALS"], year, world.places["country"], "profession"
    )
    assert by_profession.groups == {"police": expected}


def test_the_starter_set_loads_once(world: World) -> None:
    call_command("load-indicators")
    call_command("load-indicators")
    assert Indicator.objects.count() == len(STARTER)
