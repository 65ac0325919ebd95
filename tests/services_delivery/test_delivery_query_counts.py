"""The services pages make a fixed number of queries, however many people,
sessions or services they show (no N+1). The numbers are pinned: a change that
adds queries must say why."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.services_delivery.helpers import (
    children,
    day_care,
    days_ago,
    group_of,
    month_start_before,
)
from ura.services.delivery_actions import month_sheet_save, session_record
from ura.services.delivery_attendance import Mark
from ura.services.delivery_sheets import month_days

pytestmark = pytest.mark.django_db


def _queries(client, url: str, data=None) -> int:  # noqa: ANN001
    client.get(url, data)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, data).status_code == 200
    return len(captured)


def _grow(world, service, group, n: int) -> None:  # noqa: ANN001
    kids = children(world, service, group, n, on=days_ago(100))
    for day in (days_ago(1), days_ago(2)):
        session_record(
            actor=world.users["provider"],
            service=service,
            held_on=day,
            kind="group",
            activity="homework",
            group=group,
            marks=[Mark(k.pk, "present") for k in kids],
            another=True,
        )
    month = month_start_before(1)
    days = [d for d in month_days(month) if d.weekday() < 5]
    month_sheet_save(
        actor=world.users["provider"],
        group=group,
        activity="homework",
        days=days,
        enrolment_ids=[k.pk for k in group.enrolments.all()],
        present=set(),
    )


@pytest.mark.parametrize(
    ("page", "budget"),
    [
        # session, user, roles, agencies; the pager's count, the services with
        # their counts, groups and latest sessions; the session's save (3).
        ("my_services", 11),
        # + the service, its counts and groups, the caseload and its people.
        ("service_detail", 16),
        ("group_detail", 16),
        ("session_list", 11),
        # the group, its sessions of the month, the rows, their people and marks.
        ("month_sheet", 16),
        ("session_detail", 16),
        ("home", 30),
    ],
)
def test_the_services_pages_make_the_same_queries_for_few_or_many(
    world, signed_in, page, budget
):
    service = day_care(world)
    group = group_of(world, service)
    _grow(world, service, group, 3)
    session = service.sessions.order_by("pk").first()
    month = {"month": month_start_before(1).strftime("%Y-%m")}
    urls = {
        "my_services": (reverse("services:my_services"), None),
        "service_detail": (reverse("services:service_detail", args=[service.pk]), None),
        "group_detail": (reverse("services:group_detail", args=[group.pk]), None),
        "session_list": (reverse("services:session_list", args=[service.pk]), None),
        "month_sheet": (reverse("services:month_sheet", args=[group.pk]), month),
        "session_detail": (
            reverse("services:session_detail", args=[session.pk]),
            None,
        ),
        "home": (reverse("workspace:home"), None),
    }
    url, data = urls[page]
    client = signed_in("provider")
    few = _queries(client, url, data)
    _grow(world, service, group, 20)
    for n in range(3):
        other = day_care(world, f"Other service {n}")
        _grow(world, other, group_of(world, other), 2)
    many = _queries(client, url, data)
    assert few == many <= budget, (few, many)


def test_the_api_enrolment_list_does_not_grow_with_its_rows(world, api_client):
    service = day_care(world)
    group = group_of(world, service)
    children(world, service, group, 3)
    client, headers = api_client("provider")
    url = "/api/v1/services/enrolments"
    client.get(url, headers=headers)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, headers=headers).status_code == 200
    children(world, service, group, 30)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url, headers=headers).status_code == 200
    assert len(few) == len(many) <= 12, (len(few), len(many))
