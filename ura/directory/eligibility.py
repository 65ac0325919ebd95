"""Whether a person fits a service's eligibility (age, sex, concerns).

A referral to a service that does not take this person is allowed with a reason
(the worker may know better than the directory), so this returns the problems in
the user's language rather than refusing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils.translation import gettext as _

from ura.directory.models import Eligible, Service
from ura.people.models import Person


def eligibility_problems(
    service: Service,
    person: Person,
    *,
    on: date,
    concerns: Iterable[str] = (),
) -> list[str]:
    """What keeps ``person`` out of ``service`` on ``on``; empty when they fit.

    ``concerns`` are the concern codes of the person's case, if any: a service for
    some concerns only fits a case with one of them (with no case, no concern is
    known, so the check is left to the provider)."""
    problems = []
    age = person.age_on(on)
    if age is not None:
        if service.min_age is not None and age < service.min_age:
            problems.append(
                _("%(service)s takes people from age %(age)s; this person is %(is)s.")
                % {"service": service.name, "age": service.min_age, "is": age}
            )
        if service.max_age is not None and age > service.max_age:
            problems.append(
                _("%(service)s takes people up to age %(age)s; this person is %(is)s.")
                % {"service": service.name, "age": service.max_age, "is": age}
            )
    known_sex = person.sex in ("female", "male")
    if service.sex != Eligible.ANY and known_sex and person.sex != service.sex:
        problems.append(
            _("%(service)s is for %(whom)s only.")
            % {"service": service.name, "whom": Eligible(service.sex).label}
        )
    concerns = set(concerns)
    if service.concerns and concerns and not concerns & set(service.concerns):
        problems.append(
            _("%(service)s is not for the concerns of this case.")
            % {"service": service.name}
        )
    return problems
