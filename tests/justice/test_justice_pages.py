"""Recording a child's contact with the law and discrimination reports on the
pages: forms, validation, stale edits, who may see and who may record."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.justice.helpers import conference_case, days_ago, detain, offender_proceeding
from ura.audit.models import AuditAction, AuditEvent
from ura.justice.models import (
    DiscriminationReport,
    Involvement,
    Measure,
    Proceeding,
    StageChange,
)

pytestmark = pytest.mark.django_db


def _iso(days: int) -> str:
    return days_ago(days).isoformat()


def test_a_worker_records_contact_with_the_law_proceedings_and_measures(
    world, signed_in
):
    case = open_case(world)
    client = signed_in("worker_a1")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "No contact with the law recorded." in page
    assert reverse("justice:involvement_new", args=[case.pk]) in page

    response = client.post(
        reverse("justice:involvement_new", args=[case.pk]),
        {"role": "alleged_offender", "since": _iso(40), "note": "Held after a fight"},
    )
    assert response.status_code == 302
    involvement = Involvement.objects.get(case=case)
    response = client.post(
        reverse("justice:proceeding_new", args=[case.pk]),
        {
            "involvement": involvement.pk,
            "kind": "criminal",
            "authority": "prosecution",
            "authority_name": "Basic Prosecution Office Prishtina",
            "reference": "PP-2026-17",
            "stage": "investigation",
            "stage_since": _iso(35),
        },
    )
    assert response.status_code == 302
    proceeding = Proceeding.objects.get(involvement=involvement)
    response = client.post(
        reverse("justice:measure_new", args=[proceeding.pk]),
        {"kind": "police_custody", "started_on": _iso(40), "ended_on": _iso(39)},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("justice:measure_new", args=[proceeding.pk]),
        {"kind": "pretrial_detention", "started_on": _iso(30)},
    )
    assert response.status_code == 302
    # The proceedings move on to trial; the earlier stage stays in the history.
    response = client.post(
        reverse("justice:proceeding_edit", args=[proceeding.pk]),
        {
            "version": proceeding.version,
            "kind": "criminal",
            "authority": "court",
            "authority_name": "Basic Court of Prishtina",
            "reference": "PP-2026-17",
            "stage": "trial",
            "stage_since": _iso(5),
        },
    )
    assert response.status_code == 302
    assert list(
        StageChange.objects.filter(proceeding=proceeding).values_list("stage", "on")
    ) == [("investigation", days_ago(35)), ("trial", days_ago(5))]

    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Alleged offender" in page
    assert "Held after a fight" in page
    assert "Basic Court of Prishtina" in page
    assert "Investigation" in page and "Trial" in page
    assert "Police custody" in page
    assert "31 of 90 days in pre-trial detention" in page
    creates = AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type__startswith="justice."
    )
    assert creates.count() == 4
    assert "Held after a fight" not in str(list(creates.values()))
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_type="justice.proceeding"
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.case", detail="justice"
    ).exists()


def test_impossible_dates_are_refused_on_their_fields_and_nothing_saved(
    world, signed_in
):
    case = open_case(world)
    proceeding = offender_proceeding(world, case)
    client = signed_in("worker_a1")
    url = reverse("justice:measure_new", args=[proceeding.pk])
    response = client.post(
        url,
        {"kind": "pretrial_detention", "started_on": _iso(5), "ended_on": _iso(9)},
    )
    assert response.status_code == 200
    assert "The measure cannot end before it started." in response.content.decode()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(url, {"kind": "pretrial_detention", "started_on": tomorrow})
    assert "This date cannot be in the future." in response.content.decode()
    assert not Measure.objects.exists()
    response = client.post(
        reverse("justice:involvement_new", args=[case.pk]),
        {"role": "victim", "since": tomorrow},
    )
    assert "This date cannot be in the future." in response.content.decode()
    assert Involvement.objects.count() == 1
    # A new stage older than the current one.
    response = client.post(
        reverse("justice:proceeding_edit", args=[proceeding.pk]),
        {
            "version": proceeding.version,
            "kind": "criminal",
            "authority": "court",
            "authority_name": "Basic Court of Prishtina",
            "stage": "trial",
            "stage_since": _iso(400),
        },
    )
    assert "A new stage cannot start before the current one" in (
        response.content.decode()
    )
    proceeding.refresh_from_db()
    assert proceeding.stage == "pre_trial"


def test_an_overlapping_detention_is_refused(world, signed_in):
    case = open_case(world)
    proceeding = offender_proceeding(world, case)
    detain(world, proceeding, 20, 10)
    response = signed_in("worker_a1").post(
        reverse("justice:measure_new", args=[proceeding.pk]),
        {"kind": "pretrial_detention", "started_on": _iso(12)},
    )
    assert "overlaps another pre-trial detention" in response.content.decode()
    assert Measure.objects.count() == 1


def test_a_measure_for_a_child_victim_is_refused(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    client.post(
        reverse("justice:involvement_new", args=[case.pk]),
        {"role": "victim", "since": _iso(10)},
    )
    involvement = Involvement.objects.get(case=case)
    client.post(
        reverse("justice:proceeding_new", args=[case.pk]),
        {
            "involvement": involvement.pk,
            "kind": "criminal",
            "authority": "police",
            "authority_name": "Police station Prishtina",
            "stage": "report",
            "stage_since": _iso(9),
        },
    )
    proceeding = Proceeding.objects.get()
    response = client.post(
        reverse("justice:measure_new", args=[proceeding.pk]),
        {"kind": "pretrial_detention", "started_on": _iso(3)},
    )
    assert "only in proceedings where the child is the alleged offender" in (
        response.content.decode()
    )
    assert not Measure.objects.exists()


def test_a_stale_edit_is_refused_and_the_typed_text_kept(world, signed_in):
    case = open_case(world)
    proceeding = offender_proceeding(world, case)
    url = reverse("justice:proceeding_edit", args=[proceeding.pk])
    form = {
        "version": proceeding.version,
        "kind": "criminal",
        "authority": "court",
        "authority_name": "Court renamed by the first person",
        "stage": "pre_trial",
        "stage_since": _iso(150),
    }
    assert signed_in("sup_a").post(url, form).status_code == 302
    form["authority_name"] = "Words typed by a second person"
    response = signed_in("worker_a1").post(url, form)
    body = response.content.decode()
    assert "Someone else changed this record" in body
    assert "Words typed by a second person" in body
    proceeding.refresh_from_db()
    assert proceeding.authority_name == "Court renamed by the first person"


def _report_form(**changes) -> dict:
    form = {
        "happened_on": _iso(60),
        "description": "Refused entry to the school bus with her brother",
        "community": "roma",
        "reported_to": "ombudsperson",
        "reported_on": _iso(50),
        "litigation_support": "strategic",
        "outcome": "pending",
        "ruling_on": "",
    }
    form.update(changes)
    return form


def test_a_discrimination_report_ends_in_a_ruling_confirming_discrimination(
    world, signed_in
):
    case = open_case(world)
    client = signed_in("worker_a1")
    place = world.places["prishtina"]
    response = client.post(
        reverse("justice:report_new", args=[case.pk]),
        _report_form(place=place.pk),
    )
    assert response.status_code == 302
    report = DiscriminationReport.objects.get(case=case)
    assert report.outcome == "pending"
    url = reverse("justice:report_edit", args=[report.pk])
    # A ruling needs its date.
    response = client.post(
        url,
        _report_form(
            version=report.version, place=place.pk, outcome="ruling_confirmed"
        ),
    )
    assert "Give the date of the court" in response.content.decode()
    response = client.post(
        url,
        _report_form(
            version=report.version,
            place=place.pk,
            outcome="ruling_confirmed",
            ruling_on=_iso(3),
        ),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.outcome, report.ruling_on, report.version) == (
        "ruling_confirmed",
        days_ago(3),
        2,
    )
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Court ruling confirming discrimination" in page
    assert "Strategic litigation" in page
    assert "Refused entry to the school bus" in page
    assert "Ombudsperson" in page


def test_a_discrimination_report_refuses_bad_input(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    url = reverse("justice:report_new", args=[case.pk])
    # Hungarian is a community of Serbia's list, not of this (Kosovo) deployment.
    response = client.post(url, _report_form(community="hungarian"))
    assert "hungarian is not one of the available choices" in response.content.decode()
    response = client.post(url, _report_form(reported_on=_iso(70)))
    assert "cannot have been reported before it happened" in response.content.decode()
    response = client.post(url, _report_form(ruling_on=_iso(2)))
    assert "only with a court ruling" in response.content.decode()
    assert not DiscriminationReport.objects.exists()


def _all_urls(case, proceeding, measure, report) -> list[str]:
    return [
        reverse("justice:involvement_new", args=[case.pk]),
        reverse("justice:proceeding_new", args=[case.pk]),
        reverse("justice:proceeding_edit", args=[proceeding.pk]),
        reverse("justice:measure_new", args=[proceeding.pk]),
        reverse("justice:measure_edit", args=[measure.pk]),
        reverse("justice:report_new", args=[case.pk]),
        reverse("justice:report_edit", args=[report.pk]),
    ]


def _records(world, case, worker: str):  # noqa: ANN202
    from ura.justice.actions import discrimination_report_add

    proceeding = offender_proceeding(world, case, worker=worker)
    measure = detain(world, proceeding, 5, worker=worker)
    report = discrimination_report_add(
        actor=world.users[worker],
        case=case,
        data={
            "happened_on": days_ago(20),
            "description": "Secret narrative of what happened",
            "community": "ashkali",
            "reported_to": "police",
        },
    )
    return proceeding, measure, report


def test_outsiders_and_other_workers_reach_nothing(world, signed_in):
    case = open_case(world)
    proceeding, measure, report = _records(world, case, "worker_a1")
    urls = _all_urls(case, proceeding, measure, report)
    for persona in ("worker_a2", "worker_b1", "sup_b", "conf_member", "outsider"):
        client = signed_in(persona)
        for url in urls:
            assert client.get(url).status_code == 404, (persona, url)
            assert client.post(url, {"role": "victim"}).status_code == 404, url
    missing = reverse("justice:proceeding_edit", args=[proceeding.pk + 1000])
    assert signed_in("worker_a1").get(missing).status_code == 404
    # The supervisor may record as well.
    assert signed_in("sup_a").get(urls[2]).status_code == 200


def test_a_conference_member_sees_the_records_but_may_not_record(world, signed_in):
    case = conference_case(world)
    proceeding, measure, report = _records(world, case, "worker_b1")
    client = signed_in("conf_member")
    page = client.get(reverse("cases:detail", args=[case.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Alleged offender" in body
    assert "6 of 90 days in pre-trial detention" in body
    assert "Ashkali" in body
    # The facts, not what was written about the child, and no forms.
    assert "Secret narrative" not in body
    assert reverse("justice:involvement_new", args=[case.pk]) not in body
    assert reverse("justice:report_edit", args=[report.pk]) not in body
    for url in _all_urls(case, proceeding, measure, report):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"role": "victim"}).status_code == 403, url
    assert Involvement.objects.count() == 1
    worker_page = signed_in("worker_b1").get(reverse("cases:detail", args=[case.pk]))
    assert "Secret narrative" in worker_page.content.decode()


def test_a_viewer_sees_no_justice_section_when_nothing_is_recorded(world, signed_in):
    case = conference_case(world)
    body = signed_in("conf_member").get(reverse("cases:detail", args=[case.pk]))
    assert "Contact with the law" not in body.content.decode()
    body = signed_in("worker_b1").get(reverse("cases:detail", args=[case.pk]))
    assert "Record contact with the law" in body.content.decode()


def _case_page_queries(client, case) -> int:  # noqa: ANN001
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    return len(queries)


def test_the_case_page_makes_as_many_queries_for_one_record_as_for_many(
    world, signed_in
):
    from ura.justice.actions import discrimination_report_add

    def add(case, n: int) -> None:  # noqa: ANN001
        for _ in range(n):
            proceeding = offender_proceeding(world, case)
            detain(world, proceeding, 30, 20)
            detain(world, proceeding, 5)
            discrimination_report_add(
                actor=world.users["worker_a1"],
                case=case,
                data={
                    "happened_on": days_ago(20),
                    "description": "Words",
                    "community": "roma",
                    "place": world.places["prishtina"],
                    "reported_to": "police",
                },
            )

    few, many = open_case(world), open_case(world, person="team_shared")
    add(few, 1)
    add(many, 4)
    client = signed_in("worker_a1")
    _case_page_queries(client, few)  # warm the caches every page fills once
    assert _case_page_queries(client, few) == _case_page_queries(client, many)
