"""Pages of what providers deliver: their services and caseloads, enrolment and
its end, groups. Sessions and the attendance sheets: ``delivery_sheet_views``.

Thin: parse, ask ``delivery_queries`` (which starts from the access module), call
an action, render. A service of another agency is a 404, like a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ura.access.rules import visible_people
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.pagination import paginate
from ura.directory.eligibility import eligibility_problems
from ura.services import delivery_actions as actions
from ura.services import delivery_queries as queries
from ura.services.delivery_forms import (
    CaseloadFilterForm,
    EnrolForm,
    EnrolmentEndForm,
    EnrolmentGroupForm,
    GroupEditForm,
    GroupForm,
)
from ura.services.models import Enrolment


def _form_page(
    request: HttpRequest, form: Form, title: str, back: str, context: dict | None = None
) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, **(context or {})}
    return render(request, "services/delivery/form.html", context)


@login_required
@require_GET
def my_services(request: HttpRequest) -> HttpResponse:
    queries.require_recording(request.user)
    page = queries.my_services_page(request.user, request)
    return render(request, "services/delivery/my_services.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def service_detail(request: HttpRequest, service_id: int) -> HttpResponse:
    """The caseload of one service. Filters are posted (a name typed never
    reaches a URL); a filtered list is audited, as the people list is."""
    service = queries.access_service(request.user, service_id)
    groups = queries.groups_of(service)
    filters = CaseloadFilterForm(
        request.POST if request.method == "POST" else None,
        groups=service.groups.all(),
    )
    enrolments = queries.caseload(
        user=request.user, service=service, **filters.filters()
    )
    page = paginate(request, enrolments, number=request.POST.get("page"))
    if filters.used():
        queries.caseload_searched(
            user=request.user,
            service=service,
            filters=filters.used(),
            count=page.paginator.count,
            request=request,
        )
    context = {
        "service": service,
        "page": page,
        "rows": queries.rows_for(request.user, list(page.object_list)),
        "filters": filters,
        "counts": queries.caseload_counts(service),
        "groups": groups,
        "group_form": GroupForm(auto_id="group_%s"),
        "today": timezone.localdate(),
    }
    template = (
        "services/delivery/_caseload.html"
        if request.htmx
        else "services/delivery/service.html"
    )
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, service_id: int) -> HttpResponse:
    """Find a person the user sees (by name, posted), then enrol them."""
    service = queries.access_service(request.user, service_id)
    people = visible_people(request.user).filter(merged_into__isnull=True)
    chosen = request.POST.get("person") or request.GET.get("person")
    person = people.filter(pk=chosen).first() if str(chosen).isdigit() else None
    groups = service.groups.filter(is_active=True)
    form = EnrolForm(
        request.POST if "enrol" in request.POST else None,
        people=people,
        groups=groups,
        initial={"person": person.pk if person else None},
    )
    found: list = []
    text = request.POST.get("q", "").strip() if "search" in request.POST else ""
    if text:
        found = queries.people_to_enrol(request.user, text)
        record(
            actor=request.user,
            action=AuditAction.SEARCH,
            object_type="people.person",
            fields=["name"],
            detail=f"to enrol in service {service.pk}, {len(found)} results",
            request=request,
        )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        already = Enrolment.objects.filter(
            service=service, person=data["person"], ended_on__isnull=True
        ).exists()
        try:
            enrolment = actions.enrol(
                actor=request.user,
                service=service,
                person=data["person"],
                role=data["role"],
                enrolled_on=data["enrolled_on"],
                group=data["group"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if already:
                messages.info(request, _("This person is already enrolled here."))
            else:
                messages.success(request, _("The person is enrolled."))
            return redirect("services:enrolment_detail", enrolment_id=enrolment.pk)
    problems = (
        eligibility_problems(service, person, on=timezone.localdate()) if person else []
    )
    register = (
        reverse("people:create")
        + "?next="
        + reverse("services:enrol", args=[service.pk])
    )
    context = {
        "service": service,
        "form": form,
        "person": person,
        "found": found,
        "searched": text,
        "problems": problems,
        "register_url": register,
    }
    return render(request, "services/delivery/enrol.html", context)


@login_required
@require_GET
def enrolment_detail(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = queries.access_enrolment(request.user, enrolment_id)
    row = queries.rows_for(request.user, [enrolment])[0]
    record(actor=request.user, action=AuditAction.VIEW, obj=enrolment, request=request)
    group_form = EnrolmentGroupForm(
        groups=enrolment.service.groups.filter(is_active=True),
        initial={"version": enrolment.version, "group": enrolment.group_id},
        auto_id="move_%s",
    )
    context = {
        "enrolment": enrolment,
        "service": enrolment.service,
        "person": row.person,
        "attendance": queries.attendance_of(enrolment),
        "group_form": group_form,
    }
    return render(request, "services/delivery/enrolment.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_end(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = queries.access_enrolment(request.user, enrolment_id)
    back = reverse("services:enrolment_detail", args=[enrolment.pk])
    if enrolment.ended_on is not None:
        messages.info(request, _("This enrolment has already ended."))
        return redirect(back)
    form = EnrolmentEndForm(
        request.POST or None,
        initial={"version": enrolment.version, "ended_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.enrolment_end(
                actor=request.user,
                enrolment=enrolment,
                ended_on=data["ended_on"],
                end_reason=data["end_reason"],
                expected_version=data["version"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The enrolment has ended."))
            return redirect(back)
    row = queries.rows_for(request.user, [enrolment])[0]
    context = {"enrolment": enrolment, "person": row.person}
    return _form_page(request, form, _("End the enrolment"), back, context)


@login_required
@require_POST
def enrolment_group(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = queries.access_enrolment(request.user, enrolment_id)
    form = EnrolmentGroupForm(
        request.POST, groups=enrolment.service.groups.filter(is_active=True)
    )
    if not form.is_valid():
        messages.error(request, _("Choose one of the service's active groups."))
    else:
        try:
            actions.enrolment_group_set(
                actor=request.user,
                enrolment=enrolment,
                group=form.cleaned_data["group"],
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The group is changed."))
    return redirect("services:enrolment_detail", enrolment_id=enrolment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest, service_id: int) -> HttpResponse:
    service = queries.access_service(request.user, service_id)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = actions.group_create(
                actor=request.user,
                service=service,
                name=form.cleaned_data["name"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The group is created."))
            return redirect("services:group_detail", group_id=group.pk)
    back = reverse("services:service_detail", args=[service.pk])
    return _form_page(request, form, _("New group"), back, {"service": service})


@login_required
@require_GET
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    """A group's members, and the service's other people to add to it."""
    group = queries.access_group(request.user, group_id)
    members = paginate(
        request,
        group.enrolments.filter(ended_on__isnull=True).order_by("pk"),
    )
    others = list(
        group.service.enrolments.filter(ended_on__isnull=True)
        .exclude(group=group)
        .select_related("group")
        .order_by("pk")[:100]
    )
    context = {
        "group": group,
        "service": group.service,
        "page": members,
        "members": queries.rows_for(request.user, list(members.object_list)),
        "others": queries.rows_for(request.user, others),
        "sessions": queries.sessions_of(group.service, group=group)[:10],
    }
    return render(request, "services/delivery/group.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    group = queries.access_group(request.user, group_id)
    form = GroupEditForm(
        request.POST or None, initial={"name": group.name, "is_active": group.is_active}
    )
    back = reverse("services:group_detail", args=[group.pk])
    if request.method == "POST" and form.is_valid():
        try:
            actions.group_update(
                actor=request.user,
                group=group,
                name=form.cleaned_data["name"],
                is_active=form.cleaned_data["is_active"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(back)
    context = {"service": group.service}
    return _form_page(request, form, _("Edit the group"), back, context)


@login_required
@require_POST
def group_assign(request: HttpRequest, group_id: int) -> HttpResponse:
    """Add the ticked enrolments to the group; each carries the version shown."""
    group = queries.access_group(request.user, group_id)
    versions: dict[int, int] = {}
    for value in request.POST.getlist("enrolment"):
        pk, _sep, version = value.partition(":")
        if pk.isdigit() and version.isdigit():
            versions[int(pk)] = int(version)
    try:
        moved = actions.enrolments_to_group(
            actor=request.user, group=group, versions=versions, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s person added to the group.",
                "%(n)s people added to the group.",
                moved,
            )
            % {"n": moved},
        )
    return redirect("services:group_detail", group_id=group.pk)
