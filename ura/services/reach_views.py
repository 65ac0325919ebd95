"""The reach page, its export and its refresh: parse the filters, ask the scope,
compute, render. Counts only; the export is audited."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ura.access.rules import roles_of
from ura.accounts.models import Role
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.csv import csv_safe
from ura.services import reach_refresh
from ura.services.reach import ReachFigures, reach_figures
from ura.services.reach_cells import FIGURES
from ura.services.reach_forms import ReachFilterForm, default_period
from ura.services.reach_models import ReachRefresh
from ura.services.reach_scope import ReachScope, reach_scope


def may_refresh(request: HttpRequest) -> bool:
    """Who may start a refresh from the page (everyone's figures refresh inline
    when few changes wait, and on the schedule)."""
    return bool(roles_of(request.user) & {Role.DATA_OFFICER, Role.SUPERVISOR})


def _form(request: HttpRequest, scope: ReachScope) -> ReachFilterForm:
    data = request.GET if "start" in request.GET else default_period()
    return ReachFilterForm(data, scope=scope)


def _computed(request: HttpRequest) -> tuple[ReachFilterForm, ReachFigures | None]:
    scope = reach_scope(request.user)
    form = _form(request, scope)
    if not form.is_valid():
        return form, None
    state = reach_refresh.ensure_fresh(actor=request.user)
    figures = reach_figures(
        user=request.user, filters=form.filters(), scope=scope, state=state
    )
    return form, figures


@login_required
@require_GET
def reach(request: HttpRequest) -> HttpResponse:
    form, figures = _computed(request)
    state = figures.freshness if figures else reach_refresh.freshness()
    headings = [str(label) for _key, label, _mask in FIGURES]
    context = {
        "form": form,
        "figures": figures,
        "headings": headings,
        "headline": list(zip(headings, figures.tables.totals, strict=True))
        if figures
        else [],
        "state": state,
        "may_refresh": may_refresh(request),
        "query": request.GET.urlencode() if "start" in request.GET else "",
    }
    return render(request, "services/reach.html", context)


@login_required
@require_GET
def reach_export(request: HttpRequest) -> HttpResponse:
    _form, figures = _computed(request)
    if figures is None:
        # The page shows what is wrong with the filters.
        url = reverse("services:reach")
        return redirect(f"{url}?{request.GET.urlencode()}")
    filters = figures.filters
    record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="services.reach",
        fields=[
            k
            for k in ("place", "programme", "agency", "service")
            if getattr(filters, k) is not None
        ],  # fmt: skip
        detail=f"csv, {filters.start.isoformat()} to {filters.end.isoformat()}",
        request=request,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"reach-{filters.start.isoformat()}-{filters.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    write_csv(response, figures)
    return response


def _cell(value: int | None) -> object:
    return "<5" if value is None else value


def write_csv(out: object, figures: ReachFigures) -> None:
    f = figures.filters
    writer = csv.writer(out)
    state = figures.freshness
    writer.writerow([_("Period"), f.start.isoformat(), f.end.isoformat()])
    for label, value in (
        (_("Living in"), f.place), (_("Programme"), f.programme),
        (_("Agency"), f.agency), (_("Service"), f.service),
    ):  # fmt: skip
        writer.writerow([label, csv_safe(str(value) if value else _("Any"))])
    as_of = state.as_of.isoformat(timespec="minutes") if state.as_of else ""
    writer.writerow([_("Figures as of"), as_of])
    writer.writerow([])
    writer.writerow([_("Breakdown"), _("Value"), *[str(x[1]) for x in FIGURES]])
    writer.writerow([_("Total"), "", *[_cell(v) for v in figures.tables.totals]])
    for breakdown in figures.tables.breakdowns:
        for row in breakdown.rows:
            cells = [_cell(v) for v in row.counts]
            writer.writerow([csv_safe(breakdown.label), csv_safe(row.label), *cells])
    writer.writerow([])
    writer.writerow(
        [_("Outreach contacts not yet registered"), "", _cell(figures.unregistered)]
    )


@login_required
@require_POST
def reach_refresh_start(request: HttpRequest) -> HttpResponse:
    reach_scope(request.user)
    if not may_refresh(request):
        raise PermissionDenied
    job = reach_refresh.refresh_start(actor=request.user)
    if job is None:
        running = reach_refresh.freshness().running
        if running is None:
            raise Http404
        job = running
    else:
        reach_refresh.refresh_in_background(job)
    return redirect("services:reach_refresh", job_id=job.pk)


@login_required
@require_GET
def reach_refresh_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """Progress while a refresh runs (htmx asks for the partial every second)."""
    reach_scope(request.user)
    if not may_refresh(request):
        raise PermissionDenied
    job = ReachRefresh.objects.filter(pk=job_id).first()
    if job is None:
        raise Http404
    context = {"job": job, "polling": job.status == "running"}
    if request.htmx:
        return render(request, "services/_reach_refresh.html", context)
    return render(request, "services/reach_refresh.html", context)
