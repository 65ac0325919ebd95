"""Recording a home visit: what the nurse saw, measured and was told.

A visit fulfils one expected visit of the schedule (``ScheduledVisit``, then
"done") or none (a visit off the schedule, always allowed). Growth is stored as
measured with its WHO z-scores computed here (``ura.visiting.growth``). Each
visit is one transaction, checked, audited, and made once per idempotency key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.api.writes import create_once
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.versioning import StaleEdit, save_versioned
from ura.visiting.actions import NotAllowed, manages
from ura.visiting.growth import growth_scores
from ura.visiting.models import (
    Anchor,
    Enrolment,
    EnrolmentKind,
    Feeding,
    HomeSafety,
    Immunisation,
    Milestones,
    Present,
    ScheduledVisit,
    Visit,
    VisitConcern,
    VisitState,
)

# The Edinburgh Postnatal Depression Scale runs from 0 to 30; 13 or more
# suggests depression and is worth a referral (the page says so).
EPDS_MAX = 30
EPDS_LIKELY_DEPRESSION = 13


@dataclass
class Observations:
    """What is recorded at a visit, each part optional."""

    present: list[str] = field(default_factory=list)
    weight_kg: Decimal | None = None
    length_cm: Decimal | None = None
    head_cm: Decimal | None = None
    feeding: str = ""
    immunisation: str = ""
    milestones: str = ""
    milestones_note: str = ""
    maternal_screening_score: int | None = None
    home_safety: str = ""
    home_safety_note: str = ""
    concerns: list[str] = field(default_factory=list)
    concern_note: str = ""
    notes: str = ""


CHOICES = {
    "feeding": Feeding,
    "immunisation": Immunisation,
    "milestones": Milestones,
    "home_safety": HomeSafety,
}


def may_record_visits(actor: User, enrolment: Enrolment) -> bool:
    """The enrolment's nurse, and the centre's managers (for a nurse away)."""
    return may(actor, Permission.ENROL_FAMILIES) and (
        enrolment.nurse_id == actor.pk or manages(actor, enrolment.centre_id)
    )


def _check_choices(seen: Observations) -> None:
    errors: dict[str, str] = {}
    for name, choices in CHOICES.items():
        value = getattr(seen, name)
        if value and value not in choices.values:
            errors[name] = _("Choose one of the allowed values.")
    for name, choices in (("present", Present), ("concerns", VisitConcern)):
        if any(code not in choices.values for code in getattr(seen, name)):
            errors[name] = _("Choose one of the allowed values.")
    score = seen.maternal_screening_score
    if score is not None and not 0 <= score <= EPDS_MAX:
        errors["maternal_screening_score"] = _(
            "The screening score (EPDS) runs from 0 to 30."
        )
    if seen.concerns and not seen.concern_note.strip():
        errors["concern_note"] = _(
            "Say what was seen: the concern goes to whoever acts on it."
        )
    if not seen.present:
        errors["present"] = _("Say who was at home for the visit.")
    if errors:
        raise ValidationError(errors)


def _check_date(enrolment: Enrolment, visited_on: date | None, today: date) -> date:
    if visited_on is None:
        raise ValidationError({"visited_on": _("Give the date of the visit.")})
    if visited_on > today:
        raise ValidationError(
            {"visited_on": _("A visit cannot be recorded before it is made.")}
        )
    if enrolment.born_on is None and visited_on > enrolment.expected_delivery_on:
        # Past the expected date and no birth recorded: record the birth first, so
        # that the visit counts in the child's first year.
        raise ValidationError(
            {
                "visited_on": _(
                    "The child is due by now: record the birth before a visit "
                    "after the expected date of delivery."
                )
            }
        )
    return visited_on


def _check_against_birth(
    enrolment: Enrolment, scheduled: ScheduledVisit | None, visited_on: date
) -> None:
    """Only a pregnancy visit comes before the birth: one of the protocol's, or
    one off the schedule for a family enrolled in pregnancy."""
    born_on = enrolment.born_on
    if scheduled is not None:
        timed = scheduled.protocol_visit.anchor if scheduled.protocol_visit else None
        in_pregnancy = timed == Anchor.PREGNANCY
    else:
        in_pregnancy = enrolment.kind == EnrolmentKind.PREGNANCY
    if born_on is None:
        if not in_pregnancy:
            raise ValidationError(
                {
                    "scheduled": _(
                        "This visit is after the birth: record the birth first."
                    )
                }
            )
        return
    if visited_on < born_on and not in_pregnancy:
        raise ValidationError(
            {
                "visited_on": _(
                    "The child was born on %(born)s: this visit cannot be "
                    "before the birth."
                )
                % {"born": date_format(born_on, "SHORT_DATE_FORMAT")}
            }
        )


def _check_scheduled(enrolment: Enrolment, scheduled: ScheduledVisit | None) -> None:
    if scheduled is None:
        return
    if scheduled.enrolment_id != enrolment.pk:
        raise ValidationError(
            {"scheduled": _("That visit is not on this family's schedule.")}
        )
    if scheduled.state != VisitState.SCHEDULED:
        raise ValidationError(
            {
                "scheduled": _(
                    "That visit is already done or not needed: record this one "
                    "off the schedule."
                )
            }
        )


def _check_window(scheduled: ScheduledVisit | None, visited_on: date) -> None:
    if scheduled is None:
        return
    if not scheduled.opens_on <= visited_on <= scheduled.closes_on:
        raise ValidationError(
            {
                "scheduled": _(
                    "The window of “%(name)s” runs from %(opens)s to %(closes)s: "
                    "record a visit on another day off the schedule."
                )
                % {
                    "name": scheduled.name,
                    "opens": date_format(scheduled.opens_on, "SHORT_DATE_FORMAT"),
                    "closes": date_format(scheduled.closes_on, "SHORT_DATE_FORMAT"),
                }
            }
        )


def _age_days(enrolment: Enrolment, visited_on: date) -> int | None:
    if enrolment.born_on is None or visited_on < enrolment.born_on:
        return None
    return (visited_on - enrolment.born_on).days


def _growth(enrolment: Enrolment, seen: Observations, age_days: int | None) -> dict:
    measured = (seen.weight_kg, seen.length_cm, seen.head_cm)
    if all(v is None for v in measured):
        return {}
    if age_days is None:
        raise ValidationError(
            {
                "weight_kg": _(
                    "Growth is measured after the birth: this visit is before it."
                )
            }
        )
    sex = enrolment.child.sex if enrolment.child_id else ""
    scores = growth_scores(
        sex=sex,
        age_days=age_days,
        weight_kg=seen.weight_kg,
        length_cm=seen.length_cm,
        head_cm=seen.head_cm,
    )
    return {
        "weight_z": scores.weight_z,
        "length_z": scores.length_z,
        "head_z": scores.head_z,
        "bmi_z": scores.bmi_z,
    }


def _given(seen: Observations) -> list[str]:
    return [name for name, value in vars(seen).items() if value not in (None, "", [])]


def visit_record(
    *,
    actor: User,
    enrolment: Enrolment,
    visited_on: date | None,
    seen: Observations,
    scheduled: ScheduledVisit | None = None,
    request: HttpRequest | None = None,
) -> Visit:
    """Record a visit made to the family; with ``scheduled``, the expected visit
    it fulfils becomes done."""
    if not may_record_visits(actor, enrolment):
        raise NotAllowed
    if not enrolment.is_active:
        raise ValidationError(_("This enrolment has ended: no visit can be recorded."))
    today = timezone.localdate()
    visited_on = _check_date(enrolment, visited_on, today)
    _check_choices(seen)
    _check_scheduled(enrolment, scheduled)
    _check_against_birth(enrolment, scheduled, visited_on)
    _check_window(scheduled, visited_on)
    age_days = _age_days(enrolment, visited_on)
    scores = _growth(enrolment, seen, age_days)
    with transaction.atomic():
        if scheduled is not None:
            # Claimed under a lock so that two nurses' posts cannot both fulfil it.
            done = ScheduledVisit.objects.filter(
                pk=scheduled.pk, state=VisitState.SCHEDULED
            ).update(state=VisitState.DONE, done_on=visited_on)
            if not done:
                raise ValidationError(
                    {"scheduled": _("That visit was recorded a moment ago.")}
                )
        visit = Visit(
            enrolment=enrolment,
            scheduled=scheduled,
            visited_on=visited_on,
            nurse_id=(
                actor.pk if enrolment.nurse_id == actor.pk else enrolment.nurse_id
            ),
            centre_id=enrolment.centre_id,
            age_days=age_days,
            present=sorted(set(seen.present)),
            weight_kg=seen.weight_kg,
            length_cm=seen.length_cm,
            head_cm=seen.head_cm,
            feeding=seen.feeding,
            immunisation=seen.immunisation,
            milestones=seen.milestones,
            milestones_note=seen.milestones_note.strip(),
            maternal_screening_score=seen.maternal_screening_score,
            home_safety=seen.home_safety,
            home_safety_note=seen.home_safety_note.strip(),
            concerns=sorted(set(seen.concerns)),
            concern_note=seen.concern_note.strip(),
            notes=seen.notes.strip(),
            recorded_by=actor,
            **scores,
        )
        visit.full_clean(exclude=["scheduled"])
        visit.save(force_insert=True)
        Enrolment.objects.filter(pk=enrolment.pk).filter(
            Q(last_visited_on__isnull=True) | Q(last_visited_on__lt=visited_on)
        ).update(last_visited_on=visited_on)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=visit,
            fields=["visited_on", *_given(seen)],
            changes={
                "enrolment": enrolment.pk,
                "scheduled": scheduled.pk if scheduled else None,
                "concerns": len(visit.concerns),
            },
            request=request,
        )
    return visit


# What a correction may change: everything observed, and the day of the visit.
# The expected visit it fulfils stays; its day moves only within that window.
CORRECTED = [
    "visited_on",
    "age_days",
    "present",
    "weight_kg",
    "length_cm",
    "head_cm",
    "weight_z",
    "length_z",
    "head_z",
    "bmi_z",
    "feeding",
    "immunisation",
    "milestones",
    "milestones_note",
    "maternal_screening_score",
    "home_safety",
    "home_safety_note",
    "concerns",
    "concern_note",
    "notes",
    "updated_at",
]


def _check_acted_concerns_stay(visit: Visit, concerns: list[str]) -> None:
    acted = set(visit.actions.values_list("concern", flat=True))
    if acted - set(concerns):
        raise ValidationError(
            {
                "concerns": _(
                    "A concern that became a referral or a case stays on the visit."
                )
            }
        )


def visit_correct(
    *,
    actor: User,
    visit: Visit,
    expected_version: int,
    visited_on: date | None,
    seen: Observations,
    request: HttpRequest | None = None,
) -> Visit:
    """Correct a visit recorded wrongly (a weight typed in grams, the wrong day):
    the same checks as recording it, the z-scores computed again, and a stale
    correction refused. The expected visit it fulfils stays the same."""
    enrolment = visit.enrolment
    if not may_record_visits(actor, enrolment):
        raise NotAllowed
    if not enrolment.is_active:
        raise ValidationError(_("This enrolment has ended: no visit can be recorded."))
    visited_on = _check_date(enrolment, visited_on, timezone.localdate())
    _check_choices(seen)
    _check_acted_concerns_stay(visit, seen.concerns)
    _check_against_birth(enrolment, visit.scheduled, visited_on)
    _check_window(visit.scheduled, visited_on)
    age_days = _age_days(enrolment, visited_on)
    scores = _growth(enrolment, seen, age_days)
    before = {name: getattr(visit, name) for name in CORRECTED}
    visit.visited_on = visited_on
    visit.age_days = age_days
    for name in ("weight_z", "length_z", "head_z", "bmi_z"):
        setattr(visit, name, scores.get(name))
    for name, value in vars(seen).items():
        if name in ("present", "concerns"):
            value = sorted(set(value))
        elif isinstance(value, str):
            value = value.strip()
        setattr(visit, name, value)
    visit.full_clean(exclude=["scheduled"])
    changed = [
        n for n in CORRECTED if n != "updated_at" and getattr(visit, n) != before[n]
    ]
    if not changed:
        if expected_version != visit.version:
            raise StaleEdit
        return visit
    with transaction.atomic():
        save_versioned(
            visit, expected_version=expected_version, update_fields=CORRECTED
        )
        if visit.scheduled_id and "visited_on" in changed:
            ScheduledVisit.objects.filter(pk=visit.scheduled_id).update(
                done_on=visited_on
            )
        if "visited_on" in changed:
            # The latest visit may now be another one.
            latest = enrolment.visits.aggregate(latest=Max("visited_on"))["latest"]
            Enrolment.objects.filter(pk=enrolment.pk).update(last_visited_on=latest)
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=visit,
            fields=changed,
            changes={"enrolment": enrolment.pk, "version": visit.version},
            request=request,
        )
    return visit


def visit_record_once(
    *, actor: User, key: str, create: Callable[[], Visit]
) -> tuple[Visit, bool]:
    """Run ``create`` once for (actor, key): a form posted twice records one visit."""
    once = create_once(user=actor, key=key, object_type="visiting.visit", create=create)
    if once.record is not None:
        return once.record, once.created  # type: ignore[return-value]
    return Visit.objects.get(pk=once.pk), once.created


def likely_depression(score: int | None) -> bool:
    return score is not None and score >= EPDS_LIKELY_DEPRESSION
