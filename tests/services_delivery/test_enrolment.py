"""Enrolment, its end and groups: the rules a provider meets, and names shown only
as the access module shows them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.services_delivery.helpers import (
    day_care,
    days_ago,
    enrolled,
    group_of,
    today,
    walk_in,
)
from tests.world import GIVEN_NAMES
from ura.access.models import PersonGrant
from ura.audit.models import AuditAction, AuditEvent
from ura.services.delivery_actions import session_record
from ura.services.delivery_attendance import Mark
from ura.services.models import Enrolment

pytestmark = pytest.mark.django_db


def test_a_provider_finds_a_referred_child_and_enrols_them(world, signed_in):
    service = day_care(world)
    group = group_of(world, service)
    client = signed_in("provider")
    url = reverse("services:enrol", args=[service.pk])
    page = client.get(url).content.decode()
    # Registering a walk-in comes back here.
    assert reverse("people:create") + "?next=" + url in page
    found = client.post(url, {"q": "CanaryReferred", "search": "1"}).content.decode()
    child = world.people["referred"]
    assert GIVEN_NAMES["referred"] in found
    assert f"?person={child.pk}" in found
    # A person not shared with the provider is never found.
    assert (
        GIVEN_NAMES["own"]
        not in client.post(url, {"q": "CanaryOwn", "search": "1"}).content.decode()
    )
    search = AuditEvent.objects.filter(action=AuditAction.SEARCH).latest("seq")
    assert "Canary" not in search.detail and "Canary" not in str(search.changes)
    response = client.post(
        url,
        {
            "enrol": "1",
            "person": child.pk,
            "role": "child",
            "group": group.pk,
            "enrolled_on": str(days_ago(2)),
        },
    )
    enrolment = Enrolment.objects.get(person=child)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "services:enrolment_detail", args=[enrolment.pk]
    )
    assert enrolment.group == group and enrolment.enrolled_by == world.users["provider"]
    # Enrolling again does not count them twice.
    again = client.post(
        url,
        {
            "enrol": "1",
            "person": child.pk,
            "role": "child",
            "enrolled_on": str(today()),
        },
        follow=True,
    )
    assert "already enrolled" in again.content.decode()
    assert Enrolment.objects.filter(person=child).count() == 1


def test_a_person_the_provider_does_not_see_cannot_be_enrolled(world, signed_in):
    service = day_care(world)
    client = signed_in("provider")
    url = reverse("services:enrol", args=[service.pk])
    response = client.post(
        url,
        {
            "enrol": "1",
            "person": world.people["own"].pk,
            "role": "child",
            "enrolled_on": str(today()),
        },
    )
    assert response.status_code == 200
    assert not Enrolment.objects.exists()
    assert GIVEN_NAMES["own"] not in response.content.decode()


def test_enrolment_in_the_future_is_refused(world, signed_in):
    service = day_care(world)
    child = walk_in(world, "Future")
    response = signed_in("provider").post(
        reverse("services:enrol", args=[service.pk]),
        {
            "enrol": "1",
            "person": child.pk,
            "role": "child",
            "enrolled_on": str(today() + timedelta(days=1)),
        },
    )
    assert "cannot be in the future" in response.content.decode()
    assert not Enrolment.objects.exists()


def _end(client, enrolment, **data):  # noqa: ANN001, ANN003, ANN202
    body = {"version": enrolment.version, "end_reason": "completed", **data}
    return client.post(reverse("services:enrolment_end", args=[enrolment.pk]), body)


def test_ending_an_enrolment_checks_its_dates_reason_and_version(world, signed_in):
    service = day_care(world)
    enrolment = enrolled(world, service, walk_in(world, "Ends"), on=days_ago(10))
    client = signed_in("provider")
    before = _end(client, enrolment, ended_on=str(days_ago(11))).content.decode()
    assert "cannot be before the date of enrolment" in before
    future = _end(client, enrolment, ended_on=str(today() + timedelta(days=1)))
    assert "cannot be in the future" in future.content.decode()
    no_reason = _end(client, enrolment, ended_on=str(today()), end_reason="")
    assert no_reason.status_code == 200
    stale = _end(client, enrolment, ended_on=str(today()), version=99)
    assert "Someone else changed this record" in stale.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.ended_on is None
    ok = _end(client, enrolment, ended_on=str(days_ago(1)), end_reason="dropped_out")
    assert ok.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.ended_on == days_ago(1) and enrolment.end_reason == "dropped_out"
    assert enrolment.version == 2
    event = AuditEvent.objects.filter(
        object_type="services.enrolment", object_id=str(enrolment.pk)
    ).latest("seq")
    assert event.action == AuditAction.CHANGE and "ended_on" in event.fields
    # The same end submitted again changes nothing.
    again = _end(client, enrolment, ended_on=str(today()))
    assert again.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.ended_on == days_ago(1)


def test_an_enrolment_cannot_end_before_attendance_already_recorded(world, signed_in):
    service = day_care(world)
    enrolment = enrolled(world, service, walk_in(world, "Came"), on=days_ago(10))
    session_record(
        actor=world.users["provider"],
        service=service,
        held_on=days_ago(2),
        kind="individual",
        activity="counselling",
        marks=[Mark(enrolment.pk, "present")],
    )
    response = _end(signed_in("provider"), enrolment, ended_on=str(days_ago(5)))
    assert "Attendance is recorded for this person" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.ended_on is None


def test_groups_are_created_renamed_deactivated_and_filled(world, signed_in):
    service = day_care(world)
    client = signed_in("provider")
    response = client.post(
        reverse("services:group_new", args=[service.pk]), {"name": "Little ones"}
    )
    group = service.groups.get()
    assert response.status_code == 302
    twin = client.post(
        reverse("services:group_new", args=[service.pk]), {"name": "little ones"}
    )
    assert "already has an active group of that name" in twin.content.decode()
    a = enrolled(world, service, walk_in(world, "A"))
    b = enrolled(world, service, walk_in(world, "B"))
    assign = reverse("services:group_assign", args=[group.pk])
    page = client.get(reverse("services:group_detail", args=[group.pk])).content
    assert f'value="{a.pk}:{a.version}"'.encode() in page
    client.post(assign, {"enrolment": [f"{a.pk}:{a.version}", f"{b.pk}:{b.version}"]})
    assert set(group.enrolments.values_list("pk", flat=True)) == {a.pk, b.pk}
    # A stale version moves nobody.
    other = group_of(world, service, "Older ones")
    client.post(
        reverse("services:group_assign", args=[other.pk]),
        {"enrolment": [f"{a.pk}:1", f"{b.pk}:2"]},
    )
    assert not other.enrolments.exists()
    edit = reverse("services:group_edit", args=[group.pk])
    client.post(edit, {"name": "Small ones", "is_active": "on"})
    group.refresh_from_db()
    assert group.name == "Small ones" and group.is_active
    client.post(edit, {"name": "Small ones"})
    group.refresh_from_db()
    assert not group.is_active
    # An inactive group takes nobody new.
    c = enrolled(world, service, walk_in(world, "C"))
    client.post(assign, {"enrolment": [f"{c.pk}:{c.version}"]})
    assert not group.enrolments.filter(pk=c.pk).exists()


def test_names_show_while_shared_and_hide_once_the_referral_ends(world, signed_in):
    service = day_care(world)
    group = group_of(world, service)
    child = world.people["referred"]
    enrolment = enrolled(world, service, child, group=group)
    client = signed_in("provider")
    pages = [
        reverse("services:service_detail", args=[service.pk]),
        reverse("services:group_detail", args=[group.pk]),
        reverse("services:enrolment_detail", args=[enrolment.pk]),
        reverse("services:month_sheet", args=[group.pk]),
        reverse("services:session_new", args=[service.pk]) + f"?group={group.pk}",
    ]
    for url in pages:
        assert GIVEN_NAMES["referred"] in client.get(url).content.decode(), url
    # The referral is over: its grant has ended.
    PersonGrant.objects.filter(person=child, agency__isnull=False).update(
        ends_at=timezone.now()
    )
    client = signed_in("provider")
    for url in pages:
        text = client.get(url).content.decode()
        assert GIVEN_NAMES["referred"] not in text, url
        assert "a person no longer shared with you" in text, url
    # Nor does the caseload search find them by name.
    found = client.post(pages[0], {"q": GIVEN_NAMES["referred"], "status": "all"})
    assert "Nobody to show." in found.content.decode()


def test_a_filtered_caseload_is_audited_and_the_plain_one_is_not(world, signed_in):
    service = day_care(world)
    enrolled(world, service, walk_in(world, "Audited"))
    client = signed_in("provider")
    url = reverse("services:service_detail", args=[service.pk])
    searches = AuditEvent.objects.filter(action=AuditAction.SEARCH)
    client.get(url)
    assert searches.count() == 0
    response = client.post(url, {"q": "Audited", "status": "active"})
    assert "Walkin, Audited" in response.content.decode()
    event = searches.get()
    assert event.fields == ["text"] and "Audited" not in event.detail
