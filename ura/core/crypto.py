"""Encryption at rest for what people write about a child: case notes, the
narratives of assessments and plans, and uploaded documents.

AES-256-GCM (``cryptography``), with keys of their own (``URA_DATA_KEYS``), never
``SECRET_KEY``: a leaked database dump or backup shows ciphertext only, and the
keys can be rotated without signing anybody out.

``URA_DATA_KEYS`` holds one or more keys, ``id:base64`` separated by commas, the
first being the one new data is encrypted with; the others only decrypt older
data until ``ura rotate-keys`` has re-encrypted it. Each ciphertext names its key
and is bound (as associated data) to where it belongs, e.g. the column
``cases.casenote.body``, so it cannot be copied into another column.

Text is stored as ``ura1:<key id>:<base64 of nonce and ciphertext>``; files as
the bytes ``URA1``, the key id's length and the key id, the nonce, the ciphertext.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

__all__ = [
    "DecryptionError",
    "EncryptedTextField",
    "KeyRing",
    "decrypt_bytes",
    "decrypt_text",
    "encrypt_bytes",
    "encrypt_text",
    "file_key_id",
    "key_ring",
    "looks_encrypted",
    "new_key",
    "parse_keys",
    "register_rotation",
    "rotations",
    "text_key_id",
]

TEXT_PREFIX = "ura1"
FILE_MAGIC = b"URA1"
_NONCE = 12
_KEY_BYTES = 32
_MAX_KEY_ID = 32


class DecryptionError(Exception):
    """A ciphertext that no configured key opens, or that was tampered with."""


@dataclass(frozen=True)
class KeyRing:
    current_id: str
    keys: dict[str, bytes]

    def cipher(self, key_id: str) -> AESGCM:
        try:
            return AESGCM(self.keys[key_id])
        except KeyError:
            raise DecryptionError(f"no data key with id {key_id!r}") from None


def new_key(key_id: str) -> str:
    """A fresh ``id:base64`` entry for ``URA_DATA_KEYS``."""
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(_KEY_BYTES)).decode()}"


def parse_keys(text: str) -> KeyRing:
    entries = [part.strip() for part in text.split(",") if part.strip()]
    if not entries:
        raise ImproperlyConfigured("URA_DATA_KEYS holds no key")
    keys: dict[str, bytes] = {}
    for entry in entries:
        key_id, colon, encoded = entry.partition(":")
        # The id is written into every ciphertext (a file stores its length in one
        # byte): short ASCII letters and digits only.
        if (
            not key_id
            or not colon
            or ":" in encoded
            or not (key_id.isascii() and key_id.isalnum())
            or len(key_id) > _MAX_KEY_ID
        ):
            raise ImproperlyConfigured(
                "URA_DATA_KEYS entries are id:base64, the id up to "
                f"{_MAX_KEY_ID} letters and digits"
            )
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise ImproperlyConfigured(
                f"URA_DATA_KEYS: key {key_id} is not base64"
            ) from None
        if len(key) != _KEY_BYTES:
            raise ImproperlyConfigured(f"URA_DATA_KEYS: key {key_id} is not 32 bytes")
        # Ids are compared without case: SQLite matches a ciphertext's prefix so.
        if key_id.lower() in {known.lower() for known in keys}:
            raise ImproperlyConfigured(f"URA_DATA_KEYS: key {key_id} appears twice")
        keys[key_id] = key
    return KeyRing(current_id=entries[0].partition(":")[0], keys=keys)


# Keyed by the setting's text, so a changed URA_DATA_KEYS (a test that swaps keys)
# is parsed afresh without anything to clear.
@lru_cache(maxsize=4)
def _ring(text: str) -> KeyRing:
    return parse_keys(text)


def key_ring() -> KeyRing:
    return _ring(settings.URA_DATA_KEYS)


def encrypt_bytes(plain: bytes, context: str) -> bytes:
    ring = key_ring()
    nonce = os.urandom(_NONCE)
    sealed = ring.cipher(ring.current_id).encrypt(nonce, plain, context.encode())
    key_id = ring.current_id.encode()
    return FILE_MAGIC + bytes([len(key_id)]) + key_id + nonce + sealed


def _file_key_id(blob: bytes) -> tuple[str, int]:
    if not blob.startswith(FILE_MAGIC) or len(blob) < len(FILE_MAGIC) + 1:
        raise DecryptionError("not an encrypted file")
    length = blob[len(FILE_MAGIC)]
    start = len(FILE_MAGIC) + 1
    if not length or len(blob) < start + length + _NONCE:
        raise DecryptionError("not an encrypted file")
    try:
        return blob[start : start + length].decode("ascii"), start + length
    except UnicodeDecodeError:
        raise DecryptionError("not an encrypted file") from None


def file_key_id(blob: bytes) -> str:
    return _file_key_id(blob)[0]


def decrypt_bytes(blob: bytes, context: str) -> bytes:
    key_id, at = _file_key_id(blob)
    nonce, sealed = blob[at : at + _NONCE], blob[at + _NONCE :]
    try:
        return key_ring().cipher(key_id).decrypt(nonce, sealed, context.encode())
    except InvalidTag:
        raise DecryptionError("the file was altered or belongs elsewhere") from None


def encrypt_text(plain: str, context: str) -> str:
    ring = key_ring()
    nonce = os.urandom(_NONCE)
    sealed = ring.cipher(ring.current_id).encrypt(
        nonce, plain.encode(), context.encode()
    )
    body = base64.b64encode(nonce + sealed).decode()
    return f"{TEXT_PREFIX}:{ring.current_id}:{body}"


def text_key_id(stored: str) -> str | None:
    prefix, _, rest = stored.partition(":")
    return rest.partition(":")[0] if prefix == TEXT_PREFIX else None


def decrypt_text(stored: str, context: str) -> str:
    prefix, _, rest = stored.partition(":")
    key_id, _, body = rest.partition(":")
    if prefix != TEXT_PREFIX or not body:
        raise DecryptionError("not an encrypted value")
    try:
        raw = base64.b64decode(body, validate=True)
    except binascii.Error:
        raise DecryptionError("not an encrypted value") from None
    try:
        plain = (
            key_ring()
            .cipher(key_id)
            .decrypt(raw[:_NONCE], raw[_NONCE:], context.encode())
        )
    except InvalidTag:
        raise DecryptionError("the value was altered or belongs elsewhere") from None
    return plain.decode()


def looks_encrypted(stored: str) -> bool:
    """Whether a text value has the shape of this module's ciphertext."""
    return text_key_id(stored) is not None


class EncryptedTextField(models.TextField):
    """Text that is encrypted in the database and plain in Python.

    Empty text is stored empty. The ciphertext differs on every save, so the
    column cannot be searched or compared: look rows up by other fields.

    Serialised (``ura dumpdata``), the value is the ciphertext too, so a dump
    holds no more than the database does; loading the dump (``ura loaddata``)
    decrypts it in ``to_python`` and encrypts it again on save.
    """

    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def to_python(self, value):  # noqa: ANN001, ANN201
        value = super().to_python(value)
        if isinstance(value, str) and looks_encrypted(value):
            try:
                return decrypt_text(value, self.context())
            except DecryptionError:
                # Text a person typed that merely starts like a ciphertext.
                return value
        return value

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        if not value:
            return value or ""
        return encrypt_text(value, self.context())

    def from_db_value(self, value, expression, connection):  # noqa: ANN001, ANN201
        if not value:
            return value
        return decrypt_text(value, self.context())

    def get_prep_value(self, value):  # noqa: ANN001, ANN201
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt_text(value, self.context())


# What `ura rotate-keys` re-encrypts besides the encrypted columns (which it finds
# by itself): each app with encrypted files registers a function that re-encrypts
# them under the current key and returns how many it rewrote.
_ROTATIONS: dict[str, Callable[[], int]] = {}


def register_rotation(name: str, rotate: Callable[[], int]) -> None:
    _ROTATIONS[name] = rotate


def rotations() -> dict[str, Callable[[], int]]:
    return dict(_ROTATIONS)
