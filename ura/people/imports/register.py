"""Registering a batch of checked rows: skip what is imported already, hold likely
duplicates for review, register the rest as the registration page does.

``people_register_many`` is ``ura.people.actions.person_register`` for a batch:
the same permission, the same record, the same REGISTRATION grant, match keys
and one audit event per person, written with bulk inserts. Registering one by
one cost about 17 ms of CPU a person (10,000 rows: nearly three minutes); most
of it was validation already done by the row check and per-row queries a bulk
insert does once. Both run in the caller's transaction (one per batch).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from ura.access.models import GrantLevel, GrantReason, PersonGrant
from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.people.actions import NotAllowed
from ura.people.duplicates import candidate_from_data, candidate_of, search_name
from ura.people.imports.matches import StoredMatch, likely_duplicates_many
from ura.people.imports.rows import ValidRow
from ura.people.imports.within import EarlierRow
from ura.people.matching import blocking_keys
from ura.people.models import (
    ImportedRow,
    ImportJob,
    Person,
    PersonMatchKey,
    PossibleDuplicate,
)

__all__ = ["BatchOutcome", "RowRegistrar", "people_register_many"]


@dataclass
class Match:
    """A record or an earlier row of the file that a row likely duplicates."""

    person_id: int | None  # None: an earlier row that was held, so never stored
    row: int | None  # the row of this file it came from, when it did
    score: float
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "person": self.person_id,
            "row": self.row,
            "score": round(self.score * 100),
            "reasons": list(self.reasons),
        }


@dataclass
class BatchOutcome:
    imported: int = 0
    skipped: int = 0
    held: int = 0
    # Entries for the job's report: held duplicates and repeated rows. Record ids,
    # row numbers, scores and reason codes only, never a name.
    report: list[dict[str, Any]] = field(default_factory=list)


def people_register_many(
    *,
    actor: User,
    rows: list[ValidRow],
    duplicates: dict[int, list[Match]],
    job: ImportJob,
) -> list[Person]:
    """Register the people of ``rows`` (already checked with the registration
    rules); ``duplicates`` are, per row number, the matches registered past."""
    if not may(actor, Permission.REGISTER_PERSON):
        raise NotAllowed
    now = timezone.now()
    with transaction.atomic():
        people = [Person(created_by=actor, **row.data) for row in rows]
        for person in people:
            person.search_name = search_name(
                given_name=person.given_name,
                family_name=person.family_name,
                other_names=person.other_names,
            )
        Person.objects.bulk_create(people)
        # What match_keys_refresh stores; a new person has no caregiver yet.
        PersonMatchKey.objects.bulk_create(
            PersonMatchKey(person=person, key=key)
            for person in people
            for key in sorted(blocking_keys(candidate_of(person)))
        )
        # What grant_open writes for a registration, one row per person.
        PersonGrant.objects.bulk_create(
            PersonGrant(
                person=person,
                user=actor,
                reason=GrantReason.REGISTRATION,
                level=GrantLevel.FULL,
                source_type="person",
                source_id=str(person.pk),
                granted_by=actor,
                starts_at=now,
            )
            for person in people
        )
        PossibleDuplicate.objects.bulk_create(
            PossibleDuplicate(
                person=person,
                other_id=match.person_id,
                score=match.score,
                reasons=list(match.reasons),
                found_by=actor,
            )
            for person, row in zip(people, rows, strict=True)
            for match in duplicates.get(row.number, ())
            if match.person_id is not None
        )
        for person, row in zip(people, rows, strict=True):
            matched = len(duplicates.get(row.number, ()))
            detail = f"import {job.pk}, row {row.number}"
            if matched:
                detail += f", registered despite {matched} possible matches"
            record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=person,
                fields=[k for k, v in row.data.items() if v not in ("", None, [])],
                detail=detail,
            )
    return people


class RowRegistrar:
    """Registers one run's batches in turn, remembering which rows became which
    records and which were held, so that a later row is held as a duplicate of
    an earlier one even when that one was held too (and so never stored)."""

    def __init__(
        self,
        *,
        actor: User,
        job: ImportJob,
        earlier: dict[int, list[EarlierRow]],
        create_duplicates: bool,
    ) -> None:
        self.actor = actor
        self.job = job
        self.earlier = earlier
        self.create_duplicates = create_duplicates
        self.person_of_row: dict[int, int] = {}
        self.row_of_person: dict[int, int] = {}
        self.first_row_of_key: dict[str, int] = {}
        self.held_rows: set[int] = set()

    def batch_register(self, batch: list[ValidRow]) -> BatchOutcome:
        """Call inside the batch's transaction."""
        outcome = BatchOutcome()
        done = dict(
            ImportedRow.objects.filter(
                import_key__in=[row.key for row in batch]
            ).values_list("import_key", "person_id")
        )
        to_check: list[ValidRow] = []
        for row in batch:
            first = self.first_row_of_key.setdefault(row.key, row.number)
            if first != row.number:
                # The same values twice in one file: one record, not two.
                outcome.skipped += 1
                outcome.report.append(
                    {"kind": "repeat", "row": row.number, "same_as_row": first}
                )
            elif row.key in done:
                outcome.skipped += 1
                self._remember(row.number, done[row.key])
            else:
                to_check.append(row)
        stored = likely_duplicates_many(
            [candidate_from_data(row.data) for row in to_check]
        )
        to_create: dict[int, ValidRow] = {}
        matches_of: dict[int, list[Match]] = {}
        for row, likely in zip(to_check, stored, strict=True):
            matches = self._matches(row, likely, to_create)
            matches_of[row.number] = matches
            if matches and not self.create_duplicates:
                self.held_rows.add(row.number)
            else:
                to_create[row.number] = row
        self._create(list(to_create.values()), matches_of, outcome)
        for number in sorted(set(matches_of) - set(to_create)):
            for match in matches_of[number]:
                # An earlier row of this batch has become a record meanwhile.
                match.person_id = match.person_id or self.person_of_row.get(match.row)
            outcome.held += 1
            outcome.report.append(
                {
                    "kind": "duplicate",
                    "row": number,
                    "matches": [m.as_dict() for m in matches_of[number]],
                }
            )
        return outcome

    def _create(
        self,
        rows: list[ValidRow],
        matches_of: dict[int, list[Match]],
        outcome: BatchOutcome,
    ) -> None:
        if not rows:
            return
        for row in rows:
            for match in matches_of.get(row.number, ()):
                match.person_id = match.person_id or self.person_of_row.get(match.row)
        # An earlier row of this batch is only a record once the batch is written:
        # its pair with a later row is kept for review after the insert.
        pending = [
            (row, match)
            for row in rows
            for match in matches_of.get(row.number, ())
            if match.person_id is None
        ]
        people = people_register_many(
            actor=self.actor, rows=rows, duplicates=matches_of, job=self.job
        )
        for row, person in zip(rows, people, strict=True):
            self._remember(row.number, person.pk)
        PossibleDuplicate.objects.bulk_create(
            PossibleDuplicate(
                person_id=self.person_of_row[row.number],
                other_id=self.person_of_row[match.row],
                score=match.score,
                reasons=list(match.reasons),
                found_by=self.actor,
            )
            for row, match in pending
            if match.row in self.person_of_row
        )
        ImportedRow.objects.bulk_create(
            ImportedRow(
                import_key=row.key,
                person=person,
                job=self.job,
                row=row.number,
            )
            for row, person in zip(rows, people, strict=True)
        )
        outcome.imported += len(people)

    def _remember(self, row: int, person_id: int) -> None:
        self.person_of_row[row] = person_id
        self.row_of_person[person_id] = row

    def _matches(
        self,
        row: ValidRow,
        likely: list[StoredMatch],
        to_create: dict[int, ValidRow],
    ) -> list[Match]:
        """Stored records the row likely duplicates, and earlier rows of the file
        that are not stored (held, or waiting in this batch)."""
        found = [
            Match(m.person_id, self.row_of_person.get(m.person_id), m.score, m.reasons)
            for m in likely
        ]
        seen = {m.person_id for m in found}
        for earlier in self.earlier.get(row.number, ()):
            person_id = self.person_of_row.get(earlier.row)
            if person_id in seen:
                continue
            unstored = earlier.row in self.held_rows or earlier.row in to_create
            if person_id or unstored:
                found.append(
                    Match(person_id, earlier.row, earlier.score, earlier.reasons)
                )
        found.sort(key=lambda m: -m.score)
        return found
