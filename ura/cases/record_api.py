"""``/api/v1/cases/{case_id}/notes``, ``/documents`` and ``/consents``: the same
access rules, actions and audit events as the pages.

Only the case's worker and supervisors reach these (``CaseUse.WORK``): 404 for a
case out of sight, 403 for a case seen but not worked on (a conference member).
Lists are paginated like the rest of the API (``?page=``, ``{"items", "count"}``).
A create that carries an ``Idempotency-Key`` header returns the same record when
retried.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from ura.access.cases import CaseUse, access_case
from ura.accounts.models import User
from ura.api.errors import FieldErrors
from ura.api.writes import KeyReused, api_write, idempotent_create
from ura.cases import record_queries
from ura.cases.actions import NotAllowed
from ura.cases.consent_actions import consent_record, consent_withdraw
from ura.cases.document_actions import TITLE_MAX_CHARS, document_upload
from ura.cases.models import (
    Case,
    CaseDocument,
    CaseNote,
    Consent,
    ConsentGiver,
    ContactWith,
    NoteKind,
)
from ura.cases.note_actions import NOTE_MAX_CHARS, note_add
from ura.cases.record_views import attachment

router = Router(tags=["cases"])


def _name(user: User | None) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


class PageQuery(Schema):
    page: int = Field(default=1, ge=1)


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    happened_on: date
    kind: NoteKind
    contact_with: ContactWith = ContactWith.NONE
    body: str = Field(min_length=1, max_length=NOTE_MAX_CHARS)


class NoteOut(Schema):
    id: int
    happened_on: date
    kind: str
    contact_with: str
    body: str
    author: str | None
    written_at: datetime

    @staticmethod
    def of(note: CaseNote) -> dict:
        return {
            "id": note.pk,
            "happened_on": note.happened_on,
            "kind": note.kind,
            "contact_with": note.contact_with,
            "body": note.body,
            "author": _name(note.author),
            "written_at": note.written_at,
        }


class DocumentOut(Schema):
    id: int
    title: str
    filename: str
    content_type: str
    size: int
    uploaded_by: str | None
    uploaded_at: datetime
    download: str

    @staticmethod
    def of(document: CaseDocument) -> dict:
        return {
            "id": document.pk,
            "title": document.title,
            "filename": document.filename,
            "content_type": document.content_type,
            "size": document.size,
            "uploaded_by": _name(document.uploaded_by),
            "uploaded_at": document.uploaded_at,
            "download": reverse(
                "api:case_document_download",
                kwargs={"case_id": document.case_id, "document_id": document.pk},
            ),
        }


class ConsentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    given_by: ConsentGiver
    given_by_name: str = Field(default="", max_length=200)
    given_on: date
    to_services: bool = False
    to_sharing: bool = False
    agencies: list[int] = Field(default_factory=list)
    note: str = Field(default="", max_length=5000)


class WithdrawIn(Schema):
    model_config = ConfigDict(extra="forbid")

    withdrawn_on: date


class ConsentOut(Schema):
    id: int
    given_by: str
    given_by_name: str
    given_on: date
    to_services: bool
    to_sharing: bool
    agencies: list[int]
    note: str
    recorded_by: str | None
    in_force: bool
    withdrawn_on: date | None
    withdrawn_by: str | None

    @staticmethod
    def of(consent: Consent) -> dict:
        return {
            "id": consent.pk,
            "given_by": consent.given_by,
            "given_by_name": consent.given_by_name,
            "given_on": consent.given_on,
            "to_services": consent.to_services,
            "to_sharing": consent.to_sharing,
            "agencies": [a.pk for a in consent.agencies.all()],
            "note": consent.note,
            "recorded_by": _name(consent.recorded_by),
            "in_force": consent.withdrawn_on is None,
            "withdrawn_on": consent.withdrawn_on,
            "withdrawn_by": _name(consent.withdrawn_by),
        }


class NotesPage(Schema):
    items: list[NoteOut]
    count: int


class DocumentsPage(Schema):
    items: list[DocumentOut]
    count: int


class ConsentsPage(Schema):
    items: list[ConsentOut]
    count: int


def _listing(
    request: HttpRequest, case_id: int, what: str, page: int, out: Any
) -> dict:
    _case, listed = record_queries.case_records(
        user=request.user, case_id=case_id, what=what, page=page, request=request
    )
    return {
        "items": [out.of(item) for item in listed.object_list],
        "count": listed.paginator.count,
    }


def _create(
    request: HttpRequest,
    case: Case,
    model: type[models.Model],
    make: Callable[[], models.Model],
    out: Callable[[Any], dict],
) -> Status:
    """Run ``make`` once per Idempotency-Key: a retry gets the first record back
    (status 200 instead of 201). Field errors become 422, ``NotAllowed`` 403."""

    def earlier(pk: int) -> dict:
        # A key that names a record of another case came with another request.
        found = model._default_manager.filter(pk=pk, case=case).first()
        if found is None:
            raise KeyReused()
        return out(found)

    return idempotent_create(
        request, model._meta.label_lower, make, earlier, not_allowed=(NotAllowed,)
    )


@router.get("/{int:case_id}/notes", response=NotesPage)
def case_notes_list(request: HttpRequest, case_id: int, query: Query[PageQuery]):  # noqa: ANN201
    """The case's notes, newest first (by the date they record)."""
    return _listing(request, case_id, "notes", query.page, NoteOut)


@router.post("/{int:case_id}/notes", response={201: NoteOut, 200: NoteOut})
def case_note_create(request: HttpRequest, case_id: int, payload: NoteIn):  # noqa: ANN201
    """Add a note. Notes are never changed: a correction is a new note. A note with
    ``contact_with`` is the case's first or latest contact."""
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    return _create(
        request,
        case,
        CaseNote,
        lambda: note_add(
            actor=request.user,
            case=case,
            happened_on=payload.happened_on,
            kind=payload.kind.value,
            contact_with=payload.contact_with.value,
            body=payload.body,
            request=request,
        ),
        NoteOut.of,
    )


@router.get("/{int:case_id}/documents", response=DocumentsPage)
def case_documents_list(request: HttpRequest, case_id: int, query: Query[PageQuery]):  # noqa: ANN201
    return _listing(request, case_id, "documents", query.page, DocumentOut)


@router.post("/{int:case_id}/documents", response={201: DocumentOut, 200: DocumentOut})
def case_document_upload(
    request: HttpRequest,
    case_id: int,
    title: Form[str],
    file: File[UploadedFile],
):  # noqa: ANN201
    """Upload a document (``multipart/form-data``: ``title`` and ``file``). The
    type is read from the content and must agree with the file name's extension;
    photos lose their location; too large or mismatched files get 422."""
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    if len(title) > TITLE_MAX_CHARS:
        raise FieldErrors({"title": [_("This value is too long.")]})
    return _create(
        request,
        case,
        CaseDocument,
        lambda: document_upload(
            actor=request.user, case=case, title=title, upload=file, request=request
        ),
        DocumentOut.of,
    )


@router.get("/{int:case_id}/documents/{int:document_id}", response={200: None})
def case_document_download(request: HttpRequest, case_id: int, document_id: int):  # noqa: ANN201
    """The document's file, as an attachment."""
    document, content = record_queries.document_download(
        user=request.user, case_id=case_id, document_id=document_id, request=request
    )
    return attachment(content, document.content_type, document.filename)


@router.get("/{int:case_id}/consents", response=ConsentsPage)
def case_consents_list(request: HttpRequest, case_id: int, query: Query[PageQuery]):  # noqa: ANN201
    return _listing(request, case_id, "consents", query.page, ConsentOut)


@router.post("/{int:case_id}/consents", response={201: ConsentOut, 200: ConsentOut})
def case_consent_create(request: HttpRequest, case_id: int, payload: ConsentIn):  # noqa: ANN201
    """Record consent or assent: who gave it, when, and what it allows. Sharing
    names the agencies (ids of active agencies)."""
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    data = payload.dict()
    data["given_by"] = payload.given_by.value
    return _create(
        request,
        case,
        Consent,
        lambda: consent_record(actor=request.user, case=case, request=request, **data),
        ConsentOut.of,
    )


@router.post("/{int:case_id}/consents/{int:consent_id}/withdraw", response=ConsentOut)
def case_consent_withdraw(
    request: HttpRequest, case_id: int, consent_id: int, payload: WithdrawIn
):  # noqa: ANN201
    """Withdraw a consent; later sharing with the agencies it named is refused."""
    consent = record_queries.case_consent(
        user=request.user,
        case_id=case_id,
        consent_id=consent_id,
        request=request,
    )
    api_write(
        lambda: consent_withdraw(
            actor=request.user,
            consent=consent,
            withdrawn_on=payload.withdrawn_on,
            request=request,
        ),
        not_allowed=(NotAllowed,),
    )
    return ConsentOut.of(consent)
