"""Reads of the visits made: an enrolment's, one visit's page, what a visit may
fulfil. Who sees a visit is who sees its enrolment
(``ura.visiting.queries.visible_enrolments``); every page is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from ura.access.rules import visible_people
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.pagination import paginate
from ura.visiting.growth import severity
from ura.visiting.models import (
    ConcernAction,
    Enrolment,
    ScheduledVisit,
    Visit,
    VisitState,
)
from ura.visiting.queries import visible_enrolments
from ura.visiting.visit_actions import likely_depression, may_record_visits

VISITS_PER_PAGE = 10


def visible_visits(user: User) -> QuerySet[Visit]:
    return Visit.objects.filter(enrolment__in=visible_enrolments(user))


def access_visit(user: User, visit_id: object) -> Visit:
    """The visit, or 404 when its enrolment is out of reach."""
    try:
        return (
            visible_visits(user)
            .select_related(
                "enrolment__caregiver",
                "enrolment__child",
                "enrolment__centre",
                "enrolment__nurse",
                "scheduled",
                "nurse",
            )
            .get(pk=visit_id)
        )
    except (Visit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def recordable(enrolment: Enrolment, today: date | None = None) -> QuerySet:
    """The expected visits a visit made by today may fulfil: not done, and whose
    window has opened (a visit recorded late may still fall in a closed window)."""
    today = today or timezone.localdate()
    return enrolment.scheduled_visits.filter(
        state=VisitState.SCHEDULED, opens_on__lte=today
    ).order_by("due_on", "pk")


def suggested(
    visits: QuerySet[ScheduledVisit], today: date | None = None
) -> ScheduledVisit | None:
    """The visit a nurse at the door today most likely makes: the first whose
    window is open."""
    today = today or timezone.localdate()
    return visits.filter(closes_on__gte=today).first()


def enrolment_visits(request: HttpRequest, enrolment: Enrolment) -> Page:
    """The visits made to the family, the latest first, a page at a time."""
    visits = enrolment.visits.select_related("scheduled").order_by("-visited_on", "-pk")
    return paginate(request, visits, VISITS_PER_PAGE, number=request.GET.get("visits"))


@dataclass(frozen=True)
class Score:
    name: str
    z: float
    severity: str


@dataclass(frozen=True)
class VisitPage:
    visit: Visit
    actions: list[ConcernAction]
    shown: frozenset[int]
    may_act: bool

    @property
    def caregiver_shown(self) -> bool:
        return self.visit.enrolment.caregiver_id in self.shown

    @property
    def child_shown(self) -> bool:
        return self.visit.enrolment.child_id in self.shown

    @property
    def scores(self) -> list[Score]:
        v = self.visit
        named = (
            ("weight", v.weight_z),
            ("length", v.length_z),
            ("head", v.head_z),
            ("bmi", v.bmi_z),
        )
        return [Score(n, z, severity(z)) for n, z in named if z is not None]

    @property
    def has_observations(self) -> bool:
        v = self.visit
        return any(
            (
                v.feeding,
                v.immunisation,
                v.milestones,
                v.maternal_screening_score is not None,
                v.home_safety,
                v.notes,
            )
        )

    @property
    def likely_depression(self) -> bool:
        return likely_depression(self.visit.maternal_screening_score)

    @property
    def open_concerns(self) -> list[str]:
        """The concerns that have not yet become a referral or a case."""
        acted = {a.concern for a in self.actions}
        return [c for c in self.visit.concerns if c not in acted]


def visit_page(*, user: User, visit: Visit, request: HttpRequest | None) -> VisitPage:
    enrolment = visit.enrolment
    people = [p for p in (enrolment.caregiver_id, enrolment.child_id) if p]
    shown = frozenset(
        visible_people(user).filter(pk__in=people).values_list("pk", flat=True)
    )
    actions = list(
        visit.actions.select_related(
            "referral__service", "referral__to_agency", "case__worker", "case__agency"
        ).order_by("pk")
    )
    record(
        actor=user,
        action=AuditAction.VIEW,
        obj=visit,
        fields=["visited_on", "growth", "concerns", "notes"],
        request=request,
    )
    return VisitPage(
        visit=visit,
        actions=actions,
        shown=shown,
        may_act=enrolment.is_active and may_record_visits(user, enrolment),
    )
