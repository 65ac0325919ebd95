"""The indicator pages: every indicator for a place and period, one indicator with
its breakdown and trend, and their CSV exports. Figures only, for the places of the
user's statistics scope; the exports are audited."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ura.access.rules import Permission, may, statistics_places
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.csv import csv_safe
from ura.indicators.compute import Number
from ura.indicators.dashboard_queries import dashboard as dashboard_of
from ura.indicators.dashboard_queries import equity_groups, equity_table
from ura.indicators.dhis2_queries import (
    data_sets,
    data_value_set,
    mapping_rows,
    may_export_to_dhis2,
)
from ura.indicators.forms import Dhis2ExportForm, IndicatorFilterForm
from ura.indicators.models import Indicator, IndicatorKind
from ura.indicators.queries import (
    IndicatorReport,
    OutOfScope,
    TableRow,
    indicator_report,
    indicator_table,
    indicators_all,
)
from ura.indicators.suppression import THRESHOLD
from ura.statistics.queries import suppresses_small_cells

T = TypeVar("T")


def _allowed(request: HttpRequest, permission: Permission) -> None:
    if not may(request.user, permission):
        raise PermissionDenied


def _form(
    request: HttpRequest, indicator: Indicator | None = None
) -> IndicatorFilterForm:
    places = tuple(statistics_places(request.user))
    # What the address leaves out or blank is this year's widest place: a link
    # with only a period still shows figures.
    given = {key: value for key, value in request.GET.items() if value}
    data = {**IndicatorFilterForm.defaults(places), **given}
    return IndicatorFilterForm(data, places=places, indicator=indicator)


def _indicator(code: str) -> Indicator:
    try:
        return indicators_all().get(code=code)
    except Indicator.DoesNotExist:
        raise Http404 from None


def _scoped(
    request: HttpRequest, build: Callable[..., T]
) -> tuple[IndicatorFilterForm, T | None]:
    """The page's filter form and what ``build`` makes for its period and place
    (None while the form is invalid); a place out of scope is refused."""
    form = _form(request)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    try:
        return form, build(
            user=request.user, period=data["period"], place=data["place"]
        )
    except OutOfScope:
        raise PermissionDenied from None


def _table(request: HttpRequest) -> tuple[IndicatorFilterForm, list[TableRow] | None]:
    return _scoped(request, indicator_table)


def _report(
    request: HttpRequest, code: str
) -> tuple[IndicatorFilterForm, IndicatorReport | None]:
    indicator = _indicator(code)
    form = _form(request, indicator)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    try:
        return form, indicator_report(
            user=request.user,
            indicator=indicator,
            period=data["period"],
            place=data["place"],
            by=data.get("by") or None,
        )
    except OutOfScope:
        raise PermissionDenied from None


@login_required
@require_GET
def table(request: HttpRequest) -> HttpResponse:
    _allowed(request, Permission.VIEW_STATISTICS)
    form, rows = _table(request)
    context = {
        "form": form,
        "rows": rows,
        "period": form.cleaned_data.get("period") if rows is not None else None,
        "place": form.cleaned_data.get("place") if rows is not None else None,
        "query": request.GET.urlencode(),
        "may_export": may(request.user, Permission.EXPORT_STATISTICS),
        "may_dhis2": may_export_to_dhis2(request.user),
    }
    return render(request, "indicators/table.html", context)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard of a place (the country, a region, a municipality): the
    headline indicators with their trends, and the places within compared."""
    _allowed(request, Permission.VIEW_STATISTICS)
    form, board = _scoped(request, dashboard_of)
    return render(request, "indicators/dashboard.html", {"form": form, "board": board})


@login_required
@require_GET
def equity(request: HttpRequest) -> HttpResponse:
    """Every indicator among Roma, Ashkali and Egyptian children, children with
    a functional difficulty and children in poor households, beside everyone."""
    _allowed(request, Permission.VIEW_STATISTICS)
    form, rows = _scoped(request, equity_table)
    context = {
        "form": form,
        "rows": rows,
        "groups": equity_groups(),
        "period": form.cleaned_data.get("period") if rows is not None else None,
        "place": form.cleaned_data.get("place") if rows is not None else None,
        "suppresses": suppresses_small_cells(request.user),
    }
    return render(request, "indicators/equity.html", context)


@login_required
@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    _allowed(request, Permission.VIEW_STATISTICS)
    form, report = _report(request, code)
    context = {
        "form": form,
        "indicator": _indicator(code) if report is None else report.indicator,
        "report": report,
        "query": request.GET.urlencode(),
        "may_export": may(request.user, Permission.EXPORT_STATISTICS),
    }
    return render(request, "indicators/detail.html", context)


def _csv_response(name: str) -> tuple[HttpResponse, csv.writer]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response, csv.writer(response)


def cell(value: Number, kind: str, hidden: bool = False) -> object:
    """A value as a CSV cell: "<5" when hidden, empty for no data, a share as a
    fraction."""
    if hidden:
        return f"<{THRESHOLD}"
    if value is None:
        return ""
    if kind in (IndicatorKind.SHARE, IndicatorKind.MEDIAN_DURATION):
        return round(value, 4)
    return value


@login_required
@require_GET
def table_export(request: HttpRequest) -> HttpResponse:
    _allowed(request, Permission.EXPORT_STATISTICS)
    form, rows = _table(request)
    if rows is None:
        raise Http404
    period, place = form.cleaned_data["period"], form.cleaned_data["place"]
    record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="indicators.table",
        detail=f"csv, {period.code}, place {place.code}",
        request=request,
    )
    response, writer = _csv_response(f"indicators-{place.code}-{period.code}.csv")
    previous = period.previous().code
    writer.writerow([_("Code"), _("Indicator"), _("Place"), period.code, previous])
    for row in rows:
        kind = row.indicator.kind
        writer.writerow(
            [
                csv_safe(row.indicator.code),
                csv_safe(row.indicator.name),
                csv_safe(place.name),
                cell(row.now.value, kind, row.now.total_hidden),
                cell(row.before.value, kind, row.before.total_hidden),
            ]
        )
    return response


@login_required
@require_GET
def detail_export(request: HttpRequest, code: str) -> HttpResponse:
    _allowed(request, Permission.EXPORT_STATISTICS)
    _form_, report = _report(request, code)
    if report is None:
        raise Http404
    record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="indicators.indicator",
        object_id=str(report.indicator.pk),
        detail=(
            f"csv, {report.period.code}, place {report.place.code}"
            f"{', by ' + report.by if report.by else ''}"
        ),
        request=request,
    )
    name = f"{report.indicator.code}-{report.place.code}-{report.period.code}.csv"
    response, writer = _csv_response(name)
    write_report(writer, report)
    return response


def write_report(writer: csv.writer, report: IndicatorReport) -> None:
    kind = report.indicator.kind
    writer.writerow([_("Indicator"), csv_safe(report.indicator.code)])
    writer.writerow([_("Name"), csv_safe(report.indicator.name)])
    writer.writerow([_("Period"), report.period.code])
    writer.writerow([_("Place"), csv_safe(report.place.name)])
    writer.writerow([])
    writer.writerow([report.by_label or _("Breakdown"), _("Code"), _("Value")])
    shown = report.shown
    writer.writerow([_("Total"), "", cell(shown.value, kind, shown.total_hidden)])
    for row in report.rows:
        value = cell(row.value, kind, row.hidden)
        writer.writerow([csv_safe(row.label), csv_safe(row.key), value])


# --- DHIS2 ------------------------------------------------------------------


def _dhis2_form(request: HttpRequest) -> Dhis2ExportForm:
    if not may_export_to_dhis2(request.user):
        raise PermissionDenied
    places = tuple(statistics_places(request.user))
    sets = data_sets()
    given = {key: value for key, value in request.GET.items() if value}
    data = {**Dhis2ExportForm.defaults(places, sets), **given}
    return Dhis2ExportForm(data, places=places, data_sets=sets)


@login_required
@require_GET
def dhis2(request: HttpRequest) -> HttpResponse:
    """The DHIS2 export: a data set's mapping, and the download of its values."""
    form = _dhis2_form(request)
    data_set = form.data.get("data_set")
    context = {
        "form": form,
        "valid": form.is_valid(),
        "rows": mapping_rows(data_set) if data_set in data_sets() else [],
        "query": request.GET.urlencode(),
    }
    return render(request, "indicators/dhis2.html", context)


@login_required
@require_GET
def dhis2_export(request: HttpRequest) -> HttpResponse:
    form = _dhis2_form(request)
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    period, place, level = data["period"], data["place"], data["level"] or None
    try:
        payload = data_value_set(
            user=request.user,
            data_set=data["data_set"],
            period=period,
            place=place,
            level=level,
        )
    except OutOfScope:
        raise PermissionDenied from None
    record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="indicators.dhis2_mapping",
        object_id=data["data_set"],
        detail=f"dataValueSet, {period.code}, place {place.code}"
        + (f", each {level}" if level else ""),
        request=request,
    )
    response = JsonResponse(payload, json_dumps_params={"indent": 1})
    name = f"{data['data_set']}-{place.code}-{period.code}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
