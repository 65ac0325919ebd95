"""/api/v1/justice: the same records, rules, actions and audit as the pages."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from ura.access.cases import CaseUse, may_on_case
from ura.access.rules import Permission, may
from ura.api.errors import FieldErrors
from ura.api.writes import Mapped, api_write, idempotent_create
from ura.cases.models import Case
from ura.justice import actions, queries
from ura.justice.detention import DetentionStatus
from ura.justice.models import DiscriminationReport, Involvement, Measure, Proceeding
from ura.justice.schemas import (
    DetentionAlertOut,
    InvolvementIn,
    InvolvementOut,
    MeasureIn,
    MeasureOut,
    MeasurePatch,
    ProceedingIn,
    ProceedingOut,
    ProceedingPatch,
    ReportIn,
    ReportOut,
    ReportPatch,
)
from ura.places.models import Place

router = Router(tags=["justice"])

# --- Shapes -------------------------------------------------------------------


def _narratives(request: HttpRequest, case: Case) -> bool:
    return may_on_case(request.user, case, CaseUse.WORK)


def detention_out(status: DetentionStatus | None) -> dict | None:
    if status is None:
        return None
    return {
        "days": status.days,
        "limit_days": status.limit,
        "days_left": status.days_left,
        "detained_now": status.detained_now,
        "limit_reached_on": status.reached_on,
        "alert": str(status.alert),
    }


def involvement_out(i: Involvement, *, narratives: bool) -> dict:
    return {
        "id": i.pk,
        "case_id": i.case_id,
        "role": i.role,
        "since": i.since,
        "note": i.note if narratives else None,
    }


def proceeding_out(p: Proceeding) -> dict:
    return {
        "id": p.pk,
        "case_id": p.involvement.case_id,
        "involvement_id": p.involvement_id,
        "role": p.involvement.role,
        "kind": p.kind,
        "authority": p.authority,
        "authority_name": p.authority_name,
        "reference": p.reference,
        "stage": p.stage,
        "stage_since": p.stage_since,
        "stages": [{"stage": s.stage, "on": s.on} for s in p.stage_changes.all()],
        "detention": detention_out(queries.proceeding_detention(p)),
        "version": p.version,
    }


def measure_out(m: Measure, *, narratives: bool) -> dict:
    return {
        "id": m.pk,
        "proceeding_id": m.proceeding_id,
        "kind": m.kind,
        "started_on": m.started_on,
        "ended_on": m.ended_on,
        "note": m.note if narratives else None,
        "version": m.version,
    }


def report_out(r: DiscriminationReport, *, narratives: bool) -> dict:
    return {
        "id": r.pk,
        "case_id": r.case_id,
        "happened_on": r.happened_on,
        "description": r.description if narratives else None,
        "community": r.community,
        "place_code": r.place.code if r.place_id else None,
        "reported_to": r.reported_to,
        "reported_on": r.reported_on,
        "litigation_support": r.litigation_support,
        "outcome": r.outcome,
        "ruling_on": r.ruling_on,
        "version": r.version,
    }


# --- Input --------------------------------------------------------------------


def _values(data: dict) -> dict:
    return {k: (v.value if hasattr(v, "value") else v) for k, v in data.items()}


def _patch(data: dict, nullable: tuple[str, ...] = ()) -> tuple[int, dict]:
    """The fields sent, without the version; null only where a field may be empty."""
    data = _values(data)
    version = data.pop("version")
    return version, {k: v for k, v in data.items() if v is not None or k in nullable}


def _place(data: dict) -> dict:
    if "place_code" in data:
        code = data.pop("place_code")
        data["place"] = None
        if code:
            data["place"] = Place.objects.filter(code=code).first()
            if data["place"] is None:
                raise FieldErrors({"place_code": [_("Unknown place code.")]})
    return data


# The justice actions' NotAllowed is a 403.
_write = partial(api_write, not_allowed=(actions.NotAllowed,))


def _case(request: HttpRequest, case_id: int, to: CaseUse = CaseUse.VIEW) -> Case:
    return queries.access_justice_case(request.user, case_id, to=to)


# --- Contact with the law -----------------------------------------------------


@router.get("/cases/{int:case_id}/involvements", response=list[InvolvementOut])
@paginate(PageNumberPagination, page_size=50)
def involvement_list(request: HttpRequest, case_id: int):  # noqa: ANN201
    case = _case(request, case_id)
    queries.audit_view(
        user=request.user, case=case, what="involvements", request=request
    )
    narratives = _narratives(request, case)
    return Mapped(
        queries.involvements_choice(case),
        lambda i: involvement_out(i, narratives=narratives),
    )


@router.post(
    "/cases/{int:case_id}/involvements",
    response={201: InvolvementOut, 200: InvolvementOut},
)
def involvement_create(request: HttpRequest, case_id: int, payload: InvolvementIn):  # noqa: ANN201
    case = _case(request, case_id, CaseUse.WORK)
    data = _values(payload.dict())

    def load(pk: int) -> dict:
        return involvement_out(
            queries.access_involvement(request.user, pk, to=CaseUse.VIEW),
            narratives=True,
        )

    return idempotent_create(
        request,
        "justice.involvement",
        lambda: actions.involvement_add(
            actor=request.user, case=case, request=request, **data
        ),
        load,
        not_allowed=(actions.NotAllowed,),
    )


# --- Proceedings --------------------------------------------------------------


def _load_proceeding(request: HttpRequest, pk: int) -> dict:
    proceeding = queries.access_proceeding(request.user, pk, to=CaseUse.VIEW)
    return proceeding_out(
        queries.proceedings_of(proceeding.involvement.case).get(pk=pk)
    )


@router.get("/cases/{int:case_id}/proceedings", response=list[ProceedingOut])
@paginate(PageNumberPagination, page_size=50)
def proceeding_list(request: HttpRequest, case_id: int):  # noqa: ANN201
    """With each its stage history and, where the child was held in pre-trial
    detention, the days counted against the deployment's limit."""
    case = _case(request, case_id)
    queries.audit_view(
        user=request.user, case=case, what="proceedings", request=request
    )
    return Mapped(queries.proceedings_of(case), proceeding_out)


@router.post(
    "/cases/{int:case_id}/proceedings",
    response={201: ProceedingOut, 200: ProceedingOut},
)
def proceeding_create(request: HttpRequest, case_id: int, payload: ProceedingIn):  # noqa: ANN201
    case = _case(request, case_id, CaseUse.WORK)
    data = _values(payload.dict())
    involvement = (
        queries.involvements_choice(case).filter(pk=data.pop("involvement_id")).first()
    )
    if involvement is None:
        raise FieldErrors(
            {"involvement_id": [_("No such contact with the law on this case.")]}
        )
    involvement.case = case
    return idempotent_create(
        request,
        "justice.proceeding",
        lambda: actions.proceeding_add(
            actor=request.user, involvement=involvement, request=request, **data
        ),
        lambda pk: _load_proceeding(request, pk),
        not_allowed=(actions.NotAllowed,),
    )


@router.patch("/proceedings/{int:proceeding_id}", response=ProceedingOut)
def proceeding_update(
    request: HttpRequest, proceeding_id: int, payload: ProceedingPatch
):  # noqa: ANN201
    """Change fields; ``version`` must be the one last read, else 409."""
    proceeding = queries.access_proceeding(request.user, proceeding_id, to=CaseUse.WORK)
    version, data = _patch(payload.dict(exclude_unset=True))
    _write(
        lambda: actions.proceeding_update(
            actor=request.user,
            proceeding=proceeding,
            data=data,
            expected_version=version,
            request=request,
        )
    )
    return _load_proceeding(request, proceeding_id)


# --- Measures -----------------------------------------------------------------


@router.get("/cases/{int:case_id}/measures", response=list[MeasureOut])
@paginate(PageNumberPagination, page_size=50)
def measure_list(request: HttpRequest, case_id: int):  # noqa: ANN201
    case = _case(request, case_id)
    queries.audit_view(user=request.user, case=case, what="measures", request=request)
    narratives = _narratives(request, case)
    return Mapped(
        queries.measures_of(case), lambda m: measure_out(m, narratives=narratives)
    )


def _load_measure(request: HttpRequest, pk: int) -> dict:
    measure = queries.access_measure(request.user, pk, to=CaseUse.VIEW)
    return measure_out(
        measure, narratives=_narratives(request, measure.proceeding.involvement.case)
    )


@router.post(
    "/proceedings/{int:proceeding_id}/measures",
    response={201: MeasureOut, 200: MeasureOut},
)
def measure_create(request: HttpRequest, proceeding_id: int, payload: MeasureIn):  # noqa: ANN201
    proceeding = queries.access_proceeding(request.user, proceeding_id, to=CaseUse.WORK)
    data = _values(payload.dict())
    return idempotent_create(
        request,
        "justice.measure",
        lambda: actions.measure_add(
            actor=request.user, proceeding=proceeding, request=request, **data
        ),
        lambda pk: _load_measure(request, pk),
        not_allowed=(actions.NotAllowed,),
    )


@router.patch("/measures/{int:measure_id}", response=MeasureOut)
def measure_update(request: HttpRequest, measure_id: int, payload: MeasurePatch):  # noqa: ANN201
    """Most often to send ``ended_on``: the day the measure ended."""
    measure = queries.access_measure(request.user, measure_id, to=CaseUse.WORK)
    version, data = _patch(payload.dict(exclude_unset=True), nullable=("ended_on",))
    _write(
        lambda: actions.measure_update(
            actor=request.user,
            measure=measure,
            data=data,
            expected_version=version,
            request=request,
        )
    )
    return _load_measure(request, measure_id)


# --- Discrimination reports ---------------------------------------------------


@router.get("/cases/{int:case_id}/discrimination-reports", response=list[ReportOut])
@paginate(PageNumberPagination, page_size=50)
def discrimination_report_list(request: HttpRequest, case_id: int):  # noqa: ANN201
    case = _case(request, case_id)
    queries.audit_view(
        user=request.user, case=case, what="discrimination_reports", request=request
    )
    narratives = _narratives(request, case)
    return Mapped(
        queries.reports_of(case), lambda r: report_out(r, narratives=narratives)
    )


def _load_report(request: HttpRequest, pk: int) -> dict:
    report = queries.access_report(request.user, pk, to=CaseUse.VIEW)
    return report_out(report, narratives=_narratives(request, report.case))


@router.post(
    "/cases/{int:case_id}/discrimination-reports",
    response={201: ReportOut, 200: ReportOut},
)
def discrimination_report_create(request: HttpRequest, case_id: int, payload: ReportIn):  # noqa: ANN201
    case = _case(request, case_id, CaseUse.WORK)
    data = _place(_values(payload.dict()))
    return idempotent_create(
        request,
        "justice.discriminationreport",
        lambda: actions.discrimination_report_add(
            actor=request.user, case=case, data=data, request=request
        ),
        lambda pk: _load_report(request, pk),
        not_allowed=(actions.NotAllowed,),
    )


@router.patch("/discrimination-reports/{int:report_id}", response=ReportOut)
def discrimination_report_update(
    request: HttpRequest, report_id: int, payload: ReportPatch
):  # noqa: ANN201
    report = queries.access_report(request.user, report_id, to=CaseUse.WORK)
    version, data = _patch(
        payload.dict(exclude_unset=True),
        nullable=("place_code", "reported_on", "ruling_on"),
    )
    data = _place(data)
    _write(
        lambda: actions.discrimination_report_update(
            actor=request.user,
            report=report,
            data=data,
            expected_version=version,
            request=request,
        )
    )
    return _load_report(request, report_id)


# --- Detention alerts ---------------------------------------------------------


@router.get("/detention-alerts", response=list[DetentionAlertOut])
@paginate(PageNumberPagination, page_size=50)
def detention_alert_list(request: HttpRequest):  # noqa: ANN201
    """Children now in pre-trial detention, on the cases the caller sees, near
    the limit (``alert`` "near") or past it ("past"); the most urgent first."""
    if not may(request.user, Permission.VIEW_CASES):
        raise PermissionDenied
    rows = queries.detention_alerts_read(user=request.user, request=request)
    return [
        {
            "case_id": row.case.pk,
            "case_reference": row.case.reference,
            "person_id": row.case.person_id,
            "proceeding_id": row.proceeding.pk,
            "detention": detention_out(row.status),
        }
        for row in rows
    ]
