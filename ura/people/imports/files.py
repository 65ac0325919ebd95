"""Reading an import file (CSV or XLSX) into rows of text, column by column.

Everything wrong with the file as a whole (encoding, columns, format) is an
``ImportFileError`` raised before any row is looked at; what is wrong with a row
is for ``ura.people.imports.rows`` to say.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _

from ura.people.equity import EQUITY_FIELDS

__all__ = [
    "ALL_COLUMNS",
    "EQUITY_COLUMNS",
    "EXTENSIONS",
    "MAX_ROWS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "ImportFileError",
    "RawRow",
    "read_rows",
]

REQUIRED_COLUMNS = ("given_name", "family_name", "sex", "date_of_birth", "place_code")
EQUITY_COLUMNS = tuple(f for f in EQUITY_FIELDS if f != "functional_difficulty")
OPTIONAL_COLUMNS = (
    "external_id",
    "estimated_age",
    "other_names",
    "personal_number",
    "phone",
    "address",
    "languages",
    *EQUITY_COLUMNS,
)
ALL_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
EXTENSIONS = ("csv", "xlsx")
# Far above any real register; a bound keeps a wrong file from filling the memory.
MAX_ROWS = 100_000


class ImportFileError(ValueError):
    """The file cannot be read as a whole; ``message`` is in the user's language."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class RawRow:
    """One data row: its number as a spreadsheet shows it (the header is row 1)
    and its cells by column name, as trimmed text ("" when empty)."""

    number: int
    values: dict[str, str]


def read_rows(handle: BinaryIO, *, file_name: str) -> list[RawRow]:
    """Every data row of the file; blank rows are left out. Raises
    ``ImportFileError`` for a file that cannot be imported at all."""
    extension = Path(file_name).suffix.lower().lstrip(".")
    if extension == "csv":
        table = _csv_table(handle.read(), file_name)
    elif extension == "xlsx":
        table = _xlsx_table(handle, file_name)
    else:
        raise ImportFileError(
            _("%(file)s: only .csv and .xlsx files can be imported.")
            % {"file": file_name}
        )
    return _rows(table, file_name)


def _csv_table(content: bytes, file_name: str) -> Iterator[list[object]]:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            _(
                "%(file)s is not in UTF-8 (the first character it cannot read is "
                "on line %(line)s). Save it as “CSV UTF-8” and try again."
            )
            % {"file": file_name, "line": line}
        ) from exc
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to Albanian or Serbian save CSV with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        yield from reader
    except csv.Error as exc:
        raise ImportFileError(
            _("%(file)s is not a well-formed CSV file (line %(line)s).")
            % {"file": file_name, "line": reader.line_num}
        ) from exc


def _xlsx_table(handle: BinaryIO, file_name: str) -> Iterator[list[object]]:
    # Imported here: only an XLSX upload pays for loading openpyxl.
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            _("%(file)s is not a readable .xlsx workbook.") % {"file": file_name}
        ) from exc
    try:
        # The first sheet: a workbook saved with another sheet open still imports
        # the same rows.
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A cell as the text a CSV would hold: dates as YYYY-MM-DD, whole numbers
    without ".0", so that one file gives the same values in either format."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        # A time of day is kept, so that the date check refuses it rather than
        # the import dropping it.
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # NFC: the same letter typed two ways (č, or c and a combining caron) is one.
    return unicodedata.normalize("NFC", " ".join(str(value).split()))


def _header(cells: list[object], file_name: str) -> list[str]:
    names = [_cell_text(c).lower() for c in cells]
    while names and not names[-1]:
        names.pop()
    seen: set[str] = set()
    twice = sorted({n for n in names if n in seen or seen.add(n)})
    if twice:
        raise ImportFileError(
            _("%(file)s: these columns appear twice: %(columns)s.")
            % {"file": file_name, "columns": ", ".join(twice)}
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ImportFileError(
            _("%(file)s: these required columns are missing: %(columns)s.")
            % {"file": file_name, "columns": ", ".join(missing)}
        )
    # A misspelt column would otherwise be dropped without a word, with its data.
    unknown = [n or "?" for n in names if n not in ALL_COLUMNS]
    if unknown:
        raise ImportFileError(
            _(
                "%(file)s: these columns are not known: %(columns)s. The columns "
                "are: %(known)s."
            )
            % {
                "file": file_name,
                "columns": ", ".join(unknown),
                "known": ", ".join(ALL_COLUMNS),
            }
        )
    return names


def _rows(table: Iterator[list[object]], file_name: str) -> list[RawRow]:
    header: list[str] | None = None
    rows: list[RawRow] = []
    for number, cells in enumerate(table, start=1):
        if header is None:
            if not any(_cell_text(c) for c in cells):
                raise ImportFileError(
                    _("%(file)s: the first row must name the columns.")
                    % {"file": file_name}
                )
            header = _header(cells, file_name)
            continue
        texts = [_cell_text(c) for c in cells]
        if not any(texts):
            continue
        if len(texts) > len(header) and any(texts[len(header) :]):
            raise ImportFileError(
                _("%(file)s: row %(row)s has more cells than the header has columns.")
                % {"file": file_name, "row": number}
            )
        texts += [""] * (len(header) - len(texts))
        rows.append(RawRow(number, dict(zip(header, texts, strict=False))))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                _("%(file)s has more than %(limit)s rows; split it into smaller files.")
                % {"file": file_name, "limit": MAX_ROWS}
            )
    if header is None:
        raise ImportFileError(_("%(file)s is empty.") % {"file": file_name})
    return rows
