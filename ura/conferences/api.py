"""/api/v1/conferences: the same access rules, actions and audit as the pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from ura.access.cases import visible_cases
from ura.access.rules import Permission, may
from ura.accounts.models import Agency, User
from ura.api.errors import FieldErrors
from ura.api.writes import Mapped, api_write, idempotent_create
from ura.cases.models import Case
from ura.conferences import actions, queries
from ura.conferences.access import access_conference
from ura.conferences.models import ActionItem, Conference
from ura.conferences.schemas import (
    AttendanceIn,
    CaseIn,
    ConferenceDetailOut,
    ConferenceOut,
    ConferencePatch,
    DecisionIn,
    ItemIn,
    ItemOut,
    MemberIn,
    ProgressIn,
    ScheduleIn,
)

router = Router(tags=["conferences"])


def _require(request: HttpRequest, permission: Permission) -> None:
    if not may(request.user, permission):
        raise PermissionDenied


def _item(item: ActionItem) -> dict:
    return {
        "id": item.pk,
        "conference_id": item.conference_id,
        "case_id": item.case_id,
        "case_reference": item.case.reference if item.case_id else None,
        "description": item.description,
        "owner_user_id": item.owner_user_id,
        "owner_agency_id": item.owner_agency_id,
        "due_on": item.due_on,
        "status": item.status,
        "done_on": item.done_on,
        "progress_note": item.progress_note,
        "carried_from_id": item.carried_from_id,
        "version": item.version,
    }


def _conference(conference: Conference) -> dict:
    return {
        "id": conference.pk,
        "title": conference.title,
        "kind": conference.kind,
        "status": conference.status,
        "scheduled_at": conference.scheduled_at,
        "location": conference.location,
        "agency_id": conference.agency_id,
        "agency": str(conference.agency),
        "organiser_id": conference.organiser_id,
        "chair_id": conference.chair_id,
        "previous_id": conference.previous_id,
        "held_at": conference.held_at,
        "closed_at": conference.closed_at,
        "version": conference.version,
    }


def _detail(request: HttpRequest, conference_id: int, left_out=()) -> dict:  # noqa: ANN001
    page = queries.conference_page(
        user=request.user, conference_id=conference_id, request=request
    )
    minutes = page.shows_minutes
    return _conference(page.conference) | {
        "may_run": page.may_run,
        "shows_minutes": minutes,
        "cases": [
            {
                "case_id": row.entry.case_id,
                "reference": row.entry.case.reference,
                "child": row.entry.case.person.full_name if row.visible else None,
                "added_at": row.entry.added_at,
            }
            for row in page.table
        ],
        "members": [
            {
                "id": m.pk,
                "user_id": m.user_id,
                "name": m.display_name,
                "institution_type": m.institution_type,
                "agency_id": m.agency_id,
                "attended": m.attended,
            }
            for m in page.members
        ],
        "summary": page.conference.summary if minutes else None,
        "decisions": [
            {
                "id": d.pk,
                "case_id": d.case_id,
                "text": d.text,
                "recorded_at": d.recorded_at,
            }
            for d in page.decisions
        ]
        if minutes
        else None,
        "items": [_item(i) for i in page.items] if minutes else None,
        "left_out": [c.pk for c in left_out],
    }


# The conference actions' NotAllowed is a 403.
_write = partial(api_write, not_allowed=(actions.NotAllowed,))


def _agency(agency_id: int | None, field: str) -> Agency | None:
    if agency_id is None:
        return None
    agency = Agency.objects.filter(pk=agency_id, is_active=True).first()
    if agency is None:
        raise FieldErrors({field: [_("Unknown agency.")]})
    return agency


def _user(user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise FieldErrors({field: [_("Unknown user.")]})
    return user


def _case(request: HttpRequest, case_id: int | None, field: str) -> Case | None:
    """A case the caller sees; any other id answers as unknown."""
    if case_id is None:
        return None
    case = visible_cases(request.user).filter(pk=case_id).first()
    if case is None:
        raise FieldErrors({field: [_("Unknown case.")]})
    return case


@router.get("", response=list[ConferenceOut])
@paginate(PageNumberPagination, page_size=50)
def conference_list(request: HttpRequest, status: str = "current"):  # noqa: ANN201
    """The conferences the caller organises, chairs or is invited to
    (``status``: current, closed or all)."""
    _require(request, Permission.VIEW_CASES)
    if status not in queries.LIST_STATUSES:
        raise FieldErrors({"status": [_("Choose one of the allowed values.")]})
    conferences = queries.my_conferences(user=request.user, status=status)
    return Mapped(conferences, _conference)


@router.post("", response={201: ConferenceDetailOut, 200: ConferenceDetailOut})
def conference_schedule(request: HttpRequest, payload: ScheduleIn):  # noqa: ANN201
    """Schedule a conference; with ``previous_id``, the next one of a series,
    which starts from the cases, members and open action items of the last.
    Send an ``Idempotency-Key`` header to make a retry safe."""
    _require(request, Permission.RUN_CONFERENCES)
    # The cases left off the table are in the first answer only; a retry gets
    # the conference as it is.
    left_out: dict[int, list[Case]] = {}

    def schedule() -> Conference:
        # Read after the key is looked up: a retry gets its first answer even
        # where the previous conference or a case would no longer pass.
        previous = (
            access_conference(request.user, payload.previous_id, to_run=True)
            if payload.previous_id
            else None
        )
        agency = _agency(payload.agency_id, "agency_id")
        cases = [_case(request, pk, "case_ids") for pk in payload.case_ids]
        scheduled = actions.conference_schedule(
            actor=request.user,
            agency=agency,
            title=payload.title,
            kind=payload.kind.value,
            scheduled_at=payload.scheduled_at,
            location=payload.location,
            chair=_user(payload.chair_id, "chair_id"),
            previous=previous,
            cases=cases,
            sharing_reason=payload.sharing_reason,
            request=request,
        )
        left_out[scheduled.conference.pk] = scheduled.left_out
        return scheduled.conference

    return idempotent_create(
        request,
        "conferences.conference",
        schedule,
        lambda pk: _detail(request, pk, left_out.get(pk, ())),
        not_allowed=(actions.NotAllowed,),
    )


@router.get("/items/mine", response=list[ItemOut])
@paginate(PageNumberPagination, page_size=50)
def my_action_items(request: HttpRequest):  # noqa: ANN201
    """The caller's open action items (theirs or their agencies'), soonest due."""
    _require(request, Permission.ACT_ON_CONFERENCE_ITEMS)

    def page(items: list[ActionItem]) -> list[dict]:
        queries.items_viewed(user=request.user, items=items, request=request)
        return [_item(i) for i in items]

    return Mapped(queries.open_action_items_for(request.user), page=page)


@router.post("/items/{int:item_id}/progress", response=ItemOut)
def conference_item_progress(request: HttpRequest, item_id: int, payload: ProgressIn):  # noqa: ANN201
    """Report progress, or mark done or dropped; ``version`` as last read, else
    409."""
    item, _visible = queries.action_item_page(
        user=request.user, item_id=item_id, request=None
    )
    # Not the caller's to act on: as if absent, like an item they cannot see.
    api_write(
        lambda: actions.action_item_progress(
            actor=request.user,
            item=item,
            status=payload.status,
            progress_note=payload.progress_note,
            expected_version=payload.version,
            request=request,
        ),
        not_allowed=(actions.NotAllowed,),
        not_allowed_as=Http404,
    )
    return _item(item)


@router.get("/{int:conference_id}", response=ConferenceDetailOut)
def conference_detail(request: HttpRequest, conference_id: int):  # noqa: ANN201
    _require(request, Permission.VIEW_CASES)
    return _detail(request, conference_id)


def _run(request: HttpRequest, conference_id: int) -> Conference:
    return access_conference(request.user, conference_id, to_run=True)


def _do(action: Callable[..., object], **kwargs: Any) -> None:
    _write(lambda: action(**kwargs))


@router.patch("/{int:conference_id}", response=ConferenceDetailOut)
def conference_update(
    request: HttpRequest, conference_id: int, payload: ConferencePatch
):  # noqa: ANN201
    """Edit the conference or its summary; ``version`` as last read, else 409."""
    conference = _run(request, conference_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    sharing_reason = data.pop("sharing_reason", "")
    if "kind" in data and data["kind"] is not None:
        data["kind"] = payload.kind.value
    if "chair_id" in data:
        data["chair"] = _user(data.pop("chair_id"), "chair_id")
    data = {k: v for k, v in data.items() if v is not None or k == "chair"}
    _do(
        actions.conference_update,
        actor=request.user,
        conference=conference,
        data=data,
        expected_version=version,
        sharing_reason=sharing_reason,
        request=request,
    )
    return _detail(request, conference.pk)


@router.post("/{int:conference_id}/cases", response={201: ConferenceDetailOut})
def conference_case_add(request: HttpRequest, conference_id: int, payload: CaseIn):  # noqa: ANN201
    """Put a case the caller works on on the table. If the child's consent does
    not cover a member's agency, 422 on ``sharing_reason`` unless one is given."""
    conference = _run(request, conference_id)
    _do(
        actions.conference_case_add,
        actor=request.user,
        conference=conference,
        case=_case(request, payload.case_id, "case_id"),
        sharing_reason=payload.sharing_reason,
        request=request,
    )
    return Status(201, _detail(request, conference.pk))


@router.delete("/{int:conference_id}/cases/{int:case_id}", response=ConferenceDetailOut)
def conference_case_remove(request: HttpRequest, conference_id: int, case_id: int):  # noqa: ANN201
    """Take a case off the table: its members lose access to it now."""
    conference = _run(request, conference_id)
    row = conference.table.filter(case_id=case_id, removed_at__isnull=True).first()
    if row is None:
        raise Http404
    _do(
        actions.conference_case_remove,
        actor=request.user,
        conference=conference,
        case=row.case,
        request=request,
    )
    return _detail(request, conference.pk)


@router.post("/{int:conference_id}/members", response={201: ConferenceDetailOut})
def conference_member_add(request: HttpRequest, conference_id: int, payload: MemberIn):  # noqa: ANN201
    """Invite a user (``user_id``) or an outside member by ``name`` and
    ``institution_type``."""
    conference = _run(request, conference_id)
    _do(
        actions.conference_member_add,
        actor=request.user,
        conference=conference,
        user=_user(payload.user_id, "user_id"),
        name=payload.name,
        institution_type=payload.institution_type.value
        if payload.institution_type
        else "",
        agency=_agency(payload.agency_id, "agency_id"),
        sharing_reason=payload.sharing_reason,
        request=request,
    )
    return Status(201, _detail(request, conference.pk))


@router.delete(
    "/{int:conference_id}/members/{int:member_id}", response=ConferenceDetailOut
)
def conference_member_remove(request: HttpRequest, conference_id: int, member_id: int):  # noqa: ANN201
    """Remove a member: their access to the cases on the table ends now."""
    conference = _run(request, conference_id)
    member = conference.members.filter(pk=member_id, removed_at__isnull=True).first()
    if member is None:
        raise Http404
    member.conference = conference
    _do(
        actions.conference_member_remove,
        actor=request.user,
        member=member,
        request=request,
    )
    return _detail(request, conference.pk)


@router.post("/{int:conference_id}/attendance", response=ConferenceDetailOut)
def conference_attendance(
    request: HttpRequest, conference_id: int, payload: AttendanceIn
):  # noqa: ANN201
    """The members (ids) who attended; the others are recorded as absent."""
    conference = _run(request, conference_id)
    _do(
        actions.conference_attendance,
        actor=request.user,
        conference=conference,
        attended=payload.attended,
        request=request,
    )
    return _detail(request, conference.pk)


@router.post("/{int:conference_id}/decisions", response={201: ConferenceDetailOut})
def conference_decision_add(
    request: HttpRequest, conference_id: int, payload: DecisionIn
):  # noqa: ANN201
    conference = _run(request, conference_id)
    _do(
        actions.conference_decision_add,
        actor=request.user,
        conference=conference,
        case=_case(request, payload.case_id, "case_id"),
        text=payload.text,
        request=request,
    )
    return Status(201, _detail(request, conference.pk))


@router.post("/{int:conference_id}/items", response={201: ItemOut})
def conference_item_add(request: HttpRequest, conference_id: int, payload: ItemIn):  # noqa: ANN201
    """An action item with one owner (``owner_user_id`` or ``owner_agency_id``)
    and a due date on or after the conference."""
    conference = _run(request, conference_id)
    case = _case(request, payload.case_id, "case_id")
    owner_user = _user(payload.owner_user_id, "owner_user_id")
    owner_agency = _agency(payload.owner_agency_id, "owner_agency_id")
    item = _write(
        lambda: actions.action_item_add(
            actor=request.user,
            conference=conference,
            case=case,
            description=payload.description,
            owner_user=owner_user,
            owner_agency=owner_agency,
            due_on=payload.due_on,
            request=request,
        )
    )
    return Status(201, _item(item))


@router.post("/{int:conference_id}/held", response=ConferenceDetailOut)
def conference_held(request: HttpRequest, conference_id: int):  # noqa: ANN201
    conference = _run(request, conference_id)
    _do(
        actions.conference_held,
        actor=request.user,
        conference=conference,
        request=request,
    )
    return _detail(request, conference.pk)


@router.post("/{int:conference_id}/close", response=ConferenceDetailOut)
def conference_close(request: HttpRequest, conference_id: int):  # noqa: ANN201
    """Close the conference: every member's access through it ends now."""
    conference = _run(request, conference_id)
    _do(
        actions.conference_close,
        actor=request.user,
        conference=conference,
        request=request,
    )
    return _detail(request, conference.pk)
