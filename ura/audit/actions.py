"""Writing to the audit log. Every action that touches person-level data calls record()
inside its own transaction, so there is never a change without its audit event."""

from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from ura.audit.models import GENESIS_HASH, AuditAction, AuditEvent

# Any constant works: it names the one lock that orders audit writers on PostgreSQL.
_CHAIN_LOCK_KEY = 7_319_004


def _lock_chain() -> None:
    # SQLite already serialises writers (IMMEDIATE transactions); PostgreSQL needs an
    # explicit lock so that two events never claim the same predecessor.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    from ura.core.client_ip import client_ip as address_of

    return address_of(request)


def record(
    *,
    actor: Any,
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    fields: Iterable[str] = (),
    changes: dict[str, Any] | None = None,
    detail: str = "",
    request: HttpRequest | None = None,
    outcome: str = "ok",
) -> AuditEvent:
    """Append one event to the chain. ``changes`` must hold no sensitive values."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        event = AuditEvent(
            seq=(last["seq"] + 1) if last else 1,
            at=timezone.now(),
            actor_id=actor.pk if is_user else None,
            actor_username=actor.get_username() if is_user else "",
            action=str(action),
            object_type=object_type,
            object_id=str(object_id) if object_id != "" else "",
            fields=sorted(fields),
            changes=changes or {},
            detail=detail[:200],
            ip=client_ip(request),
            request_id=getattr(request, "request_id", "") if request else "",
            outcome=outcome,
            prev_hash=last["hash"] if last else GENESIS_HASH,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
    return event
