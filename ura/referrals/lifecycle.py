"""The steps of a referral after it is sent: received, accepted or declined, the
service started, completed or closed without service, or withdrawn by the sender.

Each step is one transaction: it checks who acts and that the step is allowed
from the referral's status, refuses a stale version, writes a ``ReferralEvent``
and an audit event. Every step that ends the referral (``ENDED_STATUSES``) ends
the receiving agency's grant with it, so the provider no longer reaches the
child's record. Use them through ``ura.referrals.actions``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ura.access.cases import CaseUse, may_on_case
from ura.access.grants import grants_end
from ura.access.rules import Permission, agencies_where, may
from ura.accounts.models import Role, User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.actions import NotAllowed
from ura.core.versioning import StaleEdit, save_versioned
from ura.referrals.models import (
    ENDED_STATUSES,
    DeclineReason,
    EndReason,
    Referral,
    ReferralEvent,
    ReferralStatus,
)

S = ReferralStatus
OUTCOME_MAX_CHARS = 5_000
# What the referring worker is told: an answer or an end brings it back to their
# landing page until they open the referral.
ANSWERED_STATUSES = frozenset(
    {S.ACCEPTED, S.DECLINED, S.STARTED, S.COMPLETED, S.CLOSED}
)


@dataclass(frozen=True)
class Transition:
    from_statuses: frozenset[str]
    to: str
    # "provider": the receiving agency's service providers; "sender": the
    # referring worker (or whoever now works on the referral's case).
    side: str


TRANSITIONS: dict[str, Transition] = {
    "receive": Transition(frozenset({S.SENT}), S.RECEIVED, "provider"),
    "accept": Transition(frozenset({S.SENT, S.RECEIVED}), S.ACCEPTED, "provider"),
    "decline": Transition(frozenset({S.SENT, S.RECEIVED}), S.DECLINED, "provider"),
    # Starting the service answers the referral too, if nobody had yet.
    "start": Transition(
        frozenset({S.SENT, S.RECEIVED, S.ACCEPTED}), S.STARTED, "provider"
    ),
    "complete": Transition(frozenset({S.STARTED}), S.COMPLETED, "provider"),
    "close": Transition(frozenset({S.ACCEPTED, S.STARTED}), S.CLOSED, "provider"),
    "withdraw": Transition(
        frozenset({S.SENT, S.RECEIVED, S.ACCEPTED}), S.CANCELLED, "sender"
    ),
}


def provides(user: User, referral: Referral) -> bool:
    """Whether the user answers for the receiving agency."""
    if not may(user, Permission.RECEIVE_REFERRALS):
        return False
    return (
        agencies_where(user, Role.SERVICE_PROVIDER)
        .filter(pk=referral.to_agency_id)
        .exists()
    )


def refers(user: User, referral: Referral) -> bool:
    """Whether the user speaks for the referring side: the sender, or whoever
    now works on the referral's case."""
    if not may(user, Permission.SEND_REFERRALS):
        return False
    if referral.sent_by_id == user.pk:
        return True
    return referral.case_id is not None and may_on_case(
        user, referral.case, CaseUse.WORK
    )


def allowed_steps(user: User, referral: Referral) -> set[str]:
    """The steps this user may take on this referral now (for the page's buttons)."""
    sides = set()
    if provides(user, referral):
        sides.add("provider")
    if refers(user, referral):
        sides.add("sender")
    return {
        name
        for name, step in TRANSITIONS.items()
        if step.side in sides and referral.status in step.from_statuses
    }


def _not_allowed_from(status: str, name: str) -> ValidationError:
    return ValidationError(
        _("A referral that is “%(status)s” cannot be %(step)s.")
        % {"status": S(status).label, "step": STEP_WORDS[name]()},
        code="transition",
    )


STEP_WORDS: dict[str, Callable[[], str]] = {
    "receive": lambda: pgettext("referral step", "marked received"),
    "accept": lambda: pgettext("referral step", "accepted"),
    "decline": lambda: pgettext("referral step", "declined"),
    "start": lambda: pgettext("referral step", "started"),
    "complete": lambda: pgettext("referral step", "completed"),
    "close": lambda: pgettext("referral step", "closed without service"),
    "withdraw": lambda: pgettext("referral step", "withdrawn"),
}


def _text(name: str, value: str, *, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({name: required})
    if len(value) > OUTCOME_MAX_CHARS:
        raise ValidationError({name: _("This value is too long.")})
    return value


def _step(
    *,
    actor: User,
    referral: Referral,
    name: str,
    expected_version: int | None,
    changes: Callable[[Referral, datetime], dict],
    note: str = "",
    then: Callable[[Referral, datetime], None] | None = None,
    request: HttpRequest | None,
) -> Referral:
    step = TRANSITIONS[name]
    allowed = provides if step.side == "provider" else refers
    if not allowed(actor, referral):
        raise NotAllowed
    with transaction.atomic():
        stored = Referral.objects.select_for_update().get(pk=referral.pk)
        if expected_version is not None and stored.version != expected_version:
            raise StaleEdit()
        if stored.status not in step.from_statuses:
            raise _not_allowed_from(stored.status, name)
        now = timezone.now()
        values = {"status": step.to, **changes(stored, now)}
        if step.side == "provider":
            values.setdefault("received_at", stored.received_at or now)
            if name != "receive":
                # A new answer or outcome: back on the sender's landing page.
                values["outcome_seen_at"] = None
        if step.to in ENDED_STATUSES:
            values["ended_at"] = now
        for field, value in values.items():
            setattr(stored, field, value)
        stored.full_clean()
        save_versioned(
            stored,
            expected_version=stored.version,
            update_fields=[*values, "updated_at"],
        )
        ReferralEvent.objects.create(
            referral=stored, status=step.to, at=now, by=actor, note=note
        )
        ended = 0
        if step.to in ENDED_STATUSES:
            ended = grants_end(source=("referral", stored.pk))
        if then is not None:
            then(stored, now)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=stored,
            fields=sorted(values),
            changes={
                k: v
                for k, v in values.items()
                if k in ("status", "decline_reason", "end_reason")
            },
            detail=f"{ended} grants ended" if ended else "",
            request=request,
        )
    for field in [*values, "version", "updated_at"]:
        setattr(referral, field, getattr(stored, field))
    return referral


def _answered(stored: Referral, now: datetime, actor: User) -> dict:
    if stored.answered_at is not None:
        return {}
    return {"answered_at": now, "answered_by": actor}


def referral_receive(
    *, actor: User, referral: Referral, request: HttpRequest | None = None
) -> bool:
    """The provider opened the referral: SENT → RECEIVED. Does nothing (False)
    when it was already received, or the user does not answer for the agency."""
    if referral.status != S.SENT or not provides(actor, referral):
        return False
    try:
        _step(
            actor=actor,
            referral=referral,
            name="receive",
            expected_version=None,
            changes=lambda stored, now: {"received_at": now},
            request=request,
        )
    except ValidationError:
        # Answered in the meantime by a colleague: nothing to mark.
        referral.refresh_from_db()
        return False
    return True


def referral_accept(
    *,
    actor: User,
    referral: Referral,
    expected_version: int,
    note: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    note = _text("note", note)
    return _step(
        actor=actor,
        referral=referral,
        name="accept",
        expected_version=expected_version,
        changes=lambda stored, now: _answered(stored, now, actor),
        note=note,
        request=request,
    )


def referral_decline(
    *,
    actor: User,
    referral: Referral,
    expected_version: int,
    reason: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    """Decline, with the reason (and a note for the referring worker; needed
    when the reason is "other")."""
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": _("Choose why the referral is declined.")})
    note = _text(
        "note",
        note,
        required=_("Say why the referral is declined.")
        if reason == DeclineReason.OTHER
        else "",
    )
    return _step(
        actor=actor,
        referral=referral,
        name="decline",
        expected_version=expected_version,
        changes=lambda stored, now: {
            **_answered(stored, now, actor),
            "decline_reason": reason,
            "outcome": note,
        },
        note=note,
        request=request,
    )


def referral_start(
    *,
    actor: User,
    referral: Referral,
    expected_version: int,
    role: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    """The service starts: the person is enrolled (as a child or a caregiver) in
    the referral's service today, in the same transaction."""
    from ura.services.delivery_actions import enrol
    from ura.services.models import ParticipantRole

    if role not in ParticipantRole.values:
        raise ValidationError({"role": _("Choose how the person takes part.")})
    note = _text("note", note)

    def enrol_now(stored: Referral, now: datetime) -> None:
        enrol(
            actor=actor,
            service=stored.service,
            person=stored.person,
            role=role,
            enrolled_on=timezone.localdate(now),
            referral=stored,
            request=request,
        )

    return _step(
        actor=actor,
        referral=referral,
        name="start",
        expected_version=expected_version,
        changes=lambda stored, now: {
            **_answered(stored, now, actor),
            "started_at": now,
        },
        note=note,
        then=enrol_now,
        request=request,
    )


def _end_enrolments(referral: Referral, now: datetime, end_reason: str) -> None:
    """End the enrolments the referral started, today.

    Ending an enrolment is the delivery part's business (``ura.services``), but
    the referral's end is the end of the service it started: a direct update, in
    the referral's transaction, so the reach figures and the group lists stop
    counting the child the moment the provider reports the outcome. Versioned
    like an edit, so an attendance sheet open on the old row sees it changed."""
    from ura.services.models import Enrolment

    Enrolment.objects.filter(referral=referral, ended_on__isnull=True).update(
        ended_on=timezone.localdate(now),
        end_reason=end_reason,
        version=F("version") + 1,
        updated_at=now,
    )


def referral_complete(
    *,
    actor: User,
    referral: Referral,
    expected_version: int,
    outcome: str,
    request: HttpRequest | None = None,
) -> Referral:
    """The service is completed; the outcome goes back to the referring worker."""
    from ura.services.models import EnrolmentEnd

    outcome = _text(
        "outcome", outcome, required=_("Tell the referring worker the outcome.")
    )
    return _step(
        actor=actor,
        referral=referral,
        name="complete",
        expected_version=expected_version,
        changes=lambda stored, now: {"outcome": outcome},
        note=outcome,
        then=lambda stored, now: _end_enrolments(stored, now, EnrolmentEnd.COMPLETED),
        request=request,
    )


def referral_close(
    *,
    actor: User,
    referral: Referral,
    expected_version: int,
    reason: str,
    outcome: str,
    request: HttpRequest | None = None,
) -> Referral:
    """Closed without the service being completed: why, and what happened."""
    from ura.services.models import EnrolmentEnd

    if reason not in EndReason.values:
        raise ValidationError({"reason": _("Choose why the referral is closed.")})
    outcome = _text(
        "outcome", outcome, required=_("Tell the referring worker what happened.")
    )
    return _step(
        actor=actor,
        referral=referral,
        name="close",
        expected_version=expected_version,
        changes=lambda stored, now: {"end_reason": reason, "outcome": outcome},
        note=outcome,
        # A family that moved away ended the service by moving; anything else
        # ended it for a reason the enrolment has no word for.
        then=lambda stored, now: _end_enrolments(
            stored,
            now,
            EnrolmentEnd.MOVED if reason == EndReason.MOVED else EnrolmentEnd.OTHER,
        ),
        request=request,
    )


def referral_withdraw(
    *,
    actor: User,
    referral: Referral,
    expected_version: int,
    note: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    """The referring side withdraws the referral before the service starts."""
    note = _text("note", note)
    return _step(
        actor=actor,
        referral=referral,
        name="withdraw",
        expected_version=expected_version,
        changes=lambda stored, now: {},
        note=note,
        request=request,
    )


def referral_outcome_seen(*, actor: User, referral: Referral) -> bool:
    """The referring worker opened the referral: its answer or outcome leaves
    their landing page. Not an edit of the referral (no version, no audit: the
    view of the page is audited)."""
    if (
        referral.sent_by_id != actor.pk
        or referral.status not in ANSWERED_STATUSES
        or referral.outcome_seen_at is not None
    ):
        return False
    now = timezone.now()
    Referral.objects.filter(pk=referral.pk, outcome_seen_at__isnull=True).update(
        outcome_seen_at=now
    )
    referral.outcome_seen_at = now
    return True
