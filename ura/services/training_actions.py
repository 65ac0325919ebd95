"""Writes to trainings and their participants: atomic, validated, audited.

Participants are people in Ura's sense, registered through the people actions (so
the duplicate check applies), but never children. Each one is shared with the
organising agency alone, by a ``training`` grant whose source is the training:
the organiser's trainers see them, case workers do not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.grants import grant_open, grants_end
from ura.access.models import GrantLevel, GrantReason, PersonGrant
from ura.access.rules import Permission, full_access_people, may
from ura.accounts.models import Agency, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.versioning import StaleEdit, save_versioned
from ura.people.actions import NotAllowed, person_register
from ura.people.duplicates import LikelyMatch
from ura.people.models import Person
from ura.services.models import Training, TrainingParticipant
from ura.services.training_queries import ADULT_AGE, organising_agencies

__all__ = [
    "NotAllowed",
    "ParticipantRow",
    "participant_add",
    "participant_register",
    "participant_remove",
    "participant_update",
    "participants_add_many",
    "training_create",
    "training_update",
]

TRAINING_FIELDS = (
    "title",
    "topic",
    "starts_on",
    "ends_on",
    "place",
    "venue",
    "hours",
    "organiser",
    "programme",
    "description",
)
PARTICIPANT_FIELDS = ("profession", "institution", "institution_agency", "completed")


def training_source(training: Training) -> tuple[str, int]:
    """What the participants' grants come from: ending it ends them all."""
    return ("training", training.pk)


def require_organiser(actor: User, agency_id: int) -> None:
    if not may(actor, Permission.RECORD_TRAININGS):
        raise NotAllowed
    if not organising_agencies(actor).filter(pk=agency_id).exists():
        raise NotAllowed


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError(
            {"ends_on": _("The training cannot end before it starts.")}
        )


def _check_organiser(actor: User, organiser: Agency | None) -> None:
    if (
        organiser is None
        or not organising_agencies(actor).filter(pk=organiser.pk).exists()
    ):
        raise ValidationError(
            {"organiser": _("You can only record trainings your own agency organises.")}
        )


def training_create(
    *,
    actor: User,
    data: dict[str, Any],
    partners: Iterable[Agency] = (),
    request: HttpRequest | None = None,
) -> Training:
    """Record a training organised by one of the actor's agencies."""
    if not may(actor, Permission.RECORD_TRAININGS):
        raise NotAllowed
    _check_organiser(actor, data.get("organiser"))
    _check_dates(data.get("starts_on"), data.get("ends_on"))
    partners = list(partners)
    with transaction.atomic():
        training = Training(
            recorded_by=actor,
            **{k: v for k, v in data.items() if k in TRAINING_FIELDS},
        )
        training.title = training.title.strip()
        training.full_clean()
        training.save(force_insert=True)
        training.partners.set(partners)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=training,
            fields=[k for k, v in data.items() if v not in ("", None)]
            + (["partners"] if partners else []),
            request=request,
        )
    return training


def training_update(
    *,
    actor: User,
    training: Training,
    data: dict[str, Any],
    expected_version: int,
    partners: Iterable[Agency] | None = None,
    request: HttpRequest | None = None,
) -> list[str]:
    """Edit a training; a stale edit is refused. A new organiser (another of the
    actor's agencies) takes over the participants' grants."""
    require_organiser(actor, training.organiser_id)
    if "organiser" in data:
        _check_organiser(actor, data["organiser"])
    with transaction.atomic():
        stored = Training.objects.select_for_update().get(pk=training.pk)
        if stored.version != expected_version:
            raise StaleEdit()
        changed = [
            name
            for name, value in data.items()
            if name in TRAINING_FIELDS and getattr(stored, name) != value
        ]
        for name in changed:
            setattr(stored, name, data[name])
        stored.title = stored.title.strip()
        _check_dates(stored.starts_on, stored.ends_on)
        new_partners = None if partners is None else {p.pk for p in partners}
        if new_partners is not None and new_partners != set(
            stored.partners.values_list("pk", flat=True)
        ):
            changed.append("partners")
        if not changed:
            return []
        stored.full_clean()
        save_versioned(
            stored,
            expected_version=expected_version,
            update_fields=[n for n in changed if n != "partners"] + ["updated_at"],
        )
        if "partners" in changed:
            stored.partners.set(new_partners)
        if "organiser" in changed:
            _move_grants(actor, stored)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=changed,
            request=request,
        )
    for name in [*TRAINING_FIELDS, "version", "updated_at"]:
        setattr(training, name, getattr(stored, name))
    return changed


def _move_grants(actor: User, training: Training) -> None:
    grants_end(source=training_source(training))
    for participant in training.participants.select_related("person"):
        _open_grant(actor, training, participant.person)


def _open_grant(actor: User, training: Training, person: Person) -> None:
    grant_open(
        actor=actor,
        person=person,
        reason=GrantReason.TRAINING,
        level=GrantLevel.FULL,
        agency=training.organiser,
        source=training_source(training),
    )


def _refuse_child(date_of_birth: date | None, training: Training, key: str) -> None:
    """Trainings record professionals: a child (under 18 on the first day, when the
    date of birth is known) is refused."""
    if date_of_birth is None:
        return
    probe = Person(date_of_birth=date_of_birth)
    age = probe.age_on(training.starts_on)
    if age is not None and age < ADULT_AGE:
        raise ValidationError(
            {
                key: _(
                    "A child cannot take part in a training: participants are "
                    "professionals aged 18 or over, and this person is under 18."
                )
            }
        )


def _participate(
    *,
    actor: User,
    training: Training,
    person: Person,
    profession: str,
    institution: str,
    institution_agency: Agency | None,
    completed: bool,
    request: HttpRequest | None,
) -> TrainingParticipant:
    _refuse_child(person.date_of_birth, training, "person")
    if training.participants.filter(person=person).exists():
        raise ValidationError(
            {"person": _("This person already takes part in this training.")}
        )
    institution = (institution or "").strip()
    if not institution and institution_agency is not None:
        institution = institution_agency.name
    participant = TrainingParticipant(
        training=training,
        person=person,
        profession=profession,
        institution=institution,
        institution_agency=institution_agency,
        completed=completed,
    )
    participant.full_clean()
    participant.save(force_insert=True)
    _open_grant(actor, training, person)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=participant,
        fields=["person", "profession", "institution", "completed"]
        + (["institution_agency"] if institution_agency else []),
        detail=f"training {training.pk}",
        request=request,
    )
    return participant


def participant_add(
    *,
    actor: User,
    training: Training,
    person: Person,
    profession: str,
    institution: str = "",
    institution_agency: Agency | None = None,
    completed: bool = True,
    request: HttpRequest | None = None,
) -> TrainingParticipant:
    """Add someone already in Ura, whom the actor sees in full, to the training."""
    require_organiser(actor, training.organiser_id)
    if not full_access_people(actor).filter(pk=person.pk).exists():
        raise NotAllowed
    with transaction.atomic():
        return _participate(
            actor=actor,
            training=training,
            person=person,
            profession=profession,
            institution=institution,
            institution_agency=institution_agency,
            completed=completed,
            request=request,
        )


def participant_register(
    *,
    actor: User,
    training: Training,
    person_data: dict[str, Any],
    profession: str,
    institution: str = "",
    institution_agency: Agency | None = None,
    completed: bool = True,
    possible_duplicates: Sequence[LikelyMatch] = (),
    request: HttpRequest | None = None,
) -> TrainingParticipant:
    """Register a new person (``person_register``: the matches the trainer chose
    to register past are kept for review) and add them, in one transaction."""
    require_organiser(actor, training.organiser_id)
    _refuse_child(person_data.get("date_of_birth"), training, "date_of_birth")
    with transaction.atomic():
        person = person_register(
            actor=actor,
            data=person_data,
            request=request,
            possible_duplicates=possible_duplicates,
        )
        return _participate(
            actor=actor,
            training=training,
            person=person,
            profession=profession,
            institution=institution,
            institution_agency=institution_agency,
            completed=completed,
            request=request,
        )


def participant_update(
    *,
    actor: User,
    participant: TrainingParticipant,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> list[str]:
    """Change a participant's profession, institution or completion."""
    require_organiser(actor, participant.training.organiser_id)
    with transaction.atomic():
        stored = TrainingParticipant.objects.select_for_update().get(pk=participant.pk)
        changed = [
            name
            for name, value in data.items()
            if name in PARTICIPANT_FIELDS and getattr(stored, name) != value
        ]
        if not changed:
            return []
        for name in changed:
            setattr(stored, name, data[name])
        stored.institution = stored.institution.strip()
        if not stored.institution and stored.institution_agency is not None:
            stored.institution = stored.institution_agency.name
            changed = sorted({*changed, "institution"})
        stored.full_clean()
        stored.save(update_fields=changed)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=changed,
            request=request,
        )
    for name in changed:
        setattr(participant, name, getattr(stored, name))
    return changed


def participant_remove(
    *,
    actor: User,
    participant: TrainingParticipant,
    request: HttpRequest | None = None,
) -> None:
    """Take someone off a training (recorded by mistake): the organiser no longer
    sees them through this training from the next request."""
    training = participant.training
    require_organiser(actor, training.organiser_id)
    source_type, source_id = training_source(training)
    with transaction.atomic():
        PersonGrant.objects.filter(
            source_type=source_type,
            source_id=str(source_id),
            person_id=participant.person_id,
            ends_at__isnull=True,
        ).update(ends_at=timezone.now())
        record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=participant,
            detail=f"training {training.pk}",
            request=request,
        )
        participant.delete()


# The typed-in sheet, in a module of its own; every write is found from here.
from ura.services.training_sheet import (  # noqa: E402
    ParticipantRow,
    participants_add_many,
)
