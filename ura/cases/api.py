"""The case itself through the API: list, open, read, edit, assign, transfer.

Mounted at ``/cases`` next to the routers for a case's work (assessments, notes,
documents, ...), which own the paths below ``/cases/{id}/<their part>``. The same
``ura.access`` rules and the same actions as the pages: 404 for a case out of
sight, 403 for a case in sight that the caller may not change.
"""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from ura.access.cases import CaseUse, access_case, may_on_case
from ura.access.rules import Permission, access_person, may
from ura.accounts.models import Agency, User
from ura.api.errors import FieldErrors
from ura.api.writes import Mapped, api_write, idempotent_create
from ura.cases import actions, queries, transfer_actions, transfer_queries
from ura.cases.models import Case, Transfer
from ura.cases.schemas import (
    AcceptIn,
    AssignIn,
    CaseDetailOut,
    CaseFilters,
    CaseIn,
    CaseOut,
    CasePatch,
    DeclineIn,
    IncomingTransferOut,
    TransferIn,
    TransferOut,
)

router = Router(tags=["cases"])

CASE_TYPE = "cases.case"


def _require(request: HttpRequest, permission: Permission) -> None:
    if not may(request.user, permission):
        raise PermissionDenied


def _user_ref(user: User | None) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


def case_out(case: Case, *, concerns: list[str], summary: str | None = None) -> dict:
    return {
        "id": case.pk,
        "reference": case.reference,
        "person": {
            "id": case.person_id,
            "given_name": case.person.given_name,
            "family_name": case.person.family_name,
        },
        "status": case.status,
        "stage": case.stage,
        "risk_level": case.risk_level,
        "concerns": concerns,
        "worker": _user_ref(case.worker),
        "supervisor": _user_ref(case.supervisor),
        "agency": {"id": case.agency_id, "name": case.agency.name},
        "reported_on": case.reported_on,
        "reported_by": case.reported_by,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "next_step": case.next_step,
        "next_due_at": case.next_due_at,
        "overdue": bool(case.next_due_at and case.next_due_at < timezone.now()),
        "version": case.version,
        "report_summary": summary,
    }


def _concerns(case: Case) -> list[str]:
    return list(case.concerns.order_by("concern").values_list("concern", flat=True))


def _team_view(case: Case) -> dict:
    """The case after a change by its team: with what was reported."""
    return case_out(case, concerns=_concerns(case), summary=case.report_summary)


# The case actions' NotAllowed is a 403.
_write = partial(api_write, not_allowed=(actions.NotAllowed,))
# An open or already decided transfer is a conflict; the rest are field errors,
# named as the API names them.
_transfer_write = partial(
    api_write,
    not_allowed=(actions.NotAllowed,),
    conflicts=("open_transfer", "decided"),
    rename={"to_agency": "to_agency_id", "worker": "worker_id"},
)


# The case itself ----------------------------------------------------------------


@router.get("", response=list[CaseOut])
@paginate(PageNumberPagination, page_size=50)
def case_list(request: HttpRequest, filters: Query[CaseFilters]):  # noqa: ANN201
    """The cases that reach the caller, the most urgent first; ``mine`` keeps the
    cases the caller is responsible for, ``overdue`` those past their deadline."""
    _require(request, Permission.VIEW_CASES)
    wanted = {k: getattr(v, "value", v) for k, v in filters.dict().items()}
    if wanted["status"] == "all":
        wanted["status"] = ""
    cases = queries.case_search(user=request.user, filters=wanted).select_related(
        "supervisor", "agency"
    )
    return Mapped(
        cases, lambda c: case_out(c, concerns=[x.concern for x in c.concerns.all()])
    )


@router.post("", response={201: CaseDetailOut, 200: CaseDetailOut})
def case_create(request: HttpRequest, payload: CaseIn):  # noqa: ANN201
    """Open a case for a child the caller sees in full; the caller becomes its
    responsible worker. Send an ``Idempotency-Key`` header so that a retry after a
    lost answer returns the same case instead of opening a second one."""
    _require(request, Permission.OPEN_CASE)

    def case_open() -> Case:
        # Read after the key is looked up: a retry gets its first answer even
        # where the child would no longer pass.
        person, _level = access_person(request.user, payload.person_id, to_edit=True)
        return actions.case_open(
            actor=request.user,
            person=person,
            risk_level=payload.risk_level.value,
            reported_on=payload.reported_on,
            reported_by=payload.reported_by.value,
            concerns=payload.concerns,
            report_summary=payload.report_summary,
            request=request,
        )

    return idempotent_create(
        request,
        CASE_TYPE,
        case_open,
        lambda pk: _case_detail(request, pk),
        not_allowed=(actions.NotAllowed,),
    )


def _case_detail(request: HttpRequest, case_id: object) -> dict:
    page = queries.case_page(user=request.user, case_id=case_id, request=request)
    case = page.case
    return case_out(
        case,
        concerns=_concerns(case),
        summary=case.report_summary if page.may_work else None,
    )


@router.get("/{int:case_id}", response=CaseDetailOut)
def case_detail(request: HttpRequest, case_id: int):  # noqa: ANN201
    """The case's summary; what was reported only for its team. Audited."""
    _require(request, Permission.VIEW_CASES)
    return _case_detail(request, case_id)


@router.patch("/{int:case_id}", response=CaseDetailOut)
def case_update(request: HttpRequest, case_id: int, payload: CasePatch):  # noqa: ANN201
    """Change the report, risk level or concerns; ``version`` must be the one last
    read, else 409 and nothing changes."""
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    concerns = data.pop("concerns", None)
    data = {k: getattr(v, "value", v) for k, v in data.items() if v is not None}
    _write(
        lambda: actions.case_update(
            actor=request.user,
            case=case,
            data=data,
            concerns=concerns,
            expected_version=version,
            request=request,
        )
    )
    return _team_view(case)


@router.post("/{int:case_id}/assign", response=CaseDetailOut)
def case_assign(request: HttpRequest, case_id: int, payload: AssignIn):  # noqa: ANN201
    """A supervisor gives the case to another worker of its agency."""
    case = access_case(request.user, case_id, to=CaseUse.ASSIGN)
    worker = User.objects.filter(pk=payload.worker_id, is_active=True).first()
    if worker is None:
        raise FieldErrors({"worker_id": [_("No such worker.")]})
    _write(
        lambda: actions.case_assign(
            actor=request.user,
            case=case,
            worker=worker,
            expected_version=payload.version,
            request=request,
        ),
        rename={"worker": "worker_id"},
    )
    return _team_view(case)


# Transfers -------------------------------------------------------------------------


def transfer_out(transfer: Transfer, *, show_text: bool) -> dict:
    return {
        "id": transfer.pk,
        "case_id": transfer.case_id,
        "from_agency": {
            "id": transfer.from_agency_id,
            "name": transfer.from_agency.name,
        },
        "to_agency": {"id": transfer.to_agency_id, "name": transfer.to_agency.name},
        "status": transfer.status,
        "without_consent": transfer.without_consent,
        "proposed_by": _user_ref(transfer.proposed_by),
        "proposed_at": transfer.proposed_at,
        "decided_by": _user_ref(transfer.decided_by),
        "decided_at": transfer.decided_at,
        "reason": transfer.reason if show_text else None,
        "comment": transfer.comment if show_text else None,
    }


@router.post("/{int:case_id}/transfers", response={201: TransferOut})
def case_transfer_propose(request: HttpRequest, case_id: int, payload: TransferIn):  # noqa: ANN201
    """Propose moving the case to another social work agency. Without consent to
    sharing with that agency, ``without_consent`` must say why it moves anyway."""
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    _require(request, Permission.TRANSFER_CASES)
    to_agency = Agency.objects.filter(pk=payload.to_agency_id).first()
    if to_agency is None:
        raise FieldErrors({"to_agency_id": [_("No such agency.")]})
    transfer = _transfer_write(
        lambda: transfer_actions.transfer_propose(
            actor=request.user,
            case=case,
            to_agency=to_agency,
            reason=payload.reason,
            without_consent=payload.without_consent.value
            if payload.without_consent
            else "",
            request=request,
        )
    )
    return Status(201, transfer_out(transfer, show_text=True))


@router.get("/{int:case_id}/transfers", response=list[TransferOut])
@paginate(PageNumberPagination, page_size=50)
def case_transfer_list(request: HttpRequest, case_id: int):  # noqa: ANN201
    """The case's transfers, newest first; reasons and comments for its team."""
    case = access_case(request.user, case_id)
    show_text = may_on_case(request.user, case, CaseUse.WORK)
    transfers = case.transfers.select_related(
        "from_agency", "to_agency", "proposed_by", "decided_by"
    )
    return Mapped(transfers, lambda t: transfer_out(t, show_text=show_text))


@router.post(
    "/{int:case_id}/transfers/{int:transfer_id}/withdraw", response=TransferOut
)
def case_transfer_withdraw(request: HttpRequest, case_id: int, transfer_id: int):  # noqa: ANN201
    """Whoever proposed the transfer takes it back before it is answered."""
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    transfer = transfer_queries.case_transfer(case, transfer_id)
    _transfer_write(
        lambda: transfer_actions.transfer_withdraw(
            actor=request.user, transfer=transfer, request=request
        )
    )
    return transfer_out(transfer, show_text=True)


@router.get("/transfers/incoming", response=list[IncomingTransferOut])
@paginate(PageNumberPagination, page_size=50)
def case_transfers_incoming(request: HttpRequest):  # noqa: ANN201
    """Cases proposed to the caller's agency, the longest waiting first, with only
    what is needed to decide. Audited."""
    _require(request, Permission.DECIDE_TRANSFERS)
    return Mapped(
        transfer_queries.incoming_transfers(request.user),
        page=lambda rows: [
            summary.as_dict()
            for summary in transfer_queries.incoming_audited(
                user=request.user, transfers=rows, request=request
            )
        ],
    )


@router.get("/transfers/{int:transfer_id}", response=IncomingTransferOut)
def case_transfer_incoming_detail(request: HttpRequest, transfer_id: int):  # noqa: ANN201
    _require(request, Permission.DECIDE_TRANSFERS)
    _transfer, summary = transfer_queries.incoming_transfer(
        user=request.user, transfer_id=transfer_id, request=request
    )
    return summary.as_dict()


@router.post("/transfers/{int:transfer_id}/accept", response=TransferOut)
def case_transfer_accept(request: HttpRequest, transfer_id: int, payload: AcceptIn):  # noqa: ANN201
    """Take the case into the caller's agency with ``worker_id`` responsible for
    it; the proposing agency's worker and supervisor lose it."""
    _require(request, Permission.DECIDE_TRANSFERS)
    transfer = transfer_queries.incoming_transfer_to_decide(
        user=request.user, transfer_id=transfer_id
    )
    worker = User.objects.filter(pk=payload.worker_id).first()
    if worker is None:
        raise FieldErrors({"worker_id": [_("No such worker.")]})
    _transfer_write(
        lambda: transfer_actions.transfer_accept(
            actor=request.user, transfer=transfer, worker=worker, request=request
        )
    )
    return transfer_out(transfer, show_text=True)


@router.post("/transfers/{int:transfer_id}/decline", response=TransferOut)
def case_transfer_decline(request: HttpRequest, transfer_id: int, payload: DeclineIn):  # noqa: ANN201
    """Decline the case, saying why; it stays with the proposing agency."""
    _require(request, Permission.DECIDE_TRANSFERS)
    transfer = transfer_queries.incoming_transfer_to_decide(
        user=request.user, transfer_id=transfer_id
    )
    _transfer_write(
        lambda: transfer_actions.transfer_decline(
            actor=request.user,
            transfer=transfer,
            comment=payload.comment,
            request=request,
        )
    )
    return transfer_out(transfer, show_text=True)
