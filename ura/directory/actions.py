"""Writes of the service directory: atomic, validated, audited.

A provider keeps the services of its own agencies (``manage_services`` and the
service provider role there); an administrator keeps any agency's. Every write
refreshes the service's ``search_text``, so the search finds it at once in any
script and spelling. A stale edit is refused and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from ura.accounts.models import Agency, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.actions import NotAllowed
from ura.cases.models import Concern
from ura.core.versioning import StaleEdit, save_versioned
from ura.directory.models import Programme, Service, ServiceType
from ura.directory.queries import managed_agency_ids, may_manage
from ura.people.equity import Language
from ura.people.matching.normalise import normalise_name
from ura.places.models import Place

__all__ = [
    "EDITABLE",
    "NotAllowed",
    "search_text_of",
    "search_text_refresh",
    "service_create",
    "service_set_active",
    "service_update",
]

# What a provider writes; the agency is fixed when the service is created.
EDITABLE = (
    "name",
    "type",
    "description",
    "min_age",
    "max_age",
    "sex",
    "concerns",
    "address",
    "opening_hours",
    "languages",
    "capacity",
    "contact_name",
    "phone",
    "email",
    "programme",
    "accepts_referrals",
)
# Languages whose names of the service types are searched too, so that a
# Serbian word finds a service described in Albanian and the other way round.
SEARCH_LANGUAGES = ("en", "sq", "sr")
STRIPPED = ("name", "address", "opening_hours", "contact_name", "phone", "email")


def _fold(text: str) -> str:
    # The matcher's folding without its cache, which is sized for people's names
    # and would fill with descriptions.
    return normalise_name.__wrapped__(text)


def search_text_of(service: Service) -> str:
    """The name, description, agency name and type of the service, folded like
    ``ura.people.matching.normalise_name``, each word once."""
    parts = [service.name, service.description, service.agency.name]
    if service.type in ServiceType.values:
        for language in SEARCH_LANGUAGES:
            with translation.override(language):
                parts.append(str(ServiceType(service.type).label))
    words = dict.fromkeys(
        word for part in parts if part for word in _fold(part).split()
    )
    return " ".join(words)


def search_text_refresh(services: QuerySet[Service]) -> int:
    """Fold again the services' text (after an agency is renamed, or the
    folding changed); returns how many changed."""
    changed = []
    for service in services.select_related("agency"):
        text = search_text_of(service)
        if text != service.search_text:
            service.search_text = text
            changed.append(service)
    Service.objects.bulk_update(changed, ["search_text"], batch_size=500)
    return len(changed)


def _codes(
    errors: dict[str, list[str]], name: str, values: Iterable[str], allowed: list[str]
) -> list[str]:
    """The codes in the catalogue's order, each once; unknown ones refused."""
    values = set(values or ())
    unknown = sorted(values - set(allowed))
    if unknown:
        errors.setdefault(name, []).append(
            _("Not a known value: %(values)s.") % {"values": ", ".join(unknown)}
        )
    return [code for code in allowed if code in values]


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    """The writable fields, tidied; ValidationError with field keys on bad input."""
    data = {name: data[name] for name in (*EDITABLE, "is_active") if name in data}
    errors: dict[str, list[str]] = {}
    for name in STRIPPED:
        if isinstance(data.get(name), str):
            data[name] = data[name].strip()
    if "concerns" in data:
        data["concerns"] = _codes(errors, "concerns", data["concerns"], Concern.values)
    if "languages" in data:
        data["languages"] = _codes(
            errors, "languages", data["languages"], Language.values
        )
    programme = data.get("programme")
    if programme is not None and not isinstance(programme, Programme):
        errors.setdefault("programme", []).append(_("Not a known programme."))
    if errors:
        raise ValidationError(errors)
    return data


def _check_ages(service: Service) -> None:
    low, high = service.min_age, service.max_age
    if low is not None and high is not None and low > high:
        raise ValidationError(
            {
                "max_age": [
                    _("The upper age cannot be below the lower age (%(age)s).")
                    % {"age": low}
                ]
            }
        )


def _validate(service: Service) -> None:
    _check_ages(service)
    service.full_clean(exclude=["agency", "programme"])


def _require(actor: User, agency_id: int) -> None:
    if agency_id not in managed_agency_ids(actor):
        raise NotAllowed


def service_create(
    *,
    actor: User,
    agency: Agency,
    data: dict[str, Any],
    places: Iterable[Place] = (),
    request: HttpRequest | None = None,
) -> Service:
    """Add a service of ``agency`` to the directory. ``places`` are the places it
    takes people from (none: the agency's own)."""
    _require(actor, agency.pk)
    data = _checked(data)
    places = list(places)
    service = Service(agency=agency, **data)
    _validate(service)
    service.search_text = search_text_of(service)
    with transaction.atomic():
        service.save(force_insert=True)
        if places:
            service.places.set(places)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=service,
            fields=["agency", *data] + (["places"] if places else []),
            changes={"type": service.type},
            detail=f"agency {agency.pk}",
            request=request,
        )
    return service


def _differs(stored: Service, name: str, value: Any) -> bool:
    if name == "programme":
        # The ids, so that the comparison reads no programme row.
        return stored.programme_id != (value.pk if value is not None else None)
    return getattr(stored, name) != value


def service_update(
    *,
    actor: User,
    service: Service,
    data: dict[str, Any],
    expected_version: int,
    request: HttpRequest | None = None,
) -> list[str]:
    """Change the fields in ``data`` (``places``: a list of places, to replace
    them; ``is_active``: in or out of the directory). Returns the changed names;
    a stale ``expected_version`` is refused with StaleEdit."""
    if not may_manage(actor, service):
        raise NotAllowed
    places = data.get("places")
    data = _checked(data)
    with transaction.atomic():
        stored = (
            Service.objects.select_for_update()
            .select_related("agency")
            .get(pk=service.pk)
        )
        if stored.version != expected_version:
            raise StaleEdit()
        changed = [
            name for name, value in data.items() if _differs(stored, name, value)
        ]
        places_changed = places is not None and {p.pk for p in places} != set(
            stored.places.values_list("pk", flat=True)
        )
        if not changed and not places_changed:
            return []
        for name in changed:
            setattr(stored, name, data[name])
        _validate(stored)
        stored.search_text = search_text_of(stored)
        save_versioned(
            stored,
            expected_version=expected_version,
            update_fields=[*changed, "search_text", "updated_at"],
        )
        if places_changed:
            stored.places.set(places)
            changed.append("places")
        changes = {k: data[k] for k in ("type", "is_active") if k in changed}
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=changed,
            changes=changes or None,
            detail=f"agency {stored.agency_id}",
            request=request,
        )
    for name in [*changed, "version", "updated_at", "search_text"]:
        if name != "places":
            setattr(service, name, getattr(stored, name))
    return changed


def service_set_active(
    *,
    actor: User,
    service: Service,
    active: bool,
    expected_version: int,
    request: HttpRequest | None = None,
) -> list[str]:
    """Take a service out of the directory (its referrals and enrolments stay) or
    put it back."""
    return service_update(
        actor=actor,
        service=service,
        data={"is_active": active},
        expected_version=expected_version,
        request=request,
    )
