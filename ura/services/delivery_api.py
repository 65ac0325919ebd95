"""/api/v1/services: enrolments, groups, sessions and attendance, through the same
access rules, actions and audit as the pages."""

from collections.abc import Callable
from typing import TypeVar

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from ura.access.rules import visible_people
from ura.api.errors import FieldErrors
from ura.api.writes import Mapped, api_write, idempotent_create
from ura.services import delivery_actions as actions
from ura.services import delivery_queries as queries
from ura.services.delivery_attendance import AttendanceRowErrors, Mark
from ura.services.delivery_schemas import (
    AttendanceOut,
    AttendanceSheetIn,
    EnrolmentEndIn,
    EnrolmentFilters,
    EnrolmentGroupIn,
    EnrolmentIn,
    EnrolmentOut,
    GroupIn,
    GroupOut,
    GroupPatch,
    SessionIn,
    SessionOut,
    SessionPatch,
    SessionRemove,
)
from ura.services.models import Enrolment, ServiceGroup, Session

router = Router(tags=["services"])
T = TypeVar("T")


# --- Shapes -------------------------------------------------------------------


def enrolment_out(e: Enrolment, shown: dict) -> dict:
    person = shown.get(e.person_id)
    return {
        "id": e.pk,
        "service_id": e.service_id,
        "person_id": e.person_id,
        "person": {
            "id": person.pk,
            "given_name": person.given_name,
            "family_name": person.family_name,
        }
        if person
        else None,
        "role": e.role,
        "group_id": e.group_id,
        "referral_id": e.referral_id,
        "enrolled_on": e.enrolled_on,
        "ended_on": e.ended_on,
        "end_reason": e.end_reason,
        "version": e.version,
    }


def group_out(g: ServiceGroup) -> dict:
    return {
        "id": g.pk,
        "service_id": g.service_id,
        "name": g.name,
        "is_active": g.is_active,
    }


def session_out(s: Session) -> dict:
    count = getattr(s, "attendance_count", None)
    return {
        "id": s.pk,
        "service_id": s.service_id,
        "group_id": s.group_id,
        "held_on": s.held_on,
        "kind": s.kind,
        "activity": s.activity,
        "topic": s.topic,
        "attendance_count": s.attendance.count() if count is None else count,
        "version": s.version,
    }


def _enrolments(user, rows: QuerySet[Enrolment]) -> Mapped:  # noqa: ANN001
    """Enrolments a page at a time; the names of a page's people in one query."""

    def page(enrolments: list[Enrolment]) -> list[dict]:
        shown = queries.people_shown(user, {e.person_id for e in enrolments})
        return [enrolment_out(e, shown) for e in enrolments]

    return Mapped(rows, page=page)


def _enrolment(request: HttpRequest, pk: int) -> dict:
    e = queries.access_enrolment(request.user, pk)
    return enrolment_out(e, queries.people_shown(request.user, {e.person_id}))


# --- Input --------------------------------------------------------------------


def _write(run: Callable[[], T]) -> T:
    """``api_write``, with a sheet's bad rows named by their index
    (``attendance.3``) rather than folded into one ``attendance`` message."""

    def rows_named() -> T:
        try:
            return run()
        except AttendanceRowErrors as exc:
            raise FieldErrors(
                {f"attendance.{i}": messages for i, messages in exc.rows.items()}
            ) from exc

    return api_write(rows_named)


def _group(service, group_id: int | None) -> ServiceGroup | None:  # noqa: ANN001
    if group_id is None:
        return None
    group = service.groups.filter(pk=group_id).first()
    if group is None:
        raise FieldErrors({"group_id": [_("No such group in this service.")]})
    return group


# --- Enrolments ---------------------------------------------------------------


@router.get("/enrolments", response=list[EnrolmentOut])
@paginate(PageNumberPagination, page_size=50)
def services_enrolment_list(request: HttpRequest, filters: Query[EnrolmentFilters]):  # noqa: ANN201
    """The enrolments of the caller's services; people not shared with the caller
    show with ``person`` null."""
    queries.require_recording(request.user)
    rows = Enrolment.objects.filter(service__in=queries.my_services(request.user))
    data = filters.dict(exclude_none=True)
    if "service_id" in data:
        rows = rows.filter(service_id=data["service_id"])
    if "group_id" in data:
        rows = rows.filter(group_id=data["group_id"])
    if "role" in data:
        rows = rows.filter(role=str(data["role"]))
    if data.get("active") is True:
        rows = rows.filter(ended_on__isnull=True)
    elif data.get("active") is False:
        rows = rows.filter(ended_on__isnull=False)
    if data:
        queries.caseload_searched(
            user=request.user,
            service=None,
            filters=sorted(data),
            count=rows.count(),
            request=request,
        )
    return _enrolments(request.user, rows.order_by("-enrolled_on", "-pk"))


@router.post("/enrolments", response={201: EnrolmentOut, 200: EnrolmentOut})
def services_enrolment_create(request: HttpRequest, payload: EnrolmentIn):  # noqa: ANN201
    """Enrol a person the caller sees. A person already enrolled (not ended) in the
    service keeps that enrolment: the answer is 200 with it."""
    data = payload.dict()
    service = queries.access_service(request.user, data["service_id"])
    person = visible_people(request.user).filter(pk=data["person_id"]).first()
    if person is None:
        raise FieldErrors({"person_id": [_("No such person shared with you.")]})
    group = _group(service, data["group_id"])

    def create() -> tuple[Enrolment, bool]:
        already = Enrolment.objects.filter(
            service=service, person=person, ended_on__isnull=True
        ).exists()
        enrolment = actions.enrol(
            actor=request.user,
            service=service,
            person=person,
            role=str(data["role"]),
            enrolled_on=data["enrolled_on"],
            group=group,
            request=request,
        )
        return enrolment, not already

    return idempotent_create(
        request, "services.enrolment", create, lambda pk: _enrolment(request, pk)
    )


@router.get("/enrolments/{int:enrolment_id}", response=EnrolmentOut)
def services_enrolment_detail(request: HttpRequest, enrolment_id: int):  # noqa: ANN201
    return _enrolment(request, enrolment_id)


@router.post("/enrolments/{int:enrolment_id}/end", response=EnrolmentOut)
def services_enrolment_end(
    request: HttpRequest, enrolment_id: int, payload: EnrolmentEndIn
):  # noqa: ANN201
    """End an enrolment; ``version`` must be the one last read, else 409."""
    enrolment = queries.access_enrolment(request.user, enrolment_id)
    data = payload.dict()
    _write(
        lambda: actions.enrolment_end(
            actor=request.user,
            enrolment=enrolment,
            ended_on=data["ended_on"],
            end_reason=str(data["end_reason"]),
            expected_version=data["version"],
            request=request,
        )
    )
    return _enrolment(request, enrolment_id)


@router.post("/enrolments/{int:enrolment_id}/group", response=EnrolmentOut)
def services_enrolment_group(
    request: HttpRequest, enrolment_id: int, payload: EnrolmentGroupIn
):  # noqa: ANN201
    enrolment = queries.access_enrolment(request.user, enrolment_id)
    group = _group(enrolment.service, payload.group_id)
    _write(
        lambda: actions.enrolment_group_set(
            actor=request.user,
            enrolment=enrolment,
            group=group,
            expected_version=payload.version,
            request=request,
        )
    )
    return _enrolment(request, enrolment_id)


# --- Groups -------------------------------------------------------------------


@router.get("/{int:service_id}/groups", response=list[GroupOut])
@paginate(PageNumberPagination, page_size=50)
def services_group_list(request: HttpRequest, service_id: int):  # noqa: ANN201
    service = queries.access_service(request.user, service_id)
    return Mapped(service.groups.order_by("name", "pk"), group_out)


@router.post("/{int:service_id}/groups", response={201: GroupOut})
def services_group_create(request: HttpRequest, service_id: int, payload: GroupIn):  # noqa: ANN201
    service = queries.access_service(request.user, service_id)
    group = _write(
        lambda: actions.group_create(
            actor=request.user, service=service, name=payload.name, request=request
        )
    )
    return Status(201, group_out(group))


@router.patch("/groups/{int:group_id}", response=GroupOut)
def services_group_update(request: HttpRequest, group_id: int, payload: GroupPatch):  # noqa: ANN201
    group = queries.access_group(request.user, group_id)
    name = payload.name if payload.name is not None else group.name
    active = payload.is_active if payload.is_active is not None else group.is_active
    _write(
        lambda: actions.group_update(
            actor=request.user,
            group=group,
            name=name,
            is_active=active,
            request=request,
        )
    )
    return group_out(group)


# --- Sessions and attendance ----------------------------------------------------


def _marks(rows: list[dict]) -> list[Mark]:
    return [Mark(r["enrolment_id"], str(r["presence"])) for r in rows]


def _session(request: HttpRequest, pk: int) -> dict:
    session = queries.access_session(request.user, pk)
    return session_out(session)


@router.get("/{int:service_id}/sessions", response=list[SessionOut])
@paginate(PageNumberPagination, page_size=50)
def services_session_list(request: HttpRequest, service_id: int):  # noqa: ANN201
    service = queries.access_service(request.user, service_id)
    sessions = service.sessions.annotate(attendance_count=Count("attendance"))
    return Mapped(sessions.order_by("-held_on", "-pk"), session_out)


@router.post("/sessions", response={201: SessionOut, 200: SessionOut})
def services_session_create(request: HttpRequest, payload: SessionIn):  # noqa: ANN201
    """A session and its attendance rows in one call, all or nothing. A bad row is
    named by its index (``attendance.3``). Sent again (with the same
    ``Idempotency-Key``, or a group session of the same group, day and activity)
    it is counted once: 200 with the session already recorded."""
    data = payload.dict()
    service = queries.access_service(request.user, data["service_id"])
    group = _group(service, data["group_id"])
    key = request.headers.get("Idempotency-Key", "")[:90]

    def create() -> tuple[Session, bool]:
        saved = actions.session_record(
            actor=request.user,
            service=service,
            held_on=data["held_on"],
            kind=str(data["kind"]),
            activity=str(data["activity"]),
            topic=data["topic"],
            group=group,
            marks=_marks(data["attendance"]),
            another=data["another_session"],
            token=f"api:{key}" if key else "",
            request=request,
        )
        return saved.session, saved.created

    session, created = _write(create)
    return Status(201 if created else 200, _session(request, session.pk))


@router.get("/sessions/{int:session_id}", response=SessionOut)
def services_session_detail(request: HttpRequest, session_id: int):  # noqa: ANN201
    return _session(request, session_id)


@router.get("/sessions/{int:session_id}/attendance", response=list[AttendanceOut])
@paginate(PageNumberPagination, page_size=200)
def services_attendance_list(request: HttpRequest, session_id: int):  # noqa: ANN201
    session = queries.access_session(request.user, session_id)
    rows = session.attendance.order_by("pk").values(
        "enrolment_id", "person_id", "held_on", "presence"
    )
    return rows


@router.put("/sessions/{int:session_id}/attendance", response=SessionOut)
def services_attendance_save(
    request: HttpRequest, session_id: int, payload: AttendanceSheetIn
):  # noqa: ANN201
    """Correct a session's sheet: rows sent are recorded (update or create)."""
    session = queries.access_session(request.user, session_id)
    rows = payload.dict()["attendance"]
    _write(
        lambda: actions.attendance_save(
            actor=request.user, session=session, marks=_marks(rows), request=request
        )
    )
    return _session(request, session_id)


@router.patch("/sessions/{int:session_id}", response=SessionOut)
def services_session_update(
    request: HttpRequest, session_id: int, payload: SessionPatch
):  # noqa: ANN201
    """Correct a session's day, activity or topic; its sheet moves with it."""
    session = queries.access_session(request.user, session_id)
    _write(
        lambda: actions.session_update(
            actor=request.user,
            session=session,
            expected_version=payload.version,
            held_on=payload.held_on,
            activity=str(payload.activity.value),
            topic=payload.topic,
            request=request,
        )
    )
    return _session(request, session_id)


@router.delete("/sessions/{int:session_id}", response={204: None})
def services_session_remove(
    request: HttpRequest, session_id: int, payload: SessionRemove
):  # noqa: ANN201
    """Remove a session nobody attended (recorded by mistake); 422 otherwise."""
    session = queries.access_session(request.user, session_id)
    _write(
        lambda: actions.session_delete(
            actor=request.user,
            session=session,
            expected_version=payload.version,
            request=request,
        )
    )
    return Status(204, None)
