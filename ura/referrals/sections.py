"""The "Referrals" sections of a case's page and a person's page."""

from __future__ import annotations

from django.urls import reverse

from ura.access.cases import CaseUse, may_on_case
from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.cases.models import Case
from ura.core.sections import Section
from ura.people.queries import PersonCard
from ura.referrals.queries import case_referrals, person_referrals


def refer_url(*, person_id: int, case_id: int | None = None) -> str:
    """Where "Refer" leads: the directory's search (to choose the service) when
    it is installed, else the referral form with a list of services."""
    from ura.referrals.views import directory_search_url

    url = directory_search_url(person=person_id, case=case_id or "")
    if url is not None:
        return url
    query = f"person={person_id}" + (f"&case={case_id}" if case_id else "")
    return f"{reverse('referrals:new')}?{query}"


def case_referrals_section(user: User, case: Case) -> Section | None:
    """Shown to those who see the case (``access_case`` already checked it)."""
    if not may(user, Permission.VIEW_CASES):
        return None
    may_refer = (
        case.is_open
        and may(user, Permission.SEND_REFERRALS)
        and may_on_case(user, case, CaseUse.WORK)
    )
    return Section(
        "referrals/_case_section.html",
        {
            "data": case_referrals(user=user, case=case),
            "may_refer": may_refer,
            "refer_url": refer_url(person_id=case.person_id, case_id=case.pk)
            if may_refer
            else "",
        },
    )


def person_referrals_section(user: User, card: PersonCard) -> Section | None:
    """On the full record only (the person page shows sections to those)."""
    may_refer = may(user, Permission.SEND_REFERRALS) and card.is_full
    data = person_referrals(user=user, person=card.person)
    if not data.referrals and not may_refer:
        return None
    return Section(
        "referrals/_person_section.html",
        {
            "data": data,
            "may_refer": may_refer,
            "refer_url": refer_url(person_id=card.person.pk) if may_refer else "",
        },
    )
