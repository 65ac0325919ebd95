"""A mobile team records quick contacts in the field; only the team sees them;
a person record made from one links every contact of the team with its code."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.services_training.helpers import add_street_teams
from tests.world import GIVEN_NAMES
from ura.access.models import PersonGrant
from ura.audit.models import AuditEvent
from ura.people.models import Person
from ura.services import outreach_actions
from ura.services.models import OutreachContact

pytestmark = pytest.mark.django_db

NICKNAME = "CanaryStreetName"


@pytest.fixture
def teams(world):  # noqa: ANN001, ANN201
    return add_street_teams(world)


def _contact(world, *, team="mobile_pr", user="street_a", code="K-17", **extra):  # noqa: ANN001, ANN003, ANN202
    data = {
        "contacted_at": timezone.now() - timedelta(hours=2),
        "place": world.places["prishtina"],
        "location": "Bus station",
        "code": code,
        "name": NICKNAME,
        "sex": "male",
        "estimated_age": 11,
        "in_street_situation": True,
        "actions": ["basic_needs", "information"],
        "note": "Sleeps near the market",
    } | extra
    return outreach_actions.outreach_contact_record(
        actor=world.users[user], agency=world.agencies[team], data=data
    )


def test_a_street_worker_records_a_contact_from_the_quick_form(teams, signed_in):
    world = teams
    client = signed_in("street_a")
    form = client.get(reverse("services:outreach_create"))
    assert form.status_code == 200
    # One team: the team is not asked; the places are the team's own.
    assert 'type="hidden" name="agency"' in form.content.decode()
    places = form.context["form"].fields["place"].queryset
    assert world.places["prishtina"] in places
    assert world.places["prizren"] not in places
    response = client.post(
        reverse("services:outreach_create"),
        {
            "agency": world.agencies["mobile_pr"].pk,
            "contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "place": world.places["prishtina"].pk,
            "location": "Market",
            "code": " k-17 ",
            "name": NICKNAME,
            "sex": "male",
            "estimated_age": "10",
            "in_street_situation": "on",
            "actions": ["basic_needs", "referred"],
            "note": "Hungry",
        },
    )
    assert response.status_code == 302
    contact = OutreachContact.objects.get()
    assert (contact.code, contact.agency, contact.actions) == (
        "K-17",
        world.agencies["mobile_pr"],
        ["basic_needs", "referred"],
    )
    assert AuditEvent.objects.filter(
        action="create", object_type="services.outreachcontact"
    ).exists()
    listed = client.get(reverse("services:outreach_list"))
    assert NICKNAME in listed.content.decode()


def test_a_contact_in_the_future_is_refused(teams, signed_in):
    world = teams
    response = signed_in("street_a").post(
        reverse("services:outreach_create"),
        {
            "agency": world.agencies["mobile_pr"].pk,
            "contacted_at": (timezone.localtime() + timedelta(days=1)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "place": world.places["prishtina"].pk,
        },
    )
    assert "The contact cannot be in the future." in response.content.decode()
    assert not OutreachContact.objects.exists()


def test_another_team_and_other_roles_do_not_see_a_contact(teams, signed_in):
    world = teams
    contact = _contact(world)
    url = reverse("services:outreach_detail", args=[contact.pk])
    team_mate = signed_in("street_a2").get(url)
    assert team_mate.status_code == 200
    assert NICKNAME in team_mate.content.decode()
    assert signed_in("street_b").get(url).status_code == 404
    assert (
        signed_in("street_b")
        .get(reverse("services:outreach_person", args=[contact.pk]))
        .status_code
        == 404
    )
    listed = signed_in("street_b").get(reverse("services:outreach_list"))
    assert NICKNAME not in listed.content.decode()
    assert signed_in("worker_a1").get(url).status_code == 403


def test_the_list_filters_by_code_and_date(teams, signed_in):
    world = teams
    _contact(world, code="K-17")
    _contact(world, code="M-3", name="OtherNick")
    _contact(
        world,
        code="K-17",
        name="OldNick",
        contacted_at=timezone.now() - timedelta(days=40),
    )
    client = signed_in("street_a")
    by_code = client.post(reverse("services:outreach_list"), {"code": "k-17"})
    assert [c.code for c in by_code.context["page"]] == ["K-17", "K-17"]
    recent = client.post(
        reverse("services:outreach_list"),
        {"code": "K-17", "date_from": str(timezone.localdate() - timedelta(days=7))},
    )
    assert [c.name for c in recent.context["page"]] == [NICKNAME]
    # A filtered list of names is a search: audited, without the code itself.
    event = AuditEvent.objects.filter(
        action="search", object_type="services.outreachcontact"
    ).latest("seq")
    assert event.fields == ["code", "date_from"]
    assert "K-17" not in str(event.changes) + event.detail


def test_a_person_record_from_a_contact_links_every_contact_with_the_code(
    teams, signed_in
):
    world = teams
    first = _contact(world, code="K-17")
    second = _contact(world, code="K-17", user="street_a2")
    other_code = _contact(world, code="M-3")
    other_team = _contact(world, team="mobile_pz", user="street_b", code="K-17",
                          place=world.places["prizren"])  # fmt: skip
    client = signed_in("street_a")
    url = reverse("services:outreach_person", args=[first.pk])
    page = client.get(url)
    form = page.context["form"]
    # The registration starts from what the team noted.
    assert form.initial["given_name"] == NICKNAME
    assert form.initial["estimated_age"] == 11
    assert form.initial["street_situation"] == "yes"
    response = client.post(
        url,
        {
            "step": "register",
            "given_name": "Arben",
            "family_name": "Rrugaj",
            "sex": "male",
            "estimated_age": "11",
            "place": world.places["prishtina"].pk,
            "street_situation": "yes",
        },
    )
    person = Person.objects.get(given_name="Arben")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    linked = dict(OutreachContact.objects.values_list("pk", "person_id"))
    assert linked[first.pk] == linked[second.pk] == person.pk
    assert linked[other_code.pk] is None
    assert linked[other_team.pk] is None
    # The whole team follows the child, not only the worker who registered them.
    assert (
        signed_in("street_a2")
        .get(reverse("people:detail", args=[person.pk]))
        .status_code
        == 200
    )
    assert (
        signed_in("street_b")
        .get(reverse("people:detail", args=[person.pk]))
        .status_code
        == 404
    )
    assert PersonGrant.objects.filter(
        person=person, agency=world.agencies["mobile_pr"], level="full"
    ).exists()


def test_the_duplicate_check_applies_and_offers_to_link(teams, signed_in):
    world = teams
    contact = _contact(world)
    child = world.people["unshared"]
    # The team already sees the child (a referral to the team, say).
    PersonGrant.objects.create(
        person=child,
        agency=world.agencies["mobile_pr"],
        reason="referral",
        level="minimal",
        starts_at=timezone.now(),
    )
    client = signed_in("street_a")
    url = reverse("services:outreach_person", args=[contact.pk])
    response = client.post(
        url,
        {
            "step": "register",
            "given_name": GIVEN_NAMES["unshared"],
            "family_name": child.family_name,
            "sex": child.sex,
            "date_of_birth": str(child.date_of_birth),
            "place": child.place_id,
        },
    )
    assert response.status_code == 200
    assert "This person may already be registered" in response.content.decode()
    assert response.context["matches"] == [child]
    assert (
        not Person.objects.filter(given_name=GIVEN_NAMES["unshared"])
        .exclude(pk=child.pk)
        .exists()
    )
    linked = client.post(
        reverse("services:outreach_link", args=[contact.pk]), {"person": child.pk}
    )
    assert linked.status_code == 302
    contact.refresh_from_db()
    assert contact.person_id == child.pk


def test_linking_to_someone_the_worker_does_not_see_is_not_found(teams, signed_in):
    world = teams
    contact = _contact(world)
    response = signed_in("street_a").post(
        reverse("services:outreach_link", args=[contact.pk]),
        {"person": world.people["own"].pk},
    )
    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.person_id is None


def test_a_linked_contact_cannot_be_linked_again(teams, signed_in):
    world = teams
    contact = _contact(world)
    child = world.people["unshared"]
    PersonGrant.objects.create(
        person=child,
        agency=world.agencies["mobile_pr"],
        reason="share",
        starts_at=timezone.now(),
    )
    client = signed_in("street_a")
    url = reverse("services:outreach_link", args=[contact.pk])
    client.post(url, {"person": child.pk})
    again = client.post(url, {"person": child.pk}, follow=True)
    assert "already linked to a person record" in again.content.decode()


# --- Correcting a contact -----------------------------------------------------------


def _change_form(client, contact, **data):  # noqa: ANN001, ANN003, ANN202
    url = reverse("services:outreach_change", args=[contact.pk])
    page = client.get(url)
    assert page.status_code == 200
    initial = page.context["form"].initial
    payload = {
        "version": initial["version"],
        "contacted_at": initial["contacted_at"].strftime("%Y-%m-%dT%H:%M"),
        "place": initial["place"],
        "location": initial["location"],
        "code": initial["code"],
        "name": initial["name"],
        "sex": initial["sex"],
        "estimated_age": initial["estimated_age"],
        "in_street_situation": "on" if initial["in_street_situation"] else "",
        "actions": initial["actions"],
        "note": initial["note"],
    } | data
    return client.post(url, payload)


def test_a_contact_is_corrected_by_its_team_and_a_stale_form_refused(teams, signed_in):
    world = teams
    contact = _contact(world)
    client = signed_in("street_a")
    detail = client.get(reverse("services:outreach_detail", args=[contact.pk]))
    assert reverse("services:outreach_change", args=[contact.pk]) in (
        detail.content.decode()
    )
    stale = client.get(reverse("services:outreach_change", args=[contact.pk]))
    posted = _change_form(client, contact, estimated_age="9", code=" k-18 ")
    assert posted.status_code == 302
    contact.refresh_from_db()
    assert (contact.estimated_age, contact.code, contact.version) == (9, "K-18", 2)
    assert contact.name == NICKNAME and contact.actions == [
        "basic_needs",
        "information",
    ]
    event = AuditEvent.objects.get(
        action="change", object_type="services.outreachcontact"
    )
    assert set(event.fields) == {"estimated_age", "code"}
    assert NICKNAME not in str(event.changes)
    refused = client.post(
        reverse("services:outreach_change", args=[contact.pk]),
        {
            "version": stale.context["form"].initial["version"],
            "contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "place": world.places["prishtina"].pk,
            "estimated_age": "12",
        },
    )
    assert "Someone else changed this record" in refused.content.decode()
    future = timezone.localtime() + timedelta(days=1)
    bad = _change_form(client, contact, contacted_at=future.strftime("%Y-%m-%dT%H:%M"))
    assert "cannot be in the future" in bad.content.decode()
    contact.refresh_from_db()
    assert (contact.estimated_age, contact.version) == (9, 2)


def test_another_team_cannot_correct_a_contact(teams, signed_in):
    contact = _contact(teams)
    url = reverse("services:outreach_change", args=[contact.pk])
    assert signed_in("street_b").get(url).status_code == 404
    assert signed_in("worker_a1").get(url).status_code == 403


def test_a_contact_is_corrected_through_the_api_with_its_version(teams, api_client):
    import json

    contact = _contact(teams)
    client, headers = api_client("street_a")
    url = f"/api/v1/outreach/{contact.pk}"
    read = client.get(url, headers=headers).json()
    assert read["version"] == 1
    body = {k: read[k] for k in ("contacted_at", "place_code", "code", "name")} | {
        "version": 1,
        "sex": "female",
        "actions": ["information"],
    }

    def patch(payload):  # noqa: ANN001, ANN202
        return client.patch(
            url, json.dumps(payload), content_type="application/json", headers=headers
        )

    fixed = patch(body)
    assert fixed.status_code == 200, fixed.content
    assert (fixed.json()["sex"], fixed.json()["version"]) == ("female", 2)
    assert patch(body).status_code == 409
    assert patch({**body, "version": 2, "estimated_age": 130}).status_code == 422
