"""/api/v1/visiting/worklist (a nurse's visits due today) and
/api/v1/visiting/coverage: the same queries, rules and audit as the pages."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from ura.access.rules import Permission, may
from ura.api.writes import Mapped
from ura.visiting import queries, worklists
from ura.visiting.api import PersonOut
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


def _person(person, shown: bool) -> dict | None:  # noqa: ANN001
    if person is None:
        return None
    return {
        "id": person.pk,
        "given_name": person.given_name if shown else None,
        "family_name": person.family_name if shown else None,
    }


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
        "caregiver": _person(e.caregiver, v.caregiver_shown),
        "child": _person(e.child, v.child_shown),
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
