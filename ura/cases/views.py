"""Case pages: parse, ask ura.access, call an action or a query, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ura.access.cases import CaseUse, access_case
from ura.access.rules import Permission, access_person, may
from ura.accounts.models import Role, User
from ura.cases import actions, queries
from ura.cases.forms import AssignForm, CaseFilterForm, CaseForm
from ura.core.pagination import paginate
from ura.core.sections import page_sections


def _require(request: HttpRequest, permission: Permission) -> None:
    if not may(request.user, permission):
        raise PermissionDenied


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    _require(request, Permission.VIEW_CASES)
    filters = CaseFilterForm(request.GET or None)
    cases = queries.case_search(user=request.user, filters=filters.filters())
    page = paginate(request, cases)
    template = "cases/_results.html" if request.htmx else "cases/list.html"
    return render(request, template, {"page": page, "filters": filters})


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, Permission.OPEN_CASE)
    person, _level = access_person(request.user, person_id, to_edit=True)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.case_open(
                actor=request.user,
                person=person,
                concerns=form.cleaned_data["concerns"],
                request=request,
                **form.case_data(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except actions.NotAllowed:
            raise PermissionDenied from None
        else:
            messages.success(request, _("The case is open."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/form.html", {"form": form, "person": person})


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    _require(request, Permission.VIEW_CASES)
    page = queries.case_page(user=request.user, case_id=case_id, request=request)
    context = {
        "page": page,
        "case": page.case,
        "sections": page_sections("case", request.user, page.case),
    }
    return render(request, "cases/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, to=CaseUse.WORK)
    initial = {
        "version": case.version,
        "risk_level": case.risk_level,
        "concerns": list(case.concerns.values_list("concern", flat=True)),
        "reported_on": case.reported_on,
        "reported_by": case.reported_by,
        "report_summary": case.report_summary,
    }
    form = CaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.case_update(
                actor=request.user,
                case=case,
                data=form.case_data(),
                concerns=form.cleaned_data["concerns"],
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
            )
        except ValidationError as exc:
            # What the user typed stays on the page with the message.
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request, "cases/form.html", {"form": form, "person": case.person, "case": case}
    )


def agency_workers(agency_id: int):  # noqa: ANN201
    """The social workers and supervisors of an agency, for assignment."""
    return (
        User.objects.filter(
            memberships__agency_id=agency_id,
            memberships__is_active=True,
            memberships__role__in=[Role.SOCIAL_WORKER, Role.SUPERVISOR],
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, to=CaseUse.ASSIGN)
    form = AssignForm(
        request.POST or None,
        workers=agency_workers(case.agency_id),
        initial={"version": case.version, "worker": case.worker_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.case_assign(
                actor=request.user,
                case=case,
                worker=form.cleaned_data["worker"],
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The case is assigned."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/assign.html", {"form": form, "case": case})
