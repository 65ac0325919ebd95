"""Providers keep their own agencies' services; administrators any agency's.
Edits carry the version; a stale one is refused and nothing is written."""

import pytest
from django.urls import reverse

from tests.directory.helpers import add_service, second_provider
from ura.audit.models import AuditEvent
from ura.directory.models import Service

pytestmark = pytest.mark.django_db


def _form(service: Service, **changes) -> dict:
    data = {
        "version": service.version,
        "name": service.name,
        "type": service.type,
        "description": service.description,
        "min_age": service.min_age if service.min_age is not None else "",
        "max_age": service.max_age if service.max_age is not None else "",
        "sex": service.sex,
        "concerns": service.concerns,
        "places": [p.pk for p in service.places.all()],
        "address": service.address,
        "opening_hours": service.opening_hours,
        "languages": service.languages,
        "capacity": service.capacity if service.capacity is not None else "",
        "contact_name": service.contact_name,
        "phone": service.phone,
        "email": service.email,
        "programme": "",
        "accepts_referrals": "on" if service.accepts_referrals else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_provider_adds_a_service_of_their_agency(world, signed_in):
    client = signed_in("provider")
    page = client.get(reverse("directory:new")).content.decode()
    # Only their own agency is offered; concerns and languages are tick boxes.
    assert "daycare_pz" in page and "csw_pr" not in page
    assert 'type="checkbox" name="concerns" value="neglect"' in page
    assert 'type="checkbox" name="languages" value="rom"' in page
    response = client.post(
        reverse("directory:new"),
        {
            "agency": world.agencies["daycare_pz"].pk,
            "name": "Qendra ditore për fëmijë",
            "type": "day_care",
            "sex": "any",
            "min_age": "6",
            "max_age": "14",
            "concerns": ["neglect", "street_situation"],
            "languages": ["sq", "rom"],
            "places": [world.places["prizren"].pk],
            "accepts_referrals": "on",
        },
    )
    service = Service.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:detail", args=[service.pk])
    assert service.agency == world.agencies["daycare_pz"]
    assert service.concerns == ["neglect", "street_situation"]
    assert service.languages == ["sq", "rom"]
    # Folded: q and c alike, no diacritics.
    assert "cendra ditore per femije" in service.search_text
    assert AuditEvent.objects.filter(
        object_type="directory.service", object_id=str(service.pk), action="create"
    ).exists()
    found = signed_in("worker_pz").post("/directory/", {"text": "femije"})
    assert "Qendra ditore për fëmijë" in found.content.decode()


def test_a_provider_cannot_add_a_service_to_another_agency(world, signed_in):
    response = signed_in("provider").post(
        reverse("directory:new"),
        {"agency": world.agencies["csw_pr"].pk, "name": "X", "type": "other"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Service.objects.exists()


def test_bad_ages_are_refused_on_the_field(world, signed_in):
    response = signed_in("provider").post(
        reverse("directory:new"),
        {
            "agency": world.agencies["daycare_pz"].pk,
            "name": "Backwards",
            "type": "day_care",
            "sex": "any",
            "min_age": "14",
            "max_age": "6",
        },
    )
    assert "The upper age cannot be below the lower age (14)." in (
        response.content.decode()
    )
    assert not Service.objects.exists()


def test_workers_do_not_keep_services(world, signed_in):
    service = add_service(world, "Day care")
    client = signed_in("worker_a1")
    assert client.get(reverse("directory:new")).status_code == 403
    assert client.get(reverse("directory:manage")).status_code == 403
    assert client.get(reverse("directory:edit", args=[service.pk])).status_code == 403


def test_a_provider_cannot_edit_another_agencys_service(world, signed_in):
    second_provider(world)
    theirs = add_service(world, "NGO service", agency="ngo_pr")
    hidden = add_service(world, "NGO old service", agency="ngo_pr", is_active=False)
    client = signed_in("provider")
    edit = reverse("directory:edit", args=[theirs.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, _form(theirs, name="Taken over")).status_code == 403
    toggle = reverse("directory:set_active", args=[theirs.pk])
    assert client.post(toggle, {"version": theirs.version}).status_code == 403
    # Out of the directory and not theirs: as if it did not exist.
    assert client.get(reverse("directory:edit", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("directory:detail", args=[hidden.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "NGO service" and theirs.is_active


def test_a_provider_edits_their_service_and_a_stale_edit_is_refused(world, signed_in):
    service = add_service(world, "Day care", actor="provider")
    client = signed_in("provider")
    edit = reverse("directory:edit", args=[service.pk])
    form = client.get(edit).content.decode()
    assert f'name="version" value="{service.version}"' in form
    first = _form(service, name="Day care centre", opening_hours="8-16")
    stale = _form(service, name="Someone else's idea")
    assert client.post(edit, first).status_code == 302
    service.refresh_from_db()
    assert service.name == "Day care centre" and service.version == 2
    assert "centre" in service.search_text
    refused = client.post(edit, stale)
    assert refused.status_code == 200
    assert "Someone else changed this record" in refused.content.decode()
    assert "Someone else&#x27;s idea" in refused.content.decode()  # kept on the form
    service.refresh_from_db()
    assert service.name == "Day care centre"
    event = AuditEvent.objects.filter(
        object_type="directory.service", action="change"
    ).get()
    assert sorted(event.fields) == ["name", "opening_hours"]


def test_places_can_change_alone(world, signed_in):
    service = add_service(world, "Day care", actor="provider")
    client = signed_in("provider")
    prizren = world.places["prizren"].pk
    edit = reverse("directory:edit", args=[service.pk])
    assert client.post(edit, _form(service, places=[prizren])).status_code == 302
    service.refresh_from_db()
    assert [p.pk for p in service.places.all()] == [prizren]
    assert service.version == 2


def test_a_provider_takes_a_service_out_of_the_directory_and_back(world, signed_in):
    service = add_service(world, "Sunny centre", actor="provider")
    client = signed_in("provider")
    toggle = reverse("directory:set_active", args=[service.pk])
    detail = reverse("directory:detail", args=[service.pk])
    assert (
        client.post(toggle, {"version": service.version, "active": "0"})["Location"]
        == detail
    )
    worker = signed_in("worker_pz")
    assert "Sunny centre" not in worker.post("/directory/", {}).content.decode()
    assert worker.get(detail).status_code == 404
    # Its provider still sees it, on its page and in their list.
    assert "out of the directory" in client.get(detail).content.decode()
    assert "Sunny centre" in client.get(reverse("directory:manage")).content.decode()
    # A stale button is refused with the message.
    stale = client.post(toggle, {"version": 1, "active": "1"}, follow=True)
    assert "Someone else changed this record" in stale.content.decode()
    client.post(toggle, {"version": 2, "active": "1"})
    assert "Sunny centre" in worker.post("/directory/", {}).content.decode()


def test_an_administrator_keeps_any_agencys_services(world, signed_in):
    second_provider(world)
    service = add_service(world, "NGO service", agency="ngo_pr", actor="provider_pr")
    client = signed_in("admin")
    page = client.get(reverse("directory:new")).content.decode()
    assert "Shpresa NGO" in page and "daycare_pz" in page
    edit = reverse("directory:edit", args=[service.pk])
    assert client.post(edit, _form(service, capacity="12")).status_code == 302
    service.refresh_from_db()
    assert service.capacity == 12


def test_services_and_programmes_are_in_the_administration_area(world, signed_in):
    service = add_service(world, "Day care")
    client = signed_in("admin")
    assert client.get("/admin/directory/service/").status_code == 200
    assert client.get("/admin/directory/programme/add/").status_code == 200
    change = f"/admin/directory/service/{service.pk}/change/"
    response = client.post(
        change,
        {
            "agency": service.agency_id,
            "name": "Renamed in admin",
            "type": "day_care",
            "sex": "any",
            "concerns": ["neglect"],
            "accepts_referrals": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    service.refresh_from_db()
    assert service.name == "Renamed in admin" and service.concerns == ["neglect"]
    assert "renamed" in service.search_text and service.version == 2
    assert signed_in("provider").get("/admin/directory/service/").status_code != 200
