"""``/api/v1/cases/{id}/notes``, ``/documents`` and ``/consents``: the same rules
as the pages."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.cases.test_documents import conference_grant, jpeg_bytes, pdf_bytes
from ura.cases.consent import sharing_allowed
from ura.cases.models import Case, CaseDocument, CaseNote, Consent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _document_dir(settings, tmp_path):  # noqa: ANN001, ANN202
    settings.URA_DOCUMENT_DIR = tmp_path / "documents"


def base(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}"


def test_the_routes_resolve_to_this_router():
    for path, name in [
        ("/api/v1/cases/1/notes", "case_notes_list"),
        ("/api/v1/cases/1/documents", "case_documents_list"),
        ("/api/v1/cases/1/documents/2", "case_document_download"),
        ("/api/v1/cases/1/consents", "case_consents_list"),
        ("/api/v1/cases/1/consents/2/withdraw", "case_consent_withdraw"),
    ]:
        assert resolve(path).url_name == name, path


def test_notes_through_the_api(world, api_client):
    case = open_case(world)
    client, headers = api_client("worker_a1")
    note = {
        "happened_on": timezone.localdate().isoformat(),
        "kind": "home_visit",
        "contact_with": "child",
        "body": "Seen at home, calm.",
    }
    headers_once = {**headers, "Idempotency-Key": "note-1"}
    response = client.post(
        f"{base(case)}/notes",
        note,
        content_type="application/json",
        headers=headers_once,
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["body"] == "Seen at home, calm."
    assert created["contact_with"] == "child"
    # A retry with the same key returns the same note instead of a second one.
    retry = client.post(
        f"{base(case)}/notes",
        note,
        content_type="application/json",
        headers=headers_once,
    )
    assert retry.status_code == 200 and retry.json()["id"] == created["id"]
    assert CaseNote.objects.count() == 1
    case.refresh_from_db()
    assert case.first_contact_at is not None

    listed = client.get(f"{base(case)}/notes", headers=headers).json()
    assert listed["count"] == 1
    assert listed["items"][0]["id"] == created["id"]

    future = {**note, "happened_on": (timezone.localdate() + timedelta(1)).isoformat()}
    response = client.post(
        f"{base(case)}/notes", future, content_type="application/json", headers=headers
    )
    assert response.status_code == 422
    assert "happened_on" in response.json()["errors"]
    response = client.post(
        f"{base(case)}/notes",
        {**note, "kind": "gossip"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert "kind" in response.json()["errors"]
    assert CaseNote.objects.count() == 1


def test_documents_through_the_api(world, api_client):
    case = open_case(world)
    client, headers = api_client("worker_a1")
    content = pdf_bytes("An API upload")
    response = client.post(
        f"{base(case)}/documents",
        {"title": "Letter", "file": SimpleUploadedFile("letter.pdf", content)},
        headers=headers,
    )
    assert response.status_code == 201, response.content
    document = response.json()
    assert document["content_type"] == "application/pdf"
    download = client.get(document["download"], headers=headers)
    assert download.status_code == 200
    assert download.content == content
    assert download["Content-Disposition"] == 'attachment; filename="letter.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    listed = client.get(f"{base(case)}/documents", headers=headers).json()
    assert [d["id"] for d in listed["items"]] == [document["id"]]

    # A photo loses its location through the API as on the page.
    response = client.post(
        f"{base(case)}/documents",
        {"title": "Photo", "file": SimpleUploadedFile("p.jpg", jpeg_bytes())},
        headers=headers,
    )
    photo = client.get(response.json()["download"], headers=headers).content
    assert b"Exif" not in photo

    refused = [
        ("setup.pdf", b"MZ" + b"\x00" * 300, "not accepted"),
        ("photo.png", jpeg_bytes(), "not what its name says"),
    ]
    for name, data, message in refused:
        response = client.post(
            f"{base(case)}/documents",
            {"title": "Bad", "file": SimpleUploadedFile(name, data)},
            headers=headers,
        )
        assert response.status_code == 422
        assert message in response.json()["errors"]["file"][0]
    assert CaseDocument.objects.count() == 2


def test_a_too_large_upload_is_refused_through_the_api(world, api_client, settings):
    settings.URA_DOCUMENT_MAX_MB = 1
    case = open_case(world)
    client, headers = api_client("worker_a1")
    response = client.post(
        f"{base(case)}/documents",
        {
            "title": "Big",
            "file": SimpleUploadedFile("big.pdf", pdf_bytes() + b"0" * 2**20),
        },
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"]["file"] == ["The file is larger than 1 MB."]
    assert not CaseDocument.objects.exists()


def test_consent_through_the_api(world, api_client):
    case = open_case(world)
    police = world.agencies["police_pr"]
    client, headers = api_client("worker_a1")
    payload = {
        "given_by": "child",
        "given_on": timezone.localdate().isoformat(),
        "to_sharing": True,
        "agencies": [police.pk],
    }
    response = client.post(
        f"{base(case)}/consents",
        payload,
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.content
    consent = response.json()
    assert consent["in_force"] and consent["agencies"] == [police.pk]
    assert sharing_allowed(case, police)
    response = client.post(
        f"{base(case)}/consents/{consent['id']}/withdraw",
        {"withdrawn_on": timezone.localdate().isoformat()},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json()["in_force"] is False
    assert not sharing_allowed(case, police)
    listed = client.get(f"{base(case)}/consents", headers=headers).json()
    assert listed["items"][0]["withdrawn_on"] == timezone.localdate().isoformat()
    response = client.post(
        f"{base(case)}/consents",
        {**payload, "agencies": [999999]},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert "agencies" in response.json()["errors"]
    assert Consent.objects.count() == 1


def test_outsiders_other_workers_and_conference_members(world, api_client):
    case = open_case(world)
    worker, worker_headers = api_client("worker_a1")
    worker.post(
        f"{base(case)}/documents",
        {"title": "Letter", "file": SimpleUploadedFile("a.pdf", pdf_bytes())},
        headers=worker_headers,
    )
    document = CaseDocument.objects.get()
    reads = [
        f"{base(case)}/notes",
        f"{base(case)}/documents",
        f"{base(case)}/documents/{document.pk}",
        f"{base(case)}/consents",
    ]
    note = {
        "happened_on": timezone.localdate().isoformat(),
        "kind": "phone",
        "body": "x",
    }
    for persona in ("worker_a2", "worker_b1", "outsider"):
        client, headers = api_client(persona)
        for url in reads:
            assert client.get(url, headers=headers).status_code == 404, (persona, url)
        response = client.post(
            f"{base(case)}/notes",
            note,
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 404
    conference_grant(world, case)
    client, headers = api_client("conf_member")
    for url in reads:
        assert client.get(url, headers=headers).status_code == 403, url
    response = client.post(
        f"{base(case)}/notes", note, content_type="application/json", headers=headers
    )
    assert response.status_code == 403
    assert client.get(f"{base(case)}/notes").status_code == 401
    assert not CaseNote.objects.exists()
