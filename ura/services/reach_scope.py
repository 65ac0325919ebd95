"""Who sees which reach figures (docs/permissions.md, ``view_reach``).

Counts only, never a name. Data officers and supervisors see every service,
outreach contact and training, for the people living in the places their
agencies cover; partners and donors see what the programmes their agency funds
did, with counts from 1 to 4 hidden; service providers see their own agencies'
services and outreach, trainers their own agencies' trainings. A user with
several of these roles sees through the first that applies, in that order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from ura.access.rules import (
    Permission,
    agencies_where,
    may,
    roles_of,
    statistics_places,
)
from ura.accounts.models import Role, User
from ura.directory.models import Programme
from ura.places.models import Place
from ura.statistics.queries import suppresses_small_cells


class Lens:
    PLACES = "places"
    PROGRAMMES = "programmes"
    AGENCIES = "agencies"


@dataclass(frozen=True)
class ReachScope:
    lens: str
    # None: no limit of that kind. An empty set: nothing of that kind.
    places: tuple[Place, ...] | None = None
    programmes: frozenset[int] | None = None
    service_agencies: frozenset[int] | None = None  # services and outreach
    training_agencies: frozenset[int] | None = None
    suppress: bool = False

    @property
    def by_source(self) -> bool:
        """Whether the figures must be read per service, programme or agency
        (the summary by person alone cannot say which one served them)."""
        return (
            self.programmes is not None
            or self.service_agencies is not None
            or self.training_agencies is not None
        )

    def allows_place(self, place: Place) -> bool:
        if self.places is None:
            return True
        return any(place.path.startswith(p.path) for p in self.places)


def _ids(queryset) -> frozenset[int]:  # noqa: ANN001
    return frozenset(queryset.values_list("pk", flat=True))


def reach_scope(user: User) -> ReachScope:
    """The user's scope; PermissionDenied without ``view_reach``."""
    if not may(user, Permission.VIEW_REACH):
        raise PermissionDenied
    roles = roles_of(user)
    suppress = suppresses_small_cells(user)
    if roles & {Role.DATA_OFFICER, Role.SUPERVISOR}:
        places = tuple(statistics_places(user).order_by("path"))
        return ReachScope(Lens.PLACES, places=places, suppress=suppress)
    if Role.PARTNER in roles:
        funded = Programme.objects.filter(
            funders__in=agencies_where(user, Role.PARTNER)
        )
        return ReachScope(Lens.PROGRAMMES, programmes=_ids(funded), suppress=True)
    return ReachScope(
        Lens.AGENCIES,
        service_agencies=_ids(agencies_where(user, Role.SERVICE_PROVIDER)),
        training_agencies=_ids(agencies_where(user, Role.TRAINER)),
        suppress=suppress,
    )
