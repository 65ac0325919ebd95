"""What a service card shows: eligibility in words, the places it covers, the
problems a given person would have with it, and where to refer them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.cases.models import Case, Concern
from ura.directory.eligibility import eligibility_problems
from ura.directory.models import Eligible, Service
from ura.directory.queries import covered_places, may_manage
from ura.people.equity import Language
from ura.people.models import Person
from ura.places.models import Place

REFERRAL_ROUTE = "referrals:new"


def referral_url(
    service: Service, person: Person | None = None, case: Case | None = None
) -> str:
    """The referral form for this service (and person, and case); empty while the
    referrals pages are not installed, so a page can always ask."""
    try:
        base = reverse(REFERRAL_ROUTE)
    except NoReverseMatch:
        return ""
    query = {"service": service.pk}
    if person is not None:
        query["person"] = person.pk
    if case is not None:
        query["case"] = case.pk
    return f"{base}?{urlencode(query)}"


def age_range(service: Service) -> str:
    low, high = service.min_age, service.max_age
    if low is not None and high is not None:
        return _("Ages %(low)s to %(high)s") % {"low": low, "high": high}
    if low is not None:
        return _("From age %(age)s") % {"age": low}
    if high is not None:
        return _("Up to age %(age)s") % {"age": high}
    return _("Any age")


def concern_labels(codes: Iterable[str]) -> list[str]:
    return [str(Concern(c).label) for c in codes if c in Concern.values]


def language_labels(codes: Iterable[str]) -> list[str]:
    return [str(Language(c).label) for c in codes if c in Language.values]


def eligibility_summary(service: Service) -> str:
    """ "Ages 6 to 14 · Girls and women · Neglect, Street situation"."""
    parts = [age_range(service)]
    if service.sex != Eligible.ANY:
        parts.append(str(Eligible(service.sex).label))
    concerns = concern_labels(service.concerns)
    parts.append(", ".join(concerns) if concerns else _("any concern"))
    return " · ".join(parts)


@dataclass
class ServiceCard:
    service: Service
    places: list[Place]
    eligibility: str
    languages: list[str]
    concerns: list[str]
    problems: list[str] = field(default_factory=list)
    refer_url: str = ""
    may_edit: bool = False


def service_card(
    service: Service,
    *,
    user: User,
    person: Person | None = None,
    case: Case | None = None,
    concerns: Iterable[str] = (),
) -> ServiceCard:
    """One card; reads only what ``queries.with_places`` prefetched."""
    card = ServiceCard(
        service=service,
        places=covered_places(service),
        eligibility=eligibility_summary(service),
        languages=language_labels(service.languages),
        concerns=concern_labels(service.concerns),
        may_edit=may_manage(user, service),
    )
    if person is not None:
        card.problems = eligibility_problems(
            service, person, on=timezone.localdate(), concerns=concerns
        )
        if service.accepts_referrals and may(user, Permission.SEND_REFERRALS):
            card.refer_url = referral_url(service, person, case)
    return card


def service_cards(
    services: Iterable[Service],
    *,
    user: User,
    person: Person | None = None,
    case: Case | None = None,
    concerns: Iterable[str] = (),
) -> list[ServiceCard]:
    concerns = list(concerns)
    return [
        service_card(s, user=user, person=person, case=case, concerns=concerns)
        for s in services
    ]
