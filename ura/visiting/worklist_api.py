"""/api/v1/visiting/worklist (a nurse's visits due today) and
/api/v1/visiting/coverage: the same queries, rules and audit as the pages."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from ura.access.rules import Permission, may
from ura.api.errors import FieldErrors
from ura.api.writes import Mapped
from ura.visiting import queries, worklists
from ura.visiting.api import PersonOut, person_out
from ura.visiting.coverage import Share, coverage_report, coverage_scope
from ura.visiting.coverage_forms import CoverageFilterForm, default_filters
from ura.visiting.models import ScheduledVisit

router = Router(tags=["visiting"])


class AddressOut(Schema):
    household_id: int | None
    address: str
    place_id: int
    place: str


class WorklistVisitOut(Schema):
    id: int
    enrolment_id: int
    name: str
    sections: list[str]
    status: str
    opens_on: date
    due_on: date
    overdue_on: date
    closes_on: date
    caregiver: PersonOut
    child: PersonOut | None
    expected_delivery_on: date | None
    born_on: date | None
    prioritised: bool
    address: AddressOut | None


def _address(v: ScheduledVisit) -> dict | None:
    """The household's address (or the caregiver's), to those shown a name."""
    if not (v.caregiver_shown or v.child_shown):
        return None
    e = v.enrolment
    if e.household is not None:
        where = e.household
        household_id = e.household_id
    else:
        where, household_id = e.caregiver, None
    return {
        "household_id": household_id,
        "address": where.address,
        "place_id": where.place_id,
        "place": where.place.name,
    }


def worklist_out(v: ScheduledVisit) -> dict:
    e = v.enrolment
    return {
        "id": v.pk,
        "enrolment_id": e.pk,
        "name": v.name,
        "sections": list(v.sections),
        "status": v.status,
        "opens_on": v.opens_on,
        "due_on": v.due_on,
        "overdue_on": v.overdue_on,
        "closes_on": v.closes_on,
        "caregiver": person_out(e.caregiver, v.caregiver_shown),
        "child": person_out(e.child, v.child_shown),
        "expected_delivery_on": e.expected_delivery_on,
        "born_on": e.born_on,
        "prioritised": bool(e.priority_reasons),
        "address": _address(v),
    }


@router.get("/worklist", response=list[WorklistVisitOut], url_name="visiting_worklist")
@paginate(PageNumberPagination, page_size=50)
def worklist(request: HttpRequest):  # noqa: ANN201
    """The nurse's visits due and overdue today, the most urgent first (overdue
    before due, then the soonest to close), each with its family and address."""
    user = request.user
    if not may(user, Permission.ENROL_FAMILIES) or not worklists.is_nurse(user):
        raise PermissionDenied
    rows = worklists.nurse_today(user=user)
    queries.list_audited(
        user=user, request=request, count=rows.count(), page="api worklist"
    )
    return Mapped(rows, worklist_out)


# --- Coverage ---------------------------------------------------------------


class CoverageQuery(Schema):
    year: int | None = None
    start: date | None = None
    end: date | None = None
    place: int | None = None


class ShareOut(Schema):
    infants: int | None
    met: int | None
    share: float | None


class LineOut(Schema):
    key: str
    label: str
    infants: int | None
    met: int | None
    share: float | None


class BreakdownOut(Schema):
    key: str
    label: str
    lines: list[LineOut]


class GapOut(Schema):
    key: str
    label: str
    group: ShareOut
    rest: ShareOut
    points: float | None


class CoverageOut(Schema):
    start: date
    end: date
    place_id: int | None
    suppressed: bool
    total: ShareOut
    gaps: list[GapOut]
    breakdowns: list[BreakdownOut]


def _share_out(s: Share) -> dict:
    return {"infants": s.infants, "met": s.met, "share": s.share}


@router.get("/coverage", response=CoverageOut, url_name="visiting_coverage")
def coverage(request: HttpRequest, params: Query[CoverageQuery]):  # noqa: ANN201
    """Infants who turned one in the period (``year``, or ``start`` and ``end``)
    and place (``place``), and how many received the recommended visits in their
    first year; counts only, ``null`` where a count from 1 to 4 is hidden."""
    scope = coverage_scope(request.user)
    data = {k: v for k, v in params.dict().items() if v is not None}
    form = CoverageFilterForm(data or default_filters(), scope=scope)
    if not form.is_valid():
        raise FieldErrors({k: [str(m) for m in v] for k, v in form.errors.items()})
    report = coverage_report(scope=scope, filters=form.filters())
    return {
        "start": report.filters.start,
        "end": report.filters.end,
        "place_id": report.filters.place.pk if report.filters.place else None,
        "suppressed": report.suppressed,
        "total": _share_out(report.total),
        "gaps": [
            {
                "key": g.key,
                "label": g.label,
                "group": _share_out(g.group),
                "rest": _share_out(g.rest),
                "points": g.points,
            }
            for g in report.gaps
        ],
        "breakdowns": [
            {
                "key": b.key,
                "label": b.label,
                "lines": [
                    {"key": line.key, "label": line.label, **_share_out(line.figures)}
                    for line in b.lines
                ],
            }
            for b in report.breakdowns
        ],
    }
