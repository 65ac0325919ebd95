"""Pages of sessions and their attendance: record a session with its sheet,
correct a session's sheet, and a group's month sheet (a month of attendance on
one page). Thin: parse, read through ``delivery_sheets``, call an action."""

from __future__ import annotations

import uuid
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ura.core.pagination import paginate
from ura.services import delivery_actions as actions
from ura.services import delivery_queries as queries
from ura.services import delivery_sheets as sheets
from ura.services.delivery_attendance import Mark
from ura.services.delivery_forms import (
    SessionChangeForm,
    SessionDeleteForm,
    SessionForm,
)
from ura.services.models import Activity, Presence, SessionKind


def _ids(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip().isdigit()]


def _marks(request: HttpRequest, rows: list[int], labels: dict[int, str]) -> list[Mark]:
    return [
        Mark(pk, request.POST.get(f"p-{pk}", ""), labels.get(pk, "")) for pk in rows
    ]


def _refused(form, exc: ValidationError) -> None:  # noqa: ANN001
    """A refused sheet shows every message at the top, each naming its row."""
    for message in exc.messages:
        form.add_error(None, message)


@login_required
@require_GET
def session_list(request: HttpRequest, service_id: int) -> HttpResponse:
    service = queries.access_service(request.user, service_id)
    group = None
    if request.GET.get("group", "").isdigit():
        group = service.groups.filter(pk=request.GET["group"]).first()
    page = paginate(request, queries.sessions_of(service, group=group))
    context = {
        "service": service,
        "page": page,
        "group": group,
        "groups": service.groups.all(),
    }
    return render(request, "services/delivery/sessions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, service_id: int) -> HttpResponse:
    """Record a session and its sheet. "Show the sheet" reloads the rows for
    another day or group without saving; "Save" records everything at once."""
    service = queries.access_service(request.user, service_id)
    params = request.POST if request.method == "POST" else request.GET
    groups = service.groups.filter(is_active=True)
    enrolment = None
    if params.get("enrolment", "").isdigit():
        enrolment = service.enrolments.filter(pk=params["enrolment"]).first()
    group = groups.filter(pk=params["group"]).first() if params.get("group") else None
    kind = SessionKind.GROUP if group or not enrolment else SessionKind.INDIVIDUAL
    initial = {
        "held_on": timezone.localdate(),
        "group": group.pk if group else None,
        "kind": kind,
        "activity": sheets.DEFAULT_ACTIVITY.get(service.type, Activity.PSYCHOSOCIAL),
        "token": uuid.uuid4().hex,
    }
    bound = request.method == "POST" or "held_on" in request.GET
    form = SessionForm(params if bound else None, groups=groups, initial=initial)
    valid = form.is_valid() if bound else False
    head = form.cleaned_data if valid else initial
    day = head["held_on"] if valid else initial["held_on"]
    sheet = sheets.session_sheet(
        user=request.user,
        service=service,
        day=day,
        group=head["group"] if valid else group,
        enrolment=enrolment,
        kind=head["kind"],
    )
    rows = [r.enrolment.pk for r in sheet.rows]
    if request.method == "POST":
        for row in sheet.rows:
            row.presence = request.POST.get(f"p-{row.enrolment.pk}", row.presence)
    if request.method == "POST" and "save" in request.POST and valid:
        posted = _ids(request.POST.get("rows", ""))
        labels = sheets.labels_for(request.user, posted)
        try:
            saved = actions.session_record(
                actor=request.user,
                service=service,
                held_on=head["held_on"],
                kind=head["kind"],
                activity=head["activity"],
                topic=head["topic"],
                group=head["group"],
                marks=_marks(request, posted, labels),
                another=head["another"],
                token=f"web:{head['token']}" if head["token"] else "",
                request=request,
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            if saved.created:
                messages.success(
                    request, _("The session and its attendance are saved.")
                )
            else:
                messages.info(
                    request,
                    _(
                        "This session was already recorded: its attendance is "
                        "updated, nothing is counted twice."
                    ),
                )
            return redirect("services:session_detail", session_id=saved.session.pk)
    context = {
        "service": service,
        "form": form,
        "sheet": sheet,
        "rows_param": ",".join(str(pk) for pk in rows),
        "enrolment": enrolment,
        "presences": Presence.choices,
    }
    return render(request, "services/delivery/session_new.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    """A session and its sheet, which its provider corrects here."""
    session = queries.access_session(request.user, session_id)
    sheet = sheets.session_sheet(
        user=request.user,
        service=session.service,
        day=session.held_on,
        group=session.group,
        session=session,
        kind=session.kind,
    )
    errors: list[str] = []
    if request.method == "POST":
        posted = _ids(request.POST.get("rows", ""))
        labels = sheets.labels_for(request.user, posted)
        try:
            written = actions.attendance_save(
                actor=request.user,
                session=session,
                marks=_marks(request, posted, labels),
                request=request,
            )
        except ValidationError as exc:
            errors = exc.messages
            for row in sheet.rows:
                row.presence = request.POST.get(f"p-{row.enrolment.pk}", "")
        else:
            messages.success(
                request,
                ngettext(
                    "Attendance is saved: %(n)s person.",
                    "Attendance is saved: %(n)s people.",
                    written,
                )
                % {"n": written},
            )
            return redirect("services:session_detail", session_id=session.pk)
    return _session_page(request, session, sheet=sheet, errors=errors)


def _session_page(
    request: HttpRequest,
    session,  # noqa: ANN001
    *,
    sheet=None,  # noqa: ANN001
    errors: list[str] | None = None,
    change: SessionChangeForm | None = None,
) -> HttpResponse:
    if sheet is None:
        sheet = sheets.session_sheet(
            user=request.user,
            service=session.service,
            day=session.held_on,
            group=session.group,
            session=session,
            kind=session.kind,
        )
    context = {
        "session": session,
        "service": session.service,
        "sheet": sheet,
        "errors": errors or [],
        "rows_param": ",".join(str(r.enrolment.pk) for r in sheet.rows),
        "presences": Presence.choices,
        **_session_forms(session, change),
    }
    return render(request, "services/delivery/session.html", context)


def _session_forms(session, change=None) -> dict:  # noqa: ANN001
    """The forms to correct the session's head and to remove it."""
    initial = {
        "held_on": session.held_on,
        "activity": session.activity,
        "topic": session.topic,
        "version": session.version,
    }
    attended = session.attendance.filter(presence=Presence.PRESENT).exists()
    return {
        "change_form": change or SessionChangeForm(initial=initial),
        "delete_form": None
        if attended
        else SessionDeleteForm(initial={"version": session.version}),
    }


@login_required
@require_POST
def session_change(request: HttpRequest, session_id: int) -> HttpResponse:
    """Correct a session's day, activity or topic."""
    session = queries.access_session(request.user, session_id)
    form = SessionChangeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.session_update(
                actor=request.user,
                session=session,
                expected_version=data["version"],
                held_on=data["held_on"],
                activity=data["activity"],
                topic=data["topic"],
                request=request,
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The session is corrected."))
            return redirect("services:session_detail", session_id=session.pk)
    session.refresh_from_db()
    return _session_page(request, session, change=form)


@login_required
@require_POST
def session_remove(request: HttpRequest, session_id: int) -> HttpResponse:
    """Remove a session nobody attended (recorded by mistake)."""
    session = queries.access_session(request.user, session_id)
    form = SessionDeleteForm(request.POST)
    service_id = session.service_id
    try:
        if not form.is_valid():
            raise ValidationError(_("Reload the page and try again."))
        actions.session_delete(
            actor=request.user,
            session=session,
            expected_version=form.cleaned_data["version"],
            request=request,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("services:session_detail", session_id=session.pk)
    messages.success(request, _("The session is removed."))
    return redirect("services:session_list", service_id=service_id)


def _chosen_days(request: HttpRequest, month: date) -> list[date] | None:
    if "d" in request.GET:
        return sheets.parse_days(month, request.GET.getlist("d"))
    preset = request.GET.get("preset", "")
    if preset == "weekdays":
        return [d for d in sheets.month_days(month) if d.weekday() < 5]
    if preset == "all":
        return sheets.month_days(month)
    return None


def _ticked(request: HttpRequest, month: date) -> set[tuple[int, date | None]]:
    ticked: set[tuple[int, date | None]] = set()
    for value in request.POST.getlist("c"):
        pk, _sep, day = value.partition(":")
        if not pk.isdigit():
            ticked.add((0, None))
            continue
        found = sheets.parse_days(month, [day])
        ticked.add((int(pk), found[0] if found else None))
    return ticked


def _sheet_url(group_id: int, month: date, activity: str, days, page: str) -> str:  # noqa: ANN001
    query = [("month", month.strftime("%Y-%m")), ("activity", activity)]
    query += [("d", str(d.day)) for d in days]
    if page and page != "1":
        query.append(("page", page))
    return reverse("services:month_sheet", args=[group_id]) + "?" + urlencode(query)


@login_required
@require_http_methods(["GET", "POST"])
def month_sheet(request: HttpRequest, group_id: int) -> HttpResponse:
    """A month of a group's attendance on one page: tick who came on each day the
    group met, save once. Saving again changes the rows, never adds to them."""
    group = queries.access_group(request.user, group_id)
    params = request.POST if request.method == "POST" else request.GET
    month = sheets.month_start(params.get("month", ""))
    activity = params.get("activity", "")
    if activity not in Activity.values:
        activity = sheets.default_activity(group)
    page_number = params.get("page")
    errors: list[str] = []
    ticked = None
    if request.method == "POST":
        days = sheets.parse_days(month, request.POST.get("days", ""))
        rows = _ids(request.POST.get("rows", ""))
        offset = (
            (int(page_number) - 1) * sheets.MONTH_ROWS
            if str(page_number).isdigit() and int(page_number) > 0
            else 0
        )
        ticked = _ticked(request, month)
        try:
            saved = actions.month_sheet_save(
                actor=request.user,
                group=group,
                activity=activity,
                days=days,
                enrolment_ids=rows,
                present=ticked,
                labels=sheets.labels_for(request.user, rows, offset),
                request=request,
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request,
                _(
                    "Attendance for %(month)s is saved: %(sessions)s sessions "
                    "(%(new)s new), %(rows)s rows."
                )
                % {
                    "month": date_format(month, "YEAR_MONTH_FORMAT"),
                    "sessions": saved.sessions,
                    "new": saved.sessions_created,
                    "rows": saved.rows,
                },
            )
            return redirect(
                _sheet_url(group.pk, month, activity, days, page_number or "")
            )
        chosen = [d for d in days if d <= timezone.localdate()]
    else:
        chosen = _chosen_days(request, month)
    sheet = sheets.month_sheet(
        user=request.user,
        group=group,
        month=month,
        activity=activity,
        chosen=chosen,
        request=request,
        page_number=page_number,
    )
    if ticked is not None:
        for row in sheet.rows:
            for cell in row.cells:
                cell.checked = cell.open and (row.enrolment.pk, cell.day) in ticked
    context = {
        "group": group,
        "service": group.service,
        "sheet": sheet,
        "errors": errors,
        "activities": Activity.choices,
        "month_param": month.strftime("%Y-%m"),
    }
    return render(request, "services/delivery/month_sheet.html", context)
