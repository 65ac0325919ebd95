"""Conference pages: parse, ask the access rules, call an action or a query, render.

The conference page carries small forms for its organiser; each posts to its own
view, which on a refusal shows that form alone with the message and what was
typed, and on success goes back to the conference.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ura.access.cases import CaseUse, access_case, visible_cases
from ura.access.rules import Permission, may
from ura.cases.models import Case
from ura.conferences import actions, queries
from ura.conferences.access import access_conference
from ura.conferences.forms import (
    CaseAddForm,
    ConferenceForm,
    DecisionForm,
    ItemForm,
    MemberForm,
    ProgressForm,
    ScheduleForm,
)
from ura.conferences.models import Conference, ConferenceMember
from ura.core.pagination import paginate


def _require(request: HttpRequest, permission: Permission) -> None:
    if not may(request.user, permission):
        raise PermissionDenied


def _table_cases(conference: Conference):  # noqa: ANN202
    return Case.objects.filter(
        conference_tables__conference=conference,
        conference_tables__removed_at__isnull=True,
    ).order_by("reference")


def _members(conference: Conference) -> list[ConferenceMember]:
    return list(
        conference.members.filter(removed_at__isnull=True).select_related("user")
    )


def _back(conference: Conference, anchor: str = "") -> HttpResponse:
    response = redirect("conferences:detail", conference_id=conference.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _form_page(
    request: HttpRequest, conference: Conference | None, form: Form, title: str
) -> HttpResponse:
    return render(
        request,
        "conferences/form.html",
        {"conference": conference, "form": form, "title": title},
    )


@login_required
@require_GET
def conference_list(request: HttpRequest) -> HttpResponse:
    _require(request, Permission.VIEW_CASES)
    status = request.GET.get("status", "current")
    if status not in queries.LIST_STATUSES:
        status = "current"
    page = paginate(request, queries.my_conferences(user=request.user, status=status))
    context = {
        "page": page,
        "status": status,
        "may_schedule": queries.may_schedule(request.user),
    }
    return render(request, "conferences/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def conference_schedule(request: HttpRequest) -> HttpResponse:
    _require(request, Permission.RUN_CONFERENCES)
    params = request.POST if request.method == "POST" else request.GET
    previous = case = None
    if params.get("previous"):
        previous = access_conference(request.user, params["previous"], to_run=True)
    if params.get("case"):
        case = access_case(request.user, params["case"], to=CaseUse.WORK)
    agencies = actions.organising_agencies(request.user).order_by("name")
    initial = {"previous": previous.pk if previous else None}
    initial["case"] = case.pk if case else None
    if previous:
        initial |= {"title": previous.title, "kind": "review"}
        initial |= {"location": previous.location, "chair": previous.chair_id}
        initial["agency"] = previous.agency_id
    form = ScheduleForm(request.POST or None, agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scheduled = actions.conference_schedule(
                actor=request.user,
                agency=data["agency"],
                title=data["title"],
                kind=data["kind"],
                scheduled_at=data["scheduled_at"],
                location=data["location"],
                chair=data["chair"],
                previous=previous,
                cases=[case] if case else [],
                sharing_reason=data["sharing_reason"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except actions.NotAllowed:
            raise PermissionDenied from None
        else:
            messages.success(request, _("The conference is scheduled."))
            if scheduled.left_out:
                messages.warning(
                    request,
                    _("Not carried over (closed, or not a case you work on): %(cases)s")
                    % {"cases": ", ".join(c.reference for c in scheduled.left_out)},
                )
            return _back(scheduled.conference)
    context = {"form": form, "previous": previous, "case": case}
    return render(request, "conferences/schedule.html", context)


@login_required
@require_GET
def conference_detail(request: HttpRequest, conference_id: int) -> HttpResponse:
    _require(request, Permission.VIEW_CASES)
    page = queries.conference_page(
        user=request.user, conference_id=conference_id, request=request
    )
    context = {"page": page, "conference": page.conference}
    if page.may_edit:
        cases = _table_cases(page.conference)
        # Several forms on one page: ids of their own, so labels stay right.
        context |= {
            "case_form": CaseAddForm(auto_id="table_%s"),
            "member_form": MemberForm(auto_id="member_%s"),
            "decision_form": DecisionForm(cases=cases, auto_id="decision_%s"),
            "item_form": ItemForm(cases=cases, members=page.members, auto_id="item_%s"),
        }
    return render(request, "conferences/detail.html", context)


@login_required
@require_GET
def conference_minutes(request: HttpRequest, conference_id: int) -> HttpResponse:
    _require(request, Permission.VIEW_CASES)
    page = queries.conference_page(
        user=request.user, conference_id=conference_id, request=request, export=True
    )
    return render(
        request,
        "conferences/minutes.html",
        {"page": page, "conference": page.conference},
    )


@login_required
@require_http_methods(["GET", "POST"])
def conference_edit(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = access_conference(request.user, conference_id, to_run=True)
    initial = {
        "version": conference.version,
        "title": conference.title,
        "kind": conference.kind,
        "scheduled_at": conference.scheduled_at,
        "location": conference.location,
        "chair": conference.chair_id,
        "summary": conference.summary,
    }
    form = ConferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.conference_update(
                actor=request.user,
                conference=conference,
                data=form.conference_data(),
                expected_version=form.cleaned_data["version"],
                sharing_reason=form.cleaned_data["sharing_reason"],
                request=request,
            )
        except ValidationError as exc:
            # What the user typed stays on the page with the message.
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes are saved."))
            return _back(conference)
    return _form_page(request, conference, form, _("Edit the conference"))


@login_required
@require_http_methods(["GET", "POST"])
def conference_case_add(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = access_conference(request.user, conference_id, to_run=True)
    form = CaseAddForm(request.POST or None, cases=visible_cases(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            actions.conference_case_add(
                actor=request.user,
                conference=conference,
                case=form.cleaned_data["reference"],
                sharing_reason=form.cleaned_data["sharing_reason"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except actions.NotAllowed:
            form.add_error(
                "reference", _("You can only put cases you work on on the table.")
            )
        else:
            messages.success(request, _("The case is on the table."))
            return _back(conference, "table")
    return _form_page(request, conference, form, _("Put a case on the table"))


@login_required
@require_POST
def conference_case_remove(
    request: HttpRequest, conference_id: int, case_id: int
) -> HttpResponse:
    conference = access_conference(request.user, conference_id, to_run=True)
    case = get_object_or_404(_table_cases(conference), pk=case_id)
    try:
        actions.conference_case_remove(
            actor=request.user, conference=conference, case=case, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The case is off the table."))
    return _back(conference, "table")


@login_required
@require_http_methods(["GET", "POST"])
def conference_member_add(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = access_conference(request.user, conference_id, to_run=True)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.conference_member_add(
                actor=request.user,
                conference=conference,
                user=data["user"],
                name=data["name"],
                institution_type=data["institution_type"],
                agency=data["agency"],
                sharing_reason=data["sharing_reason"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The member is invited."))
            return _back(conference, "members")
    return _form_page(request, conference, form, _("Invite a member"))


@login_required
@require_POST
def conference_member_remove(
    request: HttpRequest, conference_id: int, member_id: int
) -> HttpResponse:
    conference = access_conference(request.user, conference_id, to_run=True)
    member = get_object_or_404(
        conference.members.filter(removed_at__isnull=True), pk=member_id
    )
    member.conference = conference
    try:
        actions.conference_member_remove(
            actor=request.user, member=member, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The member is removed from the table."))
    return _back(conference, "members")


@login_required
@require_POST
def conference_attendance(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = access_conference(request.user, conference_id, to_run=True)
    try:
        attended = [int(pk) for pk in request.POST.getlist("attended")]
    except ValueError:
        attended = [-1]
    try:
        actions.conference_attendance(
            actor=request.user,
            conference=conference,
            attended=attended,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Attendance is recorded."))
    return _back(conference, "members")


@login_required
@require_http_methods(["GET", "POST"])
def conference_decision_add(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = access_conference(request.user, conference_id, to_run=True)
    form = DecisionForm(request.POST or None, cases=_table_cases(conference))
    if request.method == "POST" and form.is_valid():
        try:
            actions.conference_decision_add(
                actor=request.user,
                conference=conference,
                case=form.cleaned_data["case"],
                text=form.cleaned_data["text"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The decision is recorded."))
            return _back(conference, "decisions")
    return _form_page(request, conference, form, _("Record a decision"))


@login_required
@require_http_methods(["GET", "POST"])
def conference_item_add(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = access_conference(request.user, conference_id, to_run=True)
    form = ItemForm(
        request.POST or None,
        cases=_table_cases(conference),
        members=_members(conference),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.action_item_add(
                actor=request.user,
                conference=conference,
                case=data["case"],
                description=data["description"],
                owner_user=data["owner_user"],
                owner_agency=data["owner_agency"],
                due_on=data["due_on"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The action item is recorded."))
            return _back(conference, "items")
    return _form_page(request, conference, form, _("Add an action item"))


@login_required
@require_POST
def conference_held(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = access_conference(request.user, conference_id, to_run=True)
    try:
        actions.conference_held(
            actor=request.user, conference=conference, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The conference is marked as held."))
    return _back(conference)


@login_required
@require_POST
def conference_close(request: HttpRequest, conference_id: int) -> HttpResponse:
    conference = access_conference(request.user, conference_id, to_run=True)
    try:
        actions.conference_close(
            actor=request.user, conference=conference, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The conference is closed. Its members no longer see its cases."),
        )
    return _back(conference)


@login_required
@require_GET
def my_items(request: HttpRequest) -> HttpResponse:
    _require(request, Permission.ACT_ON_CONFERENCE_ITEMS)
    show = "all" if request.GET.get("show") == "all" else "open"
    data = queries.my_action_items(user=request.user, request=request, show=show)
    context = {"page": data.page, "visible_cases": data.visible_cases, "show": show}
    return render(request, "conferences/my_items.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def item_progress(request: HttpRequest, item_id: int) -> HttpResponse:
    item, case_visible = queries.action_item_page(
        user=request.user, item_id=item_id, request=request
    )
    initial = {
        "version": item.version,
        "status": item.status,
        "progress_note": item.progress_note,
    }
    form = ProgressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.action_item_progress(
                actor=request.user,
                item=item,
                status=form.cleaned_data["status"],
                progress_note=form.cleaned_data["progress_note"],
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The progress is saved."))
            return redirect("conferences:my_items")
    context = {"item": item, "form": form, "case_visible": case_visible}
    return render(request, "conferences/item_progress.html", context)
