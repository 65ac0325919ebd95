"""One row of an import file checked with the registration form's own rules.

The row becomes the data ``PersonForm`` would receive from the registration page,
so every rule (required fields, choices, the date of birth's range, the age's,
Latin-only personal numbers, phone characters, the community list of the
country) is the form's and the model's, not a copy of them. Errors come back as
(row, column, message), the message in the active language.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from ura.people.forms import PersonForm, residence_places
from ura.people.imports.files import ALL_COLUMNS, RawRow
from ura.people.models import Person
from ura.places.models import Place

__all__ = ["RowChecker", "RowError", "ValidRow", "import_key", "places_by_code"]

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# Columns whose values are codes: compared without regard to case.
_CODE_COLUMNS = frozenset({"sex", "languages", *PersonForm.EQUITY})
_TEXT_COLUMNS = (
    "given_name",
    "family_name",
    "other_names",
    "personal_number",
    "address",
    "phone",
    "estimated_age",
)
# Form field -> the column the user typed it in.
_COLUMN_OF_FIELD = {"place": "place_code", "__all__": ""}
MAX_EXTERNAL_ID = 100


@dataclass(frozen=True)
class RowError:
    row: int
    field: str  # the column name, "" for the row as a whole
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}

    def __str__(self) -> str:
        if self.field:
            return _("Row %(row)s, %(field)s: %(message)s") % self.as_dict()
        return _("Row %(row)s: %(message)s") % self.as_dict()


@dataclass(frozen=True)
class ValidRow:
    number: int
    key: str
    data: dict[str, Any]  # what ``person_register`` takes


def places_by_code() -> dict[str, Place]:
    """The places a person may live in, by code: read once per file."""
    return {place.code.upper(): place for place in residence_places()}


def import_key(raw: RawRow) -> str:
    """SHA-256 of the row's values after normalising (case of names and codes,
    spaces), or of its ``external_id`` when it has one. The same person in the
    same words gives the same key in a CSV and in an XLSX, on any day."""
    external = raw.values.get("external_id", "")
    if external:
        material = json.dumps(["external_id", external])
    else:
        material = json.dumps(
            [
                [column, _normalised(column, raw.values[column])]
                for column in ALL_COLUMNS
                if raw.values.get(column)
            ],
            ensure_ascii=False,
        )
    return hashlib.sha256(material.encode()).hexdigest()


def _normalised(column: str, value: str) -> str:
    if column == "languages":
        return ";".join(sorted(_codes(value)))
    if column == "place_code":
        return value.upper()
    return value.casefold()


def _codes(value: str) -> list[str]:
    return [code.strip().lower() for code in re.split(r"[;,]", value) if code.strip()]


class _RowForm(PersonForm):
    """The registration form, built once per file and bound to each row in turn.

    Building a ``PersonForm`` deep-copies its fields and choices; for ten
    thousand rows that copying cost more than the checks themselves. Binding is
    what ``BaseForm.__init__`` does with the data, and validation runs exactly as
    on the registration page. The place comes resolved from the residence places
    read once per file, so neither the field nor the model asks the database for
    it again.
    """

    def __init__(self, places: dict[str, Place]) -> None:
        super().__init__()
        self.places_by_pk = {str(place.pk): place for place in places.values()}
        self.fields["place"].to_python = self._place  # type: ignore[method-assign]

    def _place(self, value: object) -> Place | None:
        if value in self.fields["place"].empty_values:
            return None
        return self.places_by_pk[str(value)]

    def bind(self, data: dict[str, Any]) -> None:
        self.data = data
        self.is_bound = True
        self._errors = None
        self.instance = Person()

    def _get_validation_exclusions(self) -> set[str]:
        return {*super()._get_validation_exclusions(), "place"}


class RowChecker:
    """Checks the rows of one file; holds what is read once per file."""

    def __init__(self) -> None:
        self.places = places_by_code()
        self.form = _RowForm(self.places)

    def check(self, raw: RawRow) -> ValidRow | list[RowError]:
        """The person's data when the row passes every registration rule; else
        all its errors (each column's, not only the first)."""
        form_data, errors = self._form_data(raw)
        form = self.form
        form.bind(form_data)
        valid = form.is_valid()
        reported = {e.field for e in errors}
        for field, messages in form.errors.items():
            column = _COLUMN_OF_FIELD.get(field, field)
            if column in reported:
                continue  # the file-level check already said it better
            errors.extend(RowError(raw.number, column, str(m)) for m in messages)
        if errors or not valid:
            return errors
        return ValidRow(raw.number, import_key(raw), form.person_data())

    def _form_data(self, raw: RawRow) -> tuple[dict[str, Any], list[RowError]]:
        """The row as the registration page would post it."""
        values = raw.values
        errors: list[RowError] = []
        if len(values.get("external_id", "")) > MAX_EXTERNAL_ID:
            message = _("Use at most %(n)s characters.") % {"n": MAX_EXTERNAL_ID}
            errors.append(RowError(raw.number, "external_id", message))
        data: dict[str, Any] = {name: values.get(name, "") for name in _TEXT_COLUMNS}
        for name in _CODE_COLUMNS - {"languages"}:
            data[name] = values.get(name, "").lower()
        data["languages"] = _codes(values.get("languages", ""))
        data["date_of_birth"], error = _iso_date(values.get("date_of_birth", ""))
        if error:
            errors.append(RowError(raw.number, "date_of_birth", error))
        code = values.get("place_code", "").upper()
        place = self.places.get(code)
        data["place"] = place.pk if place else ""
        if code and place is None:
            message = _("Unknown place code “%(code)s”.") % {"code": code}
            errors.append(RowError(raw.number, "place_code", message))
        return data, errors


def _iso_date(text: str) -> tuple[str, str]:
    """(the date for the form, an error): only YYYY-MM-DD, because 03/04/2016 is
    the 3rd of April in one country's spreadsheets and the 4th of March in
    another's."""
    if not text:
        return "", ""
    match = _ISO_DATE.fullmatch(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat(), ""
        except ValueError:
            return "", _("This date does not exist.")
    return "", _("Write the date as YYYY-MM-DD, for example 2016-03-09.")
