"""Optimistic concurrency: an edit names the version it started from."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _


class StaleEdit(ValidationError):
    """Somebody else saved the record after this edit began."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else changed this record while you were editing it. "
                "Your changes were not saved: reload to see the latest version, "
                "then make your changes again."
            ),
            code="stale",
        )


def save_versioned(
    obj: models.Model, *, expected_version: int, update_fields: list[str]
) -> None:
    """Write ``update_fields`` only if the row still has ``expected_version``.

    One conditional UPDATE, so the check and the write cannot be split by another
    writer on any database.
    """
    model = type(obj)
    values = {name: getattr(obj, name) for name in update_fields}
    for name in update_fields:
        field = model._meta.get_field(name)
        if getattr(field, "auto_now", False):
            values[name] = field.pre_save(obj, add=False)
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if updated != 1:
        raise StaleEdit()
    obj.version = expected_version + 1
