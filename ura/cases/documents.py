"""Documents kept on a case: what a file really is, photos without their location,
and the encrypted store.

The type of a file is read from its content (its first bytes and, for office
files, the table of contents of the zip or OLE container), never from the
browser's Content-Type; the name's extension must then agree with it, so a
program renamed ``report.pdf`` or a photo of the wrong kind is refused before
anything is saved. Photos lose their metadata (Exif and XMP, which carry the GPS
position, the camera and the time): JPEG's APPn segments, comments and trailing
data, and PNG's text and eXIf chunks. No imaging library is needed for that: both
formats are a list of length-prefixed parts, and only whole parts are dropped, so
the picture itself is copied byte for byte.

Files are stored encrypted (``ura.core.crypto.encrypt_bytes``, bound to the
document's id, so one document's file cannot be swapped for another's) under
``URA_DOCUMENT_DIR``, with a random name; they leave Ura only through
``ura.cases.record_queries.document_download``, which asks ``ura.access``.
"""

from __future__ import annotations

import io
import logging
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ura.cases.models import CaseDocument
from ura.core.crypto import (
    DecryptionError,
    decrypt_bytes,
    encrypt_bytes,
    file_key_id,
    key_ring,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    code: str
    content_type: str
    extensions: tuple[str, ...]
    label: str  # lazily translated: "a PDF document"


_W = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"
KINDS = {
    kind.code: kind
    for kind in (
        Kind("pdf", "application/pdf", ("pdf",), gettext_lazy("a PDF document")),
        Kind("jpeg", "image/jpeg", ("jpg", "jpeg"), gettext_lazy("a JPEG photo")),
        Kind("png", "image/png", ("png",), gettext_lazy("a PNG image")),
        Kind(
            "docx",
            f"{_W}.wordprocessingml.document",
            ("docx",),
            gettext_lazy("a Word document"),
        ),
        Kind(
            "xlsx",
            f"{_W}.spreadsheetml.sheet",
            ("xlsx",),
            gettext_lazy("an Excel workbook"),
        ),
        Kind(
            "pptx",
            f"{_W}.presentationml.presentation",
            ("pptx",),
            gettext_lazy("a PowerPoint presentation"),
        ),
        Kind("odt", f"{_ODF}.text", ("odt",), gettext_lazy("an OpenDocument text")),
        Kind(
            "ods",
            f"{_ODF}.spreadsheet",
            ("ods",),
            gettext_lazy("an OpenDocument spreadsheet"),
        ),
        Kind(
            "odp",
            f"{_ODF}.presentation",
            ("odp",),
            gettext_lazy("an OpenDocument presentation"),
        ),
        Kind("doc", "application/msword", ("doc",), gettext_lazy("a Word document")),
        Kind(
            "xls",
            "application/vnd.ms-excel",
            ("xls",),
            gettext_lazy("an Excel workbook"),
        ),
        Kind(
            "ppt",
            "application/vnd.ms-powerpoint",
            ("ppt",),
            gettext_lazy("a PowerPoint presentation"),
        ),
    )
}
ACCEPTED_EXTENSIONS = sorted(
    {ext for kind in KINDS.values() for ext in kind.extensions}
)

# Not a kind we store: an office file that carries macros (programs).
MACROS = "macros"


def max_bytes() -> int:
    return int(settings.URA_DOCUMENT_MAX_MB) * 1024 * 1024


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


# --- What a file is --------------------------------------------------------

_PDF = b"%PDF-"
_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Read at most this much of a zip member: the parts looked at are a few hundred
# bytes, and a "zip bomb" must not be inflated.
_MEMBER_LIMIT = 1024 * 1024

_OOXML_MAIN = {
    "wordprocessingml.document.main+xml": "docx",
    "spreadsheetml.sheet.main+xml": "xlsx",
    "presentationml.presentation.main+xml": "pptx",
}


def sniff(data: bytes) -> str | None:
    """The kind of a file from its content, ``MACROS``, or None if not accepted."""
    if data.startswith(_PDF):
        return "pdf"
    if data.startswith(_JPEG):
        return "jpeg"
    if data.startswith(_PNG):
        return "png"
    if data.startswith(_ZIP):
        return _zip_kind(data)
    if data.startswith(_OLE):
        return _ole_kind(data)
    return None


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        with archive.open(name) as member:
            content = member.read(_MEMBER_LIMIT + 1)
    except (KeyError, zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError):
        return None
    return content if len(content) <= _MEMBER_LIMIT else None


def _zip_kind(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    lowered = [name.lower() for name in names]
    if names and names[0] == "mimetype":
        # OpenDocument: the first entry, stored uncompressed, names the type.
        mimetype = (_read_member(archive, "mimetype") or b"").decode("ascii", "replace")
        if any(n.startswith(("basic/", "scripts/")) for n in lowered):
            return MACROS
        for code in ("odt", "ods", "odp"):
            if mimetype.strip() == KINDS[code].content_type:
                return code
        return None
    if "[Content_Types].xml" in names:
        # Office Open XML: the content types list names the main part.
        types = (_read_member(archive, "[Content_Types].xml") or b"").decode(
            "utf-8", "replace"
        )
        if "macroenabled" in types.lower() or any(
            n.endswith("vbaproject.bin") for n in lowered
        ):
            return MACROS
        for suffix, code in _OOXML_MAIN.items():
            if f"officedocument.{suffix}" in types:
                return code
    return None


def _ole_kind(data: bytes) -> str | None:
    """Word, Excel or PowerPoint 97-2003, from the streams at the container's top."""
    names = _ole_top_names(data)
    if names is None:
        return None
    if names & {"_VBA_PROJECT_CUR", "Macros"}:
        return MACROS
    if "WordDocument" in names:
        return "doc"
    if names & {"Workbook", "Book"}:
        return "xls"
    if "PowerPoint Document" in names:
        return "ppt"
    return None


def _ole_top_names(data: bytes) -> set[str] | None:
    """The names of the storages and streams directly under an OLE (Compound File
    Binary) container's root, or None if the container is damaged.

    Only the top level counts: a Word document with an embedded spreadsheet holds a
    "Workbook" stream further down, and is still a Word document.
    """
    try:
        return _Container(data).top_names()
    except (ValueError, IndexError, UnicodeDecodeError):
        return None


def _ints(chunk: bytes) -> list[int]:
    return [int.from_bytes(chunk[i : i + 4], "little") for i in range(0, len(chunk), 4)]


_LAST_SECTOR = 0xFFFFFFFA  # from here on: end of chain, free, FAT or DIFAT marks


class _Container:
    """Just enough of the Compound File Binary format to read its directory."""

    def __init__(self, data: bytes) -> None:
        shift = int.from_bytes(data[30:32], "little") if len(data) >= 512 else 0
        if shift not in (9, 12):
            raise ValueError("not a compound file")
        self.data = data
        self.size = 1 << shift
        # The header fills the first sector (512 or 4096 bytes); sector 0 follows.
        self.count = len(data) // self.size - 1

    def sector(self, number: int) -> bytes:
        if not 0 <= number < self.count:
            raise ValueError("sector out of range")
        start = (number + 1) * self.size
        return self.data[start : start + self.size]

    def fat(self) -> list[int]:
        """The sector chains: 109 FAT sectors are listed in the header, the rest
        in a chain of DIFAT sectors."""
        fat_sectors = _ints(self.data[76:512])
        difat = int.from_bytes(self.data[68:72], "little")
        for _step in range(self.count):
            if difat >= _LAST_SECTOR:
                break
            listed = _ints(self.sector(difat))
            fat_sectors += listed[:-1]
            difat = listed[-1]
        fat: list[int] = []
        for number in fat_sectors:
            if number < _LAST_SECTOR:
                fat += _ints(self.sector(number))
        return fat

    def directory(self) -> list[bytes]:
        """The directory's 128-byte entries, from its chain of sectors."""
        fat = self.fat()
        directory = bytearray()
        current = int.from_bytes(self.data[48:52], "little")
        for _step in range(self.count):
            if current >= _LAST_SECTOR:
                break
            directory += self.sector(current)
            current = fat[current]
        return [bytes(directory[i : i + 128]) for i in range(0, len(directory), 128)]

    def top_names(self) -> set[str]:
        entries = self.directory()
        if not entries:
            raise ValueError("no directory")
        # The root's children form a binary tree through left and right siblings.
        names: set[str] = set()
        seen: set[int] = set()
        pending = [int.from_bytes(entries[0][76:80], "little")]
        while pending:
            index = pending.pop()
            if index >= len(entries) or index in seen:
                continue
            seen.add(index)
            entry = entries[index]
            length = int.from_bytes(entry[64:66], "little")
            names.add(entry[: max(0, length - 2)].decode("utf-16-le"))
            pending += [
                int.from_bytes(entry[68:72], "little"),
                int.from_bytes(entry[72:76], "little"),
            ]
        return names


# --- Photos without their location ----------------------------------------


class DamagedImage(Exception):
    pass


def _keep_jpeg_segment(marker: int, payload: bytes) -> bytes | None:
    """The segment's payload to keep, or None to drop it."""
    if marker == 0xE0:
        if not payload.startswith(b"JFIF\x00") or len(payload) < 14:
            return None
        # JFIF header without its thumbnail (a second, uncropped picture).
        return payload[:12] + b"\x00\x00"
    if marker == 0xE2:
        # The colour profile; APP2 also carries FlashPix and multi-picture data.
        return payload if payload.startswith(b"ICC_PROFILE\x00") else None
    if marker == 0xEE:
        # Adobe's segment says how CMYK colours are coded (no metadata): without it
        # such a photo shows in the wrong colours.
        return payload if payload.startswith(b"Adobe") else None
    if 0xE1 <= marker <= 0xEF or marker == 0xFE:
        # APP1 (Exif with GPS, XMP), the other APPn and comments.
        return None
    return payload


def strip_jpeg(data: bytes) -> bytes:
    """The JPEG without metadata segments and without anything after its end."""
    if not data.startswith(b"\xff\xd8"):
        raise DamagedImage
    out = bytearray(b"\xff\xd8")
    at, end, scans = 2, len(data), 0
    while True:
        if at >= end or data[at] != 0xFF:
            raise DamagedImage
        while at < end and data[at] == 0xFF:  # fill bytes before a marker
            at += 1
        if at >= end:
            raise DamagedImage
        marker = data[at]
        at += 1
        if marker == 0xD9:
            if not scans:
                raise DamagedImage
            # Whatever follows the end (a second picture, a maker's trailer) goes.
            out += b"\xff\xd9"
            return bytes(out)
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            out += bytes((0xFF, marker))
            continue
        if at + 2 > end:
            raise DamagedImage
        length = int.from_bytes(data[at : at + 2], "big")
        if length < 2 or at + length > end:
            raise DamagedImage
        payload = data[at + 2 : at + length]
        at += length
        kept = _keep_jpeg_segment(marker, payload)
        if kept is not None:
            out += bytes((0xFF, marker)) + (len(kept) + 2).to_bytes(2, "big") + kept
        if marker == 0xDA:
            # The coded picture runs to the next marker that is neither a stuffed
            # 0xFF00 nor a restart marker.
            scans += 1
            scan = at
            while True:
                scan = data.find(b"\xff", scan)
                if scan < 0 or scan + 1 >= end:
                    raise DamagedImage
                following = data[scan + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    scan += 2
                elif following == 0xFF:
                    scan += 1
                else:
                    break
            out += data[at:scan]
            at = scan


# Text chunks (the GPS position may be written there too), Exif, and the time
# of the last change.
_PNG_DROPPED = {b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"tIME"}


def strip_png(data: bytes) -> bytes:
    """The PNG without text, Exif and time chunks, and nothing after its end."""
    if not data.startswith(_PNG):
        raise DamagedImage
    out = bytearray(_PNG)
    at, end, first = len(_PNG), len(data), True
    while at + 12 <= end:
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        stop = at + 12 + length
        if stop > end or not kind.isalpha() or (first and kind != b"IHDR"):
            raise DamagedImage
        first = False
        if kind not in _PNG_DROPPED:
            out += data[at:stop]
        at = stop
        if kind == b"IEND":
            return bytes(out)
    raise DamagedImage


# --- Checking an upload ----------------------------------------------------


def extension_of(name: str) -> str:
    base = safe_filename(name)
    return base.rpartition(".")[2].lower() if "." in base else ""


def safe_filename(name: str, fallback: str = "document") -> str:
    """A file name that is safe in a header and on any disk: no folders, no
    control or reserved characters, at most 150 characters with its extension."""
    base = re.split(r"[/\\]", name or "")[-1]
    base = re.sub(r'[\x00-\x1f\x7f"*:<>?|]', "_", base).strip().lstrip(".")
    if not base:
        return fallback
    stem, dot, ext = base.rpartition(".")
    if dot and len(ext) <= 10:
        return f"{stem[: 149 - len(ext)]}.{ext}"
    return base[:150]


def inspect(name: str, data: bytes) -> tuple[Kind, bytes]:
    """The kind of an uploaded file and the bytes to keep; refused (a
    ``ValidationError`` on ``file``) if it is not a type Ura takes, if its name
    says otherwise, or if it is too large."""
    if not data:
        raise _refuse(_("The file is empty."))
    if len(data) > max_bytes():
        raise _refuse(too_large_message())
    code = sniff(data)
    if code == MACROS:
        raise _refuse(
            _(
                "Office files with macros are not accepted. Save the file as an "
                "ordinary document and upload it again."
            )
        )
    if code is None:
        raise _refuse(
            _(
                "This type of file is not accepted. Upload a PDF, a JPEG or PNG "
                "image, or an office document (Word, Excel, PowerPoint or "
                "OpenDocument)."
            )
        )
    kind = KINDS[code]
    extension = extension_of(name)
    if extension not in kind.extensions:
        raise _refuse(
            _(
                "The file's content is not what its name says: it is %(kind)s, "
                "but its name ends in “.%(extension)s”. Nothing was saved."
            )
            % {"kind": kind.label, "extension": extension or "…"}
        )
    try:
        if code == "jpeg":
            data = strip_jpeg(data)
        elif code == "png":
            data = strip_png(data)
    except DamagedImage:
        raise _refuse(
            _("The image could not be read: the file may be damaged.")
        ) from None
    return kind, data


def too_large_message() -> str:
    return _("The file is larger than %(mb)s MB.") % {
        "mb": settings.URA_DOCUMENT_MAX_MB
    }


# --- The encrypted store ---------------------------------------------------


def document_dir() -> Path:
    return Path(settings.URA_DOCUMENT_DIR)


def new_stored_name() -> str:
    return secrets.token_hex(16)


def stored_path(stored_as: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", stored_as):
        raise ValueError("not a stored document name")
    # Two levels, so that no folder grows to hundreds of thousands of files.
    return document_dir() / stored_as[:2] / stored_as


def context_of(document_id: int) -> str:
    return f"cases.casedocument:{document_id}"


def _write_atomically(path: Path, blob: bytes) -> None:
    """Write a new file beside the old one and swap it in: a reader (or a crash)
    sees the old file or the new one, never half of either."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    try:
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)


def store(*, document_id: int, stored_as: str, plain: bytes) -> None:
    _write_atomically(
        stored_path(stored_as), encrypt_bytes(plain, context_of(document_id))
    )


def discard(stored_as: str) -> None:
    """Remove a stored file whose record was not saved after all."""
    stored_path(stored_as).unlink(missing_ok=True)


def read(*, document_id: int, stored_as: str) -> bytes:
    blob = stored_path(stored_as).read_bytes()
    return decrypt_bytes(blob, context_of(document_id))


def rotate_documents() -> int:
    """Re-encrypt every stored document that is under an older key
    (``ura rotate-keys``). Returns how many files were rewritten."""
    current = key_ring().current_id
    done = 0
    documents = CaseDocument.objects.order_by("pk").values_list("pk", "stored_as")
    for document_id, stored_as in documents.iterator(chunk_size=500):
        path = stored_path(stored_as)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            logger.warning("document %s: its file is missing", document_id)
            continue
        if file_key_id(blob) == current:
            continue
        try:
            plain = decrypt_bytes(blob, context_of(document_id))
        except DecryptionError as exc:
            raise DecryptionError(f"document {document_id}: {exc}") from None
        _write_atomically(path, encrypt_bytes(plain, context_of(document_id)))
        done += 1
    return done
