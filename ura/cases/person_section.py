"""The "Cases" section of a person's page."""

from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.cases.queries import cases_of_person
from ura.core.sections import Section
from ura.people.queries import PersonCard


def person_cases_section(user: User, card: PersonCard) -> Section | None:
    if not may(user, Permission.VIEW_CASES):
        return None
    return Section(
        "cases/_person_cases.html",
        {
            "person": card.person,
            "cases": cases_of_person(user=user, person_id=card.person.pk),
            "may_open": may(user, Permission.OPEN_CASE),
        },
    )
