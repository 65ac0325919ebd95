"""The directory pages: search (with and without a person), the service page,
and what a person's search adds (prefilled filters, warnings, referral links)."""

from datetime import date

import pytest
from django.urls import reverse

from tests.cases.helpers import open_case
from tests.directory.helpers import add_service
from ura.audit.models import AuditEvent
from ura.directory import display

pytestmark = pytest.mark.django_db

SEARCH = "/directory/"


def test_the_menu_links_to_the_directory_for_those_who_search_it(world, signed_in):
    assert b'href="/directory/"' in signed_in("worker_a1").get("/home/").content
    assert b'href="/directory/"' in signed_in("provider").get("/home/").content
    assert b'href="/directory/"' not in signed_in("partner").get("/home/").content
    assert signed_in("partner").get(SEARCH).status_code == 403
    assert signed_in("outsider").get(SEARCH).status_code == 403


def test_a_worker_searches_by_need_and_municipality(world, signed_in):
    add_service(
        world,
        "Qendra ditore Prizren",
        opening_hours="Mon-Fri 8-16",
        languages=["sq", "tr"],
        capacity=30,
        phone="+383 29 000 000",
        min_age=6,
        max_age=14,
    )
    add_service(world, "Legal aid Prishtina", type="legal_aid", agency="csw_pr")
    client = signed_in("worker_a1")
    page = client.get(SEARCH).content.decode()
    assert "Qendra ditore Prizren" in page and "Legal aid Prishtina" in page
    found = client.post(
        SEARCH, {"need": "day_care", "place": world.places["prizren"].pk}
    ).content.decode()
    assert "Qendra ditore Prizren" in found
    assert "Legal aid Prishtina" not in found
    # What a worker needs to choose: agency, eligibility, places, hours, languages,
    # capacity, contact.
    for shown in ("daycare_pz", "Ages 6 to 14", "Prizren", "Mon-Fri 8-16", "Turkish"):
        assert shown in found
    assert "+383 29 000 000" in found and ">30<" in found
    # A link can carry the filters too.
    linked = client.get(SEARCH, {"need": "legal_aid"}).content.decode()
    assert "Legal aid Prishtina" in linked and "Qendra ditore" not in linked


def test_htmx_gets_the_results_alone(world, signed_in):
    add_service(world, "Shelter for girls", type="shelter", sex="female")
    add_service(world, "Day care")
    response = signed_in("worker_a1").post(
        SEARCH, {"text": "shelter"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Shelter for girls" in body and "Day care" not in body


def test_wrong_input_shows_a_message_and_searches_the_rest(world, signed_in):
    add_service(world, "Day care")
    response = signed_in("worker_a1").post(SEARCH, {"age": "200", "need": "day_care"})
    body = response.content.decode()
    assert "less than or equal to 120" in body
    assert "Day care" in body


def test_results_are_paged(world, signed_in):
    for i in range(30):
        add_service(world, f"Service {i:02d}")
    client = signed_in("worker_a1")
    first = client.post(SEARCH, {"need": "day_care"}).content.decode()
    assert "Service 00" in first and "Service 29" not in first
    second = client.post(SEARCH, {"need": "day_care", "page": "2"}).content.decode()
    assert "Service 29" in second and "Service 00" not in second
    assert 'name="need" value="day_care"' in second  # the pager keeps the search


def test_a_search_for_a_person_starts_from_their_age_sex_and_municipality(
    world, signed_in
):
    person = world.people["own"]  # a girl born in 2015, in Prishtina
    add_service(world, "Boys club", sex="male", agency="csw_pr")
    add_service(world, "Far away", places=[world.places["prizren"]])
    client = signed_in("worker_a1")
    response = client.get(SEARCH, {"person": person.pk})
    assert response.status_code == 200
    body = response.content.decode()
    form = response.context["form"]
    assert form["place"].value() == world.places["prishtina"].pk
    assert form["sex"].value() == "female"
    assert form["age"].value() == person.age_on(date.today())
    # Prefilled filters apply: the boys' club is for boys, Prizren is elsewhere.
    assert "Boys club" not in body and "Far away" not in body
    assert person.given_name in body
    event = AuditEvent.objects.filter(
        object_type="people.person", object_id=str(person.pk), action="view"
    ).first()
    assert event is not None and event.detail == "service directory"


def test_results_for_a_person_warn_about_eligibility(world, signed_in):
    person = world.people["own"]
    add_service(world, "Boys club", sex="male", agency="csw_pr")
    add_service(world, "Toddlers", max_age=3, agency="csw_pr")
    body = (
        signed_in("worker_a1")
        .post(SEARCH, {"person": person.pk, "place": world.places["prishtina"].pk})
        .content.decode()
    )
    assert "Boys club is for Boys and men only." in body
    assert "Toddlers takes people up to age 3" in body


def test_a_cases_concerns_are_checked_too(world, signed_in):
    case = open_case(world, concerns=("neglect",))
    add_service(world, "Trafficking shelter", concerns=["trafficking"], agency="csw_pr")
    body = signed_in("worker_a1").post(SEARCH, {"case": case.pk}).content.decode()
    assert "Trafficking shelter is not for the concerns of this case." in body
    assert case.reference in body


def test_a_person_or_case_out_of_reach_is_not_found(world, signed_in):
    client = signed_in("worker_a1")
    assert (
        client.get(SEARCH, {"person": world.people["other_team"].pk}).status_code == 404
    )
    assert client.get(SEARCH, {"person": "999999"}).status_code == 404
    other_case = open_case(world, person="other_team", worker="worker_b1")
    assert client.get(SEARCH, {"case": other_case.pk}).status_code == 404
    # A case of another child than the person named.
    own_case = open_case(world)
    wrong = {"case": own_case.pk, "person": world.people["team_shared"].pk}
    assert client.get(SEARCH, wrong).status_code == 404


def test_the_referral_link_appears_only_when_the_referral_page_exists(
    world, signed_in, monkeypatch
):
    person = world.people["own"]
    service = add_service(world, "Open to referrals", agency="csw_pr")
    add_service(world, "No referrals", agency="csw_pr", accepts_referrals=False)
    client = signed_in("worker_a1")
    monkeypatch.setattr(display, "REFERRAL_ROUTE", "referrals:no_such_page")
    body = client.get(SEARCH, {"person": person.pk}).content.decode()
    assert "Refer to this service" not in body
    # Any route that resolves stands in for the referrals page here.
    monkeypatch.setattr(display, "REFERRAL_ROUTE", "directory:manage")
    body = client.get(SEARCH, {"person": person.pk}).content.decode()
    expected = f"/directory/manage/?service={service.pk}&amp;person={person.pk}"
    assert expected in body
    assert body.count("Refer to this service") == 1
    # No person, no referral link; nor for a provider, who does not refer.
    assert "Refer to this service" not in client.get(SEARCH).content.decode()


def test_the_service_page(world, signed_in):
    service = add_service(
        world, "Qendra", description="Group activities.", email="qendra@example.org"
    )
    client = signed_in("worker_a1")
    body = client.get(reverse("directory:detail", args=[service.pk])).content.decode()
    assert "Group activities." in body and "qendra@example.org" in body
    assert "Edit" not in body  # a worker does not keep services
    assert client.get(reverse("directory:detail", args=[999999])).status_code == 404
    assert (
        signed_in("partner")
        .get(reverse("directory:detail", args=[service.pk]))
        .status_code
        == 403
    )
