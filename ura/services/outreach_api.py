"""/api/v1/outreach: a team's contacts, with the same rules, actions and audit as
the pages. A person record is made with ``POST /api/v1/people`` (the duplicate
check applies there) and then linked with ``POST /outreach/{id}/link``."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from ura.access.rules import Permission, access_person, may
from ura.api.errors import FieldErrors
from ura.api.models import IdempotencyKey
from ura.directory.models import Programme
from ura.places.models import Place
from ura.services import outreach_actions as actions
from ura.services import outreach_queries as queries
from ura.services.models import OutreachContact
from ura.services.outreach_schemas import (
    ContactIn,
    ContactOut,
    ContactSearch,
    LinkIn,
    LinkOut,
)

router = Router(tags=["outreach"])


# --- Shared by the services' APIs -------------------------------------------


class Mapped:
    """A queryset shaped lazily, so pagination counts and slices in the database."""

    def __init__(self, rows, shape: Callable[[Any], dict]) -> None:  # noqa: ANN001
        self.rows = rows
        self.shape = shape

    def __len__(self) -> int:
        return self.rows.count()

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, index):  # noqa: ANN001, ANN204
        return [self.shape(row) for row in self.rows[index]]


def write(run: Callable[[], Any]) -> Any:
    """Run an action; its refusals become JSON (422 per field, 409 stale)."""
    try:
        return run()
    except ValidationError as exc:
        if getattr(exc, "code", None) == "stale":
            raise HttpError(409, exc.messages[0]) from exc
        raise FieldErrors.from_validation(exc) from exc
    except actions.NotAllowed:
        raise PermissionDenied from None


def idempotent_create(
    request: HttpRequest,
    object_type: str,
    create: Callable[[], Model],
    load: Callable[[int], dict],
) -> Status:
    """A create; with an ``Idempotency-Key`` header a retry gets the first answer
    (200) instead of a second record."""
    key = request.headers.get("Idempotency-Key", "")[:100]
    if key:
        done = IdempotencyKey.objects.filter(user=request.user, key=key).first()
        if done is not None:
            if done.object_type != object_type:
                raise HttpError(
                    409, _("This Idempotency-Key was used for another request.")
                )
            return Status(200, load(int(done.object_id)))
    try:
        with transaction.atomic():
            obj = write(create)
            if key:
                IdempotencyKey.objects.create(
                    user=request.user,
                    key=key,
                    object_type=object_type,
                    object_id=str(obj.pk),
                )
    except IntegrityError:
        done = IdempotencyKey.objects.filter(user=request.user, key=key).first()
        if done is None or done.object_type != object_type:
            raise
        return Status(200, load(int(done.object_id)))
    return Status(201, load(obj.pk))


def place_by_code(code: str, field: str = "place_code") -> Place:
    place = Place.objects.filter(code=code).first()
    if place is None:
        raise FieldErrors({field: [_("Unknown place code.")]})
    return place


def programme_by_id(programme_id: int | None) -> Programme | None:
    if programme_id is None:
        return None
    programme = Programme.objects.filter(pk=programme_id, is_active=True).first()
    if programme is None:
        raise FieldErrors({"programme_id": [_("No such active programme.")]})
    return programme


# --- Outreach contacts --------------------------------------------------------


def _require(request: HttpRequest) -> None:
    if not may(request.user, Permission.RECORD_OUTREACH):
        raise PermissionDenied


def contact_out(c: OutreachContact) -> dict:
    return {
        "id": c.pk,
        "agency_id": c.agency_id,
        "contacted_at": c.contacted_at,
        "place_code": c.place.code,
        "location": c.location,
        "code": c.code,
        "name": c.name,
        "sex": c.sex,
        "estimated_age": c.estimated_age,
        "in_street_situation": c.in_street_situation,
        "actions": list(c.actions),
        "note": c.note,
        "programme_id": c.programme_id,
        "person_id": c.person_id,
    }


def _listed(
    request: HttpRequest,
    *,
    code: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> Mapped:
    filters = {"code": code, "date_from": date_from, "date_to": date_to}
    chosen = {k: v for k, v in filters.items() if v}
    contacts = queries.contact_list(user=request.user, **chosen)
    queries.contacts_listed(
        user=request.user,
        request=request,
        filters=sorted(chosen),
        count=contacts.count(),
    )
    return Mapped(contacts, contact_out)


@router.get("", response=list[ContactOut])
@paginate(PageNumberPagination, page_size=50)
def outreach_contact_list(
    request: HttpRequest, date_from: date | None = None, date_to: date | None = None
):  # noqa: ANN201
    """The contacts of the caller's teams, newest first."""
    _require(request)
    return _listed(request, date_from=date_from, date_to=date_to)


@router.post("/search", response=list[ContactOut])
@paginate(PageNumberPagination, page_size=50)
def outreach_contact_search(request: HttpRequest, payload: ContactSearch):  # noqa: ANN201
    """The same list narrowed by the team's code, sent in the body."""
    _require(request)
    return _listed(request, **payload.dict())


@router.get("/{int:contact_id}", response=ContactOut)
def outreach_contact_detail(request: HttpRequest, contact_id: int):  # noqa: ANN201
    _require(request)
    contact = queries.access_contact(request.user, contact_id)
    queries.contact_viewed(user=request.user, contact=contact, request=request)
    return contact_out(contact)


@router.post("", response={201: ContactOut, 200: ContactOut})
def outreach_contact_create(request: HttpRequest, payload: ContactIn):  # noqa: ANN201
    """Record a contact. Send an ``Idempotency-Key`` header: a phone that lost
    its answer and sends again gets the same contact, not a second one."""
    _require(request)
    data = payload.dict()
    agency = (
        queries.outreach_agencies(request.user).filter(pk=data.pop("agency_id")).first()
    )
    if agency is None:
        raise FieldErrors(
            {"agency_id": [_("You can only record contacts for your own team.")]}
        )
    data["place"] = place_by_code(data.pop("place_code"))
    data["programme"] = programme_by_id(data.pop("programme_id"))
    data["actions"] = [getattr(a, "value", a) for a in data["actions"]]
    return idempotent_create(
        request,
        "services.outreachcontact",
        lambda: actions.outreach_contact_record(
            actor=request.user, agency=agency, data=data, request=request
        ),
        lambda pk: contact_out(queries.access_contact(request.user, pk)),
    )


@router.post("/{int:contact_id}/link", response=LinkOut)
def outreach_contact_link(request: HttpRequest, contact_id: int, payload: LinkIn):  # noqa: ANN201
    """Link the contact, and the team's other contacts with its code, to a person
    the caller sees. Linking an already linked contact answers 422."""
    _require(request)
    contact = queries.access_contact(request.user, contact_id)
    person, _level = access_person(request.user, payload.person_id)
    linked = write(
        lambda: actions.outreach_person_link(
            actor=request.user, contact=contact, person=person, request=request
        )
    )
    return {"person_id": linked.person.pk, "contacts": linked.contacts}
