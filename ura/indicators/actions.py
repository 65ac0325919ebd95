"""Writing indicator definitions: administrators only, checked, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.versioning import StaleEdit, save_versioned
from ura.indicators.models import Indicator

INDICATOR_FIELDS = (
    "code",
    "name_en",
    "name_sq",
    "name_sr",
    "name_sr_latn",
    "description",
    "kind",
    "source",
    "filters",
    "disaggregations",
    "duration",
    "numerator",
    "denominator",
    "period_type",
    "is_published",
    "dashboard_position",
)


class NotAllowed(Exception):
    """The actor may not define indicators (the view answers 403)."""


def _require_administrator(actor: User | None) -> None:
    # ``None`` is the system itself: the starter set loaded by a command.
    if actor is not None and not may(actor, Permission.ADMINISTER):
        raise NotAllowed


def indicator_create(
    *, actor: User | None, data: dict[str, Any], request: HttpRequest | None = None
) -> Indicator:
    """A new indicator; ``full_clean`` checks its filters against its source."""
    _require_administrator(actor)
    indicator = Indicator(**{k: v for k, v in data.items() if k in INDICATOR_FIELDS})
    with transaction.atomic():
        indicator.full_clean()
        indicator.save()
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=indicator,
            changes={"code": indicator.code},
            request=request,
        )
    return indicator


def indicator_update(
    *,
    actor: User | None,
    indicator: Indicator,
    data: dict[str, Any],
    expected_version: int,
    request: HttpRequest | None = None,
) -> list[str]:
    """Change an indicator's definition; a stale edit is refused. Returns the names
    of the fields changed (none: nothing written)."""
    _require_administrator(actor)
    with transaction.atomic():
        stored = Indicator.objects.select_for_update().get(pk=indicator.pk)
        if stored.version != expected_version:
            raise StaleEdit()
        changed = [
            name
            for name, value in data.items()
            if name in INDICATOR_FIELDS and getattr(stored, name) != value
        ]
        if not changed:
            return []
        for name in changed:
            setattr(stored, name, data[name])
        stored.full_clean()
        save_versioned(
            stored,
            expected_version=expected_version,
            update_fields=[
                f"{n}_id" if n in ("numerator", "denominator") else n for n in changed
            ]
            + ["updated_at"],
        )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=changed,
            request=request,
        )
    indicator.version = stored.version
    return changed
