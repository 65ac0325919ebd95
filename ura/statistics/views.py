import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ura.access.rules import Permission, may
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.statistics.queries import people_by_place, suppresses_small_cells

COLUMNS = ("children", "girls", "boys", "adults", "total")


@login_required
@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Permission.VIEW_STATISTICS):
        raise PermissionDenied
    rows = people_by_place(user=request.user)
    context = {
        "rows": rows,
        "suppressed": suppresses_small_cells(request.user),
        "may_export": may(request.user, Permission.EXPORT_STATISTICS),
    }
    return render(request, "statistics/summary.html", context)


@login_required
@require_GET
def summary_export(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Permission.EXPORT_STATISTICS):
        raise PermissionDenied
    rows = people_by_place(user=request.user)
    record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="statistics.people_by_place",
        detail=f"csv, {len(rows)} places",
        request=request,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="people-by-place.csv"'
    writer = csv.writer(response)
    writer.writerow(["place_code", "place", *COLUMNS])
    for row in rows:
        cells = ["<5" if row.cells[c] is None else row.cells[c] for c in COLUMNS]
        writer.writerow([row.code, row.name, *cells])
    return response
