"""/api/v1/visiting: the visits made to a family, read and posted by a mobile app
with the same rules, checks and audit as the pages.

A nurse's app reads the worklist (``worklist_api``), goes to the door, and posts
the visit with an ``Idempotency-Key``: a post repeated after a lost answer gets the
first visit back (200), never a second one.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from ura.access.rules import Permission, may
from ura.api.errors import FieldErrors
from ura.api.writes import KeyReused, Mapped, api_write, idempotent_create
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.actions import NotAllowed as CaseNotAllowed
from ura.cases.models import Concern, ConsentGiver, RiskLevel
from ura.referrals.models import Urgency
from ura.visiting import concerns, queries, visit_queries
from ura.visiting.actions import NotAllowed
from ura.visiting.models import (
    ConcernAction,
    Enrolment,
    Feeding,
    HomeSafety,
    Immunisation,
    Milestones,
    Present,
    ScheduledVisit,
    Visit,
    VisitConcern,
)
from ura.visiting.visit_actions import (
    Observations,
    likely_depression,
    visit_correct,
    visit_record,
)

router = Router(tags=["visiting"])
# The action's field names as the API's.
RENAMED = {"scheduled": "scheduled_id"}


class VisitIn(Schema):
    visited_on: date
    scheduled_id: int | None = None
    present: list[Present]
    weight_kg: Decimal | None = None
    length_cm: Decimal | None = None
    head_cm: Decimal | None = None
    feeding: Feeding | None = None
    immunisation: Immunisation | None = None
    milestones: Milestones | None = None
    milestones_note: str = ""
    maternal_screening_score: int | None = None
    home_safety: HomeSafety | None = None
    home_safety_note: str = ""
    concerns: list[VisitConcern] = []
    concern_note: str = ""
    notes: str = ""


class VisitPatch(VisitIn):
    """A correction: the whole visit as it should read, and the version it
    starts from; the expected visit it fulfils stays."""

    version: int


class ReferIn(Schema):
    concern: VisitConcern
    who: Literal["child", "caregiver"]
    service_id: int
    urgency: Urgency = Urgency.ROUTINE
    reason: str
    consent_given_by: ConsentGiver | None = None
    consent_given_on: date | None = None
    eligibility_note: str = ""


class ReportIn(Schema):
    concern: VisitConcern
    agency_id: int
    risk_level: RiskLevel
    case_concerns: list[Concern]
    summary: str


class ConcernActionOut(Schema):
    concern: str
    referral_id: int | None
    referral_reference: str | None
    referral_status: str | None
    case_id: int | None
    case_reference: str | None
    case_stage: str | None


class VisitMadeOut(Schema):
    id: int
    enrolment_id: int
    scheduled_id: int | None
    scheduled_name: str | None
    visited_on: date
    nurse_id: int
    centre_id: int
    age_days: int | None
    present: list[str]
    weight_kg: Decimal | None
    length_cm: Decimal | None
    head_cm: Decimal | None
    weight_z: float | None
    length_z: float | None
    head_z: float | None
    bmi_z: float | None
    feeding: str
    immunisation: str
    milestones: str
    milestones_note: str
    maternal_screening_score: int | None
    likely_depression: bool
    home_safety: str
    home_safety_note: str
    concerns: list[str]
    concern_note: str
    notes: str
    recorded_at: datetime
    version: int


class VisitDetailOut(VisitMadeOut):
    actions: list[ConcernActionOut]


def _require(request: HttpRequest) -> None:
    if not may(request.user, Permission.ENROL_FAMILIES):
        raise PermissionDenied


def _rounded(z: float | None) -> float | None:
    return None if z is None else round(z, 2)


def visit_out(v: Visit) -> dict:
    return {
        "id": v.pk,
        "enrolment_id": v.enrolment_id,
        "scheduled_id": v.scheduled_id,
        "scheduled_name": v.scheduled.name if v.scheduled_id else None,
        "visited_on": v.visited_on,
        "nurse_id": v.nurse_id,
        "centre_id": v.centre_id,
        "age_days": v.age_days,
        "present": list(v.present),
        "weight_kg": v.weight_kg,
        "length_cm": v.length_cm,
        "head_cm": v.head_cm,
        "weight_z": _rounded(v.weight_z),
        "length_z": _rounded(v.length_z),
        "head_z": _rounded(v.head_z),
        "bmi_z": _rounded(v.bmi_z),
        "feeding": v.feeding,
        "immunisation": v.immunisation,
        "milestones": v.milestones,
        "milestones_note": v.milestones_note,
        "maternal_screening_score": v.maternal_screening_score,
        "likely_depression": likely_depression(v.maternal_screening_score),
        "home_safety": v.home_safety,
        "home_safety_note": v.home_safety_note,
        "concerns": list(v.concerns),
        "concern_note": v.concern_note,
        "notes": v.notes,
        "recorded_at": v.created_at,
        "version": v.version,
    }


def _action_out(a) -> dict:  # noqa: ANN001
    referral, case = a.referral, a.case
    return {
        "concern": a.concern,
        "referral_id": a.referral_id,
        "referral_reference": referral.reference if referral else None,
        "referral_status": referral.status if referral else None,
        "case_id": a.case_id,
        "case_reference": case.reference if case else None,
        "case_stage": case.stage if case else None,
    }


def _detail(request: HttpRequest, visit_id: int) -> dict:
    visit = visit_queries.access_visit(request.user, visit_id)
    page = visit_queries.visit_page(user=request.user, visit=visit, request=request)
    return {**visit_out(visit), "actions": [_action_out(a) for a in page.actions]}


def _scheduled(enrolment: Enrolment, scheduled_id: int | None) -> ScheduledVisit | None:
    if scheduled_id is None:
        return None
    scheduled = enrolment.scheduled_visits.filter(pk=scheduled_id).first()
    if scheduled is None:
        raise FieldErrors(
            {"scheduled_id": [_("That visit is not on this family's schedule.")]}
        )
    return scheduled


def _observations(payload: VisitIn | VisitPatch) -> Observations:
    def code(value) -> str:  # noqa: ANN001
        return value.value if value is not None else ""

    return Observations(
        present=[p.value for p in payload.present],
        weight_kg=payload.weight_kg,
        length_cm=payload.length_cm,
        head_cm=payload.head_cm,
        feeding=code(payload.feeding),
        immunisation=code(payload.immunisation),
        milestones=code(payload.milestones),
        milestones_note=payload.milestones_note,
        maternal_screening_score=payload.maternal_screening_score,
        home_safety=code(payload.home_safety),
        home_safety_note=payload.home_safety_note,
        concerns=[c.value for c in payload.concerns],
        concern_note=payload.concern_note,
        notes=payload.notes,
    )


@router.get(
    "/enrolments/{int:enrolment_id}/visits",
    response=list[VisitMadeOut],
    url_name="visiting_visit_list",
)
@paginate(PageNumberPagination, page_size=50)
def visit_list(request: HttpRequest, enrolment_id: int):  # noqa: ANN201
    """The visits made to the family, the latest first."""
    _require(request)
    enrolment = queries.access_enrolment(request.user, enrolment_id)
    visits = enrolment.visits.select_related("scheduled").order_by("-visited_on", "-pk")
    record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=enrolment,
        fields=["visits"],
        detail="api visits",
        request=request,
    )
    return Mapped(visits, visit_out)


@router.post(
    "/enrolments/{int:enrolment_id}/visits",
    response={201: VisitDetailOut, 200: VisitDetailOut},
    url_name="visiting_visit_create",
)
def visit_create(request: HttpRequest, enrolment_id: int, payload: VisitIn):  # noqa: ANN201
    """Record a visit made to the family; with ``scheduled_id`` the expected visit
    it fulfils is done. With an ``Idempotency-Key`` header a retry gets the first
    visit (200) instead of a second one."""
    _require(request)
    enrolment = queries.access_enrolment(request.user, enrolment_id)
    scheduled = _scheduled(enrolment, payload.scheduled_id)
    seen = _observations(payload)

    def create() -> Visit:
        return api_write(
            lambda: visit_record(
                actor=request.user,
                enrolment=enrolment,
                visited_on=payload.visited_on,
                scheduled=scheduled,
                seen=seen,
                request=request,
            ),
            not_allowed=(NotAllowed,),
            rename=RENAMED,
        )

    return idempotent_create(
        request,
        "visiting.visit",
        create,
        lambda pk: _detail(request, pk),
        not_allowed=(NotAllowed,),
    )


@router.get(
    "/visits/{int:visit_id}",
    response=VisitDetailOut,
    url_name="visiting_visit_detail",
)
def visit_detail(request: HttpRequest, visit_id: int):  # noqa: ANN201
    """A visit, its z-scores and what its concerns became."""
    _require(request)
    return _detail(request, visit_id)


@router.patch(
    "/visits/{int:visit_id}",
    response=VisitDetailOut,
    url_name="visiting_visit_update",
)
def visit_update(request: HttpRequest, visit_id: int, payload: VisitPatch):  # noqa: ANN201
    """Correct a visit (``version`` required: 409 when someone changed it since);
    the z-scores are computed again. ``scheduled_id`` is ignored."""
    _require(request)
    visit = visit_queries.access_visit(request.user, visit_id)
    api_write(
        lambda: visit_correct(
            actor=request.user,
            visit=visit,
            expected_version=payload.version,
            visited_on=payload.visited_on,
            seen=_observations(payload),
            request=request,
        ),
        not_allowed=(NotAllowed,),
    )
    return _detail(request, visit_id)


# --- From a concern to action -----------------------------------------------------

# The actions' field names as the API's.
ACTION_FIELDS = {
    "service": "service_id",
    "agency": "agency_id",
    "concerns": "case_concerns",
    "report_summary": "summary",
    "person": "who",
}


def _action(request: HttpRequest, visit_id: int, pk: int) -> dict:
    action = (
        ConcernAction.objects.filter(visit_id=visit_id, pk=pk)
        .select_related("referral", "case")
        .first()
    )
    if action is None:  # the key's first use was on another visit
        raise KeyReused
    return _action_out(action)


def _act(request: HttpRequest, visit_id: int, run) -> object:  # noqa: ANN001
    return idempotent_create(
        request,
        "visiting.concern_action",
        lambda: api_write(
            run,
            not_allowed=(NotAllowed, CaseNotAllowed),
            rename=ACTION_FIELDS,
        ),
        lambda pk: _action(request, visit_id, pk),
        not_allowed=(NotAllowed, CaseNotAllowed),
    )


@router.post(
    "/visits/{int:visit_id}/referral",
    response={201: ConcernActionOut, 200: ConcernActionOut},
    url_name="visiting_concern_refer",
)
def concern_refer(request: HttpRequest, visit_id: int, payload: ReferIn):  # noqa: ANN201
    """Refer the child or the caregiver to a service for a concern seen at the
    visit (the referral's origin is the visit). With an ``Idempotency-Key`` a
    retry gets the first referral (200)."""
    _require(request)
    visit = visit_queries.access_visit(request.user, visit_id)
    service = (
        concerns.services_for(request.user, visit, shown=None)
        .filter(pk=payload.service_id)
        .first()
    )
    if service is None:
        raise FieldErrors(
            {
                "service_id": [
                    _("Choose a service taking referrals for the family's place.")
                ]
            }
        )
    return _act(
        request,
        visit_id,
        lambda: concerns.concern_refer(
            actor=request.user,
            visit=visit,
            concern=payload.concern.value,
            who=payload.who,
            service=service,
            urgency=payload.urgency.value,
            reason=payload.reason,
            consent_given_by=(
                payload.consent_given_by.value if payload.consent_given_by else ""
            ),
            consent_given_on=payload.consent_given_on,
            eligibility_note=payload.eligibility_note,
            request=request,
        ),
    )


@router.post(
    "/visits/{int:visit_id}/report",
    response={201: ConcernActionOut, 200: ConcernActionOut},
    url_name="visiting_concern_report",
)
def concern_report(request: HttpRequest, visit_id: int, payload: ReportIn):  # noqa: ANN201
    """Report the child to a centre for social work: a child protection case
    opens there. With an ``Idempotency-Key`` a retry gets the first case (200)."""
    _require(request)
    visit = visit_queries.access_visit(request.user, visit_id)
    agency = concerns.centres_for(visit).filter(pk=payload.agency_id).first()
    if agency is None:
        raise FieldErrors(
            {"agency_id": [_("Choose a centre for social work to report to.")]}
        )
    return _act(
        request,
        visit_id,
        lambda: concerns.concern_report(
            actor=request.user,
            visit=visit,
            concern=payload.concern.value,
            agency=agency,
            risk_level=payload.risk_level.value,
            case_concerns=[c.value for c in payload.case_concerns],
            summary=payload.summary,
            request=request,
        ),
    )
