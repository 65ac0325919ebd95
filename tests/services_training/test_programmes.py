"""Programmes: administrators keep them; a partner sees the programmes its agency
funds, in aggregate only; what is attributed to a programme shows on its page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.services_training.helpers import (
    PROFESSIONAL,
    add_programmes,
    add_street_teams,
    add_trainers,
    record_training,
    register_participant,
)
from ura.audit.models import AuditEvent
from ura.directory.models import Programme, Service
from ura.services import outreach_actions

pytestmark = pytest.mark.django_db

NICKNAME = "CanaryProgrammeNick"


@pytest.fixture
def setting(world):  # noqa: ANN001, ANN201
    add_trainers(world)
    add_street_teams(world)
    funded, other = add_programmes(world)
    return world, funded, other


def _attribute(world, programme, participants: int) -> None:  # noqa: ANN001
    training = record_training(world, programme=programme)
    for i in range(participants):
        register_participant(world, training, given=f"{PROFESSIONAL}{i}")
    Service.objects.create(
        agency=world.agencies["daycare_pz"],
        name="Day care Prizren",
        type="day_care",
        programme=programme,
    )
    outreach_actions.outreach_contact_record(
        actor=world.users["street_a"],
        agency=world.agencies["mobile_pr"],
        data={
            "contacted_at": timezone.now() - timedelta(hours=1),
            "place": world.places["prishtina"],
            "code": "K-1",
            "name": NICKNAME,
            "estimated_age": 9,
            "programme": programme,
        },
    )


def test_an_administrator_creates_and_edits_a_programme(setting, signed_in):
    world, _funded, _other = setting
    client = signed_in("admin")
    response = client.post(
        reverse("directory:programme_create"),
        {
            "code": " eu-cp 2025 ",
            "name": "EU child protection",
            "starts_on": "2025-01-01",
            "ends_on": "2026-12-31",
            "lead_agency": world.agencies["ministry"].pk,
            "funders": [world.agencies["partner"].pk],
            "is_active": "on",
        },
    )
    programme = Programme.objects.get(code="EU-CP 2025")
    assert response.status_code == 302
    assert list(programme.funders.all()) == [world.agencies["partner"]]
    edit = reverse("directory:programme_edit", args=[programme.pk])
    body = {
        "version": programme.version,
        "code": programme.code,
        "name": "EU child protection II",
        "ends_on": "2024-01-01",
        "starts_on": "2025-01-01",
    }
    refused = client.post(edit, body)
    assert "The programme cannot end before it starts." in refused.content.decode()
    assert client.post(edit, body | {"ends_on": ""}).status_code == 302
    programme.refresh_from_db()
    assert programme.name == "EU child protection II"
    assert programme.funders.count() == 0
    assert AuditEvent.objects.filter(
        object_type="directory.programme", action="change"
    ).exists()


def test_only_administrators_create_programmes(setting, signed_in):
    for persona in ("partner", "sup_a", "trainer"):
        client = signed_in(persona)
        assert client.get(reverse("directory:programme_create")).status_code == 403
    assert (
        signed_in("worker_a1").get(reverse("directory:programme_list")).status_code
        == 403
    )


def test_a_partner_sees_only_the_programmes_it_funds(setting, signed_in):
    world, funded, other = setting
    client = signed_in("partner")
    listed = client.get(reverse("directory:programme_list"))
    assert [p.code for p in listed.context["page"]] == ["P-FUND"]
    assert (
        client.get(reverse("directory:programme_detail", args=[other.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("directory:programme_detail", args=[funded.pk])).status_code
        == 200
    )
    # Everyone else who sees reach figures sees every programme.
    listed = signed_in("sup_a").get(reverse("directory:programme_list"))
    assert {p.code for p in listed.context["page"]} == {"P-FUND", "P-OTHER"}


def test_the_programme_page_shows_aggregates_and_no_names(setting, signed_in):
    world, funded, _other = setting
    _attribute(world, funded, participants=6)
    page = signed_in("partner").get(
        reverse("directory:programme_detail", args=[funded.pk])
    )
    text = page.content.decode()
    assert "Day care Prizren" in text
    assert "Child protection basics" in text
    figures = page.context["page"].training_figures
    assert (figures.trainings, figures.professionals, figures.women) == (1, 6, 6)
    assert PROFESSIONAL not in text
    assert NICKNAME not in text
    # One outreach contact: too few to show a partner.
    [row] = page.context["page"].outreach
    assert (row.agency, row.contacts, row.children) == ("mobile_pr", "<5", "<5")


def test_small_counts_are_hidden_from_a_partner_only(setting, signed_in):
    world, funded, _other = setting
    _attribute(world, funded, participants=2)
    partner = signed_in("partner").get(
        reverse("directory:programme_detail", args=[funded.pk])
    )
    figures = partner.context["page"].training_figures
    assert (figures.professionals, figures.women, figures.men) == ("<5", "<5", "<5")
    assert "&lt;5" in partner.content.decode()
    supervisor = signed_in("sup_a").get(
        reverse("directory:programme_detail", args=[funded.pk])
    )
    figures = supervisor.context["page"].training_figures
    assert (figures.professionals, figures.women, figures.men) == (2, 2, 0)


def test_trainings_and_contacts_are_attributed_from_their_forms(setting, signed_in):
    world, funded, _other = setting
    form = signed_in("trainer").get(reverse("services:training_create"))
    assert funded in form.context["form"].fields["programme"].queryset
    form = signed_in("street_a").get(reverse("services:outreach_create"))
    assert funded in form.context["form"].fields["programme"].queryset
