"""The month sheet: a month of a group's attendance recorded on one page (the
issue's acceptance test), counted once however often it is saved."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from tests.services_delivery.helpers import (
    children,
    day_care,
    days_ago,
    enrolled,
    group_of,
    month_start_before,
    today,
    walk_in,
)
from ura.audit.models import AuditEvent
from ura.services.delivery_sheets import month_days
from ura.services.models import Attendance, Presence, Session

pytestmark = pytest.mark.django_db


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def _weekdays(first):  # noqa: ANN001, ANN202
    return [d for d in month_days(first) if d.weekday() < 5]


@pytest.fixture
def fifteen(world):  # noqa: ANN001, ANN201
    service = day_care(world)
    group = group_of(world, service)
    kids = children(world, service, group, 15, on=days_ago(100))
    return service, group, kids


def test_a_provider_records_a_month_of_attendance_for_fifteen_children(
    world, signed_in, fifteen
):
    service, group, kids = fifteen
    month = month_start_before(1)
    client = signed_in("provider")
    url = reverse("services:month_sheet", args=[group.pk])
    page = client.get(url, {"month": month.strftime("%Y-%m"), "preset": "weekdays"})
    assert page.status_code == 200
    html = page.content.decode()
    weekdays = _weekdays(month)
    # Every child is a row, by name; every weekday a column; every cell a box.
    for kid in kids:
        assert f"Walkin, {kid.person.given_name}" in html
    assert html.count('type="checkbox" name="c"') == 15 * len(weekdays)
    rows = _hidden(html, "rows")
    days = _hidden(html, "days")
    assert sorted(int(pk) for pk in rows.split(",")) == sorted(k.pk for k in kids)
    assert days == ",".join(str(d.day) for d in weekdays)
    absent = {(kids[0].pk, weekdays[0].day), (kids[1].pk, weekdays[2].day)}
    cells = [
        f"{k.pk}:{d.day}" for k in kids for d in weekdays if (k.pk, d.day) not in absent
    ]
    post = {
        "month": month.strftime("%Y-%m"),
        "activity": _hidden(html, "activity"),
        "days": days,
        "rows": rows,
        "page": "1",
        "c": cells,
    }
    events = AuditEvent.objects.count()
    response = client.post(url, post, follow=True)
    assert response.status_code == 200
    assert "is saved" in response.content.decode()
    assert Session.objects.filter(group=group).count() == len(weekdays)
    total = 15 * len(weekdays)
    assert Attendance.objects.filter(session__group=group).count() == total
    assert Attendance.objects.filter(presence=Presence.ABSENT).count() == 2
    # One audit event for the whole sheet, not one per row.
    assert AuditEvent.objects.count() == events + 1
    # The sheet shows what was saved.
    again = response.content.decode()
    assert again.count("checked") >= total - 2

    # The same sheet submitted again (a double click, a replay) is counted once.
    assert client.post(url, post).status_code == 302
    assert Session.objects.filter(group=group).count() == len(weekdays)
    assert Attendance.objects.filter(session__group=group).count() == total
    # Saving again with a change changes that row, adds none.
    post["c"] = [*cells, f"{kids[0].pk}:{weekdays[0].day}"]
    client.post(url, post)
    assert Attendance.objects.filter(session__group=group).count() == total
    assert Attendance.objects.filter(presence=Presence.ABSENT).count() == 1
    row = Attendance.objects.get(enrolment=kids[0], held_on=weekdays[0])
    assert row.presence == Presence.PRESENT
    # The person and the day are copied from the enrolment and the session.
    assert row.person_id == kids[0].person_id
    assert row.held_on == row.session.held_on


def test_days_in_the_future_are_refused(world, signed_in, fifteen):
    service, group, kids = fifteen
    client = signed_in("provider")
    url = reverse("services:month_sheet", args=[group.pk])
    following = (today().replace(day=1) + timedelta(days=32)).replace(day=1)
    response = client.post(
        url,
        {
            "month": following.strftime("%Y-%m"),
            "activity": "homework",
            "days": "1,2",
            "rows": ",".join(str(k.pk) for k in kids),
            "c": [f"{kids[0].pk}:1"],
        },
    )
    assert response.status_code == 200
    assert "cannot be recorded for a day in the future" in response.content.decode()
    assert not Session.objects.exists()
    assert not Attendance.objects.exists()
    # The page offers no future day to tick.
    page = client.get(url).content.decode()
    tomorrow = today() + timedelta(days=1)
    if tomorrow.month == today().month:
        assert re.search(rf'value="{tomorrow.day}"\s+disabled', page)


def test_cells_outside_an_enrolment_are_closed_and_refused(world, signed_in):
    service = day_care(world)
    group = group_of(world, service)
    month = month_start_before(1)
    early = enrolled(
        world, service, walk_in(world, "Early"), group=group, on=days_ago(100)
    )
    late_start = month.replace(day=10)
    late = enrolled(world, service, walk_in(world, "Late"), group=group, on=late_start)
    client = signed_in("provider")
    url = reverse("services:month_sheet", args=[group.pk])
    html = client.get(url, {"month": month.strftime("%Y-%m"), "preset": "all"}).content
    html = html.decode()
    assert f'value="{late.pk}:3"' not in html  # no box before the enrolment
    assert f'value="{late.pk}:10"' in html
    assert f'value="{early.pk}:3"' in html
    rows = _hidden(html, "rows")
    response = client.post(
        url,
        {
            "month": month.strftime("%Y-%m"),
            "activity": "homework",
            "days": "3,10",
            "rows": rows,
            "c": [f"{early.pk}:3", f"{late.pk}:3", f"{late.pk}:10"],
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "(Walkin, Late)" in text and "is outside their enrolment" in text
    assert not Attendance.objects.exists() and not Session.objects.exists()
    # Without the bad cell, the day before the enrolment is simply left out.
    client.post(
        url,
        {
            "month": month.strftime("%Y-%m"),
            "activity": "homework",
            "days": "3,10",
            "rows": rows,
            "c": [f"{early.pk}:3", f"{late.pk}:10"],
        },
    )
    assert Attendance.objects.filter(enrolment=late).count() == 1
    assert Attendance.objects.filter(enrolment=early).count() == 2


def test_an_excused_absence_stays_excused_on_the_month_sheet(world, signed_in):
    from ura.services.delivery_actions import month_sheet_save

    service = day_care(world)
    group = group_of(world, service)
    kid = enrolled(
        world, service, walk_in(world, "Sick"), group=group, on=days_ago(100)
    )
    month = month_start_before(1)
    day = month.replace(day=5)
    provider = world.users["provider"]
    month_sheet_save(
        actor=provider,
        group=group,
        activity="homework",
        days=[day],
        enrolment_ids=[kid.pk],
        present=set(),
    )
    Attendance.objects.update(presence=Presence.EXCUSED)
    month_sheet_save(
        actor=provider,
        group=group,
        activity="homework",
        days=[day],
        enrolment_ids=[kid.pk],
        present=set(),
    )
    assert Attendance.objects.get().presence == Presence.EXCUSED


def test_a_big_group_is_paged_and_each_page_records_its_own_rows(world, signed_in):
    service = day_care(world)
    group = group_of(world, service)
    kids = children(world, service, group, 35, on=days_ago(100))
    month = month_start_before(1)
    client = signed_in("provider")
    url = reverse("services:month_sheet", args=[group.pk])
    query = {"month": month.strftime("%Y-%m"), "d": ["2", "3"]}
    first = client.get(url, query).content.decode()
    second = client.get(url, {**query, "page": "2"}).content.decode()
    rows = _hidden(first, "rows").split(",") + _hidden(second, "rows").split(",")
    assert sorted(int(r) for r in rows) == sorted(k.pk for k in kids)
    client.post(
        url,
        {
            "month": month.strftime("%Y-%m"),
            "activity": _hidden(second, "activity"),
            "days": "2,3",
            "rows": _hidden(second, "rows"),
            "page": "2",
        },
    )
    assert Attendance.objects.count() == 2 * 5
    assert Attendance.objects.filter(presence=Presence.ABSENT).count() == 10
