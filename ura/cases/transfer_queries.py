"""Reads of transfers: the case's own (through ``access_case``) and a receiving
agency's inbox, which shows only what is needed to decide.

A receiving supervisor does not see the case before accepting it: they get the
reference, the child's names, age and municipality, the concerns, risk level and
stage, and the reason given. Not the notes, assessments or documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from ura.access.cases import CaseUse, may_on_case
from ura.access.rules import Permission, agencies_where, may
from ura.accounts.models import Agency, AgencyType, Role, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.consent import active_consents
from ura.cases.models import Case, CaseConcern, Transfer, TransferStatus
from ura.cases.transfer_actions import may_propose_transfer
from ura.core.sections import Section


def transfer_targets(case: Case) -> QuerySet[Agency]:
    """The agencies a case may be proposed to."""
    return (
        Agency.objects.filter(is_active=True, type=AgencyType.SOCIAL_WORK)
        .exclude(pk=case.agency_id)
        .order_by("name")
    )


def agencies_consented(case: Case) -> list[Agency]:
    """The agencies the case's active consents allow sharing with."""
    return list(
        Agency.objects.filter(
            pk__in=active_consents(case).filter(to_sharing=True).values("agencies__id")
        ).order_by("name")
    )


def case_transfers(case: Case) -> list[Transfer]:
    """A case's transfers, newest first (the case was already checked)."""
    return list(
        case.transfers.select_related(
            "from_agency", "to_agency", "proposed_by", "decided_by"
        )[:50]
    )


def incoming_transfers(user: User) -> QuerySet[Transfer]:
    """The transfers waiting for the user's agency to decide, oldest first."""
    if not may(user, Permission.DECIDE_TRANSFERS):
        return Transfer.objects.none()
    return (
        Transfer.objects.filter(
            status=TransferStatus.PROPOSED,
            to_agency__in=agencies_where(user, Role.SUPERVISOR),
        )
        .select_related(
            "case__person__place", "from_agency", "to_agency", "proposed_by"
        )
        .prefetch_related(
            Prefetch("case__concerns", queryset=CaseConcern.objects.order_by("concern"))
        )
        .order_by("proposed_at", "pk")
    )


@dataclass(frozen=True)
class IncomingTransfer:
    """The minimum a receiving supervisor sees about a proposed case."""

    id: int
    case_reference: str
    given_name: str
    family_name: str
    age: int | None
    municipality: str
    concerns: list[tuple[str, str]]  # (code, label)
    risk_level: str
    risk_level_label: str
    stage: str
    stage_label: str
    reason: str
    from_agency: str
    to_agency_id: int
    proposed_by: str
    proposed_at: datetime
    without_consent: str
    without_consent_label: str

    def as_dict(self) -> dict:
        data = dict(self.__dict__)
        data["concerns"] = [code for code, _label in self.concerns]
        for name in ("risk_level_label", "stage_label", "without_consent_label"):
            data.pop(name)
        return data


def incoming_summary(transfer: Transfer) -> IncomingTransfer:
    case, person = transfer.case, transfer.case.person
    proposer = transfer.proposed_by
    return IncomingTransfer(
        id=transfer.pk,
        case_reference=case.reference,
        given_name=person.given_name,
        family_name=person.family_name,
        age=person.age_on(timezone.localdate()),
        municipality=str(person.place) if person.place_id else "",
        concerns=[(c.concern, c.get_concern_display()) for c in case.concerns.all()],
        risk_level=case.risk_level,
        risk_level_label=case.get_risk_level_display(),
        stage=case.stage,
        stage_label=case.get_stage_display(),
        reason=transfer.reason,
        from_agency=transfer.from_agency.name,
        to_agency_id=transfer.to_agency_id,
        proposed_by=proposer.get_full_name() or proposer.get_username(),
        proposed_at=transfer.proposed_at,
        without_consent=transfer.without_consent,
        without_consent_label=transfer.get_without_consent_display(),
    )


def incoming_audited(
    *, user: User, transfers: list[Transfer], request: HttpRequest | None
) -> list[IncomingTransfer]:
    """The inbox shows children's names: one event names the transfers shown."""
    if transfers:
        record(
            actor=user,
            action=AuditAction.SEARCH,
            object_type="cases.transfer",
            detail="incoming: " + ",".join(str(t.pk) for t in transfers),
            request=request,
        )
    return [incoming_summary(t) for t in transfers]


def case_transfer(case: Case, transfer_id: object) -> Transfer:
    """A transfer of a case the caller already reached through ``access_case``."""
    try:
        return case.transfers.select_related("case").get(pk=transfer_id)
    except (Transfer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def incoming_transfer_to_decide(*, user: User, transfer_id: object) -> Transfer:
    """A transfer waiting for the user's agency, or 404 (as if it did not exist)."""
    try:
        return incoming_transfers(user).get(pk=transfer_id)
    except (Transfer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def incoming_transfer(
    *, user: User, transfer_id: object, request: HttpRequest | None
) -> tuple[Transfer, IncomingTransfer]:
    """One transfer waiting for the user's agency, or 404; looking is audited on
    the child's record, at the minimal level."""
    transfer = incoming_transfer_to_decide(user=user, transfer_id=transfer_id)
    record(
        actor=user,
        action=AuditAction.VIEW,
        object_type="people.person",
        object_id=transfer.case.person_id,
        detail=f"level minimal, transfer {transfer.pk}",
        request=request,
    )
    return transfer, incoming_summary(transfer)


def case_transfer_section(user: User, case: Case) -> Section | None:
    """The "Transfer" section of a case's page."""
    transfers = case_transfers(case)
    may_propose = case.is_open and may_propose_transfer(user, case)
    if not transfers and not may_propose:
        return None
    open_transfer = next(
        (t for t in transfers if t.status == TransferStatus.PROPOSED), None
    )
    return Section(
        "cases/_section_transfer.html",
        {
            "case": case,
            # The reasons and comments are about the child: for the case's team only.
            "show_text": may_on_case(user, case, CaseUse.WORK),
            "open": open_transfer,
            "history": [t for t in transfers if t is not open_transfer],
            "may_propose": may_propose and open_transfer is None,
            "may_withdraw": bool(
                open_transfer
                and open_transfer.proposed_by_id == user.pk
                and may_propose
            ),
        },
    )
