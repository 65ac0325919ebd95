"""From a concern seen at a home visit to action, in one step.

A concern recorded at a visit becomes a referral to a service (``ura.referrals``,
origin "a home visit", the visit linked) or a report to a centre for social work
that opens a child protection case there (``ura.cases``). Either way a
``ConcernAction`` links it to the visit, so that the nurse sees from the visit
what became of it: the referral's status, the case's stage and who holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.models import GrantLevel
from ura.access.rules import person_level
from ura.accounts.models import Agency, AgencyType, User
from ura.api.writes import create_once
from ura.cases.actions import case_open_on_report
from ura.cases.models import Concern, RiskLevel
from ura.directory.models import Service
from ura.directory.queries import service_search
from ura.people.models import Person
from ura.places.models import Place
from ura.referrals.actions import referral_send
from ura.referrals.models import Origin
from ura.visiting.actions import NotAllowed
from ura.visiting.models import ConcernAction, Visit, VisitConcern
from ura.visiting.visit_actions import may_record_visits

# A visit's concern as a child protection case's concerns, to start from; the
# nurse can change them before reporting.
CASE_CONCERNS = {
    VisitConcern.VIOLENCE: [Concern.PHYSICAL_VIOLENCE],
    VisitConcern.NEGLECT: [Concern.NEGLECT],
    VisitConcern.SEVERE_MALNUTRITION: [Concern.NEGLECT],
}
# Concerns about the child itself; the others (maternal depression, a parent's
# missing documents) may be the caregiver's referral.
ABOUT_THE_CAREGIVER = {VisitConcern.MATERNAL_DEPRESSION}
SERVICES_SHOWN = 100


def family_place(visit: Visit) -> Place | None:
    enrolment = visit.enrolment
    if enrolment.household_id:
        return enrolment.household.place
    return enrolment.caregiver.place if enrolment.caregiver_id else None


def services_for(
    user: User, visit: Visit, *, shown: int | None = SERVICES_SHOWN
) -> QuerySet[Service]:
    """The services taking referrals that cover the family's place, the ones for
    the exact place first: the first ``shown`` to choose from, all of them to
    check a choice against."""
    services = service_search(
        user, place=family_place(visit), referrals_only=True
    ).select_related("agency")
    return services[:shown] if shown else services


def centres_for(visit: Visit) -> QuerySet[Agency]:
    """The centres for social work covering the family's place (any, without one)."""
    centres = Agency.objects.filter(type=AgencyType.SOCIAL_WORK, is_active=True)
    place = family_place(visit)
    if place is not None:
        ancestors = [p for p in place.path.strip("/").split("/") if p]
        paths = [
            "/" + "/".join(ancestors[: i + 1]) + "/" for i in range(len(ancestors))
        ]
        covering = centres.filter(places_covered__path__in=paths).distinct()
        if covering.exists():
            return covering.order_by("name")
    return centres.order_by("name")


def _check(actor: User, visit: Visit, concern: str) -> None:
    if not may_record_visits(actor, visit.enrolment):
        raise NotAllowed
    if concern not in visit.concerns:
        raise ValidationError(
            {"concern": _("This concern was not recorded at this visit.")}
        )
    if visit.actions.filter(concern=concern).exists():
        raise ValidationError({"concern": _("This concern has already been acted on.")})


def _person(actor: User, visit: Visit, who: str) -> Person:
    enrolment = visit.enrolment
    person = enrolment.caregiver if who == "caregiver" else enrolment.child
    if person is None:
        raise ValidationError(
            {"person": _("The child's birth is not recorded yet: refer the caregiver.")}
        )
    if person_level(actor, person) != GrantLevel.FULL:
        raise NotAllowed
    return person


def concern_refer(
    *,
    actor: User,
    visit: Visit,
    concern: str,
    who: str,
    service: Service,
    urgency: str,
    reason: str,
    consent_given_by: str,
    consent_given_on: date | None,
    eligibility_note: str = "",
    request: HttpRequest | None = None,
) -> ConcernAction:
    """Refer the child (or the caregiver) to a service for a concern seen at the
    visit; the referral carries the visit as its origin."""
    _check(actor, visit, concern)
    person = _person(actor, visit, who)
    with transaction.atomic():
        referral = referral_send(
            actor=actor,
            person=person,
            service=service,
            urgency=urgency,
            reason=reason,
            origin=Origin.HOME_VISIT,
            origin_id=visit.pk,
            consent_given_by=consent_given_by,
            consent_given_on=consent_given_on,
            eligibility_note=eligibility_note,
            request=request,
        )
        return ConcernAction.objects.create(
            visit=visit, concern=concern, referral=referral, created_by=actor
        )


def concern_report(
    *,
    actor: User,
    visit: Visit,
    concern: str,
    agency: Agency,
    risk_level: str,
    case_concerns: list[str],
    summary: str,
    request: HttpRequest | None = None,
) -> ConcernAction:
    """Report the child to a centre for social work: a child protection case
    opens there, reported by a health service on the day of the visit."""
    _check(actor, visit, concern)
    child = _person(actor, visit, "child")
    if risk_level not in RiskLevel.values:
        raise ValidationError({"risk_level": _("Choose one of the allowed values.")})
    with transaction.atomic():
        case = case_open_on_report(
            actor=actor,
            person=child,
            agency=agency,
            risk_level=risk_level,
            reported_on=min(visit.visited_on, timezone.localdate()),
            concerns=case_concerns,
            report_summary=summary,
            request=request,
        )
        return ConcernAction.objects.create(
            visit=visit, concern=concern, case=case, created_by=actor
        )


def concern_act_once(
    *, actor: User, key: str, create: Callable[[], ConcernAction]
) -> tuple[ConcernAction, bool]:
    """Run ``create`` once for (actor, key): a form posted twice refers or reports
    once."""
    once = create_once(
        user=actor, key=key, object_type="visiting.concern_action", create=create
    )
    if once.record is not None:
        return once.record, once.created  # type: ignore[return-value]
    return ConcernAction.objects.select_related("referral", "case").get(
        pk=once.pk
    ), once.created
