"""The administration area is for administrators, and shows them no child's record."""

import pytest

from tests.world import PERSONAS

pytestmark = pytest.mark.django_db
ADMIN_PAGES = [
    "/admin/",
    "/admin/accounts/user/",
    "/admin/places/place/",
    "/admin/accounts/agency/",
]


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_only_administrators_open_the_administration_area(world, signed_in, persona):
    client = signed_in(persona)
    for url in ADMIN_PAGES:
        response = client.get(url)
        if persona == "admin":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302, url
            assert (
                "/admin/" not in response["Location"] or "login" in response["Location"]
            )


def test_people_are_not_managed_in_the_administration_area(world, signed_in):
    response = signed_in("admin").get("/admin/")
    assert b"/admin/people/" not in response.content
    assert signed_in("admin").get("/admin/people/person/").status_code == 404


def test_a_role_given_in_the_administration_area_is_on_the_audit_record(
    world, signed_in
):
    from ura.audit.models import AuditEvent

    agency = world.agencies["csw_pr"]
    response = signed_in("admin").post(
        f"/admin/accounts/agency/{agency.pk}/change/",
        {
            "name": "Renamed centre",
            "type": agency.type,
            "place": agency.place_id,
            "places_covered": [world.places["prishtina"].pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(
        object_type="accounts.agency", object_id=str(agency.pk)
    )
    assert event.actor_username == "admin"
    assert "name" in event.fields
