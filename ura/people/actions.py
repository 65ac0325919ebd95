"""Writes to people and households: atomic, validated, audited."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from ura.access.grants import grant_open
from ura.access.models import GrantReason
from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.versioning import StaleEdit, save_versioned
from ura.people.duplicates import LikelyMatch, match_keys_refresh
from ura.people.equity import EQUITY_FIELDS
from ura.people.models import Person, PossibleDuplicate

# Every person field is personal data: the audit log names changed fields, never values.
PERSON_EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "other_names",
    "sex",
    "date_of_birth",
    "date_of_birth_estimated",
    "personal_number",
    "place",
    "address",
    "phone",
    "languages",
    *(f for f in EQUITY_FIELDS if f != "functional_difficulty"),
)


# A change to any of these changes what the matcher compares.
MATCHED_FIELDS = frozenset(
    {"given_name", "family_name", "other_names", "sex", "date_of_birth", "place"}
)


class NotAllowed(Exception):
    pass


def person_register(
    *,
    actor: User,
    data: dict[str, Any],
    request: HttpRequest | None = None,
    possible_duplicates: Sequence["LikelyMatch"] = (),
) -> Person:
    """Register a person. ``possible_duplicates`` are the matches the worker was
    shown and chose to register past: they are kept for review and audited."""
    if not may(actor, Permission.REGISTER_PERSON):
        raise NotAllowed
    with transaction.atomic():
        person = Person(created_by=actor, **data)
        person.full_clean()
        person.save(force_insert=True)
        match_keys_refresh(person)
        for match in possible_duplicates:
            PossibleDuplicate.objects.create(
                person=person,
                other=match.person,
                score=match.score,
                reasons=list(match.reasons),
                found_by=actor,
            )
        # The registering worker keeps the record in sight until it is assigned.
        grant_open(
            actor=actor,
            person=person,
            reason=GrantReason.REGISTRATION,
            user=actor,
            source=("person", person.pk),
        )
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=person,
            fields=[k for k, v in data.items() if v not in ("", None, [])],
            detail=(
                f"registered despite {len(possible_duplicates)} possible matches"
                if possible_duplicates
                else ""
            ),
            request=request,
        )
    return person


def person_update(
    *,
    actor: User,
    person: Person,
    data: dict[str, Any],
    expected_version: int,
    request: HttpRequest | None = None,
) -> list[str]:
    """Apply ``data``; refuses a stale edit. Returns the names of fields changed.

    Changes are found against the row as stored, not against ``person``, which a
    form may already have filled with the new values.
    """
    if not may(actor, Permission.EDIT_PERSON):
        raise NotAllowed
    with transaction.atomic():
        stored = Person.objects.select_for_update().get(pk=person.pk)
        if stored.version != expected_version:
            raise StaleEdit()
        changed = [
            name
            for name, value in data.items()
            if name in PERSON_EDITABLE_FIELDS and getattr(stored, name) != value
        ]
        if not changed:
            return []
        for name in changed:
            setattr(stored, name, data[name])
        stored.full_clean()
        save_versioned(
            stored,
            expected_version=expected_version,
            update_fields=[*changed, "updated_at"],
        )
        if set(changed) & MATCHED_FIELDS:
            match_keys_refresh(stored)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=changed,
            request=request,
        )
    for name in [*changed, "version", "updated_at"]:
        setattr(person, name, getattr(stored, name))
    return changed
