"""The "Home visiting" sections of a person's page and a household's page."""

from __future__ import annotations

from django.urls import reverse

from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.core.sections import Section
from ura.people.models import Household
from ura.people.queries import PersonCard
from ura.visiting.queries import (
    household_enrolments,
    person_enrolments,
    works_in_visiting,
)


def person_visiting_section(user: User, card: PersonCard) -> Section | None:
    """On the full record only (the person page shows sections to those)."""
    if not may(user, Permission.ENROL_FAMILIES) or not works_in_visiting(user):
        return None
    enrolments = person_enrolments(user=user, person=card.person)
    return Section(
        "visiting/_section.html",
        {
            "enrolments": enrolments,
            "enrol_url": f"{reverse('visiting:enrol')}?person={card.person.pk}",
        },
    )


def household_visiting_section(user: User, household: Household) -> Section | None:
    """On a household's page (``household_of_visible`` already checked it)."""
    if not may(user, Permission.ENROL_FAMILIES) or not works_in_visiting(user):
        return None
    return Section(
        "visiting/_section.html",
        {
            "enrolments": household_enrolments(user=user, household=household),
            "enrol_url": f"{reverse('visiting:enrol')}?household={household.pk}",
        },
    )
