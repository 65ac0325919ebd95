"""Importing people from CSV and XLSX files: ``ura import-people`` and the page.

Every row is checked with the registration rules, a file with errors imports
nothing unless the valid rows only are asked for, likely duplicates are held for
review, running a file twice creates nothing new, and an import killed half-way
completes on the next run without duplicates.
"""

import csv
import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from ura.access.models import GrantReason, PersonGrant
from ura.audit.models import AuditAction, AuditEvent
from ura.people.duplicates import match_keys_rebuild
from ura.people.imports import background
from ura.people.models import (
    ImportedRow,
    ImportJob,
    ImportStatus,
    Person,
    PersonMatchKey,
    PossibleDuplicate,
)

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["given_name", "family_name", "sex", "date_of_birth", "place_code"]
DRENAS = "XK-01-03"  # a municipality of the test world's country


def _row(given: str = "Arta", family: str = "Krasniqi", **values: str) -> dict:
    return {
        "given_name": given,
        "family_name": family,
        "sex": "female",
        "date_of_birth": "2016-03-09",
        "place_code": DRENAS,
        **values,
    }


def _csv(rows: list[dict], header: list[str] | None = None) -> bytes:
    columns = header or list(dict.fromkeys(HEADER + [k for r in rows for k in r]))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx(rows: list[dict]) -> bytes:
    columns = list(dict.fromkeys(HEADER + [k for r in rows for k in r]))
    book = Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        cells = [row.get(c, "") for c in columns]
        # A spreadsheet holds dates as dates, not as text.
        at = columns.index("date_of_birth")
        if cells[at]:
            cells[at] = date.fromisoformat(cells[at])
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(tmp_path: Path, content: bytes, *options: str, name: str = "kids.csv"):  # noqa: ANN202
    """Run the command as worker_a1; returns (its output, the job)."""
    path = tmp_path / name
    path.write_bytes(content)
    out = io.StringIO()
    call_command("import-people", str(path), "--as", "worker_a1", *options, stdout=out)
    return out.getvalue(), ImportJob.objects.order_by("-pk").first()


def _imported() -> int:
    return Person.objects.filter(pk__in=ImportedRow.objects.values("person_id")).count()


pytestmark = pytest.mark.django_db


# --- Good files -------------------------------------------------------------


def test_a_good_csv_is_imported_as_registrations_are_made(world, tmp_path):
    rows = [
        _row(),
        _row(
            "Ђорђе",
            "Јовановић",
            sex="male",
            date_of_birth="",
            estimated_age="7",
            languages="sr;sq",
            community="serb",
            school_enrolment="enrolled",
            phone="+383 44 123 456",
            external_id="SOC-17",
        ),
    ]
    output, job = _import(tmp_path, _csv(rows))
    worker = world.users["worker_a1"]
    arta = Person.objects.get(given_name="Arta")
    djordje = Person.objects.get(given_name="Ђорђе")
    assert job.status == ImportStatus.DONE and job.imported == 2
    assert "2 imported" in output
    assert djordje.date_of_birth_estimated and djordje.languages == ["sr", "sq"]
    assert djordje.community == "serb" and arta.community == "unknown"
    for person in (arta, djordje):
        assert person.created_by == worker
        assert PersonGrant.objects.filter(
            person=person, user=worker, reason=GrantReason.REGISTRATION
        ).exists()
        assert PersonMatchKey.objects.filter(person=person).exists()
        assert person.search_name
        assert AuditEvent.objects.filter(
            action=AuditAction.CREATE,
            object_type="people.person",
            object_id=str(person.pk),
            actor_id=worker.pk,
        ).exists()


def test_an_xlsx_is_imported_and_is_the_same_file_as_its_csv(world, tmp_path):
    rows = [_row(), _row("Blerim", "Gashi", sex="male", estimated_age="12")]
    rows[1]["date_of_birth"] = ""
    _output, job = _import(tmp_path, _xlsx(rows), name="kids.xlsx")
    assert job.imported == 2
    assert Person.objects.get(given_name="Arta").date_of_birth == date(2016, 3, 9)
    # The same rows as CSV are recognised as already imported.
    _output, again = _import(tmp_path, _csv(rows))
    assert (again.imported, again.skipped_existing) == (0, 2)


def test_a_csv_with_a_byte_order_mark_and_semicolons_is_read(world, tmp_path):
    content = "\ufeff" + "given_name;family_name;sex;date_of_birth;place_code\n"
    content += f"Arta;Krasniqi;female;2016-03-09;{DRENAS}\n"
    _output, job = _import(tmp_path, content.encode("utf-8"))
    assert job.imported == 1


# --- Bad input: a clear message naming the row and field, nothing saved -------

BAD_ROWS = {
    "date_of_birth_in_the_future": (
        {"date_of_birth": "2999-01-01"},
        "date_of_birth",
        "cannot be in the future",
    ),
    "date_of_birth_before_1900": (
        {"date_of_birth": "1899-12-31"},
        "date_of_birth",
        "cannot be before 1900",
    ),
    "age_over_120": (
        {"date_of_birth": "", "estimated_age": "121"},
        "estimated_age",
        "less than or equal to 120",
    ),
    "unknown_place_code": (
        {"place_code": "XK-99-99"},
        "place_code",
        "Unknown place code “XK-99-99”",
    ),
    "a_country_is_not_a_place_of_residence": (
        {"place_code": "XK"},
        "place_code",
        "Unknown place code",
    ),
    "cyrillic_in_a_latin_only_field": (
        {"personal_number": "АБ123456"},
        "personal_number",
        "Latin letters and digits only",
    ),
    "date_not_written_as_iso": (
        {"date_of_birth": "09/03/2016"},
        "date_of_birth",
        "YYYY-MM-DD",
    ),
    "date_that_does_not_exist": (
        {"date_of_birth": "2016-02-30"},
        "date_of_birth",
        "does not exist",
    ),
    "unknown_sex_code": ({"sex": "f"}, "sex", "Select a valid choice"),
    "community_not_counted_in_the_country": (
        {"community": "hungarian"},
        "community",
        "Select a valid choice",
    ),
    "missing_given_name": ({"given_name": ""}, "given_name", "required"),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_a_bad_row_is_named_with_its_row_and_field_and_nothing_is_saved(
    world, tmp_path, case
):
    values, field, message = BAD_ROWS[case]
    rows = [_row("Good"), _row("Bad", **values)]
    with pytest.raises(CommandError) as raised:
        _import(tmp_path, _csv(rows))
    text = str(raised.value)
    assert f"Row 3, {field}: " in text and message in text
    assert "nothing was imported" in text
    assert not Person.objects.filter(given_name__in=["Good", "Bad"]).exists()
    assert not ImportJob.objects.exists()


def test_a_csv_in_the_wrong_encoding_is_named_with_its_first_bad_line(world, tmp_path):
    content = _csv([_row(), _row("Đorđe", "Šćepanović")]).decode()
    with pytest.raises(CommandError) as raised:
        _import(tmp_path, content.encode("cp1250"), name="register.csv")
    text = str(raised.value)
    assert "register.csv is not in UTF-8" in text and "line 3" in text
    assert not Person.objects.filter(family_name="Krasniqi").exists()


def test_missing_columns_are_named(world, tmp_path):
    content = b"given_name,family_name,date_of_birth\nArta,Krasniqi,2016-03-09\n"
    with pytest.raises(CommandError) as raised:
        _import(tmp_path, content)
    assert "required columns are missing: sex, place_code" in str(raised.value)


def test_an_unknown_column_is_an_error_so_that_a_typo_loses_no_data(world, tmp_path):
    with pytest.raises(CommandError) as raised:
        _import(tmp_path, _csv([_row(adress="Rruga 1")]))
    assert "columns are not known: adress" in str(raised.value)
    assert not Person.objects.filter(given_name="Arta").exists()


def test_errors_are_reported_in_the_users_language(world, tmp_path):
    worker = world.users["worker_a1"]
    worker.language = "sr"
    worker.save(update_fields=["language"])
    with pytest.raises(CommandError) as raised:
        _import(tmp_path, _csv([_row(date_of_birth="2999-01-01")]))
    assert "Ред 2, date_of_birth: Датум рођења не може бити у будућности." in str(
        raised.value
    )


def test_a_file_with_errors_imports_none_of_its_valid_rows(world, tmp_path):
    rows = [_row("One"), _row("Two", sex="?"), _row("Three")]
    with pytest.raises(CommandError):
        _import(tmp_path, _csv(rows))
    assert _imported() == 0


def test_valid_only_imports_the_valid_rows_and_reports_the_others(world, tmp_path):
    rows = [_row("One"), _row("Two", sex="?"), _row("Three", place_code="XX")]
    output, job = _import(tmp_path, _csv(rows), "--valid-only")
    assert job.status == ImportStatus.DONE
    assert (job.total, job.imported, job.invalid) == (3, 1, 2)
    assert [(e["row"], e["field"]) for e in job.errors] == [
        (3, "sex"),
        (4, "place_code"),
    ]
    assert "Row 3, sex:" in output
    assert ImportedRow.objects.get().person.given_name == "One"


# --- Idempotency and duplicates ----------------------------------------------


def test_running_the_same_file_twice_creates_nothing_new(world, tmp_path):
    content = _csv([_row(), _row("Blerim", "Gashi", sex="male")])
    _import(tmp_path, content)
    counts = (
        Person.objects.count(),
        PersonGrant.objects.count(),
        PersonMatchKey.objects.count(),
        AuditEvent.objects.filter(object_type="people.person").count(),
    )
    output, again = _import(tmp_path, content)
    assert (again.imported, again.skipped_existing) == (0, 2)
    assert "2 already imported" in output
    assert counts == (
        Person.objects.count(),
        PersonGrant.objects.count(),
        PersonMatchKey.objects.count(),
        AuditEvent.objects.filter(object_type="people.person").count(),
    )


def test_an_external_id_recognises_a_row_whose_spelling_was_corrected(world, tmp_path):
    _import(tmp_path, _csv([_row(external_id="SOC-1")]))
    _output, again = _import(tmp_path, _csv([_row("Artë", external_id="SOC-1")]))
    assert again.skipped_existing == 1
    assert not Person.objects.filter(given_name="Artë").exists()


def _stored(world, *, shared: bool = True) -> Person:  # noqa: ANN001
    """A registered child, shared with worker_a1 or with nobody."""
    person = Person.objects.create(
        given_name="Xhevdet",
        family_name="Bajrami",
        sex="male",
        date_of_birth=date(2016, 3, 9),
        place=world.places["prishtina"],
    )
    match_keys_rebuild(Person.objects.filter(pk=person.pk))
    if shared:
        PersonGrant.objects.create(
            person=person,
            user=world.users["worker_a1"],
            reason=GrantReason.ASSIGNMENT,
            starts_at=timezone.now(),
        )
    return person


def _like(person: Person) -> dict:
    """A row for ``person``, in the same words."""
    return _row(
        person.given_name,
        person.family_name,
        sex=person.sex,
        date_of_birth=person.date_of_birth.isoformat(),
        place_code=person.place.code,
    )


def test_a_likely_duplicate_is_held_for_review_not_created(world, tmp_path):
    existing = _stored(world)
    output, job = _import(tmp_path, _csv([_like(existing), _row()]))
    assert (job.imported, job.held_duplicates) == (1, 1)
    assert Person.objects.filter(given_name="Xhevdet").count() == 1
    assert f"Row 2: held for review, a possible duplicate of record #{existing.pk}" in (
        output
    )
    assert job.held[0]["matches"][0]["person"] == existing.pk


def test_a_likely_duplicate_is_created_with_the_option_and_kept_for_review(
    world, tmp_path
):
    existing = _stored(world)
    _output, job = _import(tmp_path, _csv([_like(existing)]), "--create-duplicates")
    assert (job.imported, job.held_duplicates) == (1, 0)
    twin = Person.objects.get(given_name="Xhevdet", pk__gt=existing.pk)
    pair = PossibleDuplicate.objects.get(person=twin)
    assert pair.other == existing and pair.found_by == world.users["worker_a1"]
    event = AuditEvent.objects.get(object_type="people.person", object_id=twin.pk)
    assert "registered despite 1 possible matches" in event.detail


def test_a_duplicate_the_importer_may_not_see_is_only_counted(world, tmp_path):
    hidden = _stored(world, shared=False)
    output, job = _import(tmp_path, _csv([_like(hidden)]))
    assert job.held_duplicates == 1
    assert "1 record not shared with you" in output
    assert f"#{hidden.pk}" not in output


def test_two_rows_of_one_child_in_a_file_import_one_and_hold_the_other(world, tmp_path):
    rows = [
        _row("Arta", "Krasniqi"),
        _row("Blerim", "Gashi", sex="male"),
        _row("Arta", "Krasniqi", phone="044 123 456"),  # the same child, with a phone
    ]
    output, job = _import(tmp_path, _csv(rows))
    assert (job.imported, job.held_duplicates) == (2, 1)
    assert Person.objects.filter(given_name="Arta").count() == 1
    assert "Row 4: held for review" in output and "row 2 of this file" in output


def test_two_rows_of_one_child_in_one_batch_are_both_found(world, tmp_path):
    rows = [_row("Arta", "Krasniqi"), _row("Арта", "Красничи", phone="044")]
    output, job = _import(tmp_path, _csv(rows), "--batch-size", "10")
    assert (job.imported, job.held_duplicates) == (1, 1)
    assert "row 2 of this file" in output
    # Created anyway, the pair is kept for review.
    _output, job = _import(tmp_path, _csv(rows), "--create-duplicates")
    assert job.imported == 1
    assert PossibleDuplicate.objects.filter(
        person__given_name="Арта", other__given_name="Arta"
    ).exists()


def test_the_same_row_twice_in_a_file_is_imported_once(world, tmp_path):
    output, job = _import(tmp_path, _csv([_row(), _row()]))
    assert (job.imported, job.skipped_existing) == (1, 1)
    assert "Row 3: the same as row 2; imported once." in output


def test_the_command_refuses_a_user_who_may_not_register(world, tmp_path):
    path = tmp_path / "kids.csv"
    path.write_bytes(_csv([_row()]))
    with pytest.raises(CommandError, match="may register people"):
        call_command("import-people", str(path), "--as", "data_pr")
    assert not Person.objects.filter(given_name="Arta").exists()


# --- The page ------------------------------------------------------------------


@pytest.fixture
def in_the_foreground(monkeypatch):  # noqa: ANN201
    """The page's background thread, run in the request: the test database is
    one connection inside one transaction that a thread could not see."""
    monkeypatch.setattr(background, "run_in_background", lambda fn, *a: fn(*a))


def _upload(content: bytes, name: str = "kids.csv", **options: str) -> dict:
    return {"file": SimpleUploadedFile(name, content), **options}


@pytest.mark.parametrize("persona", ["outsider", "data_pr", "partner", "admin"])
def test_roles_that_may_not_register_cannot_open_the_page_or_a_job(
    world, signed_in, persona, tmp_path
):
    _output, job = _import(tmp_path, _csv([_row()]))
    client = signed_in(persona)
    assert client.get(reverse("people:import")).status_code == 403
    response = client.post(reverse("people:import"), _upload(_csv([_row("X")])))
    assert response.status_code == 403
    assert client.get(reverse("people:import_job", args=[job.pk])).status_code == 403
    assert not Person.objects.filter(given_name="X").exists()


def test_only_the_owner_of_an_import_may_open_it(world, signed_in, tmp_path):
    _output, job = _import(tmp_path, _csv([_row()]))
    url = reverse("people:import_job", args=[job.pk])
    assert signed_in("worker_a2").get(url).status_code == 404
    assert signed_in("sup_a").get(url).status_code == 404
    assert signed_in("worker_a1").get(url).status_code == 200


def test_the_page_lists_every_error_with_its_row_and_imports_nothing(world, signed_in):
    rows = [_row("One"), _row("Two", date_of_birth="2999-01-01"), _row("Three", sex="")]
    response = signed_in("worker_a1").post(
        reverse("people:import"), _upload(_csv(rows))
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The file has errors; nothing was imported." in body
    assert '<td class="num">3</td><td><code>date_of_birth</code></td>' in body
    assert '<td class="num">4</td><td><code>sex</code></td>' in body
    assert not ImportJob.objects.exists() and _imported() == 0


def test_the_page_names_a_file_it_cannot_read(world, signed_in):
    response = signed_in("worker_a1").post(
        reverse("people:import"), _upload(b"given_name,sex\nArta,female\n")
    )
    assert "required columns are missing: family_name" in response.content.decode()
    response = signed_in("worker_a1").post(
        reverse("people:import"), _upload(b"%PDF-1.4", name="kids.pdf")
    )
    assert "Choose a .csv or .xlsx file." in response.content.decode()


def test_the_page_imports_and_follows_the_job_to_its_report(
    world, signed_in, in_the_foreground
):
    existing = _stored(world)
    rows = [_row(), _like(existing), _row("X", sex="?")]
    client = signed_in("worker_a1")
    response = client.post(
        reverse("people:import"), _upload(_csv(rows), valid_only="on")
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("people:import_job", args=[job.pk])
    assert (job.status, job.imported, job.held_duplicates, job.invalid) == (
        ImportStatus.DONE,
        1,
        1,
        1,
    )
    page = client.get(response["Location"]).content.decode()
    assert '<progress id="import-bar" max="100" value="100">' in page
    assert "hx-trigger" not in page  # over: nothing left to poll
    assert reverse("people:detail", args=[existing.pk]) in page
    assert '<td class="num">4</td><td><code>sex</code></td>' in page


def test_a_running_job_is_polled_by_htmx_every_second(world, signed_in):
    job = ImportJob.objects.create(
        owner=world.users["worker_a1"],
        file_name="kids.csv",
        status=ImportStatus.RUNNING,
        total=400,
        processed=100,
    )
    url = reverse("people:import_job", args=[job.pk])
    partial = signed_in("worker_a1").get(url, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert body.startswith('<div id="import-progress" hx-get="' + url)
    assert 'hx-trigger="every 1s"' in body and "<html" not in body
    assert 'value="25"' in body


def _finished_job(world, held_people: list[Person]) -> ImportJob:  # noqa: ANN001
    return ImportJob.objects.create(
        owner=world.users["worker_a1"],
        file_name="kids.csv",
        status=ImportStatus.DONE,
        held=[
            {
                "kind": "duplicate",
                "row": n + 2,
                "matches": [
                    {"person": p.pk, "row": None, "score": 90, "reasons": ["dob_same"]}
                ],
            }
            for n, p in enumerate(held_people)
        ],
    )


def test_the_report_makes_the_same_queries_for_few_or_many_held_rows(world, signed_in):
    client = signed_in("worker_a1")
    few = _finished_job(world, [world.people["own"]])
    many = _finished_job(world, [world.people[k] for k in ("own", "team_shared")] * 20)
    client.get(reverse("people:import_job", args=[few.pk]))  # warm the session
    counts = []
    for job in (few, many):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("people:import_job", args=[job.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 9, counts


def test_an_import_that_stopped_answering_is_shown_as_interrupted(world, signed_in):
    job = ImportJob.objects.create(
        owner=world.users["worker_a1"], file_name="kids.csv", status="running"
    )
    ImportJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - background.STALLED_AFTER * 2
    )
    body = (
        signed_in("worker_a1")
        .get(reverse("people:import_job", args=[job.pk]))
        .content.decode()
    )
    assert "Interrupted" in body and "hx-trigger" not in body


def test_the_page_report_does_not_name_a_record_the_importer_may_not_see(
    world, signed_in, in_the_foreground
):
    hidden = _stored(world, shared=False)
    client = signed_in("worker_a1")
    response = client.post(reverse("people:import"), _upload(_csv([_like(hidden)])))
    page = client.get(response["Location"]).content.decode()
    assert "1 record not shared with you" in page
    assert reverse("people:detail", args=[hidden.pk]) not in page
    assert f"#{hidden.pk}" not in page


# --- Killed half-way -------------------------------------------------------------

CRASH_ROWS = 800
CRASH_BATCH = 20
# Each run pays for starting Django and checking the file again (about two
# seconds): after this many kills the run is let finish.
CRASH_KILLS = 4
_SYLLABLES = ["ba", "ke", "li", "mo", "nu", "ra", "se", "ti", "vo", "za", "dre", "gji"]

SETUP = """
from ura.accounts.models import Agency, AgencyType, Membership, Role, User
from ura.places.loader import load_places
from ura.places.models import Place
load_places("kosovo")
place = Place.objects.get(code="XK-01-03")
agency = Agency.objects.create(name="csw", type=AgencyType.SOCIAL_WORK, place=place)
user = User.objects.create_user(username="importer", password="x" * 20)
Membership.objects.create(user=user, agency=agency, role=Role.SOCIAL_WORKER)
"""


def _word(number: int, length: int) -> str:
    letters = []
    for _ in range(length):
        number, digit = divmod(number, len(_SYLLABLES))
        letters.append(_SYLLABLES[digit])
    return "".join(letters).title()


def _distinct_people(count: int) -> bytes:
    """Names unlike each other, so that no row is held as a likely duplicate."""
    rows = [
        _row(
            _word(n, 3),
            _word(n * 7 + 3, 4),
            date_of_birth=date(2006 + n % 17, 1 + n % 12, 1 + n % 28).isoformat(),
        )
        for n in range(count)
    ]
    return _csv(rows)


def _ura(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:  # noqa: ANN003
    return subprocess.run(
        [sys.executable, "-m", "ura.cli", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        **kwargs,
    )


def test_an_import_killed_half_way_completes_on_rerun_without_duplicates(tmp_path):
    """security.md 4.2: kill -9 the importer at random moments until it finishes.
    Its own SQLite file: the suite's test database is not visible to another
    process."""
    database = tmp_path / "crash.sqlite3"
    env = {
        **os.environ,
        "URA_ENV": "test",
        "URA_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONUNBUFFERED": "1",
    }
    _ura(env, "migrate", "--noinput")
    _ura(env, "shell", "-c", SETUP)
    source = tmp_path / "register.csv"
    source.write_bytes(_distinct_people(CRASH_ROWS))
    command = [
        sys.executable,
        "-m",
        "ura.cli",
        "import-people",
        str(source),
        "--as",
        "importer",
        "--batch-size",
        str(CRASH_BATCH),
    ]
    rng = random.Random()
    kills, halfway = 0, []
    for _attempt in range(CRASH_KILLS + 1):
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        process.stdout.readline()  # the first progress line: batches start now
        time.sleep(rng.uniform(0.1, 0.4))
        if kills < CRASH_KILLS and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.communicate()
        if process.returncode == 0:
            break
        assert process.returncode == -signal.SIGKILL
        with sqlite3.connect(database) as db:
            imported = db.execute("SELECT count(*) FROM people_importedrow").fetchone()
            people = db.execute("SELECT count(*) FROM people_person").fetchone()
        assert imported[0] % CRASH_BATCH == 0, "a partial batch was committed"
        assert imported == people
        halfway.append(imported[0])
    else:
        pytest.fail("the import never finished")
    assert any(0 < n < CRASH_ROWS for n in halfway), f"never killed half-way: {halfway}"
    with sqlite3.connect(database) as db:
        one = db.execute
        assert one("PRAGMA integrity_check").fetchone() == ("ok",)
        assert one("SELECT count(*) FROM people_person").fetchone() == (CRASH_ROWS,)
        assert one(
            "SELECT count(DISTINCT given_name || ' ' || family_name) FROM people_person"
        ).fetchone() == (CRASH_ROWS,)
        assert one("SELECT count(*) FROM people_importedrow").fetchone() == (
            CRASH_ROWS,
        )
        assert one(
            "SELECT count(*) FROM access_persongrant WHERE reason = 'registration'"
        ).fetchone() == (CRASH_ROWS,)
        assert one(
            "SELECT count(*) FROM audit_auditevent "
            "WHERE action = 'create' AND object_type = 'people.person'"
        ).fetchone() == (CRASH_ROWS,)
    _ura(env, "audit-verify")  # the hash chain survived every kill
