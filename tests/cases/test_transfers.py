"""Transfers between agencies through the pages: proposed, accepted (access follows
the case), declined, withdrawn; consent checked; the inbox shows the minimum."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cases.helpers import open_case
from tests.world import PASSWORD, World
from ura.access.cases import visible_cases
from ura.accounts.models import Membership, Role, Team, User
from ura.audit.models import AuditAction, AuditEvent
from ura.cases.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    CaseNote,
    Consent,
    Transfer,
    TransferStatus,
)
from ura.cases.transfer_actions import transfer_accept, transfer_propose

pytestmark = pytest.mark.django_db

REPORT_CANARY = "ReportCanaryZq81"
NOTE_CANARY = "NoteCanaryXw27"
REASON = "The family moved to Prizren last month"


def add_receiving_supervisor(world: World) -> User:
    """csw_pz has no supervisor in the shared world: add one over worker_pz."""
    user = User.objects.create_user(username="sup_pz", password=PASSWORD)
    agency = world.agencies["csw_pz"]
    Membership.objects.create(user=user, agency=agency, role=Role.SUPERVISOR)
    team = Team.objects.create(agency=agency, name="PZ", supervisor=user)
    team.members.add(world.users["worker_pz"])
    world.users["sup_pz"] = user
    world.teams["team_pz"] = team
    return user


def consent_to(world: World, case: Case, agency: str = "csw_pz") -> Consent:
    consent = Consent.objects.create(
        case=case,
        given_by="mother",
        given_on=date.today(),
        to_services=True,
        to_sharing=True,
        recorded_by=case.worker,
    )
    consent.agencies.add(world.agencies[agency])
    return consent


def propose(world: World, case: Case, *, actor: str = "worker_a1", **extra) -> Transfer:  # noqa: ANN003
    return transfer_propose(
        actor=world.users[actor],
        case=case,
        to_agency=world.agencies["csw_pz"],
        reason=REASON,
        **extra,
    )


@pytest.fixture
def sup_pz(world: World) -> User:
    return add_receiving_supervisor(world)


def test_a_transfer_walks_from_proposal_to_the_new_agency(world, signed_in, sup_pz):
    case = open_case(world, report_summary=REPORT_CANARY)
    consent_to(world, case)
    worker = signed_in("worker_a1")
    page = worker.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:transfer_propose", args=[case.pk]) in page

    response = worker.post(
        reverse("cases:transfer_propose", args=[case.pk]),
        {"to_agency": world.agencies["csw_pz"].pk, "reason": REASON},
    )
    assert response.status_code == 302
    page = worker.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Proposed to csw_pz by worker_a1, waiting for their answer." in page

    # The receiving supervisor decides from the inbox, without seeing the case.
    receiver = signed_in("sup_pz")
    assert receiver.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    inbox = receiver.get(reverse("cases:transfers_incoming")).content.decode()
    assert case.reference in inbox
    transfer = Transfer.objects.get(case=case)
    decide = receiver.get(reverse("cases:transfer_decide", args=[transfer.pk]))
    assert REASON in decide.content.decode()
    response = receiver.post(
        reverse("cases:transfer_accept", args=[transfer.pk]),
        {"worker": world.users["worker_pz"].pk},
    )
    assert response.status_code == 302

    case.refresh_from_db()
    assert case.agency == world.agencies["csw_pz"]
    assert case.worker == world.users["worker_pz"]
    assert case.supervisor == sup_pz
    # Access followed the case on the very next request.
    for old in ("worker_a1", "sup_a"):
        response = signed_in(old).get(reverse("cases:detail", args=[case.pk]))
        assert response.status_code == 404, old
    page = signed_in("worker_pz").get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    assert REPORT_CANARY in page.content.decode()
    assert "Accepted" in page.content.decode()
    assert receiver.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert {CaseEventKind.TRANSFER_PROPOSED, CaseEventKind.TRANSFER_ACCEPTED} <= kinds
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE,
        object_type="cases.case",
        object_id=str(case.pk),
        detail=f"transfer {transfer.pk} accepted",
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="cases.transfer"
    ).exists()
    # Gone from the inbox once decided.
    inbox = receiver.get(reverse("cases:transfers_incoming")).content.decode()
    assert case.reference not in inbox


def test_the_inbox_shows_only_what_is_needed_to_decide(world, signed_in, sup_pz):
    case = open_case(world, report_summary=REPORT_CANARY, concerns=("trafficking",))
    CaseNote.objects.create(
        case=case,
        author=world.users["worker_a1"],
        happened_on=date.today(),
        kind="phone",
        body=NOTE_CANARY,
    )
    consent_to(world, case)
    transfer = propose(world, case)
    receiver = signed_in("sup_pz")
    person = world.people["own"]
    for url in (
        reverse("cases:transfers_incoming"),
        reverse("cases:transfer_decide", args=[transfer.pk]),
    ):
        body = receiver.get(url).content.decode()
        assert case.reference in body
        assert person.given_name in body and person.family_name in body
        assert str(person.age_on(date.today())) in body
        assert "Prishtina" in body
        assert "Trafficking" in body
        assert "High" in body
        assert "Identification and registration" in body
        # Not the case's content, nor the child's full record.
        assert REPORT_CANARY not in body
        assert NOTE_CANARY not in body
        assert person.address not in body
        assert "2015" not in body
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        object_type="people.person",
        object_id=str(person.pk),
        actor_id=sup_pz.pk,
        detail=f"level minimal, transfer {transfer.pk}",
    ).exists()


def test_the_inbox_makes_the_same_queries_for_one_transfer_or_many(
    world, signed_in, sup_pz
):
    receiver = signed_in("sup_pz")
    url = reverse("cases:transfers_incoming")
    first = open_case(world)
    consent_to(world, first)
    propose(world, first)
    receiver.get(url)
    with CaptureQueriesContext(connection) as one:
        receiver.get(url)
    cases = [first]
    for person, worker in (("team_shared", "worker_a1"), ("team", "worker_a2")):
        case = open_case(world, person=person, worker=worker)
        consent_to(world, case)
        propose(world, case, actor=worker)
        cases.append(case)
    with CaptureQueriesContext(connection) as three:
        body = receiver.get(url).content.decode()
    assert all(case.reference in body for case in cases)
    assert len(three) == len(one)


def test_the_receiving_side_declines_with_a_comment(world, signed_in, sup_pz):
    case = open_case(world)
    consent_to(world, case)
    transfer = propose(world, case)
    receiver = signed_in("sup_pz")
    url = reverse("cases:transfer_decline", args=[transfer.pk])
    response = receiver.post(url, {"comment": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    response = receiver.post(url, {"comment": "No capacity: caseload full"})
    assert response.status_code == 302
    transfer.refresh_from_db()
    case.refresh_from_db()
    assert transfer.status == TransferStatus.DECLINED
    assert transfer.decided_by == sup_pz
    assert case.agency == world.agencies["csw_pr"]
    assert case.worker == world.users["worker_a1"]
    assert not visible_cases(world.users["worker_pz"]).filter(pk=case.pk).exists()
    page = signed_in("worker_a1").get(reverse("cases:detail", args=[case.pk]))
    body = page.content.decode()
    assert "Declined" in body
    assert "No capacity: caseload full" in body
    assert CaseEvent.objects.filter(
        case=case, kind=CaseEventKind.TRANSFER_DECLINED
    ).exists()
    # Already decided: out of the inbox, and a second answer finds nothing.
    response = receiver.post(
        reverse("cases:transfer_accept", args=[transfer.pk]),
        {"worker": world.users["worker_pz"].pk},
    )
    assert response.status_code == 404


def test_the_proposer_withdraws_and_may_propose_again(world, signed_in, sup_pz):
    case = open_case(world)
    consent_to(world, case)
    transfer = propose(world, case)
    url = reverse("cases:transfer_withdraw", args=[case.pk, transfer.pk])
    # The case's supervisor did not propose it: not theirs to withdraw.
    assert signed_in("sup_a").post(url).status_code == 403
    response = signed_in("worker_a1").post(url)
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.WITHDRAWN
    receiver = signed_in("sup_pz")
    assert (
        case.reference
        not in receiver.get(reverse("cases:transfers_incoming")).content.decode()
    )
    decide = reverse("cases:transfer_decide", args=[transfer.pk])
    assert receiver.get(decide).status_code == 404
    body = signed_in("worker_a1").get(reverse("cases:detail", args=[case.pk]))
    assert "Withdrawn" in body.content.decode()
    assert propose(world, case).status == TransferStatus.PROPOSED


def test_without_consent_the_transfer_is_refused_unless_a_ground_is_recorded(
    world, signed_in, sup_pz
):
    case = open_case(world)
    consent_to(world, case, agency="police_pr")  # covers another agency only
    client = signed_in("worker_a1")
    url = reverse("cases:transfer_propose", args=[case.pk])
    form = {"to_agency": world.agencies["csw_pz"].pk, "reason": REASON}
    response = client.post(url, form)
    body = response.content.decode()
    assert response.status_code == 200
    assert "do not allow sharing it with csw_pz" in body
    assert REASON in body  # what was typed stays on the page
    assert not Transfer.objects.exists()

    response = client.post(url, {**form, "without_consent": "child_safety"})
    assert response.status_code == 302
    transfer = Transfer.objects.get(case=case)
    assert transfer.without_consent == "child_safety"
    assert AuditEvent.objects.filter(
        object_type="cases.transfer",
        object_id=str(transfer.pk),
        detail__contains="without consent: child_safety",
    ).exists()
    inbox = signed_in("sup_pz").get(
        reverse("cases:transfer_decide", args=[transfer.pk])
    )
    assert "The child&#x27;s safety requires the transfer" in inbox.content.decode()


def test_consent_withdrawn_before_the_answer_stops_the_transfer(world, sup_pz):
    case = open_case(world)
    consent = consent_to(world, case)
    transfer = propose(world, case)
    Consent.objects.filter(pk=consent.pk).update(withdrawn_on=date.today())
    with pytest.raises(ValidationError, match="withdrawn"):
        transfer_accept(
            actor=sup_pz, transfer=transfer, worker=world.users["worker_pz"]
        )
    case.refresh_from_db()
    assert case.agency == world.agencies["csw_pr"]


def test_a_second_transfer_or_one_to_the_own_agency_is_refused(
    world, signed_in, sup_pz
):
    case = open_case(world)
    consent_to(world, case)
    propose(world, case)
    client = signed_in("worker_a1")
    response = client.post(
        reverse("cases:transfer_propose", args=[case.pk]),
        {"to_agency": world.agencies["csw_pz"].pk, "reason": "Again"},
    )
    assert "already waiting for an answer" in response.content.decode()
    assert Transfer.objects.filter(case=case).count() == 1
    with pytest.raises(ValidationError, match="already with this agency"):
        transfer_propose(
            actor=world.users["worker_a1"],
            case=case,
            to_agency=world.agencies["csw_pr"],
            reason=REASON,
        )
    # Only social work agencies are offered.
    response = client.post(
        reverse("cases:transfer_propose", args=[case.pk]),
        {"to_agency": world.agencies["police_pr"].pk, "reason": REASON},
    )
    assert "Select a valid choice" in response.content.decode()


def test_the_new_worker_must_work_for_the_receiving_agency(world, signed_in, sup_pz):
    case = open_case(world)
    consent_to(world, case)
    transfer = propose(world, case)
    response = signed_in("sup_pz").post(
        reverse("cases:transfer_accept", args=[transfer.pk]),
        {"worker": world.users["worker_a2"].pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError, match="social worker of your agency"):
        transfer_accept(
            actor=sup_pz, transfer=transfer, worker=world.users["worker_a2"]
        )
    case.refresh_from_db()
    assert case.worker == world.users["worker_a1"]


def test_outsiders_and_other_workers_cannot_touch_a_transfer(world, signed_in, sup_pz):
    case = open_case(world)
    consent_to(world, case)
    transfer = propose(world, case)
    propose_url = reverse("cases:transfer_propose", args=[case.pk])
    withdraw_url = reverse("cases:transfer_withdraw", args=[case.pk, transfer.pk])
    # Workers who do not see the case: as if it did not exist.
    for persona in ("worker_a2", "worker_b1", "sup_b", "worker_pz", "outsider"):
        client = signed_in(persona)
        assert client.get(propose_url).status_code == 404, persona
        assert client.post(withdraw_url).status_code == 404, persona
    # No DECIDE_TRANSFERS: no inbox.
    for persona in ("worker_a1", "worker_pz", "conf_member", "data_pr", "outsider"):
        inbox = signed_in(persona).get(reverse("cases:transfers_incoming"))
        assert inbox.status_code == 403, persona
    # A supervisor of another agency does not see transfers to csw_pz.
    sup_a = signed_in("sup_a")
    assert (
        case.reference
        not in sup_a.get(reverse("cases:transfers_incoming")).content.decode()
    )
    for name in ("cases:transfer_decide",):
        assert sup_a.get(reverse(name, args=[transfer.pk])).status_code == 404
    for name in ("cases:transfer_accept", "cases:transfer_decline"):
        response = sup_a.post(
            reverse(name, args=[transfer.pk]),
            {"worker": world.users["worker_a2"].pk, "comment": "no"},
        )
        assert response.status_code == 404, name
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PROPOSED
    # A conference member who sees a case may not propose its transfer.
    assert signed_in("conf_member").get(propose_url).status_code == 404
