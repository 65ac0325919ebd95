"""Who reaches the services pages: providers of the agency only. Another agency's
provider gets 404 (as for a record that does not exist), a role that does not
record services 403."""

import pytest
from django.urls import reverse

from tests.services_delivery.helpers import (
    day_care,
    days_ago,
    enrolled,
    group_of,
    other_provider,
    walk_in,
)
from ura.services.delivery_actions import session_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world):  # noqa: ANN001, ANN201
    service = day_care(world)
    group = group_of(world, service)
    enrolment = enrolled(world, service, walk_in(world, "Ana"), group=group)
    session = session_record(
        actor=world.users["provider"],
        service=service,
        held_on=days_ago(1),
        kind="group",
        activity="homework",
        group=group,
    ).session
    return service, group, enrolment, session


def _urls(service, group, enrolment, session):  # noqa: ANN001, ANN202
    return [
        ("get", reverse("services:service_detail", args=[service.pk])),
        ("get", reverse("services:enrol", args=[service.pk])),
        ("get", reverse("services:group_new", args=[service.pk])),
        ("get", reverse("services:session_list", args=[service.pk])),
        ("get", reverse("services:session_new", args=[service.pk])),
        ("get", reverse("services:enrolment_detail", args=[enrolment.pk])),
        ("get", reverse("services:enrolment_end", args=[enrolment.pk])),
        ("post", reverse("services:enrolment_group", args=[enrolment.pk])),
        ("get", reverse("services:group_detail", args=[group.pk])),
        ("get", reverse("services:group_edit", args=[group.pk])),
        ("post", reverse("services:group_assign", args=[group.pk])),
        ("get", reverse("services:month_sheet", args=[group.pk])),
        ("get", reverse("services:session_detail", args=[session.pk])),
    ]


def test_the_provider_opens_every_page_of_their_services(signed_in, records):
    client = signed_in("provider")
    for method, url in _urls(*records):
        response = getattr(client, method)(url)
        assert response.status_code in (200, 302), (url, response.status_code)


def test_a_provider_of_another_agency_gets_404_everywhere(world, signed_in, records):
    other_provider(world)
    client = signed_in("provider_pr")
    assert client.get(reverse("services:my_services")).status_code == 200
    for method, url in _urls(*records):
        assert getattr(client, method)(url).status_code == 404, url


@pytest.mark.parametrize("persona", ["worker_pz", "sup_a", "nurse", "data_pr", "admin"])
def test_roles_that_do_not_record_services_get_403(signed_in, records, persona):
    client = signed_in(persona)
    assert client.get(reverse("services:my_services")).status_code == 403
    for method, url in _urls(*records):
        assert getattr(client, method)(url).status_code == 403, url


def test_signed_out_users_are_sent_to_sign_in(client, records):  # noqa: ANN001
    response = client.get(reverse("services:my_services"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_my_services_lists_only_the_agency_s_services(world, signed_in, records):
    _user, theirs = other_provider(world)
    page = signed_in("provider").get(reverse("services:my_services")).content.decode()
    assert "Day care Prizren" in page and theirs.name not in page
    other = signed_in("provider_pr").get(reverse("services:my_services"))
    assert theirs.name in other.content.decode()
    assert "Day care Prizren" not in other.content.decode()


def test_the_menu_shows_my_services_to_providers_only(signed_in, records):
    assert "My services" in signed_in("provider").get("/home/").content.decode()
    assert "My services" not in signed_in("worker_a1").get("/home/").content.decode()


def test_the_landing_page_shows_my_services_today_to_providers(
    world, signed_in, records
):
    service, group, enrolment, session = records
    enrolled(world, service, walk_in(world, "Bea"), role="caregiver")
    html = signed_in("provider").get(reverse("workspace:home")).content.decode()
    panel = html[html.index('data-panel="services-today"') :]
    panel = panel[: panel.index("</section>")]
    assert "Day care Prizren" in panel
    # Two people take part now.
    assert '<td class="num">2</td>' in panel
    today_sheet = reverse("services:session_new", args=[service.pk])
    assert f"{today_sheet}?group={group.pk}" in panel
    worker = signed_in("worker_a1").get(reverse("workspace:home")).content.decode()
    assert 'data-panel="services-today"' not in worker
