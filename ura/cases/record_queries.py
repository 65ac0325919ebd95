"""Reads of a case's notes, documents and consent. Each starts from
``ura.access.cases.access_case`` with ``CaseUse.WORK``: only the case's worker and
supervisors read them (a conference member sees the case, not these), and each
read is audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest

from ura.access.cases import CaseUse, access_case, may_on_case
from ura.accounts.models import Agency, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases import documents
from ura.cases.models import Case, CaseDocument, CaseNote, Consent

PAGE_SIZE = 25
# How many of each the case page shows before "see all".
ON_CASE_PAGE = 5


def notes_of(case: Case) -> QuerySet[CaseNote]:
    return case.notes.select_related("author").order_by(
        "-happened_on", "-written_at", "-pk"
    )


def documents_of(case: Case) -> QuerySet[CaseDocument]:
    return case.documents.select_related("uploaded_by").order_by("-uploaded_at", "-pk")


def consents_of(case: Case) -> QuerySet[Consent]:
    return (
        case.consents.select_related("recorded_by", "withdrawn_by")
        .prefetch_related(
            Prefetch("agencies", queryset=Agency.objects.order_by("name"))
        )
        .order_by("-given_on", "-pk")
    )


_LISTS = {"notes": notes_of, "documents": documents_of, "consents": consents_of}


def case_records(
    *,
    user: User,
    case_id: object,
    what: str,
    page: object = None,
    per_page: int = PAGE_SIZE,
    request: HttpRequest | None = None,
) -> tuple[Case, Page]:
    """One page of a case's notes, documents or consents, newest first."""
    case = access_case(user, case_id, to=CaseUse.WORK)
    listed = Paginator(_LISTS[what](case), per_page).get_page(page)
    record(
        actor=user,
        action=AuditAction.VIEW,
        obj=case,
        fields=[what],
        detail=f"{what}, page {listed.number}",
        request=request,
    )
    return case, listed


@dataclass
class CaseRecords:
    notes: Page
    documents: Page
    consents: Page
    may_add: bool


def case_records_overview(*, user: User, case: Case) -> CaseRecords | None:
    """The latest notes, documents and consents for the case page, or None for a
    user who may not work on the case. ``case`` was reached through
    ``access_case`` by the page; reading its records is one more audit event."""
    if not may_on_case(user, case, CaseUse.WORK):
        return None
    pages = {
        what: Paginator(listing(case), ON_CASE_PAGE).get_page(1)
        for what, listing in _LISTS.items()
    }
    record(
        actor=user,
        action=AuditAction.VIEW,
        obj=case,
        fields=list(_LISTS),
        detail="case page",
    )
    return CaseRecords(**pages, may_add=case.is_open)


def document_download(
    *,
    user: User,
    case_id: object,
    document_id: object,
    request: HttpRequest | None = None,
) -> tuple[CaseDocument, bytes]:
    """A document and its decrypted content; the download is audited as an export
    (the file leaves Ura)."""
    case = access_case(user, case_id, to=CaseUse.WORK)
    try:
        document = CaseDocument.objects.get(case=case, pk=document_id)
    except (CaseDocument.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    content = documents.read(document_id=document.pk, stored_as=document.stored_as)
    record(
        actor=user,
        action=AuditAction.EXPORT,
        obj=document,
        fields=["file"],
        detail=f"case {case.pk}, download",
        request=request,
    )
    return document, content


def case_consent(
    *,
    user: User,
    case_id: object,
    consent_id: object,
    request: HttpRequest | None = None,
) -> Consent:
    """A consent of a case the user works on (to withdraw it); audited as a view."""
    case = access_case(user, case_id, to=CaseUse.WORK)
    try:
        consent = Consent.objects.select_related("withdrawn_by").get(
            case=case, pk=consent_id
        )
    except (Consent.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    consent.case = case
    record(
        actor=user,
        action=AuditAction.VIEW,
        obj=consent,
        fields=["consents"],
        detail=f"case {case.pk}",
        request=request,
    )
    return consent
