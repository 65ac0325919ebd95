"""Consent and assent: what was agreed to, by whom, when; a withdrawal is honoured
by every later sharing (``sharing_allowed``)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.cases.test_documents import conference_grant
from ura.accounts.models import Agency
from ura.audit.models import AuditAction, AuditEvent
from ura.cases.consent import sharing_allowed
from ura.cases.models import CaseEvent, CaseEventKind, Consent

pytestmark = pytest.mark.django_db


def consent_form(world, **changes) -> dict:  # noqa: ANN001, ANN003
    form = {
        "given_by": "mother",
        "given_by_name": "",
        "given_on": timezone.localdate().isoformat(),
        "to_services": "on",
        "to_sharing": "on",
        "agencies": [world.agencies["police_pr"].pk],
        "note": "Explained what the police will be told.",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_consent_to_share_with_the_police_allows_it_until_withdrawn(world, signed_in):
    case = open_case(world)
    police, health = world.agencies["police_pr"], world.agencies["health_pr"]
    assert not sharing_allowed(case, police)
    client = signed_in("worker_a1")
    response = client.post(
        reverse("cases:consent_add", args=[case.pk]), consent_form(world)
    )
    assert response.status_code == 302
    consent = Consent.objects.get(case=case)
    assert list(consent.agencies.all()) == [police]
    assert consent.recorded_by == world.users["worker_a1"]
    assert sharing_allowed(case, police)
    assert sharing_allowed(case, police.pk)
    assert not sharing_allowed(case, health)
    # Within the case's own agency no consent is needed.
    assert sharing_allowed(case, case.agency)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Mother" in page and "police_pr" in page and "In force" in page
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.CONSENT).exists()

    withdraw = reverse("cases:consent_withdraw", args=[case.pk, consent.pk])
    assert withdraw in page
    assert "Consent given by Mother" in client.get(withdraw).content.decode()
    response = client.post(withdraw, {"withdrawn_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    assert consent.withdrawn_by == world.users["worker_a1"]
    assert not sharing_allowed(case, police)
    assert CaseEvent.objects.filter(
        case=case, kind=CaseEventKind.CONSENT_WITHDRAWN
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE,
        object_type="cases.consent",
        object_id=str(consent.pk),
    ).exists()
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Withdrawn on" in page
    # Withdrawing twice is refused with a message.
    response = client.post(withdraw, {"withdrawn_on": timezone.localdate().isoformat()})
    assert "already withdrawn" in response.content.decode()


def test_bad_consent_is_refused_and_nothing_saved(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    url = reverse("cases:consent_add", args=[case.pk])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    cases = [
        (consent_form(world, given_on=tomorrow), "cannot be in the future"),
        (consent_form(world, agencies=[]), "Choose the agencies"),
        (consent_form(world, to_sharing=None), "only when sharing was agreed"),
        (
            consent_form(world, to_sharing=None, to_services=None, agencies=[]),
            "Tick what was agreed to",
        ),
    ]
    for form, message in cases:
        response = client.post(url, form)
        assert response.status_code == 200
        assert message in response.content.decode(), message
    # An inactive agency cannot be chosen.
    Agency.objects.filter(pk=world.agencies["health_pr"].pk).update(is_active=False)
    response = client.post(
        url, consent_form(world, agencies=[world.agencies["health_pr"].pk])
    )
    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()
    assert not Consent.objects.exists()


def test_a_withdrawal_cannot_predate_the_consent(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    client.post(reverse("cases:consent_add", args=[case.pk]), consent_form(world))
    consent = Consent.objects.get()
    response = client.post(
        reverse("cases:consent_withdraw", args=[case.pk, consent.pk]),
        {"withdrawn_on": (timezone.localdate() - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    assert sharing_allowed(case, world.agencies["police_pr"])


def test_only_those_who_work_on_the_case_reach_its_consent(world, signed_in):
    case = open_case(world)
    signed_in("worker_a1").post(
        reverse("cases:consent_add", args=[case.pk]), consent_form(world)
    )
    consent = Consent.objects.get()
    urls = [
        reverse("cases:consents", args=[case.pk]),
        reverse("cases:consent_add", args=[case.pk]),
        reverse("cases:consent_withdraw", args=[case.pk, consent.pk]),
    ]
    for persona in ("worker_a2", "worker_b1", "outsider", "partner"):
        client = signed_in(persona)
        for url in urls:
            assert client.get(url).status_code == 404, (persona, url)
    conference_grant(world, case)
    member = signed_in("conf_member")
    assert (
        "Explained what the police"
        not in member.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
    for url in urls:
        assert member.get(url).status_code == 403, url
    response = member.post(urls[2], {"withdrawn_on": timezone.localdate()})
    assert response.status_code == 403
    assert sharing_allowed(case, world.agencies["police_pr"])
    assert signed_in("sup_a").get(urls[0]).status_code == 200
