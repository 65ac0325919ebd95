"""Time in pre-trial detention against the deployment's limit, and its alerts."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.justice.helpers import days_ago, detain, offender_proceeding
from ura.justice.detention import DetentionAlert, detention_status
from ura.justice.queries import detention_alerts_for, proceeding_detention

pytestmark = pytest.mark.django_db

D = date(2026, 3, 1)


def test_days_are_counted_inclusively_and_overlaps_count_once():
    today = D + timedelta(days=40)
    status = detention_status(
        [
            (D, D),  # one day
            (D + timedelta(days=10), D + timedelta(days=19)),  # ten days
            (D + timedelta(days=15), D + timedelta(days=21)),  # overlaps: +2 days
        ],
        today=today,
        limit=90,
        warn=14,
    )
    assert status.days == 1 + 10 + 2
    assert not status.detained_now
    assert status.alert == DetentionAlert.NONE
    assert status.reached_on is None


def test_the_limit_date_counts_the_days_already_spent():
    today = D + timedelta(days=30)
    status = detention_status(
        [(D, D + timedelta(days=9)), (D + timedelta(days=20), None)],
        today=today,
        limit=90,
        warn=14,
    )
    assert status.days == 10 + 11
    assert status.detained_now
    # 10 days before, so 80 more from the second detention's first day.
    assert status.reached_on == D + timedelta(days=20 + 79)
    assert status.days_left == 69


def test_a_detention_counted_across_several_measures_shows_on_the_case(
    world, signed_in
):
    case = open_case(world)
    proceeding = offender_proceeding(world, case)
    detain(world, proceeding, 30, 21)  # 10 days
    detain(world, proceeding, 10, 6)  # 5 days
    detain(world, proceeding, 2)  # 3 days so far, still detained
    status = proceeding_detention(proceeding)
    assert status.days == 18
    assert status.detained_now
    assert status.reached_on == days_ago(2) + timedelta(days=90 - 15 - 1)
    body = signed_in("worker_a1").get(reverse("cases:detail", args=[case.pk]))
    assert "18 of 90 days in pre-trial detention" in body.content.decode()


@pytest.mark.parametrize(
    ("days_detained", "alert"),
    [
        (75, DetentionAlert.NONE),  # 15 days left: not yet
        (76, DetentionAlert.NEAR),  # 14 days left: the alert starts
        (90, DetentionAlert.NEAR),  # the last day the law allows
        (91, DetentionAlert.PAST),
    ],
)
def test_the_alert_starts_the_configured_days_before_the_limit(
    world, days_detained, alert
):
    case = open_case(world)
    proceeding = offender_proceeding(world, case)
    detain(world, proceeding, days_detained - 1)
    status = proceeding_detention(proceeding)
    assert status.days == days_detained
    assert status.alert == alert
    listed = [row.proceeding.pk for row in detention_alerts_for(world.users["sup_a"])]
    assert listed == ([proceeding.pk] if alert else [])


def test_the_case_page_and_the_list_warn_near_and_past_the_limit(world, signed_in):
    near_case = open_case(world)
    near = offender_proceeding(world, near_case)
    detain(world, near, 79)  # 80 days: 10 left
    past_case = open_case(world, person="team_shared")
    past = offender_proceeding(world, past_case)
    detain(world, past, 99)  # 100 days
    client = signed_in("sup_a")
    body = client.get(reverse("cases:detail", args=[near_case.pk])).content.decode()
    assert "Near the limit: 80 of 90 days" in body
    assert "10 days left" in body
    reached = timezone.localdate() + timedelta(days=10)
    assert reached.strftime("%m/%d/%Y") in body
    body = client.get(reverse("cases:detail", args=[past_case.pk])).content.decode()
    assert "Past the limit: 100 days in pre-trial detention, 10 more than" in body
    listing = client.get(reverse("justice:detention")).content.decode()
    # The child past the limit comes first.
    assert listing.index(past_case.reference) < listing.index(near_case.reference)
    assert "2 children" in listing


def test_a_released_child_leaves_the_list(world, signed_in):
    case = open_case(world)
    proceeding = offender_proceeding(world, case)
    measure = detain(world, proceeding, 85)
    assert detention_alerts_for(world.users["worker_a1"])
    from ura.justice.actions import measure_update

    measure_update(
        actor=world.users["worker_a1"],
        measure=measure,
        data={"ended_on": timezone.localdate()},
        expected_version=measure.version,
    )
    assert detention_alerts_for(world.users["worker_a1"]) == []
    body = signed_in("worker_a1").get(reverse("cases:detail", args=[case.pk]))
    assert "86 of 90 days in pre-trial detention (not detained now)" in (
        body.content.decode()
    )


def test_the_deployment_sets_the_limit_and_the_warning(world, signed_in):
    case = open_case(world)
    proceeding = offender_proceeding(world, case)
    detain(world, proceeding, 19)  # 20 days
    assert proceeding_detention(proceeding).alert == DetentionAlert.NONE
    with override_settings(URA_PRETRIAL_DETENTION_LIMIT_DAYS=30):
        status = proceeding_detention(proceeding)
        assert (status.limit, status.days_left) == (30, 10)
        assert status.alert == DetentionAlert.NEAR
        body = signed_in("worker_a1").get(reverse("cases:detail", args=[case.pk]))
        assert "Near the limit: 20 of 30 days" in body.content.decode()
    with override_settings(
        URA_PRETRIAL_DETENTION_LIMIT_DAYS=30, URA_DETENTION_ALERT_DAYS=5
    ):
        assert proceeding_detention(proceeding).alert == DetentionAlert.NONE
    with override_settings(URA_PRETRIAL_DETENTION_LIMIT_DAYS=15):
        assert proceeding_detention(proceeding).alert == DetentionAlert.PAST


def test_the_list_shows_only_the_cases_the_user_sees(world, signed_in):
    case = open_case(world)
    detain(world, offender_proceeding(world, case), 89)
    assert detention_alerts_for(world.users["sup_a"])
    for persona in ("worker_a2", "worker_b1", "sup_b", "conf_member", "outsider"):
        assert detention_alerts_for(world.users[persona]) == [], persona
    body = signed_in("worker_b1").get(reverse("justice:detention")).content.decode()
    assert case.reference not in body
    assert signed_in("outsider").get(reverse("justice:detention")).status_code == 403
