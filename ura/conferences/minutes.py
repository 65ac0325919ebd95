"""Writes to a conference's minutes: decisions, action items and their progress.

An action item has exactly one owner, a user (a member of the conference) or an
agency, and is due no earlier than the conference. Its owner (with
``act_on_conference_items``) reports progress; so may whoever runs the
conference. Progress edits carry the item's version.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.accounts.models import Agency, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.actions import NotAllowed
from ura.cases.models import Case
from ura.conferences.access import may_report_on, may_run
from ura.conferences.models import (
    ActionItem,
    Conference,
    ConferenceDecision,
    ItemStatus,
)
from ura.core.versioning import StaleEdit, save_versioned

# What an owner may set an item to; "carried" is set only by a follow-up.
PROGRESS_STATUSES = (ItemStatus.OPEN, ItemStatus.DONE, ItemStatus.DROPPED)


def _require_minutes(actor: User, conference: Conference) -> None:
    if not may_run(actor, conference):
        raise NotAllowed
    if conference.is_closed:
        raise ValidationError(_("This conference is closed: nothing can change."))


def _check_case_on_table(conference: Conference, case: Case | None) -> None:
    if (
        case is not None
        and not conference.table.filter(case=case, removed_at__isnull=True).exists()
    ):
        raise ValidationError({"case": _("This case is not on the table.")})


def conference_decision_add(
    *,
    actor: User,
    conference: Conference,
    text: str,
    case: Case | None = None,
    request: HttpRequest | None = None,
) -> ConferenceDecision:
    """A decision of the conference, about one case on its table or in general."""
    _require_minutes(actor, conference)
    _check_case_on_table(conference, case)
    with transaction.atomic():
        decision = ConferenceDecision(
            conference=conference, case=case, text=text.strip(), recorded_by=actor
        )
        decision.full_clean()
        decision.save(force_insert=True)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=decision,
            fields=["text"] + (["case"] if case else []),
            detail=f"conference {conference.pk}",
            request=request,
        )
    return decision


def _check_owner(
    conference: Conference, owner_user: User | None, owner_agency: Agency | None
) -> None:
    if (owner_user is None) == (owner_agency is None):
        raise ValidationError(
            {"owner_user": _("Choose one owner: a person or an agency, not both.")}
        )
    if (
        owner_user is not None
        and not conference.members.filter(
            user=owner_user, removed_at__isnull=True
        ).exists()
    ):
        raise ValidationError(
            {"owner_user": _("The owner must be a member of this conference.")}
        )
    if owner_agency is not None and not owner_agency.is_active:
        raise ValidationError({"owner_agency": _("This agency is no longer active.")})


def action_item_add(
    *,
    actor: User,
    conference: Conference,
    description: str,
    due_on: date,
    owner_user: User | None = None,
    owner_agency: Agency | None = None,
    case: Case | None = None,
    request: HttpRequest | None = None,
) -> ActionItem:
    """An action item with one owner and a due date on or after the conference."""
    _require_minutes(actor, conference)
    _check_case_on_table(conference, case)
    _check_owner(conference, owner_user, owner_agency)
    held_on = timezone.localdate(conference.scheduled_at)
    if due_on < held_on:
        raise ValidationError(
            {
                "due_on": _("The due date cannot be before the conference (%(day)s).")
                % {"day": held_on.isoformat()}
            }
        )
    with transaction.atomic():
        item = ActionItem(
            conference=conference,
            case=case,
            description=description.strip(),
            owner_user=owner_user,
            owner_agency=owner_agency,
            due_on=due_on,
            created_by=actor,
        )
        item.full_clean()
        item.save(force_insert=True)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=item,
            fields=["description", "owner", "due_on"] + (["case"] if case else []),
            detail=f"conference {conference.pk}",
            request=request,
        )
    return item


def action_item_progress(
    *,
    actor: User,
    item: ActionItem,
    status: str,
    progress_note: str,
    expected_version: int,
    request: HttpRequest | None = None,
) -> list[str]:
    """The owner reports progress, or marks the item done or dropped."""
    if not may_report_on(actor, item):
        raise NotAllowed
    if status not in PROGRESS_STATUSES:
        raise ValidationError({"status": _("Choose one of the allowed values.")})
    with transaction.atomic():
        stored = ActionItem.objects.select_for_update().get(pk=item.pk)
        if stored.version != expected_version:
            raise StaleEdit()
        if stored.status == ItemStatus.CARRIED:
            raise ValidationError(
                _(
                    "This item was carried over to the next conference: report "
                    "its progress there."
                )
            )
        changed = []
        if stored.status != status:
            stored.status = status
            stored.done_on = timezone.localdate() if status == ItemStatus.DONE else None
            changed += ["status", "done_on"]
        note = progress_note.strip()
        if stored.progress_note != note:
            stored.progress_note = note
            changed.append("progress_note")
        if not changed:
            return []
        stored.full_clean()
        save_versioned(
            stored,
            expected_version=expected_version,
            update_fields=[*changed, "updated_at"],
        )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=changed,
            changes={"status": stored.status} if "status" in changed else None,
            request=request,
        )
    for name in [*changed, "version", "updated_at"]:
        setattr(item, name, getattr(stored, name))
    return changed
