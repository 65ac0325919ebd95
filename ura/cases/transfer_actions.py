"""Moving a case to another agency: proposed by the side that has it, accepted or
declined by the side that would receive it, or withdrawn by whoever proposed it.

Access follows the case: accepting changes its agency, worker and supervisor and
``case_grants_sync`` ends the old team's case grants and opens the new team's in
the same transaction, so both sides notice on their very next request.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.cases import CaseUse, may_on_case
from ura.access.rules import Permission, agencies_where, may
from ura.accounts.models import Agency, AgencyType, Membership, Role, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.actions import (
    NotAllowed,
    case_event,
    case_grants_sync,
    supervisor_of,
)
from ura.cases.consent import sharing_allowed
from ura.cases.models import Case, CaseEventKind, Transfer, TransferStatus
from ura.cases.models.transfer import ConsentOverride
from ura.core.versioning import save_versioned


def may_propose_transfer(user: User, case: Case) -> bool:
    return may(user, Permission.TRANSFER_CASES) and may_on_case(
        user, case, CaseUse.WORK
    )


def may_decide_transfer(user: User, transfer: Transfer) -> bool:
    """A supervisor of the receiving agency."""
    if not may(user, Permission.DECIDE_TRANSFERS):
        return False
    return (
        agencies_where(user, Role.SUPERVISOR).filter(pk=transfer.to_agency_id).exists()
    )


def _already_open() -> ValidationError:
    return ValidationError(
        _(
            "A transfer of this case is already waiting for an answer. Wait for it, "
            "or withdraw it first."
        ),
        code="open_transfer",
    )


def _check_target(case: Case, to_agency: Agency) -> None:
    if to_agency.pk == case.agency_id:
        raise ValidationError({"to_agency": _("The case is already with this agency.")})
    if not to_agency.is_active or to_agency.type != AgencyType.SOCIAL_WORK:
        raise ValidationError(
            {"to_agency": _("A case can only move to an active social work agency.")}
        )


def _check_consent(case: Case, to_agency: Agency, without_consent: str) -> str:
    """The ground recorded for going ahead without consent, or "" with consent."""
    if sharing_allowed(case, to_agency):
        return ""
    if without_consent in ConsentOverride.values:
        return without_consent
    raise ValidationError(
        {
            "without_consent": _(
                "The consents recorded on this case do not allow sharing it with "
                "%(agency)s. Record the consent first, or say why the case must move "
                "without it."
            )
            % {"agency": to_agency.name}
        }
    )


def _transfer_detail(transfer: Transfer) -> str:
    detail = f"case {transfer.case_id} to agency {transfer.to_agency_id}"
    if transfer.without_consent:
        detail += f", without consent: {transfer.without_consent}"
    return detail


def transfer_propose(
    *,
    actor: User,
    case: Case,
    to_agency: Agency,
    reason: str,
    without_consent: str = "",
    request: HttpRequest | None = None,
) -> Transfer:
    """Propose moving the case to another social work agency, with a reason."""
    if not may_propose_transfer(actor, case):
        raise NotAllowed
    if not case.is_open:
        raise ValidationError(_("A closed case cannot be transferred."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case should move.")})
    _check_target(case, to_agency)
    try:
        with transaction.atomic():
            # The case row is locked so that two proposals cannot pass the check
            # together; the constraint is the last word if they somehow do.
            Case.objects.select_for_update().filter(pk=case.pk).first()
            if case.transfers.filter(status=TransferStatus.PROPOSED).exists():
                raise _already_open()
            override = _check_consent(case, to_agency, without_consent)
            transfer = Transfer(
                case=case,
                from_agency_id=case.agency_id,
                to_agency=to_agency,
                reason=reason.strip(),
                without_consent=override,
                proposed_by=actor,
                proposed_at=timezone.now(),
            )
            transfer.full_clean()
            transfer.save(force_insert=True)
            case_event(
                case,
                actor=actor,
                kind=CaseEventKind.TRANSFER_PROPOSED,
                detail=to_agency.name
                + (f" ({transfer.get_without_consent_display()})" if override else ""),
            )
            record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=transfer,
                fields=["case", "to_agency", "reason"]
                + (["without_consent"] if override else []),
                detail=_transfer_detail(transfer),
                request=request,
            )
    except IntegrityError:
        raise _already_open() from None
    return transfer


def _lock_open(transfer: Transfer) -> Transfer:
    stored = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if stored.status != TransferStatus.PROPOSED:
        raise ValidationError(
            _("This transfer was already decided or withdrawn."), code="decided"
        )
    return stored


def _check_new_worker(worker: User, agency_id: int) -> None:
    works_there = Membership.objects.filter(
        user=worker,
        agency_id=agency_id,
        is_active=True,
        role__in=[Role.SOCIAL_WORKER, Role.SUPERVISOR],
    ).exists()
    if not (worker.is_active and works_there):
        raise ValidationError(
            {"worker": _("The new worker must be a social worker of your agency.")}
        )


def transfer_accept(
    *,
    actor: User,
    transfer: Transfer,
    worker: User,
    request: HttpRequest | None = None,
) -> Transfer:
    """The receiving agency takes the case and names its new responsible worker."""
    if not may_decide_transfer(actor, transfer):
        raise NotAllowed
    _check_new_worker(worker, transfer.to_agency_id)
    with transaction.atomic():
        stored = _lock_open(transfer)
        case = Case.objects.select_for_update().get(pk=stored.case_id)
        if not case.is_open:
            raise ValidationError(_("The case was closed; it cannot be transferred."))
        # Consent may have been withdrawn since the proposal: honour it.
        if not stored.without_consent and not sharing_allowed(
            case, stored.to_agency_id
        ):
            raise ValidationError(
                _(
                    "Consent to sharing the case with your agency was withdrawn "
                    "after the transfer was proposed. Decline it."
                )
            )
        case.agency_id = stored.to_agency_id
        case.worker = worker
        case.supervisor = supervisor_of(worker, stored.to_agency_id) or actor
        save_versioned(
            case,
            expected_version=case.version,
            update_fields=["agency", "worker", "supervisor", "updated_at"],
        )
        case_grants_sync(case, actor=actor)
        stored.status = TransferStatus.ACCEPTED
        stored.decided_by = actor
        stored.decided_at = timezone.now()
        stored.save(update_fields=["status", "decided_by", "decided_at"])
        case_event(
            case,
            actor=actor,
            kind=CaseEventKind.TRANSFER_ACCEPTED,
            detail=stored.to_agency.name,
        )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=["status", "decided_by"],
            detail=f"accepted, {_transfer_detail(stored)}",
            request=request,
        )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=case,
            fields=["agency", "worker", "supervisor"],
            detail=f"transfer {stored.pk} accepted",
            request=request,
        )
    _copy_decision(stored, transfer)
    return transfer


def transfer_decline(
    *,
    actor: User,
    transfer: Transfer,
    comment: str,
    request: HttpRequest | None = None,
) -> Transfer:
    """The receiving agency says no, and why; the case stays where it is."""
    if not may_decide_transfer(actor, transfer):
        raise NotAllowed
    if not comment.strip():
        raise ValidationError({"comment": _("Say why your agency declines the case.")})
    with transaction.atomic():
        stored = _lock_open(transfer)
        stored.status = TransferStatus.DECLINED
        stored.decided_by = actor
        stored.decided_at = timezone.now()
        stored.comment = comment.strip()
        stored.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        case_event(
            stored.case,
            actor=actor,
            kind=CaseEventKind.TRANSFER_DECLINED,
            detail=stored.to_agency.name,
        )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=["status", "decided_by", "comment"],
            detail=f"declined, {_transfer_detail(stored)}",
            request=request,
        )
    _copy_decision(stored, transfer)
    return transfer


def transfer_withdraw(
    *, actor: User, transfer: Transfer, request: HttpRequest | None = None
) -> Transfer:
    """Whoever proposed the transfer takes it back before it is decided."""
    if transfer.proposed_by_id != actor.pk or not may_propose_transfer(
        actor, transfer.case
    ):
        raise NotAllowed
    with transaction.atomic():
        stored = _lock_open(transfer)
        stored.status = TransferStatus.WITHDRAWN
        stored.decided_by = actor
        stored.decided_at = timezone.now()
        stored.save(update_fields=["status", "decided_by", "decided_at"])
        case_event(stored.case, actor=actor, kind=CaseEventKind.TRANSFER_WITHDRAWN)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=["status"],
            detail=f"withdrawn, {_transfer_detail(stored)}",
            request=request,
        )
    _copy_decision(stored, transfer)
    return transfer


def _copy_decision(stored: Transfer, transfer: Transfer) -> None:
    for name in ("status", "decided_by", "decided_at", "comment"):
        setattr(transfer, name, getattr(stored, name))
