"""Programme pages: parse, ask the programme queries, call an action, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ura.access.rules import Permission, may
from ura.core.pagination import paginate
from ura.directory import programme_actions as actions
from ura.directory import programme_queries as queries
from ura.directory.models import Programme
from ura.directory.programme_forms import ProgrammeForm


def _require_view(request: HttpRequest) -> None:
    if not queries.may_see_programmes(request.user):
        raise PermissionDenied


def _require_administer(request: HttpRequest) -> None:
    if not may(request.user, Permission.ADMINISTER):
        raise PermissionDenied


def _errors_into(form: ProgrammeForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _back(programme: Programme) -> HttpResponse:
    return redirect("directory:programme_detail", programme_id=programme.pk)


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    active_only = request.GET.get("show") != "all"
    page = paginate(
        request, queries.programme_list(user=request.user, active_only=active_only)
    )
    context = {
        "page": page,
        "active_only": active_only,
        "may_administer": may(request.user, Permission.ADMINISTER),
    }
    return render(request, "directory/programme_list.html", context)


@login_required
@require_GET
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    _require_view(request)
    programme = queries.access_programme(request.user, programme_id)
    page = queries.programme_page(
        user=request.user, programme=programme, request=request
    )
    context = {
        "page": page,
        "programme": programme,
        "may_administer": may(request.user, Permission.ADMINISTER),
    }
    return render(request, "directory/programme_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    _require_administer(request)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = actions.programme_create(
                actor=request.user,
                data=form.programme_data(),
                funders=form.cleaned_data["funders"],
                request=request,
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("The programme is saved."))
            return _back(programme)
    context = {"form": form, "title": _("New programme")}
    return render(request, "directory/programme_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, programme_id: int) -> HttpResponse:
    _require_administer(request)
    programme = queries.access_programme(request.user, programme_id)
    form = ProgrammeForm(
        request.POST or None, initial=ProgrammeForm.initial_of(programme)
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.programme_update(
                actor=request.user,
                programme=programme,
                data=form.programme_data(),
                funders=form.cleaned_data["funders"],
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("The changes are saved."))
            return _back(programme)
    context = {"form": form, "programme": programme, "title": programme.name}
    return render(request, "directory/programme_form.html", context)
