"""The "Case conferences" section of a case's page."""

from ura.access.cases import CaseUse, may_on_case
from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.cases.models import Case
from ura.conferences.queries import case_conferences
from ura.core.sections import Section


def case_conferences_section(user: User, case: Case) -> Section | None:
    """Shown to everyone who sees the case (``access_case`` already checked it)."""
    if not may(user, Permission.VIEW_CASES):
        return None
    data = case_conferences(user=user, case=case)
    may_schedule = (
        case.is_open
        and may(user, Permission.RUN_CONFERENCES)
        and may_on_case(user, case, CaseUse.WORK)
    )
    return Section(
        "conferences/_case_section.html",
        {"data": data, "case": case, "may_schedule": may_schedule},
    )
