"""Writes to programmes (administrators keep them): atomic, validated, audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ura.access.rules import Permission, may
from ura.accounts.models import Agency, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.versioning import StaleEdit, save_versioned
from ura.directory.models import Programme
from ura.people.actions import NotAllowed

__all__ = ["NotAllowed", "programme_create", "programme_update"]

PROGRAMME_FIELDS = (
    "code",
    "name",
    "description",
    "starts_on",
    "ends_on",
    "lead_agency",
    "is_active",
)


def _require(actor: User) -> None:
    if not may(actor, Permission.ADMINISTER):
        raise NotAllowed


def _tidy(programme: Programme) -> None:
    programme.code = " ".join(programme.code.split()).upper()
    programme.name = programme.name.strip()
    if (
        programme.starts_on
        and programme.ends_on
        and programme.ends_on < programme.starts_on
    ):
        raise ValidationError(
            {"ends_on": _("The programme cannot end before it starts.")}
        )


def programme_create(
    *,
    actor: User,
    data: dict[str, Any],
    funders: Iterable[Agency] = (),
    request: HttpRequest | None = None,
) -> Programme:
    _require(actor)
    funders = list(funders)
    with transaction.atomic():
        programme = Programme(
            **{k: v for k, v in data.items() if k in PROGRAMME_FIELDS}
        )
        _tidy(programme)
        programme.full_clean()
        programme.save(force_insert=True)
        programme.funders.set(funders)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=programme,
            fields=[k for k, v in data.items() if v not in ("", None)]
            + (["funders"] if funders else []),
            # Not personal data: the code says which programme in the log.
            changes={"code": programme.code},
            request=request,
        )
    return programme


def programme_update(
    *,
    actor: User,
    programme: Programme,
    data: dict[str, Any],
    expected_version: int,
    funders: Iterable[Agency] | None = None,
    request: HttpRequest | None = None,
) -> list[str]:
    """Edit a programme; a stale edit is refused."""
    _require(actor)
    with transaction.atomic():
        stored = Programme.objects.select_for_update().get(pk=programme.pk)
        if stored.version != expected_version:
            raise StaleEdit()
        changed = [
            name
            for name, value in data.items()
            if name in PROGRAMME_FIELDS and getattr(stored, name) != value
        ]
        for name in changed:
            setattr(stored, name, data[name])
        _tidy(stored)
        new_funders = None if funders is None else {a.pk for a in funders}
        if new_funders is not None and new_funders != set(
            stored.funders.values_list("pk", flat=True)
        ):
            changed.append("funders")
        if not changed:
            return []
        stored.full_clean()
        save_versioned(
            stored,
            expected_version=expected_version,
            update_fields=[n for n in changed if n != "funders"] + ["updated_at"],
        )
        if "funders" in changed:
            stored.funders.set(new_funders)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=changed,
            request=request,
        )
    for name in [*PROGRAMME_FIELDS, "version", "updated_at"]:
        setattr(programme, name, getattr(stored, name))
    return changed
