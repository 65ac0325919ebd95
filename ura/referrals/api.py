"""/api/v1/referrals: the same rules, actions and audit as the pages."""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from ura.access.cases import CaseUse, access_case
from ura.access.models import GrantLevel
from ura.access.rules import Permission, access_person, may
from ura.api.errors import FieldErrors
from ura.api.writes import Mapped, api_write, idempotent_create
from ura.referrals import actions, queries
from ura.referrals.actions import REFERRAL_TYPE
from ura.referrals.models import Referral
from ura.referrals.schemas import (
    CloseIn,
    CompleteIn,
    DeclineIn,
    ListFilters,
    ReferralDetailOut,
    ReferralIn,
    ReferralOut,
    StartIn,
    StepIn,
)
from ura.referrals.views import STEP_ACTIONS, step_arguments

router = Router(tags=["referrals"])


def _value(v: object) -> object:
    return v.value if hasattr(v, "value") else v


def _person_out(referral: Referral) -> dict:
    p = referral.person
    return {
        "id": p.pk,
        "given_name": p.given_name,
        "family_name": p.family_name,
        "sex": p.sex,
        "age": p.age_on(timezone.localdate()),
        "municipality": str(p.place) if p.place_id else "",
    }


def referral_out(referral: Referral, *, person: bool) -> dict:
    return {
        "id": referral.pk,
        "reference": referral.reference,
        "status": referral.status,
        "urgency": referral.urgency,
        "origin": referral.origin,
        "service_id": referral.service_id,
        "service_name": referral.service.name,
        "from_agency_id": referral.from_agency_id,
        "to_agency_id": referral.to_agency_id,
        "sent_by_id": referral.sent_by_id,
        "sent_at": referral.sent_at,
        "answer_due_at": referral.answer_due_at,
        "start_due_at": referral.start_due_at,
        "received_at": referral.received_at,
        "answered_at": referral.answered_at,
        "started_at": referral.started_at,
        "ended_at": referral.ended_at,
        "overdue": queries.is_overdue(referral),
        "decline_reason": referral.decline_reason,
        "end_reason": referral.end_reason,
        "outcome": referral.outcome,
        "person": _person_out(referral) if person else None,
        "version": referral.version,
    }


def detail_out(page: queries.ReferralPage) -> dict:
    r = page.referral
    shown = page.person is not None
    return {
        **referral_out(r, person=shown),
        "case_id": r.case_id if page.person_link else None,
        "origin_id": r.origin_id,
        "reason": r.reason if shown else None,
        "eligibility_note": r.eligibility_note if shown else None,
        "shared": list(r.shared),
        "shared_values": page.shared_values,
        "answer_hours": page.answer_hours,
        "start_hours": page.start_hours,
        "steps": sorted(page.steps - {"receive"}),
        "events": [
            {"status": e.status, "at": e.at, "by_id": e.by_id, "note": e.note}
            for e in page.events
        ],
    }


@router.get("", response=list[ReferralOut])
@paginate(PageNumberPagination, page_size=50)
def referral_list(request: HttpRequest, filters: Query[ListFilters]):  # noqa: ANN201
    """Referrals, the overdue first then the newest. ``status``: open (default),
    waiting, ended, all, or one status."""
    user = request.user
    status = filters.status if filters.status in queries.STATUS_GROUPS else "open"
    if filters.side == "received":
        if not may(user, Permission.RECEIVE_REFERRALS):
            raise PermissionDenied
        rows = queries.referrals_received(
            user=user, status=status, overdue=filters.overdue
        )
    else:
        if not may(user, Permission.SEND_REFERRALS):
            raise PermissionDenied
        rows = queries.referrals_sent(
            user=user, who=filters.who, status=status, overdue=filters.overdue
        )
    if status != "open" or filters.overdue:
        queries.list_audited(
            user=user,
            request=request,
            filters={"status": status != "open", "overdue": filters.overdue},
            count=rows.count(),
        )
    sent = filters.side != "received"
    return Mapped(
        rows,
        lambda r: referral_out(r, person=r.name_visible and (sent or r.is_open)),
    )


def _load(request: HttpRequest, pk: int) -> dict:
    page = queries.referral_page(user=request.user, referral_id=pk, request=request)
    return detail_out(page)


@router.get("/{int:referral_id}", response=ReferralDetailOut)
def referral_detail(request: HttpRequest, referral_id: int):  # noqa: ANN201
    """Opening a referral marks it received (for the receiving agency) and its
    answer seen (for the sender), as the page does."""
    return _load(request, referral_id)


# A step the referral's status does not allow is a conflict, like a stale edit.
_write = partial(
    api_write, not_allowed=(actions.NotAllowed,), conflicts=("stale", "transition")
)


@router.post("", response={201: ReferralDetailOut, 200: ReferralDetailOut})
def referral_create(request: HttpRequest, payload: ReferralIn):  # noqa: ANN201
    """Send a referral. With an ``Idempotency-Key`` header a retry gets the first
    referral (200) instead of a second one."""
    user = request.user
    if not may(user, Permission.SEND_REFERRALS):
        raise PermissionDenied
    data = {k: _value(v) for k, v in payload.dict().items()}
    case = None
    if data["case_id"] is not None:
        case = access_case(user, data["case_id"], to=CaseUse.WORK)
        if case.person_id != data["person_id"]:
            raise FieldErrors({"person_id": [_("This is not the child of the case.")]})
        person = case.person
    else:
        person, level = access_person(user, data["person_id"])
        if level != GrantLevel.FULL:
            raise Http404
    service = actions.referable_services().filter(pk=data["service_id"]).first()
    if service is None:
        raise FieldErrors(
            {
                "service_id": [
                    _("This service is not active or does not take referrals.")
                ]
            }
        )

    def send() -> Referral:
        return actions.referral_send(
            actor=user,
            person=person,
            case=case,
            service=service,
            urgency=data["urgency"],
            reason=data["reason"],
            shared=[_value(s) for s in data["shared"]],
            origin=data["origin"],
            origin_id=data["origin_id"],
            consent_given_by=data["consent_given_by"] or "",
            consent_given_on=data["consent_given_on"],
            eligibility_note=data["eligibility_note"],
            request=request,
        )

    return idempotent_create(
        request,
        REFERRAL_TYPE,
        send,
        lambda pk: _load(request, pk),
        not_allowed=(actions.NotAllowed,),
    )


def _step(request: HttpRequest, referral_id: int, name: str, payload: Schema) -> dict:
    referral = queries.access_referral(request.user, referral_id)
    data = {k: _value(v) for k, v in payload.dict().items()}
    _write(
        lambda: STEP_ACTIONS[name](
            actor=request.user,
            referral=referral,
            request=request,
            **step_arguments(name, data),
        )
    )
    return _load(request, referral_id)


@router.post("/{int:referral_id}/accept", response=ReferralDetailOut)
def referral_accept(request: HttpRequest, referral_id: int, payload: StepIn):  # noqa: ANN201
    return _step(request, referral_id, "accept", payload)


@router.post("/{int:referral_id}/decline", response=ReferralDetailOut)
def referral_decline(request: HttpRequest, referral_id: int, payload: DeclineIn):  # noqa: ANN201
    return _step(request, referral_id, "decline", payload)


@router.post("/{int:referral_id}/start", response=ReferralDetailOut)
def referral_start(request: HttpRequest, referral_id: int, payload: StartIn):  # noqa: ANN201
    """Start the service: enrols the person (``role`` child or caregiver) today."""
    return _step(request, referral_id, "start", payload)


@router.post("/{int:referral_id}/complete", response=ReferralDetailOut)
def referral_complete(request: HttpRequest, referral_id: int, payload: CompleteIn):  # noqa: ANN201
    return _step(request, referral_id, "complete", payload)


@router.post("/{int:referral_id}/close", response=ReferralDetailOut)
def referral_close(request: HttpRequest, referral_id: int, payload: CloseIn):  # noqa: ANN201
    return _step(request, referral_id, "close", payload)


@router.post("/{int:referral_id}/withdraw", response=ReferralDetailOut)
def referral_withdraw(request: HttpRequest, referral_id: int, payload: StepIn):  # noqa: ANN201
    return _step(request, referral_id, "withdraw", payload)
