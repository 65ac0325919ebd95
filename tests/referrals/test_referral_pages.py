"""A referral through the pages: sent from a case, received, accepted, started,
completed; what each side sees on the way, and what the provider keeps after."""

import re

import pytest
from django.urls import reverse

from tests.referrals.helpers import REASON, case_with_consent, day_care, send
from tests.world import GIVEN_NAMES
from ura.access.models import GrantReason, PersonGrant
from ura.referrals.models import Referral, ReferralStatus
from ura.services.models import Enrolment

pytestmark = pytest.mark.django_db
GIVEN = GIVEN_NAMES["own"]


def _new_form(client, **params):  # noqa: ANN001, ANN003, ANN202
    response = client.get(reverse("referrals:new"), params)
    assert response.status_code == 200
    token = re.search(r'name="token" value="([0-9a-f]+)"', response.text).group(1)
    return response, token


def _version(client, referral: Referral) -> int:  # noqa: ANN001
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert page.status_code == 200
    return int(re.search(r'name="version" value="(\d+)"', page.text).group(1))


def _post_step(client, referral: Referral, step: str, **data):  # noqa: ANN001, ANN003, ANN202
    if "version" not in data:
        data["version"] = _version(client, referral)
    return client.post(reverse(f"referrals:{step}", args=[referral.pk]), data)


def test_a_referral_from_a_case_to_its_outcome(world, signed_in):
    case = case_with_consent(world)
    service = day_care(world)
    worker = signed_in("worker_a1")

    # The case page offers to refer; the form comes pre-filled from the directory.
    case_page = worker.get(reverse("cases:detail", args=[case.pk]))
    assert "Referrals" in case_page.text and ">Refer<" in case_page.text
    # "Refer" leads to the directory's search, for this child and case.
    assert f"person={case.person_id}&amp;case={case.pk}" in case_page.text or (
        f"person={case.person_id}&case={case.pk}" in case_page.text
    )
    form, token = _new_form(worker, service=service.pk, case=case.pk)
    assert f'value="{service.pk}" selected' in form.text
    sent = worker.post(
        reverse("referrals:new"),
        {
            "token": token,
            "case": case.pk,
            "person": case.person_id,
            "service": service.pk,
            "urgency": "urgent",
            "reason": REASON,
            "shared": ["concerns"],
        },
    )
    referral = Referral.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert re.fullmatch(r"R\d{4}-\d{6}", referral.reference)
    assert referral.status == ReferralStatus.SENT
    assert referral.answer_due_at > referral.sent_at
    assert referral.consent is not None
    grant = PersonGrant.objects.get(reason=GrantReason.REFERRAL)
    assert (grant.agency, grant.level) == (world.agencies["daycare_pz"], "minimal")

    # The provider finds it in their agency's list and opens it: received.
    provider = signed_in("provider")
    listed = provider.get(reverse("referrals:incoming"))
    assert referral.reference in listed.text and GIVEN in listed.text
    page = provider.get(reverse("referrals:detail", args=[referral.pk]))
    assert GIVEN in page.text and REASON in page.text
    assert "Neglect" in page.text  # the case's concerns were shared
    assert "17.05.2015" not in page.text and "2015" not in page.text
    assert "Secret street" not in page.text  # the address was not shared
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED

    assert _post_step(provider, referral, "accept").status_code == 302
    started = _post_step(provider, referral, "start", role="child")
    assert started.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.STARTED
    enrolment = Enrolment.objects.get(referral=referral)
    assert (enrolment.person, enrolment.role) == (case.person, "child")
    page = provider.get(reverse("referrals:detail", args=[referral.pk]))
    assert "hours after sending" in page.text

    # Completion: the outcome goes back; the provider's access ends.
    done = _post_step(
        provider, referral, "complete", outcome="CanaryOutcome: attends daily"
    )
    assert done.status_code == 302
    referral.refresh_from_db()
    enrolment.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert (enrolment.end_reason, enrolment.ended_on) == (
        "completed",
        referral.ended_at.date(),
    )
    assert (
        provider.get(reverse("people:detail", args=[case.person_id])).status_code == 404
    )
    after = provider.get(reverse("referrals:detail", args=[referral.pk]))
    assert after.status_code == 200
    assert GIVEN not in after.text and REASON not in after.text
    assert "no longer shared" in after.text
    assert GIVEN not in provider.get(reverse("referrals:incoming") + "?status=all").text

    # The worker finds the outcome on their landing page until they open it.
    home = worker.get(reverse("workspace:home"))
    assert "Referral answers and outcomes" in home.text
    assert referral.reference in home.text
    # An answered referral shows when it last changed, not a deadline already met.
    answers = home.text.split('data-panel="referral-answers"')[1].split("</section>")[0]
    assert "Last change" in answers and "Answer due" not in answers
    mine = worker.get(reverse("referrals:detail", args=[referral.pk]))
    assert "CanaryOutcome: attends daily" in mine.text
    assert [s for s in ("Sent", "Received", "Accepted", "Service started", "Completed")
            if s in mine.text] == ["Sent", "Received", "Accepted", "Service started",
                                   "Completed"]  # fmt: skip
    referral.refresh_from_db()
    assert referral.outcome_seen_at is not None
    assert (
        "Referral answers and outcomes"
        not in worker.get(reverse("workspace:home")).text
    )


def test_no_consent_on_the_case_refuses_with_what_is_missing(world, signed_in):
    case = case_with_consent(world, "police_pr")  # consent, but not for day care
    service = day_care(world)
    worker = signed_in("worker_a1")
    form, token = _new_form(worker, service=service.pk, case=case.pk)
    message = (
        "No consent to share with daycare_pz is recorded on this case: record the "
        "consent (who gave it, on which date, sharing with this agency) first."
    )
    assert message in form.text
    assert reverse("cases:consent_add", args=[case.pk]) in form.text
    refused = worker.post(
        reverse("referrals:new"),
        {
            "token": token,
            "case": case.pk,
            "service": service.pk,
            "urgency": "routine",
            "reason": REASON,
        },
    )
    assert refused.status_code == 200 and message in refused.text
    assert not Referral.objects.exists()
    assert not PersonGrant.objects.filter(reason=GrantReason.REFERRAL).exists()


def test_without_a_case_the_form_asks_who_consented_and_when(world, signed_in):
    service = day_care(world)
    person = world.people["own"]
    worker = signed_in("worker_a1")
    form, token = _new_form(worker, service=service.pk, person=person.pk)
    assert "Consent given by" in form.text
    data = {
        "token": token,
        "person": person.pk,
        "service": service.pk,
        "urgency": "routine",
        "reason": REASON,
    }
    refused = worker.post(reverse("referrals:new"), data)
    assert refused.status_code == 200
    assert refused.text.count("This field is required.") == 2
    assert not Referral.objects.exists()
    sent = worker.post(
        reverse("referrals:new"),
        data | {"consent_given_by": "mother", "consent_given_on": "2026-01-05"},
    )
    assert sent.status_code == 302
    referral = Referral.objects.get()
    assert (referral.origin, referral.case, referral.consent_given_by) == (
        "person",
        None,
        "mother",
    )


def test_a_person_the_service_does_not_take_needs_a_reason(world, signed_in):
    case = case_with_consent(world)
    service = day_care(world, min_age=15)
    worker = signed_in("worker_a1")
    form, token = _new_form(worker, service=service.pk, case=case.pk)
    assert "takes people from age 15" in form.text
    data = {
        "token": token,
        "case": case.pk,
        "service": service.pk,
        "urgency": "routine",
        "reason": REASON,
    }
    refused = worker.post(reverse("referrals:new"), data)
    assert refused.status_code == 200
    assert "Say why you refer anyway." in refused.text
    assert not Referral.objects.exists()
    sent = worker.post(
        reverse("referrals:new"), data | {"eligibility_note": "Mature for her age"}
    )
    assert sent.status_code == 302
    assert Referral.objects.get().eligibility_note == "Mature for her age"


def test_the_provider_sees_the_address_only_when_it_was_shared(world, signed_in):
    shared = send(world, shared=["contact", "school"])
    provider = signed_in("provider")
    page = provider.get(reverse("referrals:detail", args=[shared.pk]))
    assert "Secret street own" in page.text and "School enrolment" in page.text
    assert "Date of birth" not in page.text and "2015" not in page.text
    assert "Neglect" not in page.text  # the concerns were not shared
    # The record itself stays at the minimum level.
    person = provider.get(reverse("people:detail", args=[shared.person_id]))
    assert "Secret street" not in person.text


def test_a_double_submit_sends_one_referral(world, signed_in):
    case = case_with_consent(world)
    service = day_care(world)
    worker = signed_in("worker_a1")
    _form, token = _new_form(worker, service=service.pk, case=case.pk)
    data = {
        "token": token,
        "case": case.pk,
        "service": service.pk,
        "urgency": "routine",
        "reason": REASON,
    }
    first = worker.post(reverse("referrals:new"), data)
    second = worker.post(reverse("referrals:new"), data)
    assert Referral.objects.count() == 1
    assert first["Location"] == second["Location"]
    # A fresh form for the same child and service while the first is open.
    _form, other = _new_form(worker, service=service.pk, case=case.pk)
    again = worker.post(reverse("referrals:new"), data | {"token": other})
    assert again.status_code == 200
    assert "already has an open referral to this service" in again.text
    assert Referral.objects.count() == 1


def test_steps_out_of_order_and_stale_versions_are_refused(world, signed_in):
    referral = send(world)
    provider = signed_in("provider")
    response = _post_step(provider, referral, "complete", outcome="Done")
    assert response.status_code == 302
    page = provider.get(response["Location"])
    assert "A referral that is “Received” cannot be completed." in page.text
    version = _version(provider, referral)
    _post_step(provider, referral, "accept", version=version)
    stale = _post_step(provider, referral, "start", role="child", version=version)
    assert "Someone else changed this record" in provider.get(stale["Location"]).text
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    # The sender cannot answer for the provider.
    worker = signed_in("worker_a1")
    assert _post_step(worker, referral, "start", role="child").status_code == 403


def test_a_decline_needs_its_reason_and_goes_back_to_the_sender(world, signed_in):
    referral = send(world)
    provider = signed_in("provider")
    missing = _post_step(provider, referral, "decline", note="")
    assert missing.status_code == 200 and "This field is required." in missing.text
    other = _post_step(provider, referral, "decline", reason="other", note="")
    assert "Say why the referral is declined." in other.text
    declined = _post_step(provider, referral, "decline", reason="full", note="Full")
    assert declined.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == ("declined", "full")
    assert (
        provider.get(reverse("people:detail", args=[referral.person_id])).status_code
        == 404
    )
    home = signed_in("worker_a1").get(reverse("workspace:home"))
    assert (
        "Referral answers and outcomes" in home.text and referral.reference in home.text
    )


def test_the_sender_withdraws_until_the_service_starts(world, signed_in):
    first = send(world)
    worker = signed_in("worker_a1")
    assert _post_step(worker, first, "withdraw", note="Family moved").status_code == 302
    first.refresh_from_db()
    assert first.status == ReferralStatus.CANCELLED
    assert not PersonGrant.objects.filter(
        reason=GrantReason.REFERRAL, ends_at__isnull=True
    ).exists()
    second = send(world, case=first.case, service=first.service)
    provider = signed_in("provider")
    _post_step(provider, second, "start", role="caregiver")
    second.refresh_from_db()
    assert (
        'data-step="withdraw"'
        not in worker.get(reverse("referrals:detail", args=[second.pk])).text
    )
    late = _post_step(worker, second, "withdraw", version=second.version)
    assert "cannot be withdrawn" in worker.get(late["Location"]).text


def test_closing_without_service_ends_the_enrolment(world, signed_in):
    referral = send(world)
    provider = signed_in("provider")
    _post_step(provider, referral, "start", role="child")
    refused = _post_step(provider, referral, "close", reason="no_show", outcome="")
    assert refused.status_code == 200
    closed = _post_step(
        provider, referral, "close", reason="no_show", outcome="Never came"
    )
    assert closed.status_code == 302
    enrolment = Enrolment.objects.get(referral=referral)
    assert enrolment.end_reason == "other" and enrolment.ended_on is not None


@pytest.mark.parametrize(
    "persona", ["worker_b1", "worker_pz", "nurse", "conf_member", "outsider", "admin"]
)
def test_a_referral_is_out_of_reach_of_others(world, signed_in, persona):
    referral = send(world)
    response = signed_in(persona).get(reverse("referrals:detail", args=[referral.pk]))
    assert response.status_code == 404


def test_the_supervisor_sees_the_team_referral_read_only(world, signed_in):
    referral = send(world)
    page = signed_in("sup_a").get(reverse("referrals:detail", args=[referral.pk]))
    assert page.status_code == 200 and GIVEN in page.text
    assert 'data-step="accept"' not in page.text
    team = signed_in("sup_a").get(reverse("referrals:list") + "?who=team")
    assert referral.reference in team.text


def test_the_person_page_lists_the_referrals(world, signed_in):
    referral = send(world)
    page = signed_in("worker_a1").get(
        reverse("people:detail", args=[referral.person_id])
    )
    assert referral.reference in page.text
    assert f"person={referral.person_id}" in page.text


def test_roles_without_referrals_cannot_open_the_lists(world, signed_in):
    assert signed_in("data_pr").get(reverse("referrals:list")).status_code == 403
    assert signed_in("worker_a1").get(reverse("referrals:incoming")).status_code == 403
    assert signed_in("provider").get(reverse("referrals:list")).status_code == 403
    assert signed_in("provider").get(reverse("referrals:new")).status_code == 403


def test_a_family_that_moved_away_ends_the_enrolment_as_moved(world, signed_in):
    referral = send(world)
    provider = signed_in("provider")
    _post_step(provider, referral, "start", role="child")
    _post_step(provider, referral, "close", reason="moved", outcome="Moved to Peja")
    assert Enrolment.objects.get(referral=referral).end_reason == "moved"
