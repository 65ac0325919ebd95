"""Writes to case conferences: atomic, validated, audited.

Scheduling (and a series: the next conference starts from the open items of the
last), editing, attendance, holding and closing live here; the table and its
members, with the grants and the consent check, in ``ura.conferences.table``;
decisions and action items in ``ura.conferences.minutes``. All are re-exported
here, so every write is found in this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.cases import CaseUse, may_on_case
from ura.access.grants import grants_end
from ura.access.rules import Permission, may
from ura.accounts.models import Agency, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.actions import NotAllowed, case_event
from ura.cases.models import Case, CaseEventKind
from ura.conferences.minutes import (
    action_item_add,
    action_item_progress,
    conference_decision_add,
)
from ura.conferences.models import (
    ActionItem,
    Conference,
    ConferenceStatus,
    ItemStatus,
)
from ura.conferences.table import (
    P_RUN,
    active_members,
    check_chair,
    conference_case_add,
    conference_case_remove,
    conference_member_add,
    conference_member_remove,
    conference_source,
    consent_or_override,
    invite_runners,
    member_create,
    on_table,
    open_grant,
    organising_agencies,
    put_on_table,
    require_not_closed,
    require_run,
)
from ura.core.versioning import StaleEdit, save_versioned

__all__ = [
    "NotAllowed",
    "action_item_add",
    "action_item_progress",
    "conference_decision_add",
    "conference_attendance",
    "conference_case_add",
    "conference_case_remove",
    "conference_close",
    "conference_held",
    "conference_member_add",
    "conference_member_remove",
    "conference_schedule",
    "conference_update",
]

# Fields of a conference its organiser edits directly (with the version).
CONFERENCE_EDITABLE_FIELDS = (
    "title",
    "kind",
    "scheduled_at",
    "location",
    "chair",
    "summary",
)


# -- scheduling, a series, editing, holding, closing ------------------------------


@dataclass
class Scheduled:
    conference: Conference
    # Cases of the previous conference not carried over: closed, or no longer
    # worked on by the organiser.
    left_out: list[Case] = field(default_factory=list)


def _carry_over(
    *,
    actor: User,
    conference: Conference,
    previous: Conference,
    sharing_reason: str,
    request: HttpRequest | None,
) -> list[Case]:
    """The next conference starts from the last: its members, its cases and its
    open action items (as new items, ``carried_from`` the old ones)."""
    for old in active_members(previous):
        if old.user_id and (
            not old.user.is_active
            or not may(old.user, Permission.VIEW_CASES)
            or conference.members.filter(
                user_id=old.user_id, removed_at__isnull=True
            ).exists()
        ):
            # Someone who left (or is already invited) is not carried over.
            continue
        member_create(
            actor=actor,
            conference=conference,
            user=old.user,
            name=old.name,
            institution_type=old.institution_type,
            agency=old.agency,
        )
    carried: set[int] = set()
    left_out = []
    for row in on_table(previous):
        case = row.case
        if not case.is_open or not may_on_case(actor, case, CaseUse.WORK):
            left_out.append(case)
            continue
        put_on_table(
            actor=actor,
            conference=conference,
            case=case,
            sharing_reason=sharing_reason,
            request=request,
        )
        carried.add(case.pk)
    items = previous.items.select_for_update().filter(status=ItemStatus.OPEN)
    for old in items.order_by("due_on", "pk"):
        if old.case_id is not None and old.case_id not in carried:
            continue
        new = ActionItem(
            conference=conference,
            case_id=old.case_id,
            description=old.description,
            owner_user_id=old.owner_user_id,
            owner_agency_id=old.owner_agency_id,
            due_on=old.due_on,
            progress_note=old.progress_note,
            carried_from=old,
            created_by=actor,
        )
        new.full_clean()
        new.save(force_insert=True)
        ActionItem.objects.filter(pk=old.pk).update(
            status=ItemStatus.CARRIED, version=old.version + 1
        )
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=new,
            fields=["description", "owner", "due_on"],
            detail=f"carried from item {old.pk}",
            request=request,
        )
    return left_out


def conference_schedule(
    *,
    actor: User,
    agency: Agency,
    title: str,
    kind: str,
    scheduled_at: datetime,
    location: str = "",
    chair: User | None = None,
    previous: Conference | None = None,
    cases: Iterable[Case] = (),
    sharing_reason: str = "",
    request: HttpRequest | None = None,
) -> Scheduled:
    """Schedule a conference of the actor's agency. A follow-up (``previous``)
    carries over the cases, members and open action items of the last one."""
    if not may(actor, P_RUN):
        raise NotAllowed
    if not organising_agencies(actor).filter(pk=agency.pk).exists():
        raise ValidationError(
            {"agency": _("You can only organise conferences for your own agency.")}
        )
    check_chair(chair)
    if previous is not None:
        require_run(actor, previous)
        if previous.follow_ups.exists():
            raise ValidationError(
                {"previous": _("That conference already has a follow-up.")}
            )
        if scheduled_at <= previous.scheduled_at:
            raise ValidationError(
                {
                    "scheduled_at": _(
                        "A follow-up must come after the conference it follows."
                    )
                }
            )
    with transaction.atomic():
        conference = Conference(
            agency=agency,
            title=title.strip(),
            kind=kind,
            scheduled_at=scheduled_at,
            location=location.strip(),
            organiser=actor,
            chair=chair or actor,
            previous=previous,
        )
        conference.full_clean()
        conference.save(force_insert=True)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=conference,
            fields=["agency", "title", "kind", "scheduled_at", "location", "chair"]
            + (["previous"] if previous else []),
            detail=f"follows conference {previous.pk}" if previous else "",
            request=request,
        )
        invite_runners(actor, conference)
        left_out: list[Case] = []
        if previous is not None:
            left_out = _carry_over(
                actor=actor,
                conference=conference,
                previous=previous,
                sharing_reason=sharing_reason,
                request=request,
            )
        for case in cases:
            if conference.table.filter(case=case, removed_at__isnull=True).exists():
                continue
            put_on_table(
                actor=actor,
                conference=conference,
                case=case,
                sharing_reason=sharing_reason,
                request=request,
            )
    return Scheduled(conference=conference, left_out=left_out)


def conference_update(
    *,
    actor: User,
    conference: Conference,
    data: dict[str, Any],
    expected_version: int,
    sharing_reason: str = "",
    request: HttpRequest | None = None,
) -> list[str]:
    """Edit the conference and its summary; a stale edit is refused. A new chair
    is invited, and so sees the cases on the table (consent permitting)."""
    require_run(actor, conference)
    require_not_closed(conference)
    if "chair" in data:
        check_chair(data["chair"])
    with transaction.atomic():
        stored = Conference.objects.select_for_update().get(pk=conference.pk)
        if stored.version != expected_version:
            raise StaleEdit()
        require_not_closed(stored)
        changed = [
            name
            for name, value in data.items()
            if name in CONFERENCE_EDITABLE_FIELDS and getattr(stored, name) != value
        ]
        if not changed:
            return []
        for name in changed:
            setattr(stored, name, data[name])
        if (
            "scheduled_at" in changed
            and stored.previous_id
            and stored.scheduled_at <= stored.previous.scheduled_at
        ):
            raise ValidationError(
                {
                    "scheduled_at": _(
                        "A follow-up must come after the conference it follows."
                    )
                }
            )
        stored.full_clean()
        save_versioned(
            stored,
            expected_version=expected_version,
            update_fields=[*changed, "updated_at"],
        )
        if "chair" in changed and stored.chair_id:
            for member in invite_runners(actor, stored):
                for row in on_table(stored):
                    consent_or_override(
                        actor=actor,
                        conference=stored,
                        case=row.case,
                        members=[member],
                        sharing_reason=sharing_reason,
                        request=request,
                    )
                    open_grant(actor, stored, row.case, member)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=changed,
            request=request,
        )
    for name in [*changed, "version", "updated_at"]:
        setattr(conference, name, getattr(stored, name))
    return changed


def conference_attendance(
    *,
    actor: User,
    conference: Conference,
    attended: Iterable[int],
    request: HttpRequest | None = None,
) -> None:
    """Who came: the members whose ids are given attended, the others did not."""
    require_run(actor, conference)
    require_not_closed(conference)
    if timezone.localdate(conference.scheduled_at) > timezone.localdate():
        raise ValidationError(
            {
                "attended": _(
                    "Attendance can be recorded once the day of the conference "
                    "has come."
                )
            }
        )
    present = {int(pk) for pk in attended}
    with transaction.atomic():
        members = conference.members.filter(removed_at__isnull=True)
        unknown = present - set(members.values_list("pk", flat=True))
        if unknown:
            raise ValidationError(
                {"attended": _("Only the invited members can be marked present.")}
            )
        members.filter(pk__in=present).update(attended=True)
        members.exclude(pk__in=present).update(attended=False)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=conference,
            fields=["attendance"],
            changes={"attended": sorted(present)},
            request=request,
        )


def conference_held(
    *, actor: User, conference: Conference, request: HttpRequest | None = None
) -> None:
    """The conference took place; each case on its table notes it."""
    require_run(actor, conference)
    if conference.status != ConferenceStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled conference can be marked as held."))
    if timezone.localdate(conference.scheduled_at) > timezone.localdate():
        raise ValidationError(
            _("A conference cannot be marked as held before its date.")
        )
    with transaction.atomic():
        updated = Conference.objects.filter(
            pk=conference.pk, status=ConferenceStatus.SCHEDULED
        ).update(status=ConferenceStatus.HELD, held_at=timezone.now())
        if not updated:
            raise StaleEdit()
        for row in on_table(conference):
            case_event(
                row.case,
                actor=actor,
                kind=CaseEventKind.CONFERENCE,
                detail=f"held {conference.pk}",
            )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=conference,
            fields=["status", "held_at"],
            changes={"status": ConferenceStatus.HELD},
            request=request,
        )
    conference.refresh_from_db(fields=["status", "held_at"])


def conference_close(
    *, actor: User, conference: Conference, request: HttpRequest | None = None
) -> None:
    """Close the conference: every member's access through it ends now. Open
    action items stay with their owners (or go on to a follow-up)."""
    require_run(actor, conference)
    require_not_closed(conference)
    with transaction.atomic():
        now = timezone.now()
        updated = (
            Conference.objects.filter(pk=conference.pk)
            .exclude(status=ConferenceStatus.CLOSED)
            .update(status=ConferenceStatus.CLOSED, closed_at=now, closed_by=actor)
        )
        if not updated:
            raise ValidationError(_("This conference is closed: nothing can change."))
        ended = grants_end(source=conference_source(conference))
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=conference,
            fields=["status", "closed_at"],
            changes={"status": ConferenceStatus.CLOSED},
            detail=f"{ended} grants ended",
            request=request,
        )
    conference.refresh_from_db(fields=["status", "closed_at", "closed_by"])
