"""Sending a referral: atomic, checked, audited, and done once.

A referral rests on the consent that allows sharing with the receiving agency:
the case's (``ura.cases.consent.sharing_allowed``), or, without a case, one the
worker records with the referral (who gave it, on which date). Sending opens the
receiving agency's ``referral`` grant at the minimal level; the steps that follow
(received, accepted, started, ...) live in ``ura.referrals.lifecycle`` and are
re-exported here, so every write of a referral is found in this module.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.cases import CaseUse, may_on_case
from ura.access.grants import grant_open
from ura.access.models import GrantLevel, GrantReason
from ura.access.rules import Permission, agencies_where, may, person_level
from ura.accounts.models import Agency, Role, User
from ura.api.writes import create_once
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.actions import NotAllowed
from ura.cases.consent import active_consents, sharing_allowed
from ura.cases.models import Case, ConsentGiver
from ura.directory.eligibility import eligibility_problems
from ura.directory.models import Service
from ura.people.models import Person
from ura.referrals.defaults import DEFAULT_HOURS
from ura.referrals.lifecycle import (
    TRANSITIONS,
    referral_accept,
    referral_close,
    referral_complete,
    referral_decline,
    referral_outcome_seen,
    referral_receive,
    referral_start,
    referral_withdraw,
)
from ura.referrals.models import (
    ENDED_STATUSES,
    Origin,
    Referral,
    ReferralDeadline,
    ReferralEvent,
    ReferralStatus,
    ShareItem,
    Urgency,
)

__all__ = [
    "REFERRAL_TYPE",
    "TRANSITIONS",
    "ConsentMissing",
    "NotAllowed",
    "referral_accept",
    "referral_close",
    "referral_complete",
    "referral_decline",
    "referral_outcome_seen",
    "referral_receive",
    "referral_send",
    "referral_send_once",
    "referral_start",
    "referral_withdraw",
]

REASON_MAX_CHARS = 5_000
# What an idempotency key of a referral sent (by the form or the API) names.
REFERRAL_TYPE = "referrals.referral"
# The roles that send referrals; the referring agency is the sender's agency there.
SENDING_ROLES = (Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.HOME_VISITOR)


class ConsentMissing(ValidationError):
    """The case's consent does not allow sharing with the service's agency."""

    def __init__(self, agency: Agency) -> None:
        super().__init__(
            _(
                "No consent to share with %(agency)s is recorded on this case: "
                "record the consent (who gave it, on which date, sharing with "
                "this agency) first."
            )
            % {"agency": agency.name},
            code="no_consent",
        )


@dataclass(frozen=True)
class Deadlines:
    answer_due_at: datetime
    start_due_at: datetime


def deadlines_for(urgency: str, sent_at: datetime) -> Deadlines:
    """The deployment's deadlines for this urgency (``ReferralDeadline``), or the
    defaults when its row was removed."""
    row = ReferralDeadline.objects.filter(urgency=urgency).first()
    if row is not None:
        answer, start = row.answer_hours, row.start_hours
    else:
        answer, start = DEFAULT_HOURS[urgency]
    return Deadlines(
        answer_due_at=sent_at + timedelta(hours=answer),
        start_due_at=sent_at + timedelta(hours=start),
    )


def referring_agency(actor: User, case: Case | None) -> Agency:
    """A referral from a case comes from the case's agency; otherwise from the
    agency where the sender holds a role that refers."""
    if case is not None:
        return case.agency
    agency = agencies_where(actor, *SENDING_ROLES).order_by("pk").first()
    if agency is None:
        raise NotAllowed
    return agency


def may_send_for(actor: User, person: Person, case: Case | None) -> bool:
    """Whether the actor may refer this person (from this case): the permission,
    the person in full, and, from a case, work on that case."""
    if not may(actor, Permission.SEND_REFERRALS):
        return False
    if person_level(actor, person) != GrantLevel.FULL:
        return False
    if case is not None:
        if case.person_id != person.pk or not case.is_open:
            return False
        if not may_on_case(actor, case, CaseUse.WORK):
            return False
    return True


def referable_services():  # noqa: ANN201
    """The services a referral may go to: active, taking referrals, of an active
    agency."""
    return Service.objects.filter(
        is_active=True, accepts_referrals=True, agency__is_active=True
    )


def case_concerns(case: Case | None) -> list[str]:
    if case is None:
        return []
    return list(case.concerns.values_list("concern", flat=True))


def _check_shared(shared: Iterable[str], case: Case | None) -> list[str]:
    chosen = list(dict.fromkeys(str(s) for s in shared))
    if any(item not in ShareItem.values for item in chosen):
        raise ValidationError({"shared": _("Choose one of the allowed values.")})
    if ShareItem.CONCERNS in chosen and case is None:
        raise ValidationError(
            {"shared": _("The case's concerns can only be shared from a case.")}
        )
    return chosen


def _check_consent_without_case(given_by: str, given_on: date | None) -> None:
    errors: dict[str, str] = {}
    if not given_by:
        errors["consent_given_by"] = _(
            "Without a case, record who gave consent to this referral."
        )
    elif given_by not in ConsentGiver.values:
        errors["consent_given_by"] = _("Choose one of the allowed values.")
    if given_on is None:
        errors["consent_given_on"] = _("Record the date consent was given.")
    elif given_on > timezone.localdate():
        errors["consent_given_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def _open_referral_of(person: Person, service: Service) -> Referral | None:
    return (
        Referral.objects.filter(person=person, service=service)
        .exclude(status__in=sorted(ENDED_STATUSES))
        .first()
    )


def referral_send(
    *,
    actor: User,
    person: Person,
    service: Service,
    urgency: str,
    reason: str,
    shared: Iterable[str] = (),
    case: Case | None = None,
    origin: str | None = None,
    origin_id: int | None = None,
    consent_given_by: str = "",
    consent_given_on: date | None = None,
    eligibility_note: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    """Refer ``person`` to ``service``: from a case, a person's record or a home
    visit (``origin`` "home_visit" with the visit's ``origin_id``).

    Refused (``ValidationError`` with field keys) without the consent it needs
    (``ConsentMissing`` on a case), for a service that takes no referrals, for a
    person already referred to the same service and not ended, and, when the
    person does not fit the service, without ``eligibility_note``."""
    if not may_send_for(actor, person, case):
        raise NotAllowed
    origin = origin or (Origin.CASE if case is not None else Origin.PERSON)
    if origin not in Origin.values:
        raise ValidationError({"origin": _("Choose one of the allowed values.")})
    if origin == Origin.CASE and case is None:
        raise ValidationError({"case": _("A referral from a case needs the case.")})
    if origin == Origin.HOME_VISIT and not origin_id:
        raise ValidationError(
            {"origin_id": _("A referral from a home visit needs the visit.")}
        )
    if origin != Origin.HOME_VISIT:
        origin_id = None
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose one of the allowed values.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the child is referred.")})
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError({"reason": _("This value is too long.")})
    chosen = _check_shared(shared, case)
    if not referable_services().filter(pk=service.pk).exists():
        raise ValidationError(
            {"service": _("This service is not active or does not take referrals.")}
        )
    consent = None
    if case is not None:
        if not sharing_allowed(case, service.agency):
            raise ConsentMissing(service.agency)
        consent = (
            active_consents(case)
            .filter(to_sharing=True, agencies=service.agency)
            .order_by("-given_on", "-pk")
            .first()
        )
        consent_given_by, consent_given_on = "", None
    else:
        _check_consent_without_case(consent_given_by, consent_given_on)
    eligibility_note = (eligibility_note or "").strip()
    problems = eligibility_problems(
        service, person, on=timezone.localdate(), concerns=case_concerns(case)
    )
    if problems and not eligibility_note:
        raise ValidationError(
            {
                "eligibility_note": " ".join(problems)
                + " "
                + _("Say why you refer anyway.")
            }
        )
    if len(eligibility_note) > 500:
        raise ValidationError({"eligibility_note": _("This value is too long.")})
    with transaction.atomic():
        # One send at a time per person: the check for an open referral to the
        # same service and the insert cannot be split by a second click.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        existing = _open_referral_of(person, service)
        if existing is not None:
            raise ValidationError(
                _(
                    "This person already has an open referral to this service "
                    "(%(reference)s)."
                )
                % {"reference": existing.reference}
            )
        now = timezone.now()
        due = deadlines_for(urgency, now)
        referral = Referral(
            # A placeholder until the id is known: unique, and never shown.
            reference=f"new-{secrets.token_hex(6)}",
            person=person,
            origin=origin,
            case=case,
            origin_id=origin_id,
            from_agency=referring_agency(actor, case),
            sent_by=actor,
            service=service,
            to_agency=service.agency,
            urgency=urgency,
            reason=reason,
            shared=chosen,
            eligibility_note=eligibility_note if problems else "",
            consent=consent,
            consent_given_by=consent_given_by,
            consent_given_on=consent_given_on,
            status=ReferralStatus.SENT,
            sent_at=now,
            answer_due_at=due.answer_due_at,
            start_due_at=due.start_due_at,
        )
        referral.full_clean(exclude=["reference"])
        referral.save(force_insert=True)
        referral.reference = f"R{now.year}-{referral.pk:06d}"
        Referral.objects.filter(pk=referral.pk).update(reference=referral.reference)
        ReferralEvent.objects.create(
            referral=referral, status=ReferralStatus.SENT, at=now, by=actor
        )
        grant_open(
            actor=actor,
            person=person,
            reason=GrantReason.REFERRAL,
            level=GrantLevel.MINIMAL,
            agency=service.agency,
            source=("referral", referral.pk),
        )
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=referral,
            fields=["person", "service", "urgency", "reason", "shared", "origin"]
            + (["case"] if case else ["consent_given_by", "consent_given_on"])
            + (["eligibility_note"] if referral.eligibility_note else []),
            changes={"service": service.pk, "urgency": urgency, "shared": chosen},
            detail=f"to agency {service.agency_id}",
            request=request,
        )
    return referral


def referral_send_once(
    *, actor: User, key: str, send: Callable[[], Referral]
) -> tuple[Referral, bool]:
    """Run ``send`` once for (actor, key): a form posted twice, or an API call
    retried with the same ``Idempotency-Key``, gets the first referral back
    (``False``: not created now) instead of a second one."""
    once = create_once(user=actor, key=key, object_type=REFERRAL_TYPE, create=send)
    if isinstance(once.record, Referral):
        return once.record, once.created
    return Referral.objects.get(pk=once.pk), False
