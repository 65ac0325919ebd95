"""/api/v1/visiting: enrolments and their schedules, with the same rules, actions
and audit as the pages."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from ura.access.models import GrantLevel
from ura.access.rules import Permission, access_person, may
from ura.accounts.models import Agency, User
from ura.api.errors import FieldErrors
from ura.api.writes import Mapped, api_write, idempotent_create
from ura.visiting import actions, queries
from ura.visiting.models import (
    Enrolment,
    EnrolmentEndReason,
    EnrolmentKind,
    PriorityReason,
    Protocol,
)

router = Router(tags=["visiting"])
# The actions name the records; the API's fields carry their ids.
ID_FIELDS = {
    name: f"{name}_id"
    for name in ("caregiver", "child", "household", "centre", "nurse", "protocol")
}


class PersonOut(Schema):
    id: int
    given_name: str | None
    family_name: str | None


class VisitOut(Schema):
    id: int
    name: str
    sections: list[str]
    opens_on: date
    due_on: date
    overdue_on: date
    closes_on: date
    status: str
    done_on: date | None


class EnrolmentOut(Schema):
    id: int
    kind: str
    status: str
    caregiver: PersonOut
    child: PersonOut | None
    household_id: int | None
    expected_delivery_on: date | None
    born_on: date | None
    centre_id: int
    nurse_id: int
    protocol_id: int
    priority_reasons: list[str]
    priority_note: str
    enrolled_on: date
    ended_on: date | None
    end_reason: str
    next_due_on: date | None = None
    overdue_count: int = 0
    version: int


class EnrolmentDetailOut(EnrolmentOut):
    schedule: list[VisitOut]


class ListFilters(Schema):
    status: str = "active"


class EnrolmentIn(Schema):
    kind: EnrolmentKind
    caregiver_id: int | None = None
    child_id: int | None = None
    household_id: int | None = None
    expected_delivery_on: date | None = None
    born_on: date | None = None
    centre_id: int
    nurse_id: int
    priority_reasons: list[PriorityReason] = []
    priority_note: str = ""
    protocol_id: int | None = None


class EnrolmentPatch(Schema):
    version: int
    protocol_id: int
    priority_reasons: list[PriorityReason] = []
    priority_note: str = ""
    expected_delivery_on: date | None = None


class BirthIn(Schema):
    version: int
    child_id: int
    born_on: date


class EndIn(Schema):
    version: int
    reason: EnrolmentEndReason
    ended_on: date | None = None


def person_out(person, shown: bool) -> dict | None:  # noqa: ANN001
    """A person of an enrolment: the id always, the names only where shown."""
    if person is None:
        return None
    return {
        "id": person.pk,
        "given_name": person.given_name if shown else None,
        "family_name": person.family_name if shown else None,
    }


def enrolment_out(e: Enrolment, *, caregiver: bool, child: bool) -> dict:
    return {
        "id": e.pk,
        "kind": e.kind,
        "status": e.status,
        "caregiver": person_out(e.caregiver, caregiver),
        "child": person_out(e.child, child),
        "household_id": e.household_id,
        "expected_delivery_on": e.expected_delivery_on,
        "born_on": e.born_on,
        "centre_id": e.centre_id,
        "nurse_id": e.nurse_id,
        "protocol_id": e.protocol_id,
        "priority_reasons": list(e.priority_reasons),
        "priority_note": e.priority_note,
        "enrolled_on": e.enrolled_on,
        "ended_on": e.ended_on,
        "end_reason": e.end_reason,
        "next_due_on": getattr(e, "next_due_on", None),
        "overdue_count": getattr(e, "overdue_count", None) or 0,
        "version": e.version,
    }


def _require(request: HttpRequest) -> None:
    if not may(request.user, Permission.ENROL_FAMILIES):
        raise PermissionDenied


@router.get(
    "/enrolments", response=list[EnrolmentOut], url_name="visiting_enrolment_list"
)
@paginate(PageNumberPagination, page_size=50)
def enrolment_list(request: HttpRequest, filters: Query[ListFilters]):  # noqa: ANN201
    """The families of the nurse's caseload, or of the manager's centre.
    ``status``: active (default), ended or all."""
    _require(request)
    rows = queries.enrolment_list(user=request.user, status=filters.status)
    queries.list_audited(
        user=request.user, request=request, count=rows.count(), page="api list"
    )
    return Mapped(
        rows,
        lambda e: enrolment_out(e, caregiver=e.caregiver_shown, child=e.child_shown),
    )


def _detail(request: HttpRequest, enrolment_id: int) -> dict:
    enrolment = queries.access_enrolment(request.user, enrolment_id)
    page = queries.enrolment_page(
        user=request.user, enrolment=enrolment, request=request
    )
    return {
        **enrolment_out(
            enrolment, caregiver=page.caregiver_shown, child=page.child_shown
        ),
        "schedule": [
            {
                "id": v.pk,
                "name": v.name,
                "sections": list(v.sections),
                "opens_on": v.opens_on,
                "due_on": v.due_on,
                "overdue_on": v.overdue_on,
                "closes_on": v.closes_on,
                "status": v.status,
                "done_on": v.done_on,
            }
            for v in page.visits
        ],
    }


@router.get(
    "/enrolments/{int:enrolment_id}",
    response=EnrolmentDetailOut,
    url_name="visiting_enrolment_detail",
)
def enrolment_detail(request: HttpRequest, enrolment_id: int):  # noqa: ANN201
    """The enrolment and its schedule, each visit with its status today."""
    _require(request)
    return _detail(request, enrolment_id)


def _write(write: Callable[[], Any]) -> Any:
    """Run an action; its refusals as the API answers them (422 per field, 409
    stale, 404 for people out of reach)."""
    return api_write(
        write,
        not_allowed=(actions.NotAllowed,),
        not_allowed_as=Http404,
        rename=ID_FIELDS,
    )


def _full_person(user: User, person_id: int | None):  # noqa: ANN202
    if person_id is None:
        return None
    person, level = access_person(user, person_id)
    if level != GrantLevel.FULL:
        raise Http404
    return person


def _protocol(protocol_id: int | None, field: str = "protocol_id") -> Protocol | None:
    if protocol_id is None:
        return None
    protocol = Protocol.objects.filter(pk=protocol_id, is_active=True).first()
    if protocol is None:
        raise FieldErrors({field: [_("Choose a protocol in use.")]})
    return protocol


@router.post(
    "/enrolments",
    response={201: EnrolmentDetailOut, 200: EnrolmentDetailOut},
    url_name="visiting_enrolment_create",
)
def enrolment_create(request: HttpRequest, payload: EnrolmentIn):  # noqa: ANN201
    """Enrol a family. With an ``Idempotency-Key`` header a retry gets the first
    enrolment (200) instead of a second one."""
    _require(request)
    user = request.user
    caregiver = _full_person(user, payload.caregiver_id)
    child = _full_person(user, payload.child_id)
    household = None
    if payload.household_id is not None:
        from ura.people.households import household_of_visible

        household = household_of_visible(user, payload.household_id)
    centre = Agency.objects.filter(pk=payload.centre_id).first()
    nurse = User.objects.filter(pk=payload.nurse_id).first()
    protocol = _protocol(payload.protocol_id)

    def create() -> Enrolment:
        # Inside ``_write`` so that the refusals name the API's fields.
        return _write(lambda: enrol())

    def enrol() -> Enrolment:
        return actions.enrolment_create(
            actor=user,
            kind=payload.kind.value,
            family=actions.Family(
                caregiver=caregiver, child=child, household=household
            ),
            centre=centre,
            nurse=nurse,
            expected_delivery_on=payload.expected_delivery_on,
            born_on=payload.born_on,
            priority_reasons=[r.value for r in payload.priority_reasons],
            priority_note=payload.priority_note,
            protocol=protocol,
            request=request,
        )

    return idempotent_create(
        request,
        "visiting.enrolment",
        create,
        lambda pk: _detail(request, pk),
        not_allowed=(actions.NotAllowed,),
    )


@router.patch(
    "/enrolments/{int:enrolment_id}",
    response=EnrolmentDetailOut,
    url_name="visiting_enrolment_update",
)
def enrolment_update(request: HttpRequest, enrolment_id: int, payload: EnrolmentPatch):  # noqa: ANN201
    """Change the protocol, the reasons for priority or (before the birth) the
    expected date of delivery; the visits not done are rescheduled."""
    _require(request)
    enrolment = queries.access_enrolment(request.user, enrolment_id)
    protocol = _protocol(payload.protocol_id)
    _write(
        lambda: actions.enrolment_update(
            actor=request.user,
            enrolment=enrolment,
            expected_version=payload.version,
            protocol=protocol,
            priority_reasons=[r.value for r in payload.priority_reasons],
            priority_note=payload.priority_note,
            expected_delivery_on=payload.expected_delivery_on
            if enrolment.born_on is None
            else enrolment.expected_delivery_on,
            request=request,
        )
    )
    return _detail(request, enrolment_id)


@router.post(
    "/enrolments/{int:enrolment_id}/birth",
    response=EnrolmentDetailOut,
    url_name="visiting_enrolment_birth",
)
def enrolment_birth(request: HttpRequest, enrolment_id: int, payload: BirthIn):  # noqa: ANN201
    """Record the birth: the child's record and date of birth."""
    _require(request)
    enrolment = queries.access_enrolment(request.user, enrolment_id)
    child = _full_person(request.user, payload.child_id)
    _write(
        lambda: actions.enrolment_record_birth(
            actor=request.user,
            enrolment=enrolment,
            expected_version=payload.version,
            child=child,
            born_on=payload.born_on,
            request=request,
        )
    )
    return _detail(request, enrolment_id)


@router.post(
    "/enrolments/{int:enrolment_id}/end",
    response=EnrolmentDetailOut,
    url_name="visiting_enrolment_end",
)
def enrolment_end(request: HttpRequest, enrolment_id: int, payload: EndIn):  # noqa: ANN201
    """End the enrolment; the nurse's access to the family ends with it."""
    _require(request)
    enrolment = queries.access_enrolment(request.user, enrolment_id)
    _write(
        lambda: actions.enrolment_end(
            actor=request.user,
            enrolment=enrolment,
            expected_version=payload.version,
            reason=payload.reason.value,
            ended_on=payload.ended_on,
            request=request,
        )
    )
    return _detail(request, enrolment_id)
