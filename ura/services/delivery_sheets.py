"""The attendance sheets, as read for their pages: a session's sheet (one row per
enrolment running that day) and a group's month sheet (rows = the group's
enrolments running in the month, columns = the days its sessions are held).

Names come from ``delivery_queries.people_shown`` only. Rows are ordered by the
names the user sees, then by enrolment: never by a name the user may not see.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.paginator import Page
from django.http import HttpRequest
from django.utils import timezone

from ura.accounts.models import User
from ura.core.pagination import paginate
from ura.directory.models import Service, ServiceType
from ura.people.models import Person
from ura.services.delivery_queries import (
    EnrolmentRow,
    active_between,
    active_on,
    people_shown,
)
from ura.services.models import (
    Activity,
    Attendance,
    Enrolment,
    Presence,
    ServiceGroup,
    Session,
    SessionKind,
)

# A session's sheet shows at most this many rows: a larger service records by group.
MAX_SHEET_ROWS = 200
# Rows of a month sheet per page: 30 rows of 31 days stay under Django's limit of
# 1,000 form fields per request.
MONTH_ROWS = 30

# The activity a new sheet starts with, by the type of service.
DEFAULT_ACTIVITY = {
    ServiceType.DAY_CARE: Activity.HOMEWORK,
    ServiceType.EDUCATION_SUPPORT: Activity.HOMEWORK,
    ServiceType.VOCATIONAL_TRAINING: Activity.VOCATIONAL,
    ServiceType.HEALTH: Activity.HEALTH,
    ServiceType.LEGAL_AID: Activity.LEGAL,
    ServiceType.FAMILY_SUPPORT: Activity.PARENTING,
    ServiceType.MENTAL_HEALTH: Activity.COUNSELLING,
}


def _by_name(rows: list[EnrolmentRow]) -> list[EnrolmentRow]:
    return sorted(
        rows,
        key=lambda r: (
            r.person is None,
            (r.person.family_name.casefold(), r.person.given_name.casefold())
            if r.person
            else ("", ""),
            r.enrolment.pk,
        ),
    )


def _rows(user: User, enrolments: list[Enrolment]) -> list[EnrolmentRow]:
    shown = people_shown(user, {e.person_id for e in enrolments})
    return _by_name([EnrolmentRow(e, shown.get(e.person_id)) for e in enrolments])


def row_label(index: int, person: Person | None) -> str:
    """How an error names a row: its number and the name the user sees."""
    from django.utils.translation import gettext as _

    if person is None:
        return _("Row %(row)s") % {"row": index + 1}
    return _("Row %(row)s (%(name)s)") % {
        "row": index + 1,
        "name": f"{person.family_name}, {person.given_name}",
    }


def labels_for(user: User, enrolment_ids: list[int], offset: int = 0) -> dict[int, str]:
    """Row labels for a submitted sheet, in the order its rows were shown."""
    enrolments = Enrolment.objects.filter(pk__in=sorted(set(enrolment_ids)))
    person_of = dict(enrolments.values_list("pk", "person_id"))
    shown = people_shown(user, set(person_of.values()))
    return {
        pk: row_label(index, shown.get(person_of.get(pk)))
        for index, pk in enumerate(enrolment_ids, start=offset)
    }


# -- one session ----------------------------------------------------------------


@dataclass
class SheetRow:
    enrolment: Enrolment
    person: Person | None
    # The attendance recorded, or "" when none is.
    presence: str
    label: str = ""


@dataclass
class SessionSheet:
    rows: list[SheetRow]
    # More enrolments run that day than a sheet shows: record by group.
    too_many: bool = False


def session_sheet(
    *,
    user: User,
    service: Service,
    day: date,
    group: ServiceGroup | None = None,
    session: Session | None = None,
    enrolment: Enrolment | None = None,
    kind: str = SessionKind.GROUP,
) -> SessionSheet:
    """The rows of a sheet for ``day``: every enrolment of the group (or of the
    service, for a group-less session) running that day, plus anyone already
    recorded for the session. A new group session starts with everyone present;
    an individual one with nobody marked."""
    enrolments = service.enrolments.select_related("group")
    if enrolment is not None:
        wanted = enrolments.filter(pk=enrolment.pk)
    else:
        wanted = enrolments.filter(active_on(day))
        if group is not None:
            wanted = wanted.filter(group=group)
    if session is not None:
        wanted = wanted | enrolments.filter(attendance__session=session)
    found = list(wanted.distinct().order_by("pk")[: MAX_SHEET_ROWS + 1])
    too_many = len(found) > MAX_SHEET_ROWS
    found = found[:MAX_SHEET_ROWS]
    recorded: dict[int, str] = {}
    if session is not None:
        recorded = dict(session.attendance.values_list("enrolment_id", "presence"))
    default = Presence.PRESENT if session is None and kind == SessionKind.GROUP else ""
    rows = []
    for index, row in enumerate(_rows(user, found)):
        rows.append(
            SheetRow(
                enrolment=row.enrolment,
                person=row.person,
                presence=recorded.get(row.enrolment.pk, default),
                label=row_label(index, row.person),
            )
        )
    return SessionSheet(rows=rows, too_many=too_many)


# -- a group's month ------------------------------------------------------------


@dataclass
class Cell:
    day: date
    # Whether the day is within the person's enrolment (else no checkbox).
    open: bool
    checked: bool
    excused: bool = False


@dataclass
class MonthRow:
    enrolment: Enrolment
    person: Person | None
    cells: list[Cell]
    label: str = ""


@dataclass
class DayChoice:
    day: date
    future: bool
    weekend: bool
    has_session: bool
    chosen: bool


@dataclass
class MonthSheet:
    group: ServiceGroup
    month: date  # its first day
    activity: str
    days: list[date]
    choices: list[DayChoice]
    page: Page
    rows: list[MonthRow] = field(default_factory=list)

    @property
    def previous_month(self) -> date:
        return (self.month - timedelta(days=1)).replace(day=1)

    @property
    def next_month(self) -> date | None:
        following = (self.month + timedelta(days=32)).replace(day=1)
        return following if following <= timezone.localdate() else None

    @property
    def days_param(self) -> str:
        return ",".join(str(d.day) for d in self.days)

    @property
    def rows_param(self) -> str:
        return ",".join(str(r.enrolment.pk) for r in self.rows)


def month_start(text: str) -> date:
    """The first day of the month ``YYYY-MM``; this month if it is not one."""
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)


def month_days(month: date) -> list[date]:
    last = calendar.monthrange(month.year, month.month)[1]
    return [month.replace(day=n) for n in range(1, last + 1)]


def default_activity(group: ServiceGroup) -> str:
    last = (
        group.sessions.filter(kind=SessionKind.GROUP)
        .order_by("-held_on", "-pk")
        .values_list("activity", flat=True)
        .first()
    )
    return last or DEFAULT_ACTIVITY.get(group.service.type, Activity.PSYCHOSOCIAL)


def parse_days(month: date, text: str | list[str]) -> list[date]:
    """Days of ``month`` from "3,4,5" (or a list of "3"), ignoring anything else."""
    parts = text.split(",") if isinstance(text, str) else text
    days = set()
    for part in parts:
        try:
            days.add(month.replace(day=int(part)))
        except (ValueError, TypeError):
            continue
    return sorted(days)


def month_sheet(
    *,
    user: User,
    group: ServiceGroup,
    month: date,
    activity: str,
    chosen: list[date] | None,
    request: HttpRequest,
    page_number: str | None = None,
) -> MonthSheet:
    """The month sheet of a group. Without ``chosen`` days, the days that already
    have a session, or else every weekday up to today."""
    today = timezone.localdate()
    every_day = month_days(month)
    sessions = {
        s.held_on: s
        for s in Session.objects.filter(
            group=group,
            activity=activity,
            kind=SessionKind.GROUP,
            held_on__gte=every_day[0],
            held_on__lte=every_day[-1],
        ).order_by("-pk")
    }
    if chosen is None:
        chosen = sorted(sessions) or [d for d in every_day if d.weekday() < 5]
    days = [d for d in chosen if d <= today]
    choices = [
        DayChoice(d, d > today, d.weekday() >= 5, d in sessions, d in days)
        for d in every_day
    ]
    enrolments = group.enrolments.filter(
        active_between(every_day[0], every_day[-1])
    ).order_by("pk")
    page = paginate(request, enrolments, per_page=MONTH_ROWS, number=page_number)
    sheet = MonthSheet(group, month, activity, days, choices, page)
    found = list(page.object_list)
    marks: dict[tuple[int, date], str] = {}
    day_sessions = [sessions[d] for d in days if d in sessions]
    if found and day_sessions:
        marks = {
            (pk, held_on): presence
            for pk, held_on, presence in Attendance.objects.filter(
                session__in=day_sessions, enrolment__in=found
            ).values_list("enrolment_id", "held_on", "presence")
        }
    offset = page.start_index() - 1 if found else 0
    for index, row in enumerate(_rows(user, found), start=offset):
        e = row.enrolment
        cells = []
        for d in days:
            is_open = e.enrolled_on <= d and (e.ended_on is None or d <= e.ended_on)
            mark = marks.get((e.pk, d))
            checked = mark == Presence.PRESENT if d in sessions else is_open
            cells.append(Cell(d, is_open, checked and is_open, mark == "excused"))
        sheet.rows.append(MonthRow(e, row.person, cells, row_label(index, row.person)))
    return sheet
