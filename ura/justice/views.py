"""Justice pages: parse, reach the case through ura.access, call an action, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ura.access.cases import CaseUse
from ura.access.rules import Permission, may
from ura.cases.models import Case
from ura.core.pagination import paginate
from ura.justice import actions, queries
from ura.justice.detention import alert_days, limit_days
from ura.justice.forms import (
    DiscriminationReportForm,
    InvolvementForm,
    MeasureForm,
    ProceedingForm,
    add_errors,
)


def _form_page(
    request: HttpRequest,
    *,
    case: Case,
    form: object,
    title: str,
    record: Model | None = None,
) -> HttpResponse:
    if record is not None and request.method == "GET":
        # An edit form shows what was written about the child.
        queries.audit_record_view(user=request.user, obj=record, request=request)
    return render(
        request, "justice/form.html", {"case": case, "form": form, "title": title}
    )


def _done(request: HttpRequest, case: Case, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("cases:detail", case_id=case.pk)


def _run(form: object, write) -> bool:  # noqa: ANN001
    """Call the action; its refusals land on the form. True when it was saved."""
    try:
        write()
    except ValidationError as exc:
        add_errors(form, exc)
        return False
    except actions.NotAllowed:
        raise PermissionDenied from None
    return True


@login_required
@require_http_methods(["GET", "POST"])
def involvement_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = queries.access_justice_case(request.user, case_id, to=CaseUse.WORK)
    form = InvolvementForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: actions.involvement_add(
                actor=request.user, case=case, request=request, **form.cleaned_data
            ),
        )
    ):
        return _done(request, case, _("The contact with the law is recorded."))
    return _form_page(
        request, case=case, form=form, title=_("Record contact with the law")
    )


@login_required
@require_http_methods(["GET", "POST"])
def proceeding_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = queries.access_justice_case(request.user, case_id, to=CaseUse.WORK)
    form = ProceedingForm(
        request.POST or None, involvements=queries.involvements_choice(case)
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: actions.proceeding_add(
                actor=request.user,
                involvement=form.cleaned_data["involvement"],
                request=request,
                **form.proceeding_data(),
            ),
        )
    ):
        return _done(request, case, _("The proceedings are recorded."))
    return _form_page(request, case=case, form=form, title=_("Add proceedings"))


@login_required
@require_http_methods(["GET", "POST"])
def proceeding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proceeding = queries.access_proceeding(request.user, pk, to=CaseUse.WORK)
    case = proceeding.involvement.case
    initial = {
        name: getattr(proceeding, name)
        for name in (
            "version",
            "kind",
            "authority",
            "authority_name",
            "reference",
            "stage",
            "stage_since",
        )
    }
    form = ProceedingForm(request.POST or None, initial=initial, editing=True)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: actions.proceeding_update(
                actor=request.user,
                proceeding=proceeding,
                data=form.proceeding_data(),
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
            ),
        )
    ):
        return _done(request, case, _("The changes are saved."))
    return _form_page(
        request, case=case, form=form, title=_("Edit proceedings"), record=proceeding
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_new(request: HttpRequest, pk: int) -> HttpResponse:
    proceeding = queries.access_proceeding(request.user, pk, to=CaseUse.WORK)
    case = proceeding.involvement.case
    form = MeasureForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: actions.measure_add(
                actor=request.user,
                proceeding=proceeding,
                request=request,
                **form.measure_data(),
            ),
        )
    ):
        return _done(request, case, _("The measure is recorded."))
    return _form_page(request, case=case, form=form, title=_("Add a measure"))


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = queries.access_measure(request.user, pk, to=CaseUse.WORK)
    case = measure.proceeding.involvement.case
    initial = {
        name: getattr(measure, name)
        for name in ("version", "kind", "started_on", "ended_on", "note")
    }
    form = MeasureForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: actions.measure_update(
                actor=request.user,
                measure=measure,
                data=form.measure_data(),
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
            ),
        )
    ):
        return _done(request, case, _("The changes are saved."))
    return _form_page(
        request, case=case, form=form, title=_("Edit a measure"), record=measure
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = queries.access_justice_case(request.user, case_id, to=CaseUse.WORK)
    form = DiscriminationReportForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: actions.discrimination_report_add(
                actor=request.user,
                case=case,
                data=form.report_data(),
                request=request,
            ),
        )
    ):
        return _done(request, case, _("The discrimination report is recorded."))
    return _form_page(
        request, case=case, form=form, title=_("Record a discrimination report")
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = queries.access_report(request.user, pk, to=CaseUse.WORK)
    case = report.case
    initial = {
        name: getattr(report, name)
        for name in DiscriminationReportForm.base_fields
        if name != "place"
    }
    initial["place"] = report.place_id
    form = DiscriminationReportForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: actions.discrimination_report_update(
                actor=request.user,
                report=report,
                data=form.report_data(),
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
            ),
        )
    ):
        return _done(request, case, _("The changes are saved."))
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Edit a discrimination report"),
        record=report,
    )


@login_required
@require_GET
def detention_list(request: HttpRequest) -> HttpResponse:
    """Children in pre-trial detention near or past the limit, on the user's cases."""
    if not may(request.user, Permission.VIEW_CASES):
        raise PermissionDenied
    rows = queries.detention_alerts_read(user=request.user, request=request)
    page = paginate(request, rows)
    context = {"page": page, "limit_days": limit_days(), "alert_days": alert_days()}
    return render(request, "justice/detention.html", context)
