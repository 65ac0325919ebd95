"""Recording consent and assent, and withdrawing it.

What was agreed is kept as given: to receive services, to share information with
other agencies, and with which ones. A withdrawal keeps the record (who gave it,
when, what it allowed) and marks it withdrawn; ``ura.cases.consent.sharing_allowed``
reads only consents that are not withdrawn, so every later sharing honours it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ura.access.cases import CaseUse, may_on_case
from ura.accounts.models import Agency, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.actions import NotAllowed, case_event
from ura.cases.models import Case, CaseEventKind, Consent, ConsentGiver
from ura.cases.note_actions import check_past_date, require_open_work

NOTE_MAX_CHARS = 5_000


def sharing_agencies() -> QuerySet[Agency]:
    """The agencies consent to share may name: the active ones."""
    return Agency.objects.filter(is_active=True).order_by("name")


def consent_record(
    *,
    actor: User,
    case: Case,
    given_by: str,
    given_on: date,
    to_services: bool,
    to_sharing: bool,
    agencies: Iterable[Agency | int] = (),
    given_by_name: str = "",
    note: str = "",
    request: HttpRequest | None = None,
) -> Consent:
    require_open_work(actor, case)
    if given_by not in ConsentGiver.values:
        raise ValidationError({"given_by": _("Choose one of the allowed values.")})
    check_past_date("given_on", given_on, case)
    wanted = {a if isinstance(a, int) else a.pk for a in agencies}
    chosen = list(sharing_agencies().filter(pk__in=wanted))
    if len(chosen) != len(wanted):
        raise ValidationError({"agencies": _("Choose active agencies only.")})
    if not (to_services or to_sharing):
        raise ValidationError(_("Tick what was agreed to: services, sharing or both."))
    if to_sharing and not chosen:
        raise ValidationError(
            {"agencies": _("Choose the agencies information may be shared with.")}
        )
    if chosen and not to_sharing:
        raise ValidationError(
            {"agencies": _("Agencies are chosen only when sharing was agreed to.")}
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX_CHARS:
        raise ValidationError({"note": _("This value is too long.")})
    with transaction.atomic():
        consent = Consent(
            case=case,
            given_by=given_by,
            given_by_name=(given_by_name or "").strip(),
            given_on=given_on,
            to_services=to_services,
            to_sharing=to_sharing,
            note=note,
            recorded_by=actor,
        )
        consent.full_clean()
        consent.save(force_insert=True)
        consent.agencies.set(chosen)
        case_event(case, actor=actor, kind=CaseEventKind.CONSENT, detail=given_by)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=consent,
            fields=[
                name
                for name, value in (
                    ("given_by", True),
                    ("given_by_name", consent.given_by_name),
                    ("given_on", True),
                    ("to_services", True),
                    ("to_sharing", True),
                    ("agencies", chosen),
                    ("note", note),
                )
                if value
            ],
            detail=f"case {case.pk}; agencies "
            + (",".join(str(a.pk) for a in chosen) or "none"),
            request=request,
        )
    return consent


def consent_withdraw(
    *,
    actor: User,
    consent: Consent,
    withdrawn_on: date,
    request: HttpRequest | None = None,
) -> Consent:
    """Mark a consent withdrawn. Allowed on a closed case too: a family can always
    take back what it agreed to."""
    case = consent.case
    if not may_on_case(actor, case, CaseUse.WORK):
        raise NotAllowed
    check_past_date("withdrawn_on", withdrawn_on, case)
    if withdrawn_on < consent.given_on:
        raise ValidationError(
            {"withdrawn_on": _("Consent cannot be withdrawn before it was given.")}
        )
    with transaction.atomic():
        stored = Consent.objects.select_for_update().get(pk=consent.pk)
        if stored.withdrawn_on is not None:
            raise ValidationError(_("This consent was already withdrawn."))
        stored.withdrawn_on = withdrawn_on
        stored.withdrawn_by = actor
        stored.full_clean()
        stored.save(update_fields=["withdrawn_on", "withdrawn_by"])
        case_event(
            case,
            actor=actor,
            kind=CaseEventKind.CONSENT_WITHDRAWN,
            detail=stored.given_by,
        )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=["withdrawn_on", "withdrawn_by"],
            detail=f"case {case.pk}",
            request=request,
        )
    consent.withdrawn_on, consent.withdrawn_by = withdrawn_on, actor
    return consent
