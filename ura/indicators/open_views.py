"""Open statistics (no login): the published indicators for a year and a place,
and one of them with its breakdown and trend, every small cell hidden."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ura.indicators.forms import OpenFilterForm
from ura.indicators.models import Indicator
from ura.indicators.open_queries import (
    open_report,
    open_table,
    open_threshold,
    published,
)


def _form(request: HttpRequest, indicator: Indicator | None = None) -> OpenFilterForm:
    given = {key: value for key, value in request.GET.items() if value}
    return OpenFilterForm({**OpenFilterForm.defaults(), **given}, indicator=indicator)


@require_GET
def table(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    rows = None
    if form.is_valid():
        rows = open_table(form.cleaned_data["period"], form.cleaned_data["place"])
    context = {
        "form": form,
        "rows": rows,
        "period": form.cleaned_data.get("period") if rows is not None else None,
        "place": form.cleaned_data.get("place") if rows is not None else None,
        "threshold": open_threshold(),
    }
    return render(request, "indicators/open_table.html", context)


@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        indicator = published().get(code=code)
    except Indicator.DoesNotExist:
        raise Http404 from None
    form = _form(request, indicator)
    report = None
    if form.is_valid():
        data = form.cleaned_data
        report = open_report(
            indicator, data["period"], data["place"], data.get("by") or None
        )
    context = {
        "form": form,
        "indicator": indicator,
        "report": report,
        "threshold": open_threshold(),
    }
    return render(request, "indicators/open_detail.html", context)
