"""The batch's files: people in (CSV), pairs out (CSV).

Input columns: ``id,given_name,family_name,sex,date_of_birth,place,caregiver_name``
(UTF-8, a header line, more columns allowed and ignored). ``id`` and
``given_name`` are required; the other five may be empty. ``sex`` is ``female``,
``male`` (``f``/``m`` accepted) or empty; ``date_of_birth`` is ``YYYY-MM-DD``. An
optional ``dob_estimated`` column (``1``/``true``/``yes``) marks estimated dates.

Every error names the line and the field, so that whoever prepared the file can
fix it; nothing is half-read silently.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from ura.people.matching.candidate import Candidate

__all__ = ["COLUMNS", "CandidateFileError", "read_candidates", "write_pairs"]

COLUMNS = (
    "id",
    "given_name",
    "family_name",
    "sex",
    "date_of_birth",
    "place",
    "caregiver_name",
)
_SEXES = {
    "": "",
    "unknown": "",
    "female": "female",
    "f": "female",
    "male": "male",
    "m": "male",
}
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"", "0", "false", "no", "n"}
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class CandidateFileError(ValueError):
    """A bad input file: ``line`` (1-based, the header is line 1) and ``field``."""

    def __init__(self, message: str, *, line: int, field: str = "") -> None:
        self.line = line
        self.field = field
        self.message = message
        where = f"line {line}, {field}" if field else f"line {line}"
        super().__init__(f"{where}: {message}")


def _decoded_lines(handle: Iterable[bytes]) -> Iterator[str]:
    # Decoding line by line (rather than letting open() do it) is what lets a
    # bad byte be reported with its line number.
    for number, raw in enumerate(handle, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CandidateFileError(
                f"not UTF-8 (byte {exc.start + 1} of the line)", line=number
            ) from exc
        if number == 1:
            line = line.removeprefix("\ufeff")
        yield line


def _parse_date(text: str, line: int) -> date | None:
    if not text:
        return None
    match = _DATE.fullmatch(text)
    if match is None:
        raise CandidateFileError(
            f"{text!r} is not a date as YYYY-MM-DD", line=line, field="date_of_birth"
        )
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise CandidateFileError(
            f"{text!r} is not a real date ({exc})", line=line, field="date_of_birth"
        ) from exc


def _header(reader: Iterator[list[str]]) -> dict[str, int]:
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise CandidateFileError("the file is empty", line=1) from None
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise CandidateFileError(
            "missing column(s) " + ", ".join(missing), line=1, field=missing[0]
        )
    return {name: header.index(name) for name in header}


def read_candidates(path: str | os.PathLike[str]) -> Iterator[Candidate]:
    """Yield the people in a CSV file; raise ``CandidateFileError`` on bad input."""
    with Path(path).open("rb") as handle:
        reader = csv.reader(_decoded_lines(handle), strict=True)
        columns = _header(reader)
        width = len(columns)
        at = [columns[name] for name in COLUMNS]
        estimated_at = columns.get("dob_estimated")
        seen: set[str] = set()
        # Dates of birth repeat a great deal in a population; parse each once.
        dates: dict[str, date | None] = {"": None}
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise CandidateFileError(str(exc), line=reader.line_num) from exc
            line = reader.line_num
            if not row:
                continue
            if len(row) != width:
                raise CandidateFileError(
                    f"{len(row)} fields where the header has {width}", line=line
                )
            values = [row[i].strip() for i in at]
            dob = values[4]
            if dob not in dates:
                dates[dob] = _parse_date(dob, line)
            flag = row[estimated_at] if estimated_at is not None else ""
            yield _candidate(values, dates[dob], flag, line, seen)


def _candidate(
    values: list[str], dob: date | None, flag: str, line: int, seen: set[str]
) -> Candidate:
    id_, given, family, sex, _, place, caregiver = values
    if not id_:
        raise CandidateFileError("must not be empty", line=line, field="id")
    if not given:
        raise CandidateFileError("must not be empty", line=line, field="given_name")
    if id_ in seen:
        raise CandidateFileError(f"id {id_!r} appears twice", line=line, field="id")
    seen.add(id_)
    try:
        sex = _SEXES[sex.lower()]
    except KeyError:
        raise CandidateFileError(
            f"{sex!r} is not female, male or empty", line=line, field="sex"
        ) from None
    flag = flag.strip().lower()
    if flag not in _TRUE and flag not in _FALSE:
        raise CandidateFileError(
            f"{flag!r} is not 1/0, true/false or yes/no",
            line=line,
            field="dob_estimated",
        )
    return Candidate(
        id=id_,
        given_name=given,
        family_name=family,
        sex=sex,
        date_of_birth=dob,
        dob_estimated=flag in _TRUE,
        place=place,
        caregiver_name=caregiver,
    )


def write_pairs(
    pairs: Iterable[tuple[str, str, float]], path: str | os.PathLike[str]
) -> int:
    """Write ``id_a,id_b,score`` lines and return how many pairs were written.

    The file appears only when every pair is written: the pairs usually come from
    a generator that reads the input as it goes, and a bad line there must leave
    no file (rather than a header and half the pairs) behind.
    """
    target = Path(path)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or "."
    )
    count = 0
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(("id_a", "id_b", "score"))
            for id_a, id_b, score in pairs:
                writer.writerow((id_a, id_b, f"{score:.4f}"))
                count += 1
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count
