"""Writes to outreach contacts: atomic, validated, audited.

A contact is quick to record in the field. Once the team makes a person record
from it (through the people registration, so the duplicate check applies) or
finds the child already registered, the contact and every other contact of the
team with the same code are linked to that person, in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.grants import grant_open
from ura.access.models import GrantLevel, GrantReason
from ura.access.rules import Permission, may, visible_people
from ura.accounts.models import Agency, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.versioning import StaleEdit, save_versioned
from ura.people.actions import NotAllowed, person_register
from ura.people.duplicates import LikelyMatch
from ura.people.models import Person, Sex
from ura.places.models import PlaceLevel
from ura.services.models import OutreachAction, OutreachContact
from ura.services.outreach_queries import (
    contacts_with_code,
    normalise_code,
    outreach_agencies,
)

__all__ = [
    "NotAllowed",
    "Linked",
    "outreach_contact_record",
    "outreach_contact_update",
    "outreach_person_link",
    "outreach_person_make",
]

CONTACT_FIELDS = (
    "contacted_at",
    "place",
    "location",
    "code",
    "name",
    "sex",
    "estimated_age",
    "in_street_situation",
    "actions",
    "note",
    "programme",
)
# Phones' clocks drift; a contact a few minutes "ahead" is not in the future.
CLOCK_SLACK = timedelta(minutes=10)


def _require_team(actor: User, agency_id: int) -> None:
    if not outreach_agencies(actor).filter(pk=agency_id).exists():
        raise NotAllowed


def _check_contact(contact: OutreachContact) -> None:
    errors: dict[str, str] = {}
    if contact.contacted_at and contact.contacted_at > timezone.now() + CLOCK_SLACK:
        errors["contacted_at"] = _("The contact cannot be in the future.")
    if contact.sex and contact.sex not in Sex.values:
        errors["sex"] = _("Choose one of the allowed values.")
    if not isinstance(contact.actions, list) or not set(contact.actions) <= set(
        OutreachAction.values
    ):
        errors["actions"] = _("Choose one of the allowed values.")
    if contact.place_id and contact.place.level not in (
        PlaceLevel.MUNICIPALITY,
        PlaceLevel.SETTLEMENT,
    ):
        errors["place"] = _("Choose a municipality or a settlement.")
    if contact.estimated_age is not None and contact.estimated_age > 120:
        errors["estimated_age"] = _("Give an age from 0 to 120.")
    if errors:
        raise ValidationError(errors)


def outreach_contact_record(
    *,
    actor: User,
    agency: Agency,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> OutreachContact:
    """Record a contact of one of the actor's teams."""
    if not may(actor, Permission.RECORD_OUTREACH):
        raise NotAllowed
    if agency is None or not outreach_agencies(actor).filter(pk=agency.pk).exists():
        raise ValidationError(
            {"agency": _("You can only record contacts for your own team.")}
        )
    values = _cleaned(data)
    with transaction.atomic():
        contact = OutreachContact(agency=agency, recorded_by=actor, **values)
        _check_contact(contact)
        contact.full_clean()
        contact.save(force_insert=True)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=contact,
            fields=[k for k, v in values.items() if v not in ("", None, [], False)],
            request=request,
        )
    return contact


def _cleaned(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in data.items() if k in CONTACT_FIELDS}
    values["code"] = normalise_code(values.get("code", ""))
    values["location"] = (values.get("location") or "").strip()
    values["name"] = (values.get("name") or "").strip()
    values["actions"] = sorted(set(values.get("actions") or []))
    return values


def outreach_contact_update(
    *,
    actor: User,
    contact: OutreachContact,
    expected_version: int,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> OutreachContact:
    """Correct a contact of one of the actor's teams (a wrong time, the place, a
    code mistyped); a correction made meanwhile by someone else is refused.
    The reach figures follow through the database's triggers."""
    if not may(actor, Permission.RECORD_OUTREACH):
        raise NotAllowed
    _require_team(actor, contact.agency_id)
    values = _cleaned(data)
    before = {name: getattr(contact, name) for name in values}
    for name, value in values.items():
        setattr(contact, name, value)
    _check_contact(contact)
    contact.full_clean()
    changed = [name for name, value in values.items() if before[name] != value]
    if not changed:
        if expected_version != contact.version:
            raise StaleEdit
        return contact
    with transaction.atomic():
        save_versioned(
            contact,
            expected_version=expected_version,
            update_fields=[*changed, "updated_at"],
        )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=contact,
            fields=changed,
            changes={"version": contact.version},
            request=request,
        )
    return contact


@dataclass(frozen=True)
class Linked:
    person: Person
    # How many contacts now point at the person (this one and those with its code).
    contacts: int


def _link(
    *,
    actor: User,
    contact: OutreachContact,
    person: Person,
    request: HttpRequest | None,
    how: str,
) -> int:
    """Point this contact, and the team's unlinked contacts with its code, at the
    person. Runs inside the caller's transaction."""
    stored = OutreachContact.objects.select_for_update().get(pk=contact.pk)
    if stored.person_id is not None:
        raise ValidationError(_("This contact is already linked to a person record."))
    same_code = (
        contacts_with_code(stored).select_for_update().filter(person__isnull=True)
    )
    ids = sorted(set(same_code.values_list("pk", flat=True)) | {stored.pk})
    OutreachContact.objects.filter(pk__in=ids).update(
        person=person, updated_at=timezone.now()
    )
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=stored,
        fields=["person"],
        detail=f"{how}: {len(ids)} contacts of the code linked to person {person.pk}",
        request=request,
    )
    contact.person = person
    return len(ids)


def outreach_person_make(
    *,
    actor: User,
    contact: OutreachContact,
    person_data: dict[str, Any],
    possible_duplicates: Sequence[LikelyMatch] = (),
    request: HttpRequest | None = None,
) -> Linked:
    """Register the person met (``person_register``: the matches the worker chose
    to register past are kept for review) and link the contacts to them.

    The team keeps the new record in sight as a whole (a full grant to the team's
    agency), not only the worker who made it: the child is the team's to follow.
    """
    _require_team(actor, contact.agency_id)
    if contact.person_id is not None:
        raise ValidationError(_("This contact is already linked to a person record."))
    with transaction.atomic():
        person = person_register(
            actor=actor,
            data=person_data,
            request=request,
            possible_duplicates=possible_duplicates,
        )
        grant_open(
            actor=actor,
            person=person,
            reason=GrantReason.SHARE,
            level=GrantLevel.FULL,
            agency=contact.agency,
            source=("outreach", contact.pk),
        )
        count = _link(
            actor=actor, contact=contact, person=person, request=request, how="made"
        )
    return Linked(person=person, contacts=count)


def outreach_person_link(
    *,
    actor: User,
    contact: OutreachContact,
    person: Person,
    request: HttpRequest | None = None,
) -> Linked:
    """Link the contacts to someone already registered whom the actor sees."""
    _require_team(actor, contact.agency_id)
    if not visible_people(actor).filter(pk=person.pk).exists():
        raise NotAllowed
    with transaction.atomic():
        count = _link(
            actor=actor, contact=contact, person=person, request=request, how="linked"
        )
    return Linked(person=person, contacts=count)
