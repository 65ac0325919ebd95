"""Documents on a case: uploaded, checked by content, stripped of location,
stored encrypted, and given back only to those who work on the case."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from ura.access.models import GrantReason, PersonGrant
from ura.audit.models import AuditAction, AuditEvent
from ura.cases import documents
from ura.cases.models import CaseDocument
from ura.core.crypto import DecryptionError

pytestmark = pytest.mark.django_db


# --- Files built by hand ---------------------------------------------------


def pdf_bytes(text: str = "A school report") -> bytes:
    body = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"3 0 obj << /Length "
        + str(len(body)).encode()
        + b" >> stream\n"
        + body
        + b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


# What a phone writes into a photo: an Exif block whose GPS directory holds the
# position (here as text that a test can look for).
GPS_SECRET = b"GPSLatitude 42.6629N GPSLongitude 21.1655E"
SCAN = b"\x12\x34\xff\x00\x56\xff\xd0\x78\x9a"  # coded data, a stuffed 0xFF, a restart


def jpeg_bytes(*, exif: bool = True) -> bytes:
    jfif = b"JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x01\x01" + b"\x80\x80\x80"
    parts = [b"\xff\xd8", _segment(0xE0, jfif)]
    if exif:
        tiff = b"MM\x00\x2a\x00\x00\x00\x08" + b"\x88\x25" + GPS_SECRET
        parts.append(_segment(0xE1, b"Exif\x00\x00" + tiff))
        parts.append(_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>"))
        parts.append(_segment(0xFE, b"taken at the family's home"))
    parts += [
        _segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + b"profile"),
        _segment(0xDB, b"\x00" + bytes(range(64))),
        _segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00"),
        _segment(0xC4, b"\x00" + bytes(16) + b"\x00"),
        _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
        SCAN,
        b"\xff\xd9",
    ]
    if exif:
        parts.append(b"trailing maker data " + GPS_SECRET)
    return b"".join(parts)


def _chunk(kind: bytes, data: bytes) -> bytes:
    import zlib

    return (
        len(data).to_bytes(4, "big")
        + kind
        + data
        + zlib.crc32(kind + data).to_bytes(4, "big")
    )


def png_bytes(*, text: bool = True) -> bytes:
    import zlib

    parts = [
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", b"\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00"),
    ]
    if text:
        parts.append(_chunk(b"tEXt", b"Comment\x00" + GPS_SECRET))
        parts.append(_chunk(b"eXIf", b"MM\x00\x2a" + GPS_SECRET))
    parts += [_chunk(b"IDAT", zlib.compress(b"\x00\x00")), _chunk(b"IEND", b"")]
    return b"".join(parts)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ooxml_bytes(main: str = "wordprocessingml.document", extra: str = "") -> bytes:
    types = (
        '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.'
        f'{main}.main+xml"/>{extra}</Types>'
    )
    return zip_bytes({"[Content_Types].xml": types.encode(), "word/document.xml": b""})


def odf_bytes(kind: str = "text") -> bytes:
    return zip_bytes(
        {
            "mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(),
            "content.xml": b"<office:document-content/>",
        }
    )


def ole_bytes(*names: str) -> bytes:
    """A Compound File with empty streams of these names at its top: a header, one
    FAT sector and one directory sector of 512 bytes."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = (0x3E).to_bytes(2, "little")
    header[26:28] = (3).to_bytes(2, "little")
    header[28:30] = b"\xfe\xff"
    header[30:32] = (9).to_bytes(2, "little")
    header[32:34] = (6).to_bytes(2, "little")
    header[44:48] = (1).to_bytes(4, "little")  # one FAT sector
    header[48:52] = (1).to_bytes(4, "little")  # the directory starts at sector 1
    header[56:60] = (4096).to_bytes(4, "little")
    header[60:64] = end.to_bytes(4, "little")
    header[68:72] = end.to_bytes(4, "little")
    header[76:80] = (0).to_bytes(4, "little")  # the FAT is sector 0
    for at in range(80, 512, 4):
        header[at : at + 4] = free.to_bytes(4, "little")
    fat = bytearray(free.to_bytes(4, "little") * 128)
    fat[0:4] = fat_sector.to_bytes(4, "little")
    fat[4:8] = end.to_bytes(4, "little")

    def entry(name: str, kind: int, right: int, child: int) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\x00").encode("utf-16-le")
        raw[: len(encoded)] = encoded
        raw[64:66] = len(encoded).to_bytes(2, "little")
        raw[66] = kind
        raw[68:72] = free.to_bytes(4, "little")
        raw[72:76] = right.to_bytes(4, "little")
        raw[76:80] = child.to_bytes(4, "little")
        raw[116:120] = end.to_bytes(4, "little")
        return bytes(raw)

    assert len(names) <= 3
    entries = [entry("Root Entry", 5, free, 1 if names else free)]
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else free
        entries.append(entry(name, 2, right, free))
    directory = b"".join(entries).ljust(512, b"\x00")
    return bytes(header) + bytes(fat) + directory


# --- Fixtures --------------------------------------------------------------


@pytest.fixture(autouse=True)
def _document_dir(settings, tmp_path):  # noqa: ANN001, ANN202
    settings.URA_DOCUMENT_DIR = tmp_path / "documents"


def stored_files(settings) -> list:  # noqa: ANN001
    root = settings.URA_DOCUMENT_DIR
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, case, name: str, content: bytes, title: str = "Report"):  # noqa: ANN001, ANN201
    return client.post(
        reverse("cases:document_add", args=[case.pk]),
        {"title": title, "file": SimpleUploadedFile(name, content)},
    )


def conference_grant(world, case) -> None:  # noqa: ANN001
    PersonGrant.objects.create(
        person=case.person,
        user=world.users["conf_member"],
        reason=GrantReason.CONFERENCE,
        starts_at=timezone.now(),
        case_id=case.pk,
        source_type="conference",
        source_id="1",
    )


# --- Uploading and downloading ---------------------------------------------


def test_a_worker_uploads_a_pdf_and_downloads_it_back(world, signed_in, settings):
    case = open_case(world)
    client = signed_in("worker_a1")
    content = pdf_bytes("Teacher's statement KXQ-1")
    response = upload(client, case, "statement.pdf", content, title="Statement")
    assert response.status_code == 302
    document = CaseDocument.objects.get(case=case)
    assert (document.filename, document.content_type, document.size) == (
        "statement.pdf",
        "application/pdf",
        len(content),
    )
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Statement" in page
    download_url = reverse("cases:document_download", args=[case.pk, document.pk])
    assert download_url in page
    # On disk: one file with a random name, and not the content.
    [stored] = stored_files(settings)
    assert stored.name == document.stored_as
    assert b"KXQ-1" not in stored.read_bytes()
    assert b"%PDF" not in stored.read_bytes()

    response = client.get(download_url)
    assert response.status_code == 200
    assert response.content == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="statement.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT,
        object_type="cases.casedocument",
        object_id=str(document.pk),
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE,
        object_type="cases.casedocument",
        object_id=str(document.pk),
    ).exists()


def test_a_file_over_the_size_limit_is_refused(world, signed_in, settings):
    settings.URA_DOCUMENT_MAX_MB = 1
    case = open_case(world)
    big = pdf_bytes() + b"0" * (1024 * 1024)
    response = upload(signed_in("worker_a1"), case, "big.pdf", big)
    assert response.status_code == 200
    assert "The file is larger than 1 MB." in response.content.decode()
    assert not CaseDocument.objects.exists()
    assert stored_files(settings) == []


def test_a_program_renamed_pdf_is_refused(world, signed_in, settings):
    case = open_case(world)
    program = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"PE\x00\x00" + b"x" * 200
    response = upload(signed_in("worker_a1"), case, "report.pdf", program)
    body = response.content.decode()
    assert response.status_code == 200
    assert "This type of file is not accepted." in body
    assert not CaseDocument.objects.exists()
    assert stored_files(settings) == []


def test_a_png_named_jpg_is_refused(world, signed_in, settings):
    case = open_case(world)
    response = upload(signed_in("worker_a1"), case, "photo.jpg", png_bytes())
    body = response.content.decode()
    assert "content is not what its name says" in body
    assert "a PNG image" in body
    # The title typed stays in the form.
    assert 'value="Report"' in body
    assert not CaseDocument.objects.exists()
    assert stored_files(settings) == []


def test_the_location_is_removed_from_a_jpeg(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    original = jpeg_bytes()
    assert GPS_SECRET in original and b"Exif" in original
    assert upload(client, case, "visit.JPG", original).status_code == 302
    document = CaseDocument.objects.get()
    kept = client.get(
        reverse("cases:document_download", args=[case.pk, document.pk])
    ).content
    assert GPS_SECRET not in kept
    assert b"Exif" not in kept
    assert b"xmpmeta" not in kept
    assert b"family's home" not in kept
    assert b"\xff\xe1" not in kept
    # The picture is intact: JFIF header (without its thumbnail), colour profile,
    # tables and the coded data, byte for byte, and the end marker last.
    assert kept.startswith(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    assert b"ICC_PROFILE\x00" in kept
    assert SCAN + b"\xff\xd9" in kept
    assert kept.endswith(b"\xff\xd9")
    assert document.size == len(kept)
    assert documents.strip_jpeg(kept) == kept


def test_text_and_exif_are_removed_from_a_png(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    assert upload(client, case, "drawing.png", png_bytes()).status_code == 302
    document = CaseDocument.objects.get()
    kept = client.get(
        reverse("cases:document_download", args=[case.pk, document.pk])
    ).content
    assert GPS_SECRET not in kept
    assert kept == png_bytes(text=False)


def test_office_files_are_recognised_by_their_content():
    accepted = {
        "letter.docx": ooxml_bytes(),
        "budget.xlsx": ooxml_bytes("spreadsheetml.sheet"),
        "slides.pptx": ooxml_bytes("presentationml.presentation"),
        "letter.odt": odf_bytes("text"),
        "budget.ods": odf_bytes("spreadsheet"),
        "letter.doc": ole_bytes("CompObj", "WordDocument", "1Table"),
        "budget.xls": ole_bytes("Workbook"),
        "old.pdf": pdf_bytes(),
    }
    for name, content in accepted.items():
        kind, kept = documents.inspect(name, content)
        assert name.endswith(kind.extensions), name
        assert kept == content
    refused = {
        "letter.xlsx": ooxml_bytes(),  # a Word file named as a workbook
        "budget.doc": ole_bytes("Workbook"),
        "letter.ods": odf_bytes("text"),
        "macro.docx": ooxml_bytes(extra='<Default ContentType="x.macroEnabled"/>'),
        "setup.doc": ole_bytes("Installer"),  # an OLE container, but not Office
        "archive.docx": zip_bytes({"readme.txt": b"hello"}),
        "noname": pdf_bytes(),
    }
    for name, content in refused.items():
        with pytest.raises(ValidationError) as refusal:
            documents.inspect(name, content)
        assert "file" in refusal.value.message_dict, name


def test_a_damaged_photo_is_refused():
    with pytest.raises(ValidationError) as refusal:
        documents.inspect("cut.jpg", jpeg_bytes()[:40])
    assert "could not be read" in refusal.value.message_dict["file"][0]


def test_file_names_are_made_safe():
    assert documents.safe_filename("../../etc/passwd") == "passwd"
    assert documents.safe_filename('C:\\Users\\a"b\r\n.pdf') == "a_b__.pdf"
    assert documents.safe_filename("...") == "document"
    long = documents.safe_filename("x" * 300 + ".pdf")
    assert len(long) == 150 and long.endswith(".pdf")


def test_a_stored_file_opens_only_as_its_own_document(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    upload(client, case, "a.pdf", pdf_bytes("first"), title="First")
    upload(client, case, "b.pdf", pdf_bytes("second"), title="Second")
    first, second = CaseDocument.objects.order_by("pk")
    # Swap the files on disk: each is bound to its own document's id.
    documents.stored_path(second.stored_as).write_bytes(
        documents.stored_path(first.stored_as).read_bytes()
    )
    with pytest.raises(DecryptionError):
        documents.read(document_id=second.pk, stored_as=second.stored_as)


# --- Who may ---------------------------------------------------------------


def test_only_those_who_work_on_the_case_reach_its_documents(world, signed_in):
    case = open_case(world)
    other = open_case(world, person="other_team", worker="worker_b1")
    upload(signed_in("worker_a1"), case, "a.pdf", pdf_bytes())
    upload(signed_in("worker_b1"), other, "b.pdf", pdf_bytes())
    document = CaseDocument.objects.get(case=case)
    foreign = CaseDocument.objects.get(case=other)
    download = reverse("cases:document_download", args=[case.pk, document.pk])
    listing = reverse("cases:documents", args=[case.pk])
    add = reverse("cases:document_add", args=[case.pk])
    assert signed_in("sup_a").get(download).status_code == 200
    for persona in ("worker_a2", "worker_b1", "outsider", "admin"):
        client = signed_in(persona)
        for url in (download, listing, add):
            assert client.get(url).status_code == 404, (persona, url)
    # Another case's document through this case's address is absent too.
    crossed = reverse("cases:document_download", args=[case.pk, foreign.pk])
    assert signed_in("worker_a1").get(crossed).status_code == 404
    # A conference member sees the case, not its documents.
    conference_grant(world, case)
    member = signed_in("conf_member")
    page = member.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    assert "a.pdf" not in page.content.decode()
    assert "Only the case's worker and supervisors see" in page.content.decode()
    for url in (download, listing, add):
        assert member.get(url).status_code == 403, url
    assert upload(member, case, "c.pdf", pdf_bytes()).status_code == 403
    assert CaseDocument.objects.filter(case=case).count() == 1


def test_the_documents_list_is_paginated_and_audited(world, signed_in):
    case = open_case(world)
    client = signed_in("worker_a1")
    for n in range(27):
        upload(client, case, f"d{n}.pdf", pdf_bytes(), title=f"Paper {n:02d}")
    first = client.get(reverse("cases:documents", args=[case.pk])).content.decode()
    assert "Paper 26" in first and "Paper 01" not in first
    second = client.get(reverse("cases:documents", args=[case.pk]), {"page": 2})
    assert "Paper 01" in second.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(case.pk), detail="documents, page 2"
    ).exists()
