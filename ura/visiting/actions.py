"""Enrolling a family, keeping its dates and protocol, recording the birth, ending.

Each action is atomic, checked and audited. Enrolling opens the nurse's
``home_visiting`` grants on the caregiver and the child (source: the enrolment);
ending the enrolment ends them. Whatever changes the dates or the protocol
reschedules the visits that are not done (``reschedule``); a done visit is
never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.grants import grant_open, grants_end
from ura.access.models import GrantLevel, GrantReason
from ura.access.rules import Permission, agencies_where, may, person_level
from ura.accounts.models import Agency, AgencyType, Membership, Role, User
from ura.api.writes import create_once
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.versioning import save_versioned
from ura.people.models import Household, HouseholdMember, Person
from ura.visiting.models import (
    Enrolment,
    EnrolmentEndReason,
    EnrolmentKind,
    EnrolmentStatus,
    PriorityReason,
    Protocol,
    ScheduledVisit,
    VisitState,
)
from ura.visiting.protocols import default_protocol
from ura.visiting.rescheduling import wanted_rows

# An expected date of delivery at most this far ahead (a pregnancy lasts about
# 280 days) or behind (a birth not yet recorded).
EDD_MAX_AHEAD_DAYS = 300
EDD_MAX_BEHIND_DAYS = 60
# The first 1,000 days: a child older than this is not enrolled.
MAX_CHILD_AGE_DAYS = 1000


# What rescheduling rewrites on a visit that is not done.
SCHEDULE_FIELDS = [
    "name",
    "sections",
    "opens_on",
    "due_on",
    "overdue_on",
    "closes_on",
    "state",
    "nurse",
    "centre",
]


class NotAllowed(Exception):
    """The actor may not do this (their role, the centre, or the people)."""


def _source(enrolment: Enrolment) -> tuple[str, int]:
    return ("visiting.enrolment", enrolment.pk)


def visiting_centres(user: User) -> QuerySet[Agency]:
    """The centres where the user enrols families: as their nurse or manager."""
    if not may(user, Permission.ENROL_FAMILIES):
        return Agency.objects.none()
    # A supervisor of a centre for social work manages no family health centre.
    return agencies_where(user, Role.HOME_VISITOR, Role.SUPERVISOR).filter(
        type=AgencyType.HEALTH
    )


def centre_nurses(centre: Agency) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        memberships__agency=centre,
        memberships__role=Role.HOME_VISITOR,
        memberships__is_active=True,
    ).distinct()


def manages(user: User, centre_id: int) -> bool:
    """The centre's manager: a supervisor of its agency."""
    return Membership.objects.filter(
        user=user,
        agency_id=centre_id,
        role=Role.SUPERVISOR,
        is_active=True,
        agency__is_active=True,
        agency__type=AgencyType.HEALTH,
    ).exists()


def _check_centre_and_nurse(actor: User, centre: Agency | None, nurse: User | None):  # noqa: ANN202
    errors: dict[str, str] = {}
    if centre is None or not visiting_centres(actor).filter(pk=centre.pk).exists():
        errors["centre"] = _("Choose a family health centre where you work.")
    elif nurse is None or not centre_nurses(centre).filter(pk=nurse.pk).exists():
        errors["nurse"] = _("Choose a nurse of this family health centre.")
    elif nurse.pk != actor.pk and not manages(actor, centre.pk):
        errors["nurse"] = _(
            "Only the centre's manager enrols a family for another nurse."
        )
    if errors:
        raise ValidationError(errors)


def _check_priority(reasons: Iterable[str], note: str) -> list[str]:
    chosen = [r for r in PriorityReason.values if r in set(reasons)]
    if any(r not in PriorityReason.values for r in reasons):
        raise ValidationError(
            {"priority_reasons": _("Choose one of the allowed values.")}
        )
    if PriorityReason.OTHER in chosen and not note.strip():
        raise ValidationError(
            {"priority_note": _("Say what the other reason for priority is.")}
        )
    return chosen


def _check_sees_in_full(actor: User, *people: Person | None) -> None:
    for person in people:
        if person is not None and person_level(actor, person) != GrantLevel.FULL:
            raise NotAllowed


def _check_household(
    household: Household | None, caregiver: Person, child: Person | None
) -> None:
    if household is None:
        return
    members = set(
        HouseholdMember.objects.filter(
            household=household, ended_on__isnull=True
        ).values_list("person_id", flat=True)
    )
    if caregiver.pk not in members or (child is not None and child.pk not in members):
        raise ValidationError(
            {
                "household": _(
                    "The caregiver and the child must be members of the household."
                )
            }
        )


def _check_edd(expected_delivery_on: date | None, today: date) -> None:
    if expected_delivery_on is None:
        raise ValidationError(
            {
                "expected_delivery_on": _(
                    "A family enrolled in pregnancy needs the expected date of "
                    "delivery."
                )
            }
        )
    if expected_delivery_on > today + timedelta(days=EDD_MAX_AHEAD_DAYS):
        raise ValidationError(
            {
                "expected_delivery_on": _(
                    "The expected date of delivery is more than %(days)s days "
                    "away: check the date."
                )
                % {"days": EDD_MAX_AHEAD_DAYS}
            }
        )
    if expected_delivery_on < today - timedelta(days=EDD_MAX_BEHIND_DAYS):
        raise ValidationError(
            {
                "expected_delivery_on": _(
                    "The expected date of delivery passed more than %(days)s days "
                    "ago: record the birth instead."
                )
                % {"days": EDD_MAX_BEHIND_DAYS}
            }
        )


def _check_birth(
    child: Person | None, born_on: date | None, caregiver: Person, today: date
) -> None:
    if child is None:
        raise ValidationError({"child": _("Choose the child.")})
    if child.pk == caregiver.pk:
        raise ValidationError(
            {"child": _("The child and the caregiver must be two people.")}
        )
    if born_on is None:
        raise ValidationError({"born_on": _("Record the child's date of birth.")})
    if born_on > today:
        raise ValidationError({"born_on": _("The date cannot be in the future.")})
    if born_on < today - timedelta(days=MAX_CHILD_AGE_DAYS):
        raise ValidationError(
            {
                "born_on": _(
                    "Home visiting is for the first %(days)s days of life: this "
                    "child is older."
                )
                % {"days": MAX_CHILD_AGE_DAYS}
            }
        )
    if child.date_of_birth and child.date_of_birth != born_on:
        raise ValidationError(
            {
                "born_on": _(
                    "The child's record gives %(recorded)s as the date of birth: "
                    "correct the record or this date."
                )
                % {"recorded": child.date_of_birth.isoformat()}
            }
        )


def _check_not_enrolled(
    caregiver: Person, child: Person | None, exclude: int | None = None
) -> None:
    active = Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE).exclude(pk=exclude)
    if child is not None and active.filter(child=child).exists():
        raise ValidationError(
            {"child": _("This child is already enrolled in home visiting.")}
        )
    if (
        child is None
        and active.filter(
            caregiver=caregiver, kind=EnrolmentKind.PREGNANCY, born_on__isnull=True
        ).exists()
    ):
        raise ValidationError(
            {"caregiver": _("This pregnancy is already enrolled in home visiting.")}
        )


@dataclass(frozen=True)
class Family:
    """Who is enrolled: the caregiver, and the child once born."""

    caregiver: Person | None
    child: Person | None = None
    household: Household | None = None


def enrolment_create(
    *,
    actor: User,
    kind: str,
    family: Family,
    centre: Agency | None,
    nurse: User | None,
    expected_delivery_on: date | None = None,
    born_on: date | None = None,
    priority_reasons: Iterable[str] = (),
    priority_note: str = "",
    protocol: Protocol | None = None,
    request: HttpRequest | None = None,
) -> Enrolment:
    if not may(actor, Permission.ENROL_FAMILIES):
        raise NotAllowed
    today = timezone.localdate()
    caregiver, child = family.caregiver, family.child
    if caregiver is None:
        raise ValidationError(
            {
                "caregiver": _(
                    "An enrolment needs a caregiver: choose the mother, father or "
                    "other caregiver (add them to the household first if they are "
                    "not in it)."
                )
            }
        )
    _check_sees_in_full(actor, caregiver, child)
    if kind not in EnrolmentKind.values:
        raise ValidationError({"kind": _("Choose one of the allowed values.")})
    _check_centre_and_nurse(actor, centre, nurse)
    reasons = _check_priority(list(priority_reasons), priority_note)
    if kind == EnrolmentKind.PREGNANCY:
        _check_edd(expected_delivery_on, today)
        child, born_on = None, None
    else:
        _check_birth(child, born_on, caregiver, today)
        expected_delivery_on = None
    _check_household(family.household, caregiver, child)
    _check_not_enrolled(caregiver, child)
    if protocol is None:
        protocol = default_protocol(prioritised=bool(reasons))
    if protocol is None or not protocol.is_active:
        raise ValidationError(
            _(
                "No visit protocol is in use: an administrator sets one up under "
                "Visit protocols first."
            )
        )
    with transaction.atomic():
        enrolment = Enrolment(
            kind=kind,
            caregiver=caregiver,
            child=child,
            household=family.household,
            expected_delivery_on=expected_delivery_on,
            born_on=born_on,
            centre=centre,
            nurse=nurse,
            protocol=protocol,
            priority_reasons=reasons,
            priority_note=priority_note.strip(),
            enrolled_on=today,
            enrolled_by=actor,
        )
        enrolment.full_clean()
        enrolment.save(force_insert=True)
        for person in (caregiver, child):
            if person is not None:
                _open_grant(actor, enrolment, person)
        reschedule(enrolment)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=enrolment,
            fields=[
                "kind",
                "caregiver",
                "child",
                "household",
                "expected_delivery_on",
                "born_on",
                "centre",
                "nurse",
                "protocol",
                "priority_reasons",
            ],
            changes={"kind": kind, "protocol": protocol.pk, "centre": centre.pk},
            request=request,
        )
    return enrolment


def _open_grant(actor: User, enrolment: Enrolment, person: Person) -> None:
    grant_open(
        actor=actor,
        person=person,
        reason=GrantReason.HOME_VISITING,
        user=enrolment.nurse,
        source=_source(enrolment),
    )


def enrolment_create_once(
    *, actor: User, key: str, create: Callable[[], Enrolment]
) -> tuple[Enrolment, bool]:
    """Run ``create`` once for (actor, key): the form posted twice enrols once."""
    once = create_once(
        user=actor, key=key, object_type="visiting.enrolment", create=create
    )
    if once.record is not None:
        return once.record, once.created  # type: ignore[return-value]
    return Enrolment.objects.get(pk=once.pk), once.created


def reschedule(enrolment: Enrolment) -> int:
    """Bring the enrolment's schedule in line with its protocol and dates.

    Done visits are kept as they are. Every visit of the protocol has one row,
    with dates from the protocol and the family's dates; a visit that cannot
    apply (a pregnancy visit after the birth, a window closed before the
    enrolment) is "not needed"; the rows of visits no longer on the protocol
    go, unless done. Called inside the caller's transaction. Returns the number
    of rows written."""
    wanted = wanted_rows(enrolment, enrolment.protocol.visits.all())
    rows = {
        row.protocol_visit_id: row
        for row in enrolment.scheduled_visits.filter(protocol_visit__isnull=False)
    }
    keys = {key for key, _values in wanted}
    enrolment.scheduled_visits.exclude(state=VisitState.DONE).exclude(
        protocol_visit_id__in=keys
    ).delete()
    to_create, to_update = [], []
    for key, values in wanted:
        row = rows.get(key)
        if row is not None and row.state == VisitState.DONE:
            continue
        if row is None:
            to_create.append(
                ScheduledVisit(enrolment=enrolment, protocol_visit_id=key, **values)
            )
        else:
            for name_, value in values.items():
                setattr(row, name_, value)
            to_update.append(row)
    ScheduledVisit.objects.bulk_create(to_create)
    ScheduledVisit.objects.bulk_update(to_update, SCHEDULE_FIELDS)
    return len(to_create) + len(to_update)


def _check_may_change(actor: User, enrolment: Enrolment) -> None:
    if not may(actor, Permission.ENROL_FAMILIES):
        raise NotAllowed
    if enrolment.nurse_id != actor.pk and not manages(actor, enrolment.centre_id):
        raise NotAllowed
    if not enrolment.is_active:
        raise ValidationError(_("This enrolment has ended: it cannot be changed."))


def enrolment_update(
    *,
    actor: User,
    enrolment: Enrolment,
    expected_version: int,
    protocol: Protocol | None,
    priority_reasons: Iterable[str],
    priority_note: str = "",
    expected_delivery_on: date | None = None,
    request: HttpRequest | None = None,
) -> Enrolment:
    """Change the protocol, the reasons for priority, and (before the birth)
    the expected date of delivery; the schedule follows."""
    _check_may_change(actor, enrolment)
    reasons = _check_priority(list(priority_reasons), priority_note)
    if protocol is None or not protocol.is_active:
        raise ValidationError({"protocol": _("Choose a protocol in use.")})
    changed = []
    # After the birth the visits count from the date of birth: the expected
    # date stays as it was.
    born = enrolment.born_on is not None
    if not born and expected_delivery_on != enrolment.expected_delivery_on:
        _check_edd(expected_delivery_on, timezone.localdate())
        enrolment.expected_delivery_on = expected_delivery_on
        changed.append("expected_delivery_on")
    if protocol.pk != enrolment.protocol_id:
        enrolment.protocol = protocol
        changed.append("protocol")
    if reasons != enrolment.priority_reasons:
        changed.append("priority_reasons")
    if priority_note.strip() != enrolment.priority_note:
        changed.append("priority_note")
    enrolment.priority_reasons = reasons
    enrolment.priority_note = priority_note.strip()
    with transaction.atomic():
        enrolment.full_clean()
        save_versioned(
            enrolment,
            expected_version=expected_version,
            update_fields=[
                "expected_delivery_on",
                "protocol",
                "priority_reasons",
                "priority_note",
                "updated_at",
            ],
        )
        rows = 0
        if {"expected_delivery_on", "protocol"} & set(changed):
            rows = reschedule(enrolment)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=enrolment,
            fields=changed,
            changes={"protocol": protocol.pk, "rescheduled": rows},
            request=request,
        )
    return enrolment


def enrolment_record_birth(
    *,
    actor: User,
    enrolment: Enrolment,
    expected_version: int,
    child: Person | None,
    born_on: date | None,
    request: HttpRequest | None = None,
) -> Enrolment:
    """The child is born: link the child's record and its date of birth; the
    visits after birth are counted from that date, the pregnancy visits still
    ahead are no longer needed."""
    _check_may_change(actor, enrolment)
    if enrolment.kind != EnrolmentKind.PREGNANCY or enrolment.born_on is not None:
        raise ValidationError(_("The birth is already recorded."))
    _check_sees_in_full(actor, child)
    today = timezone.localdate()
    _check_birth(child, born_on, enrolment.caregiver, today)
    if born_on < enrolment.enrolled_on - timedelta(days=EDD_MAX_BEHIND_DAYS):
        raise ValidationError(
            {"born_on": _("The birth cannot be long before the enrolment.")}
        )
    _check_not_enrolled(enrolment.caregiver, child, exclude=enrolment.pk)
    if enrolment.household_id:
        _check_household(enrolment.household, enrolment.caregiver, child)
    with transaction.atomic():
        enrolment.child = child
        enrolment.born_on = born_on
        enrolment.full_clean()
        save_versioned(
            enrolment,
            expected_version=expected_version,
            update_fields=["child", "born_on", "updated_at"],
        )
        _open_grant(actor, enrolment, child)
        rows = reschedule(enrolment)
        early = (enrolment.expected_delivery_on - born_on).days
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=enrolment,
            fields=["child", "born_on"],
            changes={"days_before_expected": early, "rescheduled": rows},
            request=request,
        )
    return enrolment


def enrolment_end(
    *,
    actor: User,
    enrolment: Enrolment,
    expected_version: int,
    reason: str,
    ended_on: date | None = None,
    request: HttpRequest | None = None,
) -> Enrolment:
    """End the enrolment: the visits still to come are no longer needed (those
    whose window had already closed stay missed), the nurse's grants end."""
    _check_may_change(actor, enrolment)
    today = timezone.localdate()
    ended_on = ended_on or today
    if reason not in EnrolmentEndReason.values:
        raise ValidationError({"reason": _("Choose why the enrolment ends.")})
    if ended_on > today:
        raise ValidationError({"ended_on": _("The date cannot be in the future.")})
    if ended_on < enrolment.enrolled_on:
        raise ValidationError(
            {"ended_on": _("The enrolment cannot end before it began.")}
        )
    with transaction.atomic():
        enrolment.status = EnrolmentStatus.ENDED
        enrolment.end_reason = reason
        enrolment.ended_on = ended_on
        save_versioned(
            enrolment,
            expected_version=expected_version,
            update_fields=["status", "end_reason", "ended_on", "updated_at"],
        )
        not_needed = enrolment.scheduled_visits.filter(
            state=VisitState.SCHEDULED, closes_on__gt=ended_on
        ).update(state=VisitState.NOT_NEEDED)
        grants_end(source=_source(enrolment))
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=enrolment,
            fields=["status", "end_reason", "ended_on"],
            changes={"end_reason": reason, "not_needed": not_needed},
            request=request,
        )
    return enrolment
