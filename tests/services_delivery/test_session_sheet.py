"""A session and its attendance sheet: recorded at once, counted once however
often it is sent, refused (naming the row) outside a person's enrolment."""

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
    today,
    walk_in,
)
from ura.audit.models import AuditEvent
from ura.services.models import Attendance, Presence, Session

pytestmark = pytest.mark.django_db


def _form(html: str) -> dict:
    """The values a browser would send: hidden fields and the checked choices."""
    data = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', html))
    for name, value in re.findall(
        r'type="radio" name="([^"]+)" value="([^"]*)" checked', html
    ):
        data[name] = value
    return data


@pytest.fixture
def group_setup(world):  # noqa: ANN001, ANN201
    service = day_care(world)
    group = group_of(world, service)
    kids = children(world, service, group, 4, on=days_ago(30))
    return service, group, kids


def test_a_group_session_is_recorded_with_its_sheet_and_counted_once(
    world, signed_in, group_setup
):
    service, group, kids = group_setup
    client = signed_in("provider")
    url = reverse("services:session_new", args=[service.pk])
    html = client.get(url, {"group": group.pk}).content.decode()
    for kid in kids:
        assert f"Walkin, {kid.person.given_name}" in html
    data = _form(html)
    assert all(data[f"p-{k.pk}"] == "present" for k in kids)  # a group starts present
    data |= {
        "held_on": str(days_ago(1)),
        "group": str(group.pk),
        "kind": "group",
        "activity": "homework",
        "topic": "Fractions",
        "save": "1",
        f"p-{kids[0].pk}": "absent",
        f"p-{kids[1].pk}": "excused",
    }
    events = AuditEvent.objects.count()
    response = client.post(url, data)
    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("services:session_detail", args=[session.pk])
    assert AuditEvent.objects.count() == events + 1
    assert session.attendance.count() == 4
    assert session.attendance.get(enrolment=kids[1]).presence == Presence.EXCUSED
    # The same form sent again (a double click, a replay): one session, four rows.
    client.post(url, data)
    assert Session.objects.count() == 1 and Attendance.objects.count() == 4
    # A new form for the same group, day and activity goes to the same session.
    fresh = {**data, "token": "another-token", f"p-{kids[0].pk}": "present"}
    again = client.post(url, fresh, follow=True)
    assert "already recorded" in again.content.decode()
    assert Session.objects.count() == 1 and Attendance.objects.count() == 4
    assert Attendance.objects.get(enrolment=kids[0]).presence == Presence.PRESENT
    # Unless the provider says it is another session that day.
    client.post(url, {**fresh, "token": "third", "another": "on"})
    assert Session.objects.count() == 2 and Attendance.objects.count() == 8


def test_a_session_in_the_future_is_refused(world, signed_in, group_setup):
    service, group, kids = group_setup
    response = signed_in("provider").post(
        reverse("services:session_new", args=[service.pk]),
        {
            "held_on": str(today() + timedelta(days=1)),
            "group": group.pk,
            "kind": "group",
            "activity": "homework",
            "rows": ",".join(str(k.pk) for k in kids),
            f"p-{kids[0].pk}": "present",
            "save": "1",
        },
    )
    assert "cannot be recorded for a day in the future" in response.content.decode()
    assert not Session.objects.exists()


def test_attendance_outside_an_enrolment_is_refused_naming_the_row(world, signed_in):
    service = day_care(world)
    left = enrolled(world, service, walk_in(world, "Left"), on=days_ago(30))
    left.ended_on, left.end_reason = days_ago(10), "moved"
    left.save()
    client = signed_in("provider")
    url = reverse("services:session_new", args=[service.pk])
    html = client.get(url, {"enrolment": left.pk}).content.decode()
    data = _form(html) | {
        "held_on": str(days_ago(2)),
        "kind": "individual",
        "activity": "counselling",
        "save": "1",
        f"p-{left.pk}": "present",
    }
    response = client.post(url, data)
    text = response.content.decode()
    assert "Row 1 (Walkin, Left)" in text and "is outside their enrolment" in text
    assert not Session.objects.exists() and not Attendance.objects.exists()


def test_an_individual_session_from_the_enrolment_page(world, signed_in):
    service = day_care(world)
    one = enrolled(world, service, walk_in(world, "One"), on=days_ago(30))
    enrolled(world, service, walk_in(world, "Other"), on=days_ago(30))
    client = signed_in("provider")
    page = client.get(reverse("services:enrolment_detail", args=[one.pk])).content
    link = reverse("services:session_new", args=[service.pk]) + f"?enrolment={one.pk}"
    assert link.encode() in page.replace(b"&amp;", b"&")
    html = client.get(link).content.decode()
    assert "Walkin, One" in html and "Walkin, Other" not in html
    data = _form(html)
    assert data[f"p-{one.pk}"] == ""  # nobody is marked for an individual session
    data |= {
        "held_on": str(days_ago(1)),
        "kind": "individual",
        "activity": "counselling",
        "save": "1",
        f"p-{one.pk}": "present",
    }
    client.post(reverse("services:session_new", args=[service.pk]), data)
    row = Attendance.objects.get()
    assert row.enrolment == one and row.person == one.person
    assert row.held_on == days_ago(1) == row.session.held_on


def test_a_session_s_sheet_is_corrected_on_its_page(world, signed_in, group_setup):
    from ura.services.delivery_actions import session_record
    from ura.services.delivery_attendance import Mark

    service, group, kids = group_setup
    session = session_record(
        actor=world.users["provider"],
        service=service,
        held_on=days_ago(3),
        kind="group",
        activity="sport",
        group=group,
        marks=[Mark(k.pk, "present") for k in kids],
    ).session
    client = signed_in("provider")
    url = reverse("services:session_detail", args=[session.pk])
    data = _form(client.get(url).content.decode())
    data |= {f"p-{kids[0].pk}": "absent", f"p-{kids[1].pk}": ""}
    response = client.post(url, data, follow=True)
    assert "Attendance is saved: 3 people." in response.content.decode()
    assert session.attendance.count() == 3
    assert session.attendance.get(enrolment=kids[0]).presence == Presence.ABSENT
    # A row of someone not enrolled that day is refused, naming the row.
    late = enrolled(world, service, walk_in(world, "Later"), group=group, on=today())
    bad = {**data, "rows": f"{data['rows']},{late.pk}", f"p-{late.pk}": "present"}
    refused = client.post(url, bad).content.decode()
    assert "(Walkin, Later)" in refused and "is outside their enrolment" in refused
    assert session.attendance.count() == 3


# --- Correcting and removing a session ----------------------------------------------


def _session(world, service, group, kids, presence="present", **extra):  # noqa: ANN001, ANN003, ANN202
    from ura.services.delivery_actions import session_record
    from ura.services.delivery_attendance import Mark

    return session_record(
        actor=world.users["provider"],
        service=service,
        held_on=extra.pop("held_on", days_ago(3)),
        kind="group",
        activity=extra.pop("activity", "sport"),
        group=group,
        marks=[Mark(k.pk, presence) for k in kids],
        **extra,
    ).session


def test_a_sessions_day_and_topic_are_corrected_with_its_sheet(
    world, signed_in, group_setup
):
    service, group, kids = group_setup
    session = _session(world, service, group, kids)
    client = signed_in("provider")
    url = reverse("services:session_change", args=[session.pk])
    page = client.get(reverse("services:session_detail", args=[session.pk]))
    assert url in page.content.decode()
    moved = client.post(
        url,
        {
            "held_on": str(days_ago(4)),
            "activity": "sport",
            "topic": "Football",
            "version": 1,
        },
        follow=True,
    )
    assert "The session is corrected." in moved.content.decode()
    session.refresh_from_db()
    assert (session.held_on, session.topic, session.version) == (
        days_ago(4),
        "Football",
        2,
    )
    assert session.attendance.count() == 4
    event = AuditEvent.objects.get(object_type="services.session", action="change")
    assert set(event.fields) == {"held_on", "topic"}
    # A stale form, a day before the children were enrolled, a day in the future,
    # a day that already has the group's session: refused, nothing changed.
    other = _session(world, service, group, kids, held_on=days_ago(6))
    for data, message in [
        ({"held_on": str(days_ago(5)), "version": 1}, "Someone else changed"),
        ({"held_on": str(days_ago(40)), "version": 2}, "4 people on the sheet"),
        ({"held_on": str(today() + timedelta(days=1)), "version": 2}, "future"),
        ({"held_on": str(other.held_on), "version": 2}, "correct that one instead"),
    ]:
        refused = client.post(url, {"activity": "sport", "topic": "", **data})
        assert message in refused.content.decode(), message
    session.refresh_from_db()
    assert (session.held_on, session.version) == (days_ago(4), 2)


def test_only_a_session_nobody_attended_is_removed(world, signed_in, group_setup):
    service, group, kids = group_setup
    attended = _session(world, service, group, kids)
    nobody = _session(
        world, service, group, kids, presence="absent", activity="creative"
    )
    client = signed_in("provider")
    page = client.get(reverse("services:session_detail", args=[attended.pk]))
    assert reverse("services:session_remove", args=[attended.pk]) not in (
        page.content.decode()
    )
    refused = client.post(
        reverse("services:session_remove", args=[attended.pk]),
        {"version": 1},
        follow=True,
    )
    assert "People attended this session" in refused.content.decode()
    assert Session.objects.filter(pk=attended.pk).exists()
    removed = client.post(
        reverse("services:session_remove", args=[nobody.pk]), {"version": 1}
    )
    assert removed.status_code == 302
    assert not Session.objects.filter(pk=nobody.pk).exists()
    assert not Attendance.objects.filter(session_id=nobody.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="services.session", action="delete", object_id=str(nobody.pk)
    ).exists()
    worker = signed_in("worker_a1")  # not a provider: no sessions at all
    url = reverse("services:session_change", args=[attended.pk])
    assert worker.post(url, {"version": 1}).status_code == 403
