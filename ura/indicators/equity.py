"""The groups the equity view compares with everyone: "leave no child behind"
(part 8 of the brief). A group is a condition on the person a record is about, so
every indicator can be computed among a group's members only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ura.people.equity import RAE, Answer


@dataclass(frozen=True)
class EquityGroup:
    key: str
    label: Promise
    # The group's members, given the path from a record to its person.
    members: Callable[[str], Q]


def _rae(person: str) -> Q:
    return Q(**{f"{person}__community__in": sorted(RAE)})


def _disability(person: str) -> Q:
    return Q(**{f"{person}__functional_difficulty": Answer.YES})


def _social_assistance(person: str) -> Q:
    return Q(**{f"{person}__social_assistance": Answer.YES})


EQUITY_GROUPS: dict[str, EquityGroup] = {
    g.key: g
    for g in (
        EquityGroup("rae", _("Roma, Ashkali and Egyptian"), _rae),
        EquityGroup("disability", _("With a functional difficulty"), _disability),
        EquityGroup(
            "poor", _("In a household on social assistance"), _social_assistance
        ),
    )
}
