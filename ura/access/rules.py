"""THE door: who may see which person, and what they may do.

Every page, API endpoint and export asks these functions; nothing else filters people
by hand. Default deny: a user with no active role sees nothing and may do nothing.
A record outside a user's reach is answered exactly like a record that does not exist
(``Http404``), so its existence is not revealed.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ura.access.models import GrantLevel, PersonGrant
from ura.accounts.models import Agency, Membership, Role, Team, User
from ura.people.models import Person
from ura.places.models import Place


class Permission(models.TextChoices):
    VIEW_PEOPLE = "view_people", _("See the people shared with them")
    REGISTER_PERSON = "register_person", _("Register a person")
    EDIT_PERSON = "edit_person", _("Edit a person's record")
    EXPORT_NAMES = "export_names", _("Export lists with names")
    MERGE_PEOPLE = "merge_people", _("Merge two records of one person")
    UNDO_MERGE = "undo_merge", _("Undo a merge of two records")
    VIEW_ACCESS_HISTORY = "view_access_history", _("See who looked at a record")
    VIEW_CASES = "view_cases", _("See the cases shared with them")
    OPEN_CASE = "open_case", _("Open a case for a child")
    WORK_ON_CASE = (
        "work_on_case",
        _("Record notes, assessments, plans and reviews on their cases"),
    )
    APPROVE_CASE_WORK = (
        "approve_case_work",
        _("Approve or return plans, closures and assessments"),
    )
    ASSIGN_CASES = "assign_cases", _("Assign and reassign cases")
    TRANSFER_CASES = "transfer_cases", _("Propose a case's transfer to another agency")
    DECIDE_TRANSFERS = (
        "decide_transfers",
        _("Accept or decline cases transferred to their agency"),
    )
    RUN_CONFERENCES = (
        "run_conferences",
        _("Schedule case conferences and record their minutes"),
    )
    ACT_ON_CONFERENCE_ITEMS = (
        "act_on_conference_items",
        _("Report on the conference action items they own"),
    )
    RECORD_JUSTICE = (
        "record_justice",
        _("Record contact with the law and discrimination reports"),
    )
    SEARCH_DIRECTORY = "search_directory", _("Search the service directory")
    MANAGE_SERVICES = (
        "manage_services",
        _("Keep their agency's services in the directory up to date"),
    )
    SEND_REFERRALS = "send_referrals", _("Refer a person to a service")
    RECEIVE_REFERRALS = (
        "receive_referrals",
        _("Answer referrals to their agency and report their outcome"),
    )
    RECORD_SERVICES = (
        "record_services",
        _("Record enrolments, sessions and attendance in their agency's services"),
    )
    RECORD_OUTREACH = "record_outreach", _("Record a mobile team's outreach contacts")
    RECORD_TRAININGS = (
        "record_trainings",
        _("Record the trainings their agency organises and their participants"),
    )
    ENROL_FAMILIES = (
        "enrol_families",
        _("Enrol families in home visiting and keep their schedules"),
    )
    MANAGE_VISIT_PROTOCOLS = (
        "manage_visit_protocols",
        _("Keep the home visiting protocols"),
    )
    VIEW_VISITING_COVERAGE = (
        "view_visiting_coverage",
        _("See the coverage of home visiting in the first year"),
    )
    VIEW_REACH = "view_reach", _("See and export the reach figures")
    VIEW_STATISTICS = "view_statistics", _("See aggregate figures")
    EXPORT_STATISTICS = "export_statistics", _("Export aggregate figures")
    VIEW_AUDIT_LOG = "view_audit_log", _("Read the whole audit log")
    ADMINISTER = "administer", _("Manage users, agencies, places and reference data")


P = Permission
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.SOCIAL_WORKER: frozenset(
        {
            P.VIEW_PEOPLE,
            P.REGISTER_PERSON,
            P.EDIT_PERSON,
            P.EXPORT_NAMES,
            P.MERGE_PEOPLE,
            P.VIEW_CASES,
            P.OPEN_CASE,
            P.WORK_ON_CASE,
            P.TRANSFER_CASES,
            P.RUN_CONFERENCES,
            P.ACT_ON_CONFERENCE_ITEMS,
            P.RECORD_JUSTICE,
            P.SEARCH_DIRECTORY,
            P.SEND_REFERRALS,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            P.VIEW_PEOPLE,
            P.REGISTER_PERSON,
            P.EDIT_PERSON,
            P.EXPORT_NAMES,
            P.MERGE_PEOPLE,
            P.VIEW_ACCESS_HISTORY,
            P.VIEW_STATISTICS,
            P.VIEW_CASES,
            P.OPEN_CASE,
            P.WORK_ON_CASE,
            P.APPROVE_CASE_WORK,
            P.ASSIGN_CASES,
            P.TRANSFER_CASES,
            P.DECIDE_TRANSFERS,
            P.RUN_CONFERENCES,
            P.ACT_ON_CONFERENCE_ITEMS,
            P.RECORD_JUSTICE,
            P.SEARCH_DIRECTORY,
            P.SEND_REFERRALS,
            P.ENROL_FAMILIES,
            P.VIEW_VISITING_COVERAGE,
            P.VIEW_REACH,
        }
    ),
    Role.CONFERENCE_MEMBER: frozenset(
        {P.VIEW_PEOPLE, P.VIEW_CASES, P.ACT_ON_CONFERENCE_ITEMS, P.SEARCH_DIRECTORY}
    ),
    # A provider registers the children and parents who come to its services
    # without a referral; it edits only those (a referral's grant is minimal).
    Role.SERVICE_PROVIDER: frozenset(
        {
            P.VIEW_PEOPLE,
            P.REGISTER_PERSON,
            P.EDIT_PERSON,
            P.SEARCH_DIRECTORY,
            P.MANAGE_SERVICES,
            P.RECEIVE_REFERRALS,
            P.RECORD_SERVICES,
            P.RECORD_OUTREACH,
            P.VIEW_REACH,
        }
    ),
    Role.HOME_VISITOR: frozenset(
        {
            P.VIEW_PEOPLE,
            P.REGISTER_PERSON,
            P.EDIT_PERSON,
            P.SEARCH_DIRECTORY,
            P.SEND_REFERRALS,
            P.ENROL_FAMILIES,
        }
    ),
    # Trainers see the professionals of their own trainings (a ``training`` grant
    # to the organising agency), never children.
    Role.TRAINER: frozenset(
        {
            P.VIEW_PEOPLE,
            P.REGISTER_PERSON,
            P.EDIT_PERSON,
            P.RECORD_TRAININGS,
            P.SEARCH_DIRECTORY,
            P.VIEW_REACH,
        }
    ),
    Role.DATA_OFFICER: frozenset(
        {
            P.VIEW_STATISTICS,
            P.EXPORT_STATISTICS,
            P.SEARCH_DIRECTORY,
            P.VIEW_REACH,
            P.VIEW_VISITING_COVERAGE,
        }
    ),
    Role.PARTNER: frozenset(
        {P.VIEW_STATISTICS, P.VIEW_REACH, P.VIEW_VISITING_COVERAGE}
    ),
    Role.ADMINISTRATOR: frozenset(
        {
            P.ADMINISTER,
            P.VIEW_AUDIT_LOG,
            P.UNDO_MERGE,
            P.SEARCH_DIRECTORY,
            P.MANAGE_SERVICES,
            P.MANAGE_VISIT_PROTOCOLS,
        }
    ),
}

# The fields a minimal grant (a referral to a provider) shows; nothing else leaves.
MINIMAL_PERSON_FIELDS = ("given_name", "family_name", "sex", "age", "municipality")

AGGREGATE_ROLES = frozenset({Role.DATA_OFFICER, Role.PARTNER})


def _cached(user: User, name: str, compute):  # noqa: ANN001, ANN202
    # Cached on the user object, which lives for one request only: a change of role or
    # team takes effect on the very next request (ASVS 8.3.2).
    cache = user.__dict__.setdefault("_ura_access_cache", {})
    if name not in cache:
        cache[name] = compute()
    return cache[name]


def roles_of(user: User | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()

    def compute() -> frozenset[str]:
        roles = set(
            Membership.objects.filter(
                user=user, is_active=True, agency__is_active=True
            ).values_list("role", flat=True)
        )
        # The account made with `ura createsuperuser` administers the configuration;
        # like every administrator it sees no child's record.
        if user.is_superuser:
            roles.add(Role.ADMINISTRATOR)
        return frozenset(roles)

    return _cached(user, "roles", compute)


def permissions_of(user: User | AnonymousUser) -> frozenset[Permission]:
    perms: set[Permission] = set()
    for role in roles_of(user):
        perms |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(perms)


def may(user: User | AnonymousUser, permission: Permission) -> bool:
    return permission in permissions_of(user)


def sees_names(user: User | AnonymousUser) -> bool:
    """Whether any role of the user shows person-level data (two-factor applies)."""
    return may(user, Permission.VIEW_PEOPLE) or may(user, Permission.VIEW_AUDIT_LOG)


def agencies_where(user: User, *roles: str) -> QuerySet[Agency]:
    return Agency.objects.filter(
        is_active=True,
        memberships__user=user,
        memberships__is_active=True,
        memberships__role__in=roles,
    ).distinct()


def _active_grants() -> Q:
    now = timezone.now()
    return Q(starts_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))


@dataclass(frozen=True)
class Grantees:
    """Whose grants reach a user, as id lists (see ``_grantee_condition``)."""

    user: int
    teams: frozenset[int]  # teams the user belongs to or supervises
    supervised_users: frozenset[int]  # active members of the teams they supervise
    agencies: frozenset[int]  # agencies where they are a provider or a trainer


def grantees_of(user: User) -> Grantees | None:
    """The ids whose grants reach this user; None when none do (no role that sees
    people). Read once per request.

    The teams, workers and agencies are read first, as ids: PostgreSQL cannot use
    an index for an OR that holds a sub-select, and would read every grant
    (docs/benchmarks.md, "Access at national scale").
    """
    roles = roles_of(user)
    if not roles or not may(user, Permission.VIEW_PEOPLE):
        return None

    def compute() -> Grantees:
        teams = set(Team.objects.filter(members=user).values_list("pk", flat=True))
        supervised_users: set[int] = set()
        agencies: set[int] = set()
        if Role.SUPERVISOR in roles:
            supervised = set(
                Team.objects.filter(
                    supervisor=user, agency__in=agencies_where(user, Role.SUPERVISOR)
                ).values_list("pk", flat=True)
            )
            teams |= supervised
            supervised_users = set(
                User.objects.filter(teams__in=supervised, is_active=True).values_list(
                    "pk", flat=True
                )
            ) - {user.pk}
        # Grants to an agency (referrals to its services, the professionals of
        # the trainings it organises) reach its providers and trainers.
        if roles & {Role.SERVICE_PROVIDER, Role.TRAINER}:
            agencies = set(
                agencies_where(user, Role.SERVICE_PROVIDER, Role.TRAINER).values_list(
                    "pk", flat=True
                )
            )
        return Grantees(
            user.pk, frozenset(teams), frozenset(supervised_users), frozenset(agencies)
        )

    return _cached(user, "grantees", compute)


def _grantee_condition(user: User) -> Q:
    """Which grants reach this user, through their roles, teams and agencies."""
    grantees = grantees_of(user)
    if grantees is None:
        return Q(pk__in=[])
    condition = Q(user_id__in=sorted({grantees.user, *grantees.supervised_users}))
    if grantees.teams:
        condition |= Q(team_id__in=sorted(grantees.teams))
    if grantees.agencies:
        condition |= Q(agency_id__in=sorted(grantees.agencies))
    return condition


def visible_grant_branches(user: User | AnonymousUser) -> list[QuerySet[PersonGrant]]:
    """The same grants as ``visible_grants``, one queryset per kind of grantee
    (users, teams, agencies), for reads that combine them with UNION ALL: each
    branch is then read from its covering index alone, where the OR forced
    PostgreSQL to fetch every grant row (a supervisor's people: 55 → 2 ms)."""
    grantees = grantees_of(user) if user.is_authenticated else None
    if grantees is None:
        return []
    grants = PersonGrant.objects.filter(_active_grants())
    branches = [
        grants.filter(user_id__in=sorted({grantees.user, *grantees.supervised_users}))
    ]
    if grantees.teams:
        branches.append(grants.filter(team_id__in=sorted(grantees.teams)))
    if grantees.agencies:
        branches.append(grants.filter(agency_id__in=sorted(grantees.agencies)))
    return branches


def visible_grants(user: User | AnonymousUser) -> QuerySet[PersonGrant]:
    if not user.is_authenticated:
        return PersonGrant.objects.none()
    return PersonGrant.objects.filter(_active_grants() & _grantee_condition(user))


def visible_people(user: User | AnonymousUser) -> QuerySet[Person]:
    """Every person this user may see at some level. The start of every person list."""
    if not may(user, Permission.VIEW_PEOPLE):
        return Person.objects.none()
    return Person.objects.filter(pk__in=visible_grants(user).values("person_id"))


def full_access_people(user: User | AnonymousUser) -> QuerySet[Person]:
    """The people this user may see in full (not only the minimum data)."""
    if not may(user, Permission.VIEW_PEOPLE):
        return Person.objects.none()
    grants = visible_grants(user).filter(level=GrantLevel.FULL)
    return Person.objects.filter(pk__in=grants.values("person_id"))


def person_level(user: User | AnonymousUser, person: Person) -> GrantLevel | None:
    levels = set(
        visible_grants(user).filter(person=person).values_list("level", flat=True)
    )
    if GrantLevel.FULL in levels:
        return GrantLevel.FULL
    if GrantLevel.MINIMAL in levels:
        return GrantLevel.MINIMAL
    return None


def access_person(
    user: User | AnonymousUser, person_id: int, *, to_edit: bool = False
) -> tuple[Person, GrantLevel]:
    """The person, and how much of them the user may see; 404 when out of reach.

    Editing needs the edit permission and a full grant; a user who may only see the
    minimum data gets the same 404 as for a stranger's record.
    """
    try:
        person = visible_people(user).select_related("place__parent").get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    level = person_level(user, person)
    if level is None:
        raise Http404
    if to_edit and (level != GrantLevel.FULL or not may(user, Permission.EDIT_PERSON)):
        raise Http404
    return person, level


def statistics_places(user: User | AnonymousUser) -> QuerySet[Place]:
    """The places whose aggregate figures this user may see."""
    if not may(user, Permission.VIEW_STATISTICS):
        return Place.objects.none()
    roles = [
        r for r in roles_of(user) if Permission.VIEW_STATISTICS in ROLE_PERMISSIONS[r]
    ]
    agencies = agencies_where(user, *roles)
    return Place.objects.filter(covering_agencies__in=agencies).distinct()


def statistics_people(user: User | AnonymousUser) -> QuerySet[Person]:
    """The people counted in this user's aggregate figures. Never shown by name:
    only ``ura.statistics`` reads this, and it returns counts."""
    places = list(statistics_places(user))
    if not places:
        return Person.objects.none()
    condition = Q()
    for place in places:
        condition |= Q(place__path__startswith=place.path)
    return Person.objects.filter(condition)
