"""Writing case notes. Notes are append-only: a correction is a new note.

A note that records contact with the child or the family is the case's contact:
the first one meets the first-contact deadline, the latest one is what "cases
without contact for N days" measures.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.cases import CaseUse, may_on_case
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.actions import NotAllowed, case_changed, case_event
from ura.cases.models import Case, CaseEventKind, CaseNote, ContactWith, NoteKind

# Long enough for the record of a long home visit, short enough to keep a page sane.
NOTE_MAX_CHARS = 20_000


def require_open_work(actor: User, case: Case) -> None:
    """The actor works on the case (else ``NotAllowed``), and the case is open."""
    if not may_on_case(actor, case, CaseUse.WORK):
        raise NotAllowed
    if not case.is_open:
        raise ValidationError(_("The case is closed: reopen it to add to it."))


def check_past_date(name: str, day: date, case: Case) -> None:
    if day > timezone.localdate():
        raise ValidationError({name: _("The date cannot be in the future.")})
    if day < case.reported_on:
        raise ValidationError(
            {name: _("The date cannot be before the case was reported.")}
        )


def contact_moment(day: date) -> datetime:
    """When a contact on ``day`` happened, for the case's first and last contact.

    A note records the day, not the hour: today's contact is now; an earlier one is
    put at midday, which stays on its date whatever time zone shows it.
    """
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def note_add(
    *,
    actor: User,
    case: Case,
    happened_on: date,
    kind: str,
    body: str,
    contact_with: str = ContactWith.NONE,
    request: HttpRequest | None = None,
) -> CaseNote:
    require_open_work(actor, case)
    check_past_date("happened_on", happened_on, case)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the note.")})
    if len(body) > NOTE_MAX_CHARS:
        raise ValidationError(
            {
                "body": _("A note can hold at most %(n)s characters.")
                % {"n": NOTE_MAX_CHARS}
            }
        )
    if kind not in NoteKind.values:
        raise ValidationError({"kind": _("Choose one of the allowed values.")})
    if contact_with not in ContactWith.values:
        raise ValidationError({"contact_with": _("Choose one of the allowed values.")})
    with transaction.atomic():
        note = CaseNote(
            case=case,
            author=actor,
            happened_on=happened_on,
            kind=kind,
            contact_with=contact_with,
            body=body,
        )
        note.full_clean()
        note.save(force_insert=True)
        if contact_with:
            _record_contact(case, at=contact_moment(happened_on))
            case_event(case, actor=actor, kind=CaseEventKind.CONTACT, detail=kind)
            case_changed(case, actor=actor)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=note,
            fields=["happened_on", "kind", "body"]
            + (["contact_with"] if contact_with else []),
            detail=f"case {case.pk}",
            request=request,
        )
    return note


def _record_contact(case: Case, *, at: datetime) -> None:
    """Move the case's first contact back and its last contact forward to ``at``."""
    stored = (
        Case.objects.select_for_update()
        .only("pk", "first_contact_at", "last_contact_at")
        .get(pk=case.pk)
    )
    first = min(filter(None, [stored.first_contact_at, at]))
    last = max(filter(None, [stored.last_contact_at, at]))
    # Not a versioned edit: nobody types these, so a concurrent edit of the case's
    # report must not be refused because a note was written meanwhile.
    Case.objects.filter(pk=case.pk).update(first_contact_at=first, last_contact_at=last)
    case.first_contact_at, case.last_contact_at = first, last
