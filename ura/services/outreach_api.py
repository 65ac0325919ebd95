"""/api/v1/outreach: a team's contacts, with the same rules, actions and audit as
the pages. A person record is made with ``POST /api/v1/people`` (the duplicate
check applies there) and then linked with ``POST /outreach/{id}/link``."""

from datetime import date
from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from ura.access.rules import Permission, access_person, may
from ura.api.errors import FieldErrors
from ura.api.writes import Mapped, api_write, idempotent_create
from ura.directory.models import Programme
from ura.places.models import Place
from ura.services import outreach_actions as actions
from ura.services import outreach_queries as queries
from ura.services.models import OutreachContact
from ura.services.outreach_schemas import (
    ContactIn,
    ContactOut,
    ContactPatch,
    ContactSearch,
    LinkIn,
    LinkOut,
)

router = Router(tags=["outreach"])


# The outreach actions refuse with the people app's NotAllowed: a 403.
_write = partial(api_write, not_allowed=(actions.NotAllowed,))


# --- Shared by the services' APIs -------------------------------------------


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
        "version": c.version,
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
        not_allowed=(actions.NotAllowed,),
    )


@router.patch("/{int:contact_id}", response=ContactOut)
def outreach_contact_update(
    request: HttpRequest, contact_id: int, payload: ContactPatch
):  # noqa: ANN201
    """Correct a contact (``version`` required: 409 when someone changed it
    since)."""
    _require(request)
    contact = queries.access_contact(request.user, contact_id)
    data = payload.dict()
    version = data.pop("version")
    data["place"] = place_by_code(data.pop("place_code"))
    data["programme"] = programme_by_id(data.pop("programme_id"))
    data["actions"] = [getattr(a, "value", a) for a in data["actions"]]
    _write(
        lambda: actions.outreach_contact_update(
            actor=request.user,
            contact=contact,
            expected_version=version,
            data=data,
            request=request,
        )
    )
    return contact_out(queries.access_contact(request.user, contact_id))


@router.post("/{int:contact_id}/link", response=LinkOut)
def outreach_contact_link(request: HttpRequest, contact_id: int, payload: LinkIn):  # noqa: ANN201
    """Link the contact, and the team's other contacts with its code, to a person
    the caller sees. Linking an already linked contact answers 422."""
    _require(request)
    contact = queries.access_contact(request.user, contact_id)
    person, _level = access_person(request.user, payload.person_id)
    linked = _write(
        lambda: actions.outreach_person_link(
            actor=request.user, contact=contact, person=person, request=request
        )
    )
    return {"person_id": linked.person.pk, "contacts": linked.contacts}
