"""The starter indicators on closures, deadlines, detention, discrimination, home
visiting and reach, each against a count written plainly here (or, for reach,
against the reach figures of /reach/), on records made with the real actions
where there are some."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.justice.helpers import days_ago, detain, offender_proceeding
from tests.referrals.helpers import send
from tests.services_reach.helpers import YEAR, Reach, national_data_officer
from tests.visiting.helpers import infant, setup_visiting, two_visits
from tests.world import World
from ura.cases.models import Case, CaseStatus
from ura.indicators.compute import indicator_value
from ura.indicators.models import Indicator
from ura.indicators.periods import Period
from ura.indicators.starter import load_starter_indicators
from ura.justice.actions import discrimination_report_add
from ura.justice.models import DiscriminationReport, Measure
from ura.places.models import Place
from ura.referrals.lifecycle import referral_accept
from ura.referrals.models import Referral, ReferralEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicators(world: World) -> dict[str, Indicator]:
    load_starter_indicators()
    return {i.code: i for i in Indicator.objects.all()}


def _places(world: World) -> list[Place]:
    return [world.places["country"], world.places["prishtina"], world.places["prizren"]]


def _value(indicator: Indicator, period: Period, place: Place, by=None):  # noqa: ANN001, ANN202
    return indicator_value(indicator, period, place, by)


def _close(case: Case, reason: str, days_after: float) -> None:
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED,
        closed_at=case.opened_at + timedelta(days=days_after),
        closure_reason=reason,
    )


def test_closures_agree_with_plain_counts(
    world: World, indicators: dict[str, Indicator]
) -> None:
    met = open_case(world, person="own")
    moved = open_case(world, person="team", risk_level="low")
    other = open_case(world, person="other_municipality", worker="worker_pz")
    open_case(world, person="team_shared")  # still open: not counted
    _close(met, "goals_met", 3)
    _close(moved, "moved", 10)
    _close(other, "goals_met", 1)
    closed = list(
        Case.objects.filter(closed_at__isnull=False).select_related("agency__place")
    )
    period = Period.year(timezone.localdate().year)
    for place in _places(world):
        here = [c for c in closed if c.agency.place.path.startswith(place.path)]
        goals = [c for c in here if c.closure_reason == "goals_met"]
        assert _value(indicators["CP-CLOSED"], period, place).value == len(here)
        assert _value(indicators["CP-CLOSED-GOALS-MET"], period, place).value == len(
            goals
        )
        share = _value(indicators["CP-CLOSED-GOALS-MET-SHARE"], period, place).value
        assert share == (len(goals) / len(here) if here else None)
    by_reason = _value(
        indicators["CP-CLOSED"], period, world.places["country"], "closure_reason"
    )
    assert by_reason.groups == {"goals_met": 2, "moved": 1}


def test_late_first_contacts_count_high_risk_cases_past_their_deadline(
    world: World, indicators: dict[str, Indicator]
) -> None:
    # High risk allows 24 hours for the first contact (the default deadlines).
    on_time = open_case(world, person="own")
    late = open_case(world, person="team")
    waiting = open_case(world, person="other_municipality", worker="worker_pz")
    fresh = open_case(world, person="team_shared")
    low = open_case(world, person="conference", worker="worker_b1", risk_level="low")
    Case.objects.filter(pk=on_time.pk).update(
        first_contact_at=on_time.opened_at + timedelta(hours=20)
    )
    Case.objects.filter(pk=late.pk).update(
        first_contact_at=late.opened_at + timedelta(hours=30)
    )
    # Opened two days ago and nobody has met the child yet: past its deadline.
    Case.objects.filter(pk=waiting.pk).update(
        opened_at=timezone.now() - timedelta(days=2)
    )
    # Opened an hour ago, low risk three days late: neither is counted.
    Case.objects.filter(pk=low.pk).update(
        first_contact_at=low.opened_at + timedelta(days=3)
    )
    assert fresh.first_contact_at is None
    period = Period.year(timezone.localdate().year)
    value = _value(indicators["CP-HIGH-LATE-CONTACT"], period, world.places["country"])
    assert value.value == 2
    by_place = _value(
        indicators["CP-HIGH-LATE-CONTACT"],
        period,
        world.places["country"],
        "municipality",
    )
    prishtina, prizren = world.places["prishtina"], world.places["prizren"]
    assert by_place.groups[prishtina.code] == 1
    assert by_place.groups[prizren.code] == 1


def test_the_median_response_to_referrals(
    world: World, indicators: dict[str, Indicator]
) -> None:
    for hours in (12, 36, 60):
        referral = send(world)
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=timezone.now() - timedelta(hours=hours)
        )
        referral.refresh_from_db()
        referral_accept(
            actor=world.users["provider"],
            referral=referral,
            expected_version=referral.version,
        )
    answered = [
        (e.at - e.referral.sent_at).total_seconds() / 86400
        for e in ReferralEvent.objects.filter(status="accepted").select_related(
            "referral"
        )
    ]
    period = Period.year(timezone.localdate().year)
    median = _value(indicators["REF-RESPONSE-DAYS"], period, world.places["country"])
    assert median.value == pytest.approx(sorted(answered)[1])
    assert median.value == pytest.approx(1.5, abs=0.01)


def test_pretrial_detention_agrees_with_plain_counts(
    world: World, indicators: dict[str, Indicator]
) -> None:
    first = offender_proceeding(world, open_case(world, person="own"))
    second = offender_proceeding(world, open_case(world, person="team"))
    detain(world, first, start=30, end=10)
    detain(world, second, start=50, end=45)
    detain(world, first, start=5)  # detained again, still: one child
    period = Period.year(days_ago(10).year)
    rows = list(Measure.objects.select_related("proceeding__involvement__case"))
    in_period = [
        m
        for m in rows
        if m.started_on < period.after
        and (m.ended_on is None or m.ended_on >= period.start)
    ]
    children = {m.proceeding.involvement.case.person_id for m in in_period}
    prishtina = world.places["prishtina"]
    for place in _places(world):
        value = _value(indicators["JJ-PRETRIAL"], period, place).value
        assert value == (len(children) if prishtina.path.startswith(place.path) else 0)
    ended = sorted((m.ended_on - m.started_on).days for m in in_period if m.ended_on)
    median = _value(indicators["JJ-PRETRIAL-DAYS"], period, world.places["country"])
    expected = ended[len(ended) // 2] if len(ended) % 2 else sum(ended[:2]) / 2
    assert median.value == pytest.approx(expected)
    assert median.base == len(ended)


def test_discrimination_reported_and_confirmed_by_a_court(
    world: World, indicators: dict[str, Indicator]
) -> None:
    case = open_case(world, person="own")
    today = timezone.localdate()
    for reported_to, reported_on in (
        ("ombudsperson", today),
        ("court", today),
        ("not_reported", None),
    ):
        discrimination_report_add(
            actor=world.users["worker_a1"],
            case=case,
            data={
                "happened_on": today,
                "description": "Refused at the school gate",
                "community": "roma",
                "reported_to": reported_to,
                "reported_on": reported_on,
            },
        )
    court = DiscriminationReport.objects.get(reported_to="court")
    DiscriminationReport.objects.filter(pk=court.pk).update(
        outcome="ruling_confirmed", ruling_on=today
    )
    period = Period.year(today.year)
    country = world.places["country"]
    reported = DiscriminationReport.objects.filter(reported_on__year=today.year)
    assert _value(indicators["DSC-REPORTED"], period, country).value == (
        reported.count()
    )
    assert reported.count() == 2
    confirmed = _value(
        indicators["DSC-CONFIRMED"], period, country, "targeted_community"
    )
    assert (confirmed.value, confirmed.groups) == (1, {"roma": 1})
    assert (
        _value(indicators["DSC-CONFIRMED"], period, world.places["prizren"]).value == 0
    )


def test_home_visiting_coverage_agrees_with_plain_counts(
    world: World, indicators: dict[str, Indicator]
) -> None:
    w = setup_visiting(world)
    two_visits(w)
    year = timezone.localdate().year - 1
    born = date(year - 1, 6, 15)  # turned one last year
    infant(w, "A", visits=(10, 40), born=born)
    infant(w, "B", visits=(10,), born=born)
    infant(w, "C", visits=(10, 370), born=born)  # the second visit came too late
    infant(w, "D", visits=(10, 40), born=date(year - 2, 6, 15))  # the year before
    infant(
        w, "E", visits=(5, 30), born=born, place="prizren", centre="health_pz",
        nurse="nurse_pz",
    )  # fmt: skip
    period = Period.year(year)
    expected = {
        "country": (4, 2),
        "prishtina": (3, 1),
        "prizren": (1, 1),
    }
    for key, (infants, met) in expected.items():
        place = world.places[key]
        assert _value(indicators["HV-INFANTS"], period, place).value == infants
        assert _value(indicators["HV-INFANTS-RECOMMENDED"], period, place).value == met
        assert _value(indicators["HV-COVERAGE"], period, place).value == met / infants
    # A quarter counts the infants who turned one in it: June's birthdays.
    q2 = Period.quarter(year, 2)
    assert _value(indicators["HV-INFANTS"], q2, world.places["country"]).value == 4
    q1 = Period.quarter(year, 1)
    assert _value(indicators["HV-COVERAGE"], q1, world.places["country"]).value is None


def test_reach_agrees_with_the_reach_figures(world: World) -> None:
    national_data_officer(world)
    r = Reach(world)
    child, mother, trainee = r.person(), r.person(born=date(1990, 1, 1)), r.person()
    # A brother at the same day care lives with the child: supported, so not
    # reached indirectly as well.
    brother = r.person(sex="male")
    r.household(child, mother, brother)
    r.attend(r.enrol(child), date(YEAR, 3, 2), date(YEAR, 3, 9))
    r.attend(r.enrol(brother), date(YEAR, 3, 9))
    r.training(date(YEAR, 5, 5), trainee)
    other = r.person(place="prishtina")
    r.attend(r.enrol(other), date(YEAR, 4, 6))
    counts = r.counts()  # refreshes the summary, as the reach page does
    load_starter_indicators()
    codes = {i.code: i for i in Indicator.objects.filter(code__startswith="RCH-")}
    period = Period.year(YEAR)
    country = world.places["country"]
    assert _value(codes["RCH-PEOPLE"], period, country).value == counts["unique"]
    assert _value(codes["RCH-CHILDREN"], period, country).value == counts["children"]
    assert _value(codes["RCH-INDIRECT"], period, country).value == counts["indirect"]
    assert (counts["unique"], counts["children"], counts["indirect"]) == (5, 3, 1)
    prizren = _value(codes["RCH-PEOPLE"], period, world.places["prizren"]).value
    prishtina = _value(codes["RCH-PEOPLE"], period, world.places["prishtina"]).value
    assert (prizren, prishtina) == (4, 1)
    # The summary holds years: a quarter of it is no data.
    quarter = Period.quarter(YEAR, 1)
    assert _value(codes["RCH-PEOPLE"], quarter, country).value is None
