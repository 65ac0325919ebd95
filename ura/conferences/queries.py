"""Reads of conferences: always starting from ``ura.conferences.access``.

What a member who does not run a conference sees of its minutes follows the
cases: the decisions and items about a case show only while it is on the table
of a conference that is not closed (``access.shows_minutes``), exactly the
time their ``conference`` grant lets them see the case itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from ura.access.cases import visible_cases
from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.models import Case
from ura.conferences.access import (
    access_conference,
    access_item,
    may_run,
    owned_items,
    shows_minutes,
    visible_conferences,
)
from ura.conferences.models import (
    ActionItem,
    Conference,
    ConferenceCase,
    ConferenceDecision,
    ConferenceMember,
    ConferenceStatus,
    ItemStatus,
)
from ura.core.pagination import paginate

# What the list of conferences can show: those not closed yet, or all.
LIST_STATUSES = ("current", "closed", "all")


def my_conferences(*, user: User, status: str = "current") -> QuerySet[Conference]:
    """The conferences the user organises, chairs or is invited to: those not
    closed yet in date order (the next one first); closed ones, or all, the
    most recent first."""
    conferences = visible_conferences(user).select_related(
        "agency", "organiser", "chair"
    )
    if status == "current":
        conferences = conferences.exclude(status=ConferenceStatus.CLOSED)
        return conferences.order_by("scheduled_at", "pk")
    if status == "closed":
        conferences = conferences.filter(status=ConferenceStatus.CLOSED)
    return conferences.order_by("-scheduled_at", "-pk")


@dataclass
class TableRow:
    entry: ConferenceCase
    # The child's name and the link show only while the case reaches the user.
    visible: bool


@dataclass
class ConferencePage:
    conference: Conference
    may_run: bool
    shows_minutes: bool
    table: list[TableRow]
    members: list[ConferenceMember]
    decisions: list[ConferenceDecision]
    items: list[ActionItem]
    follow_ups: list[Conference]
    previous_visible: bool

    @property
    def cases_on_table(self) -> list[Case]:
        return [row.entry.case for row in self.table]

    @property
    def attendance_recorded(self) -> bool:
        """Before the conference is held, nobody is "absent" yet."""
        scheduled = self.conference.status == ConferenceStatus.SCHEDULED
        return not scheduled or any(m.attended for m in self.members)

    @property
    def may_edit(self) -> bool:
        return self.may_run and not self.conference.is_closed


def _minutes_condition(user: User, conference: Conference, on_table: set[int]) -> Q:
    """Which decisions and items the user sees: all for who runs it; for a
    member, those about no case or about a case on the table, until closed."""
    if may_run(user, conference):
        return Q()
    if not shows_minutes(user, conference):
        return Q(pk__in=[])
    return Q(case__isnull=True) | Q(case_id__in=sorted(on_table))


def conference_page(
    *,
    user: User,
    conference_id: object,
    request: HttpRequest | None,
    export: bool = False,
) -> ConferencePage:
    """Everything the conference page (or its printable minutes) shows.
    Viewing is audited; printing the minutes is audited as an export."""
    conference = access_conference(user, conference_id)
    entries = list(
        conference.table.filter(removed_at__isnull=True)
        .select_related("case__person", "case__worker")
        .order_by("added_at", "pk")
    )
    case_ids = {e.case_id for e in entries}
    visible = set(
        visible_cases(user).filter(pk__in=case_ids).values_list("pk", flat=True)
    )
    condition = _minutes_condition(user, conference, case_ids)
    decisions = list(
        conference.decisions.filter(condition).select_related("case", "recorded_by")
    )
    items = list(
        conference.items.filter(condition).select_related(
            "case", "owner_user", "owner_agency", "carried_from__conference"
        )
    )
    members = list(
        conference.members.filter(removed_at__isnull=True).select_related(
            "user", "agency"
        )
    )
    follow_ups = list(
        visible_conferences(user).filter(previous=conference).order_by("pk")
    )
    previous_visible = bool(
        conference.previous_id
        and visible_conferences(user).filter(pk=conference.previous_id).exists()
    )
    record(
        actor=user,
        action=AuditAction.EXPORT if export else AuditAction.VIEW,
        obj=conference,
        detail="minutes" if export else "",
        request=request,
    )
    return ConferencePage(
        conference=conference,
        may_run=may_run(user, conference),
        shows_minutes=shows_minutes(user, conference),
        table=[TableRow(entry=e, visible=e.case_id in visible) for e in entries],
        members=members,
        decisions=decisions,
        items=items,
        follow_ups=follow_ups,
        previous_visible=previous_visible,
    )


def open_action_items_for(user: User) -> QuerySet[ActionItem]:
    """The user's open action items (owned by them or by an agency they belong
    to), the soonest due first: for the lists and the dashboards."""
    return (
        owned_items(user)
        .filter(status=ItemStatus.OPEN)
        .select_related("conference", "case", "owner_user", "owner_agency")
        .order_by("due_on", "pk")
    )


@dataclass
class ItemsPage:
    page: Page
    # The cases among them the user sees: only those show the child's name.
    visible_cases: set[int]


def my_action_items(
    *, user: User, request: HttpRequest, show: str = "open"
) -> ItemsPage:
    """A page of the user's action items (open ones, or all). Audited: the items
    describe work about children."""
    items = owned_items(user).select_related(
        "conference", "case__person", "owner_user", "owner_agency"
    )
    if show == "open":
        items = items.filter(status=ItemStatus.OPEN)
    else:
        items = items.exclude(status=ItemStatus.CARRIED)
    page = paginate(request, items.order_by("due_on", "pk"))
    case_ids = {item.case_id for item in page if item.case_id}
    visible = set(
        visible_cases(user).filter(pk__in=case_ids).values_list("pk", flat=True)
    )
    items_viewed(user=user, items=list(page), request=request)
    return ItemsPage(page=page, visible_cases=visible)


def items_viewed(
    *, user: User, items: list[ActionItem], request: HttpRequest | None
) -> None:
    """One audit event for a page of action items: their ids, never their text."""
    if items:
        record(
            actor=user,
            action=AuditAction.VIEW,
            object_type="conferences.actionitem",
            detail="items " + ",".join(str(item.pk) for item in items),
            request=request,
        )


def action_item_page(
    *, user: User, item_id: object, request: HttpRequest | None
) -> tuple[ActionItem, bool]:
    """One action item for its owner (or the conference's organiser), and
    whether its case reaches the user. Viewing is audited."""
    item = access_item(user, item_id)
    case_visible = bool(
        item.case_id and visible_cases(user).filter(pk=item.case_id).exists()
    )
    if request is None or request.method == "GET":
        record(actor=user, action=AuditAction.VIEW, obj=item, request=request)
    return item, case_visible


@dataclass
class CaseConferences:
    case: Case
    entries: list[ConferenceCase]
    # The conferences among them the user may open.
    visible_conferences: set[int]
    decisions: list[ConferenceDecision]
    open_items: list[ActionItem]


# The case page shows the latest few; the rest are on the conference pages.
CASE_SECTION_SIZE = 10


def case_conferences(*, user: User, case: Case) -> CaseConferences:
    """The conferences that had the case on their table, their decisions on it
    and its open action items, for its page (already checked by access_case)."""
    entries = list(
        ConferenceCase.objects.filter(case=case)
        .select_related("conference")
        .order_by("-conference__scheduled_at", "-pk")[:CASE_SECTION_SIZE]
    )
    conference_ids = {e.conference_id for e in entries}
    seen = set(
        visible_conferences(user)
        .filter(pk__in=conference_ids)
        .values_list("pk", flat=True)
    )
    decisions = list(
        ConferenceDecision.objects.filter(case=case)
        .select_related("conference")
        .order_by("-recorded_at", "-pk")[:CASE_SECTION_SIZE]
    )
    items = list(
        ActionItem.objects.filter(case=case, status=ItemStatus.OPEN)
        .select_related("conference", "owner_user", "owner_agency")
        .order_by("due_on", "pk")[:CASE_SECTION_SIZE]
    )
    return CaseConferences(
        case=case,
        entries=entries,
        visible_conferences=seen,
        decisions=decisions,
        open_items=items,
    )


def may_schedule(user: User) -> bool:
    return may(user, Permission.RUN_CONFERENCES)
