"""Issue 4, "Done when": what is written about a child is encrypted at rest.

A unique canary string goes into a note, an assessment's narrative, a consent's
note, the case's report and a document, through the pages and the API. It must
then be found neither in the raw database (every column of every table, and on
SQLite the database file's bytes), nor in a dump (``ura dumpdata``), nor in the
logs (every logger at DEBUG, including Django's request and SQL logs), nor under
the document storage. Positive controls show each place really holds the day's
data, so a check cannot pass by looking at nothing.
"""

import logging
import uuid
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.cases.test_documents import pdf_bytes
from tests.world import GIVEN_NAMES
from ura.cases.models import Assessment, CaseDocument

pytestmark = pytest.mark.django_db


def database_rows() -> Iterator[str]:
    """Every row of every table as text, as the database stores it."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT t::text FROM {quote(table)} t")  # noqa: S608
                for (row,) in cursor.fetchall():
                    yield row
            else:
                cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
                for row in cursor.fetchall():
                    yield " ".join(
                        v.decode("latin-1") if isinstance(v, bytes) else str(v)
                        for v in row
                    )


def sqlite_file_bytes() -> bytes:
    """The SQLite database's pages as this connection sees them (free pages
    included), and the file and its journal when the database is a file."""
    connection.ensure_connection()
    raw = connection.connection.serialize()
    name = str(connection.settings_dict["NAME"])
    if not connection.is_in_memory_db():
        for suffix in ("", "-wal", "-journal"):
            path = Path(name + suffix)
            if path.exists():
                raw += path.read_bytes()
    return raw


def storage_bytes(root: Path) -> list[bytes]:
    found = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return [p.name.encode() + b"\n" + p.read_bytes() for p in found]


def test_the_canary_is_nowhere_at_rest(
    world, signed_in, api_client, settings, tmp_path, caplog
):
    canary = f"CANARY{uuid.uuid4().hex}Q"
    settings.URA_DOCUMENT_DIR = tmp_path / "documents"
    # Uploads stay in memory up to the limit: nothing plain in the temporary folder.
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    caplog.set_level(logging.DEBUG)
    for name in ("django.db.backends", "django.request", "django.server", "ura"):
        caplog.set_level(logging.DEBUG, logger=name)
    worker = world.users["worker_a1"]
    page_client = signed_in("worker_a1")
    api, headers = api_client("worker_a1")

    # CaptureQueriesContext also makes Django log every SQL statement.
    with CaptureQueriesContext(connection) as queries:
        case = open_case(world, report_summary=f"Reported: {canary}")
        base = f"/api/v1/cases/{case.pk}"
        response = page_client.post(
            reverse("cases:note_add", args=[case.pk]),
            {
                "happened_on": timezone.localdate().isoformat(),
                "kind": "home_visit",
                "contact_with": "child",
                "body": f"The child told me {canary} at home.",
            },
        )
        assert response.status_code == 302
        response = api.post(
            f"{base}/notes",
            {
                "happened_on": timezone.localdate().isoformat(),
                "kind": "phone",
                "body": f"Phone call: {canary}",
            },
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 201
        Assessment.objects.create(
            case=case,
            kind="initial",
            started_by=worker,
            summary=f"Assessment narrative with {canary}",
        )
        response = api.post(
            f"{base}/consents",
            {
                "given_by": "mother",
                "given_on": timezone.localdate().isoformat(),
                "to_services": True,
                "note": f"Agreed after hearing {canary}",
            },
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 201
        response = page_client.post(
            reverse("cases:document_add", args=[case.pk]),
            {
                "title": "Medical letter",
                "file": SimpleUploadedFile("letter.pdf", pdf_bytes(canary)),
            },
        )
        assert response.status_code == 302
        response = api.post(
            f"{base}/documents",
            {
                "title": "Second letter",
                "file": SimpleUploadedFile("second.pdf", pdf_bytes(canary)),
            },
            headers=headers,
        )
        assert response.status_code == 201

        # Control: everything reads back for the worker.
        page = page_client.get(reverse("cases:detail", args=[case.pk]))
        assert f"The child told me {canary}" in page.content.decode()
        assert canary in api.get(f"{base}/notes", headers=headers).content.decode()
        for document in CaseDocument.objects.filter(case=case):
            download = page_client.get(
                reverse("cases:document_download", args=[case.pk, document.pk])
            )
            assert canary.encode() in download.content
        assert canary in Assessment.objects.get(case=case).summary

    needle = canary.encode()
    plain_control = GIVEN_NAMES["own"]  # a child's name: a plain column

    # 1. The raw database.
    rows = list(database_rows())
    assert any(plain_control in row for row in rows)
    assert not [row for row in rows if canary in row]
    # PostgreSQL shows binary columns in hex.
    assert not [row for row in rows if needle.hex() in row]
    if connection.vendor == "sqlite":
        raw = sqlite_file_bytes()
        assert plain_control.encode() in raw
        assert needle not in raw

    # 2. A dump.
    out = StringIO()
    call_command("dumpdata", stdout=out)
    assert plain_control in out.getvalue()
    assert canary not in out.getvalue()

    # 3. The logs, and every SQL statement sent.
    assert "INSERT INTO" in caplog.text
    assert canary not in caplog.text
    assert not [q for q in queries.captured_queries if canary in q["sql"]]

    # 4. The document storage (and the temporary upload folder).
    stored = storage_bytes(settings.URA_DOCUMENT_DIR)
    assert len(stored) == 2
    assert not [blob for blob in stored if needle in blob]
    assert storage_bytes(tmp_path / "uploads") == []
