"""Households: members with their relationship, the primary caregiver, history kept."""

import pytest
from django.urls import reverse

from ura.people.models import Household, HouseholdMember

pytestmark = pytest.mark.django_db


def test_a_worker_starts_a_household_and_adds_a_caregiver(world, signed_in):
    child, carer = world.people["own"], world.people["team_shared"]
    client = signed_in("worker_a1")
    response = client.post(
        reverse("people:household_new", args=[child.pk]), {"relationship": "child"}
    )
    household = Household.objects.get()
    assert response["Location"] == reverse("people:household", args=[household.pk])
    found = client.post(
        reverse("people:household", args=[household.pk]),
        {"search": "1", "q": carer.given_name},
    ).content.decode()
    assert carer.given_name in found
    client.post(
        reverse("people:household", args=[household.pk]),
        {
            "add": "1",
            "person": carer.pk,
            "relationship": "mother",
            "is_primary_caregiver": "on",
        },
    )
    carer_membership = HouseholdMember.objects.get(person=carer)
    assert carer_membership.is_primary_caregiver
    page = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert reverse("people:household", args=[household.pk]) in page


def test_leaving_keeps_the_history(world, signed_in):
    child = world.people["own"]
    client = signed_in("worker_a1")
    client.post(
        reverse("people:household_new", args=[child.pk]), {"relationship": "child"}
    )
    member = HouseholdMember.objects.get()
    client.post(reverse("people:household_member_end", args=[member.pk]))
    member.refresh_from_db()
    assert member.ended_on is not None
    client.post(
        reverse("people:household_new", args=[child.pk]), {"relationship": "child"}
    )
    assert HouseholdMember.objects.filter(person=child).count() == 2


def test_members_not_shared_with_the_user_are_counted_not_named(world, signed_in):
    child = world.people["own"]
    stranger = world.people["unshared"]
    household = Household.objects.create(place=world.places["prishtina"])
    HouseholdMember.objects.create(
        household=household, person=child, relationship="child"
    )
    HouseholdMember.objects.create(
        household=household, person=stranger, relationship="father"
    )
    page = signed_in("worker_a1").get(reverse("people:household", args=[household.pk]))
    body = page.content.decode()
    assert child.given_name in body
    assert stranger.given_name not in body
    assert "1 more member, not shared with you." in body


def test_a_household_with_nobody_the_user_sees_is_not_found(world, signed_in):
    household = Household.objects.create(place=world.places["prishtina"])
    HouseholdMember.objects.create(
        household=household, person=world.people["unshared"], relationship="child"
    )
    response = signed_in("worker_a1").get(
        reverse("people:household", args=[household.pk])
    )
    assert response.status_code == 404


def test_people_out_of_reach_cannot_be_added(world, signed_in):
    child = world.people["own"]
    client = signed_in("worker_a1")
    client.post(
        reverse("people:household_new", args=[child.pk]), {"relationship": "child"}
    )
    household = Household.objects.get()
    response = client.post(
        reverse("people:household", args=[household.pk]),
        {"add": "1", "person": world.people["unshared"].pk, "relationship": "father"},
    )
    assert response.status_code == 404
    assert household.members.count() == 1


def test_the_api_builds_a_household_and_hides_members_not_shared(world, api_client):
    client, headers = api_client("worker_a1")
    child = world.people["own"]
    made = client.post(
        "/api/v1/households",
        {"person_id": child.pk, "relationship": "child"},
        content_type="application/json",
        headers=headers,
    )
    assert made.status_code == 201
    household_id = made.json()["id"]
    refused = client.post(
        f"/api/v1/households/{household_id}/members",
        {"person_id": world.people["unshared"].pk, "relationship": "father"},
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 404
    added = client.post(
        f"/api/v1/households/{household_id}/members",
        {
            "person_id": world.people["team_shared"].pk,
            "relationship": "mother",
            "is_primary_caregiver": True,
        },
        content_type="application/json",
        headers=headers,
    )
    assert added.status_code == 201
    other, other_headers = api_client("worker_a2")
    seen = other.get(f"/api/v1/households/{household_id}", headers=other_headers).json()
    assert [m["person_id"] for m in seen["members"]] == [world.people["team_shared"].pk]
    assert seen["members_not_shared"] == 1
