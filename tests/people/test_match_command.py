"""``ura match INPUT.csv --out PAIRS.csv``: pairs out, errors with their line, no
database. These tests have no database fixture on purpose: pytest-django fails
any test that touches the database without one."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.backends.base.base import BaseDatabaseWrapper

HEADER = "id,given_name,family_name,sex,date_of_birth,place,caregiver_name\n"
PEOPLE = (
    "1,Arben,Krasniqi,male,2015-03-04,XK-PR,Arta Krasniqi\n"
    "2,Арбен,Краснићи,male,2015-04-03,XK-PR,\n"
    "3,Blerta,Krasniqi,female,2012-09-30,XK-PR,Arta Krasniqi\n"
    "4,Đorđe,Jovanović,male,2012-11-05,,\n"
    "5,Jovanovic,Djordje,,2012-11-05,,\n"
    "6,Milica,Jovanović,female,,RS-01,\n"
)


def _file(tmp_path: Path, text: str, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _pairs(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_it_writes_the_pairs_judged_to_be_the_same_person(tmp_path, capsys):
    out = tmp_path / "pairs.csv"
    call_command("match", str(_file(tmp_path, HEADER + PEOPLE)), out=str(out))
    pairs = _pairs(out)
    assert [(p["id_a"], p["id_b"]) for p in pairs] == [("1", "2"), ("4", "5")]
    assert all(0.0 <= float(p["score"]) <= 1.0 for p in pairs)
    summary = capsys.readouterr().out
    assert "6 records read" in summary
    assert "2 pairs written" in summary


def test_a_higher_threshold_writes_fewer_pairs(tmp_path):
    out = tmp_path / "pairs.csv"
    people = _file(tmp_path, HEADER + PEOPLE)
    call_command("match", str(people), out=str(out), threshold=0.0)
    everything = len(_pairs(out))
    call_command("match", str(people), out=str(out), threshold=1.0)
    assert len(_pairs(out)) < everything


def test_it_never_opens_a_database_connection(tmp_path, monkeypatch):
    def refuse(self):  # noqa: ANN001, ANN202
        raise AssertionError("ura match opened a database connection")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
    out = tmp_path / "pairs.csv"
    call_command("match", str(_file(tmp_path, HEADER + PEOPLE)), out=str(out))
    assert out.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (HEADER + PEOPLE + "7,Ana,Ilić,female,2012-13-01,,\n", "line 8, date_of_birth"),
        (HEADER + "7,Ana,Ilić,female,05/01/2012,,\n", "line 2, date_of_birth"),
        (HEADER.replace(",place", "") + "7,Ana,Ilić,female,,\n", "line 1, place"),
        (HEADER + "7,,Ilić,female,,,\n", "line 2, given_name"),
        (HEADER + "7,Ana,Ilić,x,,,\n", "line 2, sex"),
        (HEADER + "7,Ana,Ilić,,,,\n7,Ana,Ilić,,,,\n", "line 3, id"),
        (HEADER + "7,Ana,Ilić\n", "line 2"),
        ("", "line 1"),
    ],
)
def test_bad_input_stops_with_the_line_and_field_and_writes_nothing(
    tmp_path, text, expected
):
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError, match=expected):
        call_command("match", str(_file(tmp_path, text)), out=str(out))
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "people.csv"]


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes((HEADER + PEOPLE).encode() + "7,Zoë,Ilic,,,,\n".encode("latin-1"))
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError, match="line 8: not UTF-8"):
        call_command("match", str(path), out=str(out))
    assert not out.exists()


def test_a_byte_order_mark_and_extra_columns_are_accepted(tmp_path):
    text = "\ufeff" + HEADER.replace("\n", ",note\n")
    text += "".join(line.replace("\n", ",x\n") for line in PEOPLE.splitlines(True))
    out = tmp_path / "pairs.csv"
    call_command("match", str(_file(tmp_path, text)), out=str(out))
    assert len(_pairs(out)) == 2


def test_the_console_command_exits_non_zero_on_bad_input(tmp_path):
    people = _file(tmp_path, HEADER + "7,Ana,Ilić,female,2012-02-30,,\n")
    out = tmp_path / "pairs.csv"
    env = {**os.environ, "URA_ENV": "test"}
    done = subprocess.run(
        [sys.executable, "-m", "ura.cli", "match", str(people), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode != 0
    assert "line 2, date_of_birth" in done.stderr
    assert not out.exists()
