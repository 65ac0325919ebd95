"""The justice section of a case's page (registered in ``JusticeConfig.ready``)."""

from __future__ import annotations

from ura.accounts.models import User
from ura.cases.models import Case
from ura.core.sections import Section
from ura.justice.detention import alert_days, limit_days
from ura.justice.queries import case_justice


def case_justice_section(user: User, case: Case) -> Section | None:
    """Contact with the law, proceedings, measures with the detention counter,
    and discrimination reports. Nothing for a viewer when nothing is recorded."""
    justice = case_justice(user=user, case=case)
    if justice.empty and not justice.may_record:
        return None
    return Section(
        template="justice/_case_section.html",
        context={
            "justice": justice,
            "limit_days": limit_days(),
            "alert_days": alert_days(),
        },
    )
