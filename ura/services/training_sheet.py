"""The "add many participants" sheet: a sign-in sheet typed in, saved whole or
not at all, every wrong row named by its number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ura.accounts.models import User
from ura.people.duplicates import (
    LikelyMatch,
    candidate_from_data,
    likely_duplicates,
)
from ura.people.matching import normalise_name
from ura.people.models import Person, Sex
from ura.services import training_actions
from ura.services.models import Profession, Training, TrainingParticipant


@dataclass(frozen=True)
class ParticipantRow:
    """One row of the "add many participants" table; ``number`` is its row."""

    number: int
    given_name: str
    family_name: str
    sex: str
    profession: str
    institution: str


def _row_error(number: int, message: str) -> str:
    return _("Row %(number)s: %(message)s") % {"number": number, "message": message}


def _row_problems(
    row: ParticipantRow, training: Training, seen: dict[tuple[str, str], int]
) -> tuple[list[str], dict[str, Any]]:
    problems: list[str] = []
    data = {
        "given_name": row.given_name.strip(),
        "family_name": row.family_name.strip(),
        "sex": row.sex,
        "place": training.place,
    }
    if not data["given_name"] or not data["family_name"]:
        problems.append(_("give the given name and the family name."))
    if row.sex not in Sex.values:
        problems.append(_("choose the sex."))
    if row.profession not in Profession.values:
        problems.append(_("choose the profession."))
    if not row.institution.strip():
        problems.append(_("give the institution."))
    if not problems:
        try:
            Person(**data).full_clean(exclude=["created_by", "merged_into"])
        except ValidationError as exc:
            problems.extend(exc.messages)
    key = (normalise_name(data["given_name"]), normalise_name(data["family_name"]))
    if not problems and key in seen:
        problems.append(
            _("the same person as in row %(other)s.") % {"other": seen[key]}
        )
    seen.setdefault(key, row.number)
    return problems, data


def participants_add_many(
    *,
    actor: User,
    training: Training,
    rows: Sequence[ParticipantRow],
    register_anyway: bool = False,
    request: HttpRequest | None = None,
) -> list[TrainingParticipant]:
    """Register many new participants at once (a sign-in sheet typed in): all of
    them or, if any row is wrong, none, with every wrong row named by its number.

    Each row runs the duplicate check; a row that likely matches someone already
    registered is refused unless the trainer ticked "register anyway". They are
    recorded as living where the training is held: a sign-in sheet has no address.
    """
    training_actions.require_organiser(actor, training.organiser_id)
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    ready: list[tuple[ParticipantRow, dict[str, Any], list[LikelyMatch]]] = []
    for row in rows:
        problems, data = _row_problems(row, training, seen)
        matches: list[LikelyMatch] = []
        if not problems:
            matches = likely_duplicates(candidate_from_data(data))
            if matches and not register_anyway:
                problems.append(
                    _(
                        "this person may already be registered. Add them from the "
                        "people you see, or tick “register anyway”."
                    )
                )
        errors.extend(_row_error(row.number, p) for p in problems)
        ready.append((row, data, matches))
    if not ready:
        errors.append(_("Fill in at least one row."))
    if errors:
        raise ValidationError(errors)
    added = []
    with transaction.atomic():
        for row, data, matches in ready:
            try:
                added.append(
                    training_actions.participant_register(
                        actor=actor,
                        training=training,
                        person_data=data,
                        profession=row.profession,
                        institution=row.institution,
                        possible_duplicates=matches,
                        request=request,
                    )
                )
            except ValidationError as exc:
                # Rolls back every row already written in this transaction.
                raise ValidationError(
                    [_row_error(row.number, m) for m in exc.messages]
                ) from exc
    return added
