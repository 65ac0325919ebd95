"""What each role's landing page shows: that role's work, through ura.access."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from ura.access.models import GrantReason
from ura.access.rules import (
    Permission,
    may,
    roles_of,
    visible_grant_branches,
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


def _newest_in_care(user: User, condition: Q) -> tuple[list[int], int]:
    """The PANEL_SIZE people most recently put in the user's care through the
    grants that meet ``condition`` (newest first), and how many people those grants
    reach. One query over the grants alone, one index-only branch per kind of
    grantee; grouped and counted by the database, so that neither the people nor
    thousands of grant dates come back to Python (SQLite's dates are text that
    Django parses one by one: 3,400 of them took longer than the rest of the page)."""
    branches = [
        branch.filter(condition).values_list("person_id", "starts_at")
        for branch in visible_grant_branches(user)
    ]
    if not branches:
        return [], 0
    first, *others = branches
    union = first.union(*others, all=True) if others else first
    sql, params = union.query.sql_with_params()
    with connection.cursor() as cursor:
        # ``sql`` is Django's own compiled query; every value is a parameter.
        cursor.execute(
            f"SELECT person_id, COUNT(*) OVER () FROM ({sql}) grants"  # noqa: S608
            " GROUP BY person_id ORDER BY MAX(starts_at) DESC, person_id DESC"
            " LIMIT %s",
            [*params, PANEL_SIZE],
        )
        rows = cursor.fetchall()
    return [person_id for person_id, _ in rows], (rows[0][1] if rows else 0)


def people_panels(user: User) -> list[PeoplePanel]:
    """Each of the user's roles' own list: the people most recently put in their
    care first (a worker sees a new assignment at the top), with how many there
    are. Ordered by the grants, not by the people's records: sorting 3,000 people
    by their last change read every one of them (docs/benchmarks.md, "Case pages
    at national scale")."""
    if not may(user, Permission.VIEW_PEOPLE):
        return []
    panels = []
    for role in roles_of(user):
        if role not in ROLE_LISTS:
            continue
        title, condition = ROLE_LISTS[role]
        shown, total = _newest_in_care(user, condition)
        by_id = Person.objects.select_related("place").in_bulk(shown)
        panels.append(
            PeoplePanel(
                title=str(title),
                people=[by_id[pk] for pk in shown if pk in by_id],
                total=total,
            )
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
