"""Encryption at rest: AES-256-GCM with keys of their own, each ciphertext bound to
where it belongs."""

import base64
import json
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.cases.helpers import open_case
from ura.cases.models import CaseNote, Consent
from ura.cases.note_actions import note_add
from ura.core.crypto import (
    DecryptionError,
    EncryptedTextField,
    decrypt_bytes,
    decrypt_text,
    encrypt_bytes,
    encrypt_text,
    key_ring,
    new_key,
    parse_keys,
)

KEY_A = "a1:" + base64.b64encode(b"a" * 32).decode()
KEY_B = "b1:" + base64.b64encode(b"b" * 32).decode()


def test_text_and_bytes_round_trip(settings):
    settings.URA_DATA_KEYS = KEY_A
    stored = encrypt_text("Fëmija është mirë – Дете", "cases.casenote.body")
    assert stored.startswith("ura1:a1:")
    assert "mirë" not in stored
    assert decrypt_text(stored, "cases.casenote.body") == "Fëmija është mirë – Дете"
    blob = encrypt_bytes(b"%PDF-1.4 report", "cases.casedocument:7")
    assert blob.startswith(b"URA1") and b"report" not in blob
    assert decrypt_bytes(blob, "cases.casedocument:7") == b"%PDF-1.4 report"
    # A fresh nonce each time: the same text never gives the same ciphertext.
    assert encrypt_text("same", "c") != encrypt_text("same", "c")


def test_a_ciphertext_opens_only_where_it_belongs(settings):
    settings.URA_DATA_KEYS = KEY_A
    stored = encrypt_text("secret", "cases.casenote.body")
    with pytest.raises(DecryptionError):
        decrypt_text(stored, "cases.consent.note")
    blob = encrypt_bytes(b"file", "cases.casedocument:7")
    with pytest.raises(DecryptionError):
        decrypt_bytes(blob, "cases.casedocument:8")


@pytest.mark.django_db
def test_a_value_moved_to_another_column_does_not_read(world):
    """Copying a note's ciphertext into a consent's note column (as someone with
    write access to the database might) gives an error, not the note."""
    case = open_case(world)
    note = note_add(
        actor=world.users["worker_a1"],
        case=case,
        happened_on=timezone.localdate(),
        kind="phone",
        body="What the child said",
    )
    consent = Consent.objects.create(
        case=case,
        given_by="mother",
        given_on=timezone.localdate(),
        to_services=True,
        recorded_by=world.users["worker_a1"],
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM cases_casenote WHERE id = %s", [note.pk])
        (raw,) = cursor.fetchone()
        cursor.execute(
            "UPDATE cases_consent SET note = %s WHERE id = %s", [raw, consent.pk]
        )
    with pytest.raises(DecryptionError):
        Consent.objects.get(pk=consent.pk)
    assert CaseNote.objects.get(pk=note.pk).body == "What the child said"


def test_the_wrong_key_does_not_open_a_ciphertext(settings):
    settings.URA_DATA_KEYS = KEY_A
    stored = encrypt_text("secret", "c")
    blob = encrypt_bytes(b"secret", "c")
    # Another key under the same id.
    settings.URA_DATA_KEYS = "a1:" + base64.b64encode(b"z" * 32).decode()
    with pytest.raises(DecryptionError):
        decrypt_text(stored, "c")
    with pytest.raises(DecryptionError):
        decrypt_bytes(blob, "c")
    # The key is gone from the ring.
    settings.URA_DATA_KEYS = KEY_B
    with pytest.raises(DecryptionError, match="no data key"):
        decrypt_text(stored, "c")
    # Older keys still open what they encrypted; new data takes the first key.
    settings.URA_DATA_KEYS = f"{KEY_B},{KEY_A}"
    assert decrypt_text(stored, "c") == "secret"
    assert encrypt_text("new", "c").startswith("ura1:b1:")


def test_tampered_or_foreign_values_are_refused(settings):
    settings.URA_DATA_KEYS = KEY_A
    stored = encrypt_text("secret", "c")
    tampered = stored[:-4] + ("AAAA" if not stored.endswith("AAAA") else "BBBB")
    for value in (tampered, "ura1:a1:not base64!", "plain text", "ura1:a1:"):
        with pytest.raises(DecryptionError):
            decrypt_text(value, "c")
    blob = bytearray(encrypt_bytes(b"secret", "c"))
    blob[-1] ^= 1
    for value in (bytes(blob), b"", b"URA1", b"%PDF-1.4"):
        with pytest.raises(DecryptionError):
            decrypt_bytes(value, "c")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "holds no key"),
        (" , ", "holds no key"),
        ("k1", "id:base64"),
        ("k-1:" + base64.b64encode(b"a" * 32).decode(), "id:base64"),
        ("ключ:" + base64.b64encode(b"a" * 32).decode(), "id:base64"),
        ("k" * 33 + ":" + base64.b64encode(b"a" * 32).decode(), "id:base64"),
        ("k1:not-base64", "not base64"),
        ("k1:" + base64.b64encode(b"short").decode(), "not 32 bytes"),
        (f"{KEY_A},{KEY_A}", "appears twice"),
        (f"{KEY_A},A1:{KEY_B.partition(':')[2]}", "appears twice"),
    ],
)
def test_bad_key_settings_are_refused(text, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_keys(text)


def test_new_keys_parse_and_the_first_is_current():
    ring = parse_keys(f"{new_key('k2026')}, {new_key('k2025')}")
    assert ring.current_id == "k2026"
    assert set(ring.keys) == {"k2026", "k2025"}
    assert all(len(key) == 32 for key in ring.keys.values())


def test_changing_the_setting_changes_the_ring(settings):
    settings.URA_DATA_KEYS = KEY_A
    assert key_ring().current_id == "a1"
    settings.URA_DATA_KEYS = KEY_B
    assert key_ring().current_id == "b1"


@pytest.mark.django_db
def test_the_database_and_a_dump_hold_ciphertext_and_a_load_reads_it(world, tmp_path):
    case = open_case(world)
    note = note_add(
        actor=world.users["worker_a1"],
        case=case,
        happened_on=timezone.localdate(),
        kind="phone",
        body="Dump me not",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM cases_casenote WHERE id = %s", [note.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("ura1:") and "Dump me not" not in raw
    out = StringIO()
    call_command("dumpdata", "cases.casenote", stdout=out)
    assert "Dump me not" not in out.getvalue()
    [row] = json.loads(out.getvalue())
    assert row["fields"]["body"].startswith("ura1:")
    # Loading the dump back gives the note's words again (re-encrypted).
    CaseNote.objects.filter(pk=note.pk).update(body="overwritten")
    path = tmp_path / "dump.json"
    path.write_text(out.getvalue())
    call_command("loaddata", str(path), verbosity=0)
    assert CaseNote.objects.get(pk=note.pk).body == "Dump me not"


def test_text_that_merely_looks_encrypted_is_kept_as_typed():
    field = EncryptedTextField()
    field.set_attributes_from_name("body")
    field.model = CaseNote
    assert field.to_python("ura1:k1:this is what I typed") == (
        "ura1:k1:this is what I typed"
    )
