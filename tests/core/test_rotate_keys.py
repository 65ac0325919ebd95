"""``ura rotate-keys`` re-encrypts every encrypted column and every stored document
under the new key, after which the old key can go."""

import base64
import importlib
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.cases.test_documents import pdf_bytes
from ura.cases import documents
from ura.cases.consent_actions import consent_record
from ura.cases.document_actions import document_upload
from ura.cases.models import Assessment, Case, CaseDocument, CaseNote, Consent
from ura.cases.note_actions import note_add
from ura.core.crypto import file_key_id

pytestmark = pytest.mark.django_db

OLD = "old1:" + base64.b64encode(b"o" * 32).decode()
NEW = "new1:" + base64.b64encode(b"n" * 32).decode()

rotate_keys = importlib.import_module("ura.core.management.commands.rotate-keys")


@pytest.fixture(autouse=True)
def _document_dir(settings, tmp_path):  # noqa: ANN001, ANN202
    settings.URA_DOCUMENT_DIR = tmp_path / "documents"


def raw_values() -> list[str]:
    """Every non-empty value of every encrypted column, as stored."""
    values = []
    for model, fields in rotate_keys.encrypted_columns():
        for field in fields:
            values += [
                raw
                for raw in model._base_manager.annotate(
                    _raw=Cast(field.name, models.TextField())
                ).values_list("_raw", flat=True)
                if raw
            ]
    return values


def fill_case(world) -> Case:  # noqa: ANN001
    worker = world.users["worker_a1"]
    case = open_case(world, report_summary="Reported by the teacher")
    note_add(
        actor=worker,
        case=case,
        happened_on=timezone.localdate(),
        kind="phone",
        body="A note under the old key",
    )
    Assessment.objects.create(
        case=case,
        kind="initial",
        started_by=worker,
        summary="An assessment under the old key",
        child_views="The child's own words",
    )
    consent_record(
        actor=worker,
        case=case,
        given_by="mother",
        given_on=timezone.localdate(),
        to_services=True,
        to_sharing=False,
        note="Agreed to services",
    )
    document_upload(
        actor=worker,
        case=case,
        title="Letter",
        upload=SimpleUploadedFile("letter.pdf", pdf_bytes("old key letter")),
    )
    return case


def test_rotation_moves_everything_to_the_new_key(world, settings):
    settings.URA_DATA_KEYS = OLD
    case = fill_case(world)
    before = raw_values()
    assert len(before) >= 5
    assert all(v.startswith("ura1:old1:") for v in before)
    document = CaseDocument.objects.get()
    path = documents.stored_path(document.stored_as)
    assert file_key_id(path.read_bytes()) == "old1"

    settings.URA_DATA_KEYS = f"{NEW},{OLD}"
    out = StringIO()
    call_command("rotate-keys", stdout=out)
    report = out.getvalue()
    assert "cases.casenote.body: 1" in report
    assert "cases.assessment.summary: 1" in report
    assert "cases.casedocument: 1" in report
    assert f"{len(before) + 1} values re-encrypted under key new1" in report
    assert all(v.startswith("ura1:new1:") for v in raw_values())
    assert file_key_id(path.read_bytes()) == "new1"
    # Nothing is left behind: the folder holds the one file, no temporary copies.
    assert [p for p in settings.URA_DOCUMENT_DIR.rglob("*") if p.is_file()] == [path]

    # Run again: nothing to do.
    out = StringIO()
    call_command("rotate-keys", stdout=out)
    assert "0 values re-encrypted" in out.getvalue()

    # The old key removed, everything still reads.
    settings.URA_DATA_KEYS = NEW
    case = Case.objects.get(pk=case.pk)
    assert case.report_summary == "Reported by the teacher"
    assert CaseNote.objects.get().body == "A note under the old key"
    assessment = Assessment.objects.get()
    assert assessment.summary == "An assessment under the old key"
    assert assessment.child_views == "The child's own words"
    assert Consent.objects.get().note == "Agreed to services"
    assert documents.read(
        document_id=document.pk, stored_as=document.stored_as
    ) == pdf_bytes("old key letter")


def test_rotation_stops_with_a_clear_error_when_an_old_key_is_missing(world, settings):
    settings.URA_DATA_KEYS = OLD
    fill_case(world)
    settings.URA_DATA_KEYS = NEW
    with pytest.raises(CommandError, match="URA_DATA_KEYS"):
        call_command("rotate-keys", stdout=StringIO())


def test_document_rotation_alone_when_columns_are_current(world, settings):
    """Files are rotated by the function the cases app registers."""
    settings.URA_DATA_KEYS = OLD
    fill_case(world)
    settings.URA_DATA_KEYS = f"{NEW},{OLD}"
    assert documents.rotate_documents() == 1
    assert documents.rotate_documents() == 0
