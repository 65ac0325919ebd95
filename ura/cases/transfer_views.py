"""Transfer pages: propose and withdraw on the case; the receiving agency's inbox
and its answer. Parse, ask ura.access, call an action or a query, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from ura.access.cases import CaseUse, access_case
from ura.access.rules import Permission, may
from ura.cases import transfer_actions, transfer_queries
from ura.cases.actions import NotAllowed
from ura.cases.transfer_forms import (
    TransferAcceptForm,
    TransferDeclineForm,
    TransferProposeForm,
)
from ura.cases.views import agency_workers
from ura.core.pagination import paginate


def _require(request: HttpRequest, permission: Permission) -> None:
    if not may(request.user, permission):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def transfer_propose(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    _require(request, Permission.TRANSFER_CASES)
    form = TransferProposeForm(
        request.POST or None, agencies=transfer_queries.transfer_targets(case)
    )
    if request.method == "POST" and form.is_valid():
        try:
            transfer_actions.transfer_propose(
                actor=request.user,
                case=case,
                to_agency=form.cleaned_data["to_agency"],
                reason=form.cleaned_data["reason"],
                without_consent=form.cleaned_data["without_consent"],
                request=request,
            )
        except ValidationError as exc:
            # What the user typed stays on the page with the message.
            form.add_error(None, exc)
        except NotAllowed:
            raise PermissionDenied from None
        else:
            messages.success(
                request, _("The transfer is proposed; the other agency will answer.")
            )
            return redirect("cases:detail", case_id=case.pk)
    context = {
        "form": form,
        "case": case,
        "consented": transfer_queries.agencies_consented(case),
    }
    return render(request, "cases/transfer_form.html", context)


@login_required
@require_POST
def transfer_withdraw(
    request: HttpRequest, case_id: int, transfer_id: int
) -> HttpResponse:
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    transfer = transfer_queries.case_transfer(case, transfer_id)
    try:
        transfer_actions.transfer_withdraw(
            actor=request.user, transfer=transfer, request=request
        )
    except NotAllowed:
        raise PermissionDenied from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The transfer is withdrawn."))
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_GET
def transfers_incoming(request: HttpRequest) -> HttpResponse:
    _require(request, Permission.DECIDE_TRANSFERS)
    page = paginate(request, transfer_queries.incoming_transfers(request.user))
    transfers = transfer_queries.incoming_audited(
        user=request.user, transfers=list(page.object_list), request=request
    )
    return render(
        request, "cases/transfer_inbox.html", {"page": page, "transfers": transfers}
    )


def _decided_meanwhile(request: HttpRequest, exc: ValidationError) -> bool:
    """Someone else answered first: the transfer has left the inbox."""
    if getattr(exc, "code", None) != "decided":
        return False
    messages.error(request, " ".join(exc.messages))
    return True


def _decide_page(
    request: HttpRequest,
    transfer_id: int,
    *,
    accept: TransferAcceptForm | None = None,
    decline: TransferDeclineForm | None = None,
) -> HttpResponse:
    transfer, summary = transfer_queries.incoming_transfer(
        user=request.user, transfer_id=transfer_id, request=request
    )
    context = {
        "transfer": summary,
        "accept": accept
        or TransferAcceptForm(workers=agency_workers(transfer.to_agency_id)),
        "decline": decline or TransferDeclineForm(),
    }
    return render(request, "cases/transfer_decide.html", context)


@login_required
@require_GET
def transfer_decide(request: HttpRequest, transfer_id: int) -> HttpResponse:
    _require(request, Permission.DECIDE_TRANSFERS)
    return _decide_page(request, transfer_id)


@login_required
@require_POST
def transfer_accept(request: HttpRequest, transfer_id: int) -> HttpResponse:
    _require(request, Permission.DECIDE_TRANSFERS)
    transfer = transfer_queries.incoming_transfer_to_decide(
        user=request.user, transfer_id=transfer_id
    )
    form = TransferAcceptForm(
        request.POST, workers=agency_workers(transfer.to_agency_id)
    )
    if form.is_valid():
        try:
            transfer_actions.transfer_accept(
                actor=request.user,
                transfer=transfer,
                worker=form.cleaned_data["worker"],
                request=request,
            )
        except ValidationError as exc:
            if _decided_meanwhile(request, exc):
                return redirect("cases:transfers_incoming")
            form.add_error(None, exc)
        except NotAllowed:
            raise PermissionDenied from None
        else:
            messages.success(
                request,
                _("Case %(ref)s is now with your agency.")
                % {"ref": transfer.case.reference},
            )
            return redirect("cases:transfers_incoming")
    return _decide_page(request, transfer_id, accept=form)


@login_required
@require_POST
def transfer_decline(request: HttpRequest, transfer_id: int) -> HttpResponse:
    _require(request, Permission.DECIDE_TRANSFERS)
    transfer = transfer_queries.incoming_transfer_to_decide(
        user=request.user, transfer_id=transfer_id
    )
    form = TransferDeclineForm(request.POST)
    if form.is_valid():
        try:
            transfer_actions.transfer_decline(
                actor=request.user,
                transfer=transfer,
                comment=form.cleaned_data["comment"],
                request=request,
            )
        except ValidationError as exc:
            if _decided_meanwhile(request, exc):
                return redirect("cases:transfers_incoming")
            form.add_error(None, exc)
        except NotAllowed:
            raise PermissionDenied from None
        else:
            messages.success(request, _("The transfer is declined."))
            return redirect("cases:transfers_incoming")
    return _decide_page(request, transfer_id, decline=form)
