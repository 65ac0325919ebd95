"""``ura rotate-keys``: re-encrypt everything under the current data key.

Put the new key first in ``URA_DATA_KEYS`` and keep the old ones after it, restart
Ura so that it writes with the new key, run this command, then remove the old
keys. It finds every encrypted column by itself, rewrites only what is under
another key (so it can be interrupted and run again), and commits in batches.
Files are re-encrypted by the functions their apps register
(``ura.core.crypto.register_rotation``).
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models.functions import Cast

from ura.core.crypto import (
    TEXT_PREFIX,
    DecryptionError,
    EncryptedTextField,
    decrypt_text,
    key_ring,
    rotations,
)

BATCH = 500


def encrypted_columns() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        # Local fields only: an inherited column belongs to (and is rotated with)
        # the parent model.
        fields = [
            f for f in meta.local_concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if fields:
            found.append((model, fields))
    return found


def rotate_column(
    model: type[models.Model], field: EncryptedTextField, current: str
) -> int:
    """Re-encrypt one column's values that are not under the current key."""
    context = field.context()
    stale = (
        model._base_manager.annotate(_raw=Cast(field.name, models.TextField()))
        .exclude(_raw="")
        .exclude(_raw__isnull=True)
        .exclude(_raw__startswith=f"{TEXT_PREFIX}:{current}:")
        .order_by("pk")
    )
    done = 0
    after = None
    while True:
        rows = stale if after is None else stale.filter(pk__gt=after)
        batch = list(rows.values_list("pk", "_raw")[:BATCH])
        if not batch:
            return done
        with transaction.atomic():
            for pk, raw in batch:
                try:
                    plain = decrypt_text(raw, context)
                except DecryptionError as exc:
                    raise CommandError(
                        f"{context} of row {pk} cannot be decrypted ({exc}): is "
                        "every old key still in URA_DATA_KEYS?"
                    ) from None
                # Rewritten only if the row still holds the value that was read:
                # an edit saved meanwhile by Ura is never undone.
                done += (
                    model._base_manager.annotate(
                        _raw=Cast(field.name, models.TextField())
                    )
                    .filter(pk=pk, _raw=raw)
                    .update(**{field.name: plain})
                )
        after = batch[-1][0]


class Command(BaseCommand):
    help = "Re-encrypt notes, narratives and documents under the current data key."

    def add_arguments(self, parser: CommandParser) -> None:
        pass

    def handle(self, *args: object, **options: object) -> None:
        current = key_ring().current_id
        total = 0
        for model, fields in encrypted_columns():
            for field in fields:
                done = rotate_column(model, field, current)
                total += done
                if done:
                    self.stdout.write(f"{field.context()}: {done}")
        for label, rotate in sorted(rotations().items()):
            try:
                done = rotate()
            except DecryptionError as exc:
                raise CommandError(f"{label}: {exc}") from None
            total += done
            if done:
                self.stdout.write(f"{label}: {done}")
        self.stdout.write(f"{total} values re-encrypted under key {current}")
