"""Uploading a document to a case: checked, stripped, encrypted, audited.

A refused file (too large, a type Ura does not take, a name that says otherwise)
is a ``ValidationError`` on ``file`` and nothing is saved: no record, no file.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases import documents
from ura.cases.models import Case, CaseDocument
from ura.cases.note_actions import require_open_work

TITLE_MAX_CHARS = 200


def document_upload(
    *,
    actor: User,
    case: Case,
    title: str,
    upload: File,
    request: HttpRequest | None = None,
) -> CaseDocument:
    require_open_work(actor, case)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the document a title.")})
    if len(title) > TITLE_MAX_CHARS:
        raise ValidationError({"title": _("This value is too long.")})
    # Refuse by the declared size before reading, then by what was read.
    limit = documents.max_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError({"file": documents.too_large_message()})
    upload.seek(0)
    data = upload.read(limit + 1)
    name = upload.name or ""
    kind, kept = documents.inspect(name, data)
    stored_as = documents.new_stored_name()
    written = False
    try:
        with transaction.atomic():
            document = CaseDocument(
                case=case,
                title=title,
                filename=documents.safe_filename(
                    name, fallback=f"document.{kind.code}"
                ),
                content_type=kind.content_type,
                size=len(kept),
                stored_as=stored_as,
                uploaded_by=actor,
            )
            document.full_clean()
            document.save(force_insert=True)
            documents.store(document_id=document.pk, stored_as=stored_as, plain=kept)
            written = True
            record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=document,
                fields=["title", "file"],
                detail=f"case {case.pk}, {kind.code}, {len(kept)} bytes",
                request=request,
            )
    except BaseException:
        # The record was rolled back: its file must not stay behind.
        if written:
            documents.discard(stored_as)
        raise
    return document
