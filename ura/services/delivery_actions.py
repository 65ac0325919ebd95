"""Writes to what providers deliver: enrolments, groups, sessions, attendance.

Each is one transaction, checked, and audited; the referral that a service starts
from calls ``enrol`` in its own transaction (``ura.referrals.actions``).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.versioning import StaleEdit, save_versioned
from ura.directory.models import Service
from ura.people.models import Person
from ura.services.delivery_attendance import (
    attendance_save,
    month_sheet_save,
    session_delete,
    session_record,
    session_update,
)
from ura.services.models import (
    Attendance,
    Enrolment,
    EnrolmentEnd,
    ParticipantRole,
    ServiceGroup,
)

__all__ = [
    "attendance_save",
    "enrol",
    "enrolment_end",
    "enrolment_group_set",
    "enrolments_to_group",
    "group_create",
    "group_update",
    "month_sheet_save",
    "session_delete",
    "session_record",
    "session_update",
]


def enrol(
    *,
    actor: User,
    service: Service,
    person: Person,
    role: ParticipantRole | str,
    enrolled_on: date,
    group: ServiceGroup | None = None,
    referral: object | None = None,
    request: HttpRequest | None = None,
) -> Enrolment:
    """Enrol ``person`` in ``service`` (the caller has checked the actor may).

    A person already enrolled and not ended in the same service keeps that
    enrolment: a second click, or a referral for a child who already comes, does
    not count them twice."""
    if enrolled_on > timezone.localdate():
        raise ValidationError(
            {"enrolled_on": _("The date of enrolment cannot be in the future.")}
        )
    if group is not None and group.service_id != service.pk:
        raise ValidationError({"group": _("This group belongs to another service.")})
    if group is not None and not group.is_active:
        raise ValidationError({"group": _("This group is no longer active.")})
    with transaction.atomic():
        current = (
            Enrolment.objects.select_for_update()
            .filter(service=service, person=person, ended_on__isnull=True)
            .first()
        )
        if current is not None:
            if referral is not None and current.referral_id is None:
                current.referral = referral
                current.save(update_fields=["referral", "updated_at"])
            return current
        enrolment = Enrolment(
            service=service,
            person=person,
            role=role,
            group=group,
            referral=referral,
            programme_id=service.programme_id,
            enrolled_on=enrolled_on,
            enrolled_by=actor,
        )
        enrolment.full_clean()
        enrolment.save(force_insert=True)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=enrolment,
            fields=["service", "person", "role", "enrolled_on"],
            changes={"service": service.pk, "role": str(role)},
            request=request,
        )
    return enrolment


def enrolment_end(
    *,
    actor: User,
    enrolment: Enrolment,
    ended_on: date,
    end_reason: EnrolmentEnd | str,
    expected_version: int,
    request: HttpRequest | None = None,
) -> Enrolment:
    """End an enrolment: the day and how it ended. Refused if it has already
    ended, or if attendance is recorded after that day (it would fall outside)."""
    errors: dict[str, str] = {}
    if enrolment.ended_on is not None:
        raise ValidationError(_("This enrolment has already ended."))
    if ended_on > timezone.localdate():
        errors["ended_on"] = _("The end date cannot be in the future.")
    elif ended_on < enrolment.enrolled_on:
        errors["ended_on"] = _(
            "The end date cannot be before the date of enrolment (%(day)s)."
        ) % {"day": enrolment.enrolled_on.isoformat()}
    if str(end_reason) not in EnrolmentEnd.values:
        errors["end_reason"] = _("Choose how the enrolment ended.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        later = Attendance.objects.filter(enrolment=enrolment, held_on__gt=ended_on)
        if later.exists():
            last = later.order_by("-held_on").values_list("held_on", flat=True)[0]
            raise ValidationError(
                {
                    "ended_on": _(
                        "Attendance is recorded for this person on %(day)s, after "
                        "this date. Choose a later end date, or correct that "
                        "session's attendance first."
                    )
                    % {"day": last.isoformat()}
                }
            )
        enrolment.ended_on = ended_on
        enrolment.end_reason = str(end_reason)
        save_versioned(
            enrolment,
            expected_version=expected_version,
            update_fields=["ended_on", "end_reason", "updated_at"],
        )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=enrolment,
            fields=["ended_on", "end_reason"],
            changes={"end_reason": str(end_reason)},
            request=request,
        )
    return enrolment


def _check_group(enrolment: Enrolment, group: ServiceGroup | None) -> None:
    if group is None:
        return
    if group.service_id != enrolment.service_id:
        raise ValidationError({"group": _("This group belongs to another service.")})
    if not group.is_active:
        raise ValidationError({"group": _("This group is no longer active.")})


def enrolment_group_set(
    *,
    actor: User,
    enrolment: Enrolment,
    group: ServiceGroup | None,
    expected_version: int,
    request: HttpRequest | None = None,
) -> Enrolment:
    """Move an enrolment to a group of its service, or out of any group."""
    _check_group(enrolment, group)
    with transaction.atomic():
        enrolment.group = group
        save_versioned(
            enrolment,
            expected_version=expected_version,
            update_fields=["group", "updated_at"],
        )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=enrolment,
            fields=["group"],
            changes={"group": group.pk if group else None},
            request=request,
        )
    return enrolment


def enrolments_to_group(
    *,
    actor: User,
    group: ServiceGroup,
    versions: dict[int, int],
    request: HttpRequest | None = None,
) -> int:
    """Put several enrolments of the group's service in the group at once
    (``versions``: enrolment id -> the version the user saw). All or none: if one
    was changed meanwhile, nothing is moved. One audit event."""
    if not group.is_active:
        raise ValidationError({"group": _("This group is no longer active.")})
    if not versions:
        raise ValidationError(_("Choose at least one person to add to the group."))
    with transaction.atomic():
        rows = list(
            Enrolment.objects.select_for_update().filter(
                pk__in=sorted(versions), service_id=group.service_id
            )
        )
        if len(rows) != len(versions):
            raise ValidationError(
                _("Some of these enrolments are not of this service.")
            )
        for row in rows:
            if row.version != versions[row.pk]:
                raise StaleEdit()
        moved = [row for row in rows if row.group_id != group.pk]
        for row in moved:
            row.group = group
            row.version += 1
            row.updated_at = timezone.now()
        Enrolment.objects.bulk_update(moved, ["group", "version", "updated_at"])
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=group,
            fields=["enrolments"],
            detail="enrolments " + ",".join(str(row.pk) for row in moved),
            request=request,
        )
    return len(moved)


def _check_group_name(service: Service, name: str, exclude: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the group a name.")})
    same = service.groups.filter(is_active=True, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ValidationError(
            {"name": _("This service already has an active group of that name.")}
        )
    return name


def group_create(
    *,
    actor: User,
    service: Service,
    name: str,
    request: HttpRequest | None = None,
) -> ServiceGroup:
    with transaction.atomic():
        group = ServiceGroup(service=service, name=_check_group_name(service, name))
        group.full_clean()
        group.save(force_insert=True)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=group,
            fields=["service", "name"],
            changes={"service": service.pk},
            request=request,
        )
    return group


def group_update(
    *,
    actor: User,
    group: ServiceGroup,
    name: str,
    is_active: bool,
    request: HttpRequest | None = None,
) -> ServiceGroup:
    """Rename a group, or (de)activate it: an inactive group takes no new members
    and is left out of the lists; its sessions and members stay as they were."""
    changed = []
    with transaction.atomic():
        if is_active:
            name = _check_group_name(group.service, name, exclude=group.pk)
        else:
            name = name.strip() or group.name
        if name != group.name:
            group.name = name
            changed.append("name")
        if is_active != group.is_active:
            group.is_active = is_active
            changed.append("is_active")
        if not changed:
            return group
        group.full_clean()
        group.save(update_fields=changed)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=group,
            fields=changed,
            changes={"is_active": group.is_active},
            request=request,
        )
    return group
