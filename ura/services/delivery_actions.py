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
from ura.directory.models import Service
from ura.people.models import Person
from ura.services.models import Enrolment, ParticipantRole, ServiceGroup


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
