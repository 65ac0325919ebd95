"""Who sees which conference, who runs it, and who answers for an action item.

The cases on a conference's table are reached through ``ura.access`` (the
``conference`` grants the actions open and end); this module only decides about
the conferences themselves:

- a conference is seen by its organiser, its chair and its members (invited
  and not removed), and by nobody else: out of sight is a 404, as if absent;
- it is run (edited) by its organiser or chair, with ``run_conferences``;
- a member who does not run it sees the summary, the decisions and the action
  items only while the conference is not closed, and of the cases only those
  on the table: once a case leaves the table its decisions leave their view.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from ura.access.rules import Permission, may
from ura.accounts.models import Agency, User
from ura.conferences.models import ActionItem, Conference, ConferenceMember


def visible_conferences(user: User | AnonymousUser) -> QuerySet[Conference]:
    """The conferences this user organises, chairs or is invited to."""
    if not user.is_authenticated or not may(user, Permission.VIEW_CASES):
        return Conference.objects.none()
    invited = ConferenceMember.objects.filter(
        user=user, removed_at__isnull=True
    ).values("conference_id")
    return Conference.objects.filter(
        Q(organiser=user) | Q(chair=user) | Q(pk__in=invited)
    )


def may_run(user: User | AnonymousUser, conference: Conference) -> bool:
    return (
        user.is_authenticated
        and user.pk in (conference.organiser_id, conference.chair_id)
        and may(user, Permission.RUN_CONFERENCES)
    )


def access_conference(
    user: User | AnonymousUser, conference_id: object, *, to_run: bool = False
) -> Conference:
    """The conference if the user sees it (404 otherwise); with ``to_run``, a
    conference seen but not run by the user is a 403."""
    try:
        conference = (
            visible_conferences(user)
            .select_related("agency", "organiser", "chair", "previous")
            .get(pk=conference_id)
        )
    except (Conference.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if to_run and not may_run(user, conference):
        raise PermissionDenied
    return conference


def shows_minutes(user: User, conference: Conference) -> bool:
    """Whether the summary, decisions and items show (those of the cases the
    user may see): always to who runs it, to members until it is closed."""
    return may_run(user, conference) or not conference.is_closed


def member_agency_ids(user: User) -> list[int]:
    """The agencies where the user holds an active role: an item owned by one of
    them is the user's to act on."""
    cache = user.__dict__.setdefault("_ura_conference_agencies", None)
    if cache is None:
        cache = list(
            Agency.objects.filter(
                is_active=True,
                memberships__user=user,
                memberships__is_active=True,
            )
            .distinct()
            .values_list("pk", flat=True)
        )
        user.__dict__["_ura_conference_agencies"] = cache
    return cache


def owned_items(user: User | AnonymousUser) -> QuerySet[ActionItem]:
    """The action items owned by the user or by an agency they belong to."""
    if not user.is_authenticated or not may(user, Permission.ACT_ON_CONFERENCE_ITEMS):
        return ActionItem.objects.none()
    condition = Q(owner_user=user)
    agencies = member_agency_ids(user)
    if agencies:
        condition |= Q(owner_agency_id__in=agencies)
    return ActionItem.objects.filter(condition)


def owns_item(user: User, item: ActionItem) -> bool:
    if not may(user, Permission.ACT_ON_CONFERENCE_ITEMS):
        return False
    if item.owner_user_id is not None:
        return item.owner_user_id == user.pk
    return item.owner_agency_id in member_agency_ids(user)


def may_report_on(user: User | AnonymousUser, item: ActionItem) -> bool:
    """The owner (with ``act_on_conference_items``) or who runs the conference."""
    if not user.is_authenticated:
        return False
    return owns_item(user, item) or may_run(user, item.conference)


def access_item(user: User | AnonymousUser, item_id: object) -> ActionItem:
    """An action item for reporting progress; 404 unless the user may."""
    try:
        item = ActionItem.objects.select_related(
            "conference", "case", "owner_user", "owner_agency"
        ).get(pk=item_id)
    except (ActionItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not may_report_on(user, item):
        raise Http404
    return item
