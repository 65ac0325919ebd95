"""What each role's landing page shows: that role's work, through ura.access."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from ura.access.models import GrantReason
from ura.access.rules import (
    Permission,
    may,
    roles_of,
    visible_grant_branches,
    visible_grants,
)
from ura.accounts.models import Agency, Role, User
from ura.people.models import Person
from ura.places.models import Place

PANEL_SIZE = 10

# Which grants make up each role's own list on the landing page (a user with several
# roles gets one list per role). A person shared by hand appears in every list.
ROLE_LISTS = {
    Role.SOCIAL_WORKER: (
        _("My people"),
        Q(
            reason__in=[
                GrantReason.ASSIGNMENT,
                GrantReason.REGISTRATION,
                GrantReason.SHARE,
                GrantReason.CASE_WORKER,
            ]
        ),
    ),
    Role.SUPERVISOR: (_("My team's people"), Q()),
    Role.CONFERENCE_MEMBER: (
        _("Children on my case conference tables"),
        Q(reason__in=[GrantReason.CONFERENCE, GrantReason.SHARE]),
    ),
    Role.SERVICE_PROVIDER: (
        _("Children referred to my service"),
        Q(reason__in=[GrantReason.REFERRAL, GrantReason.SHARE]),
    ),
    Role.TRAINER: (
        _("Participants in my agency's trainings"),
        Q(reason__in=[GrantReason.TRAINING, GrantReason.SHARE]),
    ),
    Role.HOME_VISITOR: (
        _("My families"),
        Q(
            reason__in=[
                GrantReason.HOME_VISITING,
                GrantReason.REGISTRATION,
                GrantReason.SHARE,
            ]
        ),
    ),
}


@dataclass
class PeoplePanel:
    title: str
    people: list[Person]
    total: int


# Up to this many people, a panel reads their ids first and the people by id: a
# plan no database gets wrong (PostgreSQL hashed the whole person table for a
# supervisor's 3,000 people: 110 ms, against 20 ms by id). Above it, one semi-join
# (SQLite allows 32,766 parameters in a query).
IDS_AT_ONCE = 10_000


def _person_ids(user: User, condition: Q) -> set[int]:
    """The ids of the people behind the user's grants that meet ``condition``
    (at most IDS_AT_ONCE + 1 grants), one index-only branch per kind of grantee."""
    branches = [
        branch.filter(condition).values_list("person_id", flat=True)
        for branch in visible_grant_branches(user)
    ]
    if not branches:
        return set()
    first, *others = branches
    union = first.union(*others, all=True) if others else first
    return set(union[: IDS_AT_ONCE + 1])


def people_panels(user: User) -> list[PeoplePanel]:
    if not may(user, Permission.VIEW_PEOPLE):
        return []
    panels = []
    for role in roles_of(user):
        if role not in ROLE_LISTS:
            continue
        title, condition = ROLE_LISTS[role]
        # The grants that reach the user are already the people they may see.
        grants = visible_grants(user).filter(condition)
        ids = _person_ids(user, condition)
        if len(ids) <= IDS_AT_ONCE:
            people = Person.objects.filter(pk__in_ids=sorted(ids))
            total = len(ids)
        else:
            people = Person.objects.filter(pk__in=grants.values("person_id"))
            total = people.count()
        latest = people.select_related("place").order_by("-updated_at", "-pk")
        panels.append(
            PeoplePanel(title=str(title), people=list(latest[:PANEL_SIZE]), total=total)
        )
    return panels


def team_caseloads(user: User) -> list[User]:
    """Each member of the teams this user supervises, with the number of people
    their own open grants put in their care (``member.people``)."""
    if Role.SUPERVISOR not in roles_of(user):
        return []
    members = list(
        User.objects.filter(teams__supervisor=user, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    # One grouped read of the members' own grants (the grant_user index), instead
    # of a join from every member to every grant that reaches the supervisor.
    # The user branch of the grants that reach the supervisor: read from the
    # covering grant_user index alone (with the teams' OR it fetched every row).
    branches = visible_grant_branches(user)
    if not branches:
        return members
    counts = dict(
        branches[0]
        .filter(user_id__in=[member.pk for member in members])
        .values_list("user_id")
        .annotate(n=Count("person_id", distinct=True))
    )
    for member in members:
        member.people = counts.get(member.pk, 0)
    return members


@dataclass
class AdminCounts:
    users: int
    agencies: int
    places: int


def admin_counts(user: User) -> AdminCounts | None:
    if not may(user, Permission.ADMINISTER):
        return None
    return AdminCounts(
        users=User.objects.filter(is_active=True).count(),
        agencies=Agency.objects.filter(is_active=True).count(),
        places=Place.objects.count(),
    )
