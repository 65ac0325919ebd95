"""Reads of trainings: always starting from the agencies a user organises for.

A training, its participants and their names are seen by the trainers of the
organising agency only (``Role.TRAINER`` there and ``record_trainings``); for
everyone else a training does not exist (404). Programme pages count
participants without naming them (``ura.directory.programme_queries``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest

from ura.access.rules import Permission, agencies_where, full_access_people, may
from ura.accounts.models import Agency, Role, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.dates import years_before
from ura.people.duplicates import people_named
from ura.people.models import Person, Sex
from ura.services.models import Profession, Training, TrainingParticipant

ADULT_AGE = 18


def organising_agencies(user: User) -> QuerySet[Agency]:
    """The agencies this user records trainings for (where they are a trainer)."""
    if not may(user, Permission.RECORD_TRAININGS):
        return Agency.objects.none()
    return agencies_where(user, Role.TRAINER)


def visible_trainings(user: User) -> QuerySet[Training]:
    """The trainings of the user's organising agencies. The start of every list."""
    agencies = list(organising_agencies(user).values_list("pk", flat=True))
    if not agencies:
        return Training.objects.none()
    return Training.objects.filter(organiser_id__in=agencies)


def access_training(user: User, training_id: int | str) -> Training:
    """The training, for a trainer of its organiser; 404 for anyone else."""
    try:
        return (
            visible_trainings(user)
            .select_related("organiser", "place", "programme")
            .get(pk=training_id)
        )
    except (Training.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_participant(user: User, participant_id: int | str) -> TrainingParticipant:
    try:
        return TrainingParticipant.objects.select_related(
            "training__organiser", "person", "institution_agency"
        ).get(pk=participant_id, training__in=visible_trainings(user))
    except (TrainingParticipant.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def training_list(
    *, user: User, topic: str = "", year: int | None = None
) -> QuerySet[Training]:
    """The user's trainings, newest first, each with its number of participants."""
    trainings = (
        visible_trainings(user)
        .select_related("organiser", "place", "programme")
        .annotate(participant_count=Count("participants"))
    )
    if topic:
        trainings = trainings.filter(topic=topic)
    if year:
        trainings = trainings.filter(starts_on__year=year)
    return trainings.order_by("-starts_on", "-pk")


def participants_of(training: Training) -> QuerySet[TrainingParticipant]:
    return training.participants.select_related(
        "person", "institution_agency"
    ).order_by("person__family_name", "person__given_name", "pk")


@dataclass
class ProfessionRow:
    profession: str
    label: str
    female: int = 0
    male: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        return self.female + self.male + self.unknown


@dataclass
class ParticipantCounts:
    """The participants of one training (or many) by profession and sex."""

    rows: list[ProfessionRow] = field(default_factory=list)
    completed: int = 0

    @property
    def total(self) -> ProfessionRow:
        return ProfessionRow(
            "",
            "",
            female=sum(r.female for r in self.rows),
            male=sum(r.male for r in self.rows),
            unknown=sum(r.unknown for r in self.rows),
        )


def participant_counts(
    participants: QuerySet[TrainingParticipant],
) -> ParticipantCounts:
    """Counts by profession and the participants' sex, in one query."""
    grouped = (
        participants.order_by()
        .values("profession", "person__sex")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(completed=True)))
    )
    rows: dict[str, ProfessionRow] = {}
    completed = 0
    for line in grouped:
        code = line["profession"]
        row = rows.setdefault(
            code, ProfessionRow(code, str(Profession(code).label) if code else "")
        )
        sex = line["person__sex"]
        if sex == Sex.FEMALE:
            row.female += line["n"]
        elif sex == Sex.MALE:
            row.male += line["n"]
        else:
            row.unknown += line["n"]
        completed += line["done"]
    order = {code: i for i, code in enumerate(Profession.values)}
    return ParticipantCounts(
        rows=sorted(rows.values(), key=lambda r: order.get(r.profession, 99)),
        completed=completed,
    )


def training_viewed(
    *, user: User, training: Training, request: HttpRequest | None, shown: int
) -> None:
    """The training page lists participants by name: each look is audited."""
    record(
        actor=user,
        action=AuditAction.VIEW,
        obj=training,
        detail=f"participants, {shown} shown",
        request=request,
    )


def adults_to_pick(
    *, user: User, training: Training, text: str, limit: int = 20
) -> list[Person]:
    """People the trainer sees in full, found by name, who may join the training:
    adults (or of unknown age) not taking part in it yet."""
    if not text.strip():
        return []
    people = (
        full_access_people(user)
        .filter(merged_into__isnull=True)
        .exclude(trainings__training=training)
        .filter(
            Q(date_of_birth__isnull=True)
            | Q(date_of_birth__lte=years_before(training.starts_on, ADULT_AGE))
        )
        .select_related("place")
    )
    return list(
        people_named(people, text).order_by("family_name", "given_name", "pk")[:limit]
    )


def pickable_person(user: User, training: Training, person_id: int | str) -> Person:
    """A person the trainer sees in full; 404 for anyone else (as for a stranger)."""
    try:
        return (
            full_access_people(user)
            .filter(merged_into__isnull=True)
            .select_related("place")
            .get(pk=person_id)
        )
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
