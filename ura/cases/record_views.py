"""Pages for a case's notes, documents and consent, and their section on the case
page: parse, ask ura.access, call an action or a query, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ura.access.cases import CaseUse, access_case
from ura.accounts.models import User
from ura.cases import record_queries
from ura.cases.actions import NotAllowed
from ura.cases.consent_actions import consent_record, consent_withdraw
from ura.cases.document_actions import document_upload
from ura.cases.models import Case
from ura.cases.note_actions import note_add
from ura.cases.record_forms import ConsentForm, DocumentForm, NoteForm, WithdrawForm
from ura.core.sections import Section

LIST_TEMPLATES = {
    "notes": "cases/notes.html",
    "documents": "cases/documents.html",
    "consents": "cases/consents.html",
}


def case_records_section(user: User, case: Case) -> Section:
    """Notes, documents and consent on the case page: for those who work on the
    case; a conference member reads one sentence instead."""
    overview = record_queries.case_records_overview(user=user, case=case)
    context = {"case": case, "records": overview}
    if overview is not None and overview.may_add:
        context["note_form"] = NoteForm()
    return Section("cases/_section_records.html", context)


def _records_page(request: HttpRequest, case_id: int, what: str) -> HttpResponse:
    case, page = record_queries.case_records(
        user=request.user,
        case_id=case_id,
        what=what,
        page=request.GET.get("page"),
        request=request,
    )
    return render(request, LIST_TEMPLATES[what], {"case": case, "page": page})


@login_required
@require_GET
def note_list(request: HttpRequest, case_id: int) -> HttpResponse:
    return _records_page(request, case_id, "notes")


@login_required
@require_GET
def document_list(request: HttpRequest, case_id: int) -> HttpResponse:
    return _records_page(request, case_id, "documents")


@login_required
@require_GET
def consent_list(request: HttpRequest, case_id: int) -> HttpResponse:
    return _records_page(request, case_id, "consents")


def _done(request: HttpRequest, case: Case, message: str, anchor: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("cases:detail", args=[case.pk]) + f"#{anchor}")


@login_required
@require_http_methods(["GET", "POST"])
def note_create(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            note_add(
                actor=request.user, case=case, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            # What the user wrote stays on the page with the message.
            form.add_error(None, exc)
        except NotAllowed:
            raise PermissionDenied from None
        else:
            return _done(request, case, _("The note is saved."), "notes")
    return render(request, "cases/note_form.html", {"case": case, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document_upload(
                actor=request.user,
                case=case,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except NotAllowed:
            raise PermissionDenied from None
        else:
            return _done(request, case, _("The document is saved."), "documents")
    return render(request, "cases/document_form.html", {"case": case, "form": form})


@login_required
@require_GET
def document_download(
    request: HttpRequest, case_id: int, document_id: int
) -> HttpResponse:
    document, content = record_queries.document_download(
        user=request.user, case_id=case_id, document_id=document_id, request=request
    )
    return attachment(content, document.content_type, document.filename)


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file to save, never to show in the page: the browser neither renders it
    nor guesses another type, and nothing keeps a copy."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def consent_create(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    form = ConsentForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            consent_record(
                actor=request.user, case=case, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except NotAllowed:
            raise PermissionDenied from None
        else:
            return _done(request, case, _("The consent is recorded."), "consent")
    return render(request, "cases/consent_form.html", {"case": case, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw_view(
    request: HttpRequest, case_id: int, consent_id: int
) -> HttpResponse:
    consent = record_queries.case_consent(
        user=request.user,
        case_id=case_id,
        consent_id=consent_id,
        request=request,
    )
    case = consent.case
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent_withdraw(
                actor=request.user,
                consent=consent,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except NotAllowed:
            raise PermissionDenied from None
        else:
            return _done(request, case, _("The consent is withdrawn."), "consent")
    return render(
        request,
        "cases/consent_withdraw.html",
        {"case": case, "form": form, "consent": consent},
    )
