"""The worklist pages: a nurse's today, a centre manager's overview and the
coverage report. Parse, ask the rules, call a query, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ura.access.rules import Permission, may
from ura.core.pagination import paginate
from ura.visiting import queries, worklists
from ura.visiting.coverage import coverage_report, coverage_scope
from ura.visiting.coverage_forms import CoverageFilterForm, default_filters


def _require(request: HttpRequest) -> None:
    if not may(request.user, Permission.ENROL_FAMILIES):
        raise PermissionDenied


@login_required
@require_GET
def today(request: HttpRequest) -> HttpResponse:
    """The nurse's visits due and overdue today, the most urgent first. A
    centre's manager who visits no family lands on the centre's page."""
    _require(request)
    user = request.user
    if not worklists.is_nurse(user):
        if queries.managed_centre_ids(user):
            return redirect("visiting:centre")
        raise PermissionDenied
    day = timezone.localdate()
    visits = worklists.nurse_today(user=user, today=day)
    page = paginate(request, visits)
    queries.list_audited(
        user=user, request=request, count=page.paginator.count, page="today"
    )
    context = {
        "page": page,
        "counts": worklists.today_counts(visits, day) if page.paginator.count else {},
        "today": day,
        "manages_centre": bool(queries.managed_centre_ids(user)),
    }
    return render(request, "visiting/today.html", context)


@login_required
@require_GET
def centre(request: HttpRequest) -> HttpResponse:
    """A centre manager's page: coverage of the families, visits per nurse,
    families not seen for N days (``?days=``)."""
    _require(request)
    user = request.user
    centres = worklists.centres_of(user)
    if not centres:
        raise PermissionDenied
    chosen = request.GET.get("centre", "")
    if chosen.isdigit() and any(c.pk == int(chosen) for c in centres):
        shown = [c for c in centres if c.pk == int(chosen)]
    else:
        chosen, shown = "", centres
    days = worklists.not_seen_days(request.GET.get("days", worklists.NOT_SEEN_DAYS))
    day = timezone.localdate()
    page = paginate(
        request,
        worklists.families_not_seen(user=user, centres=shown, days=days, today=day),
    )
    for enrolment in page:
        enrolment.days_unseen = worklists.days_since(enrolment.seen_since, day)
    queries.list_audited(
        user=user, request=request, count=page.paginator.count, page="centre"
    )
    context = {
        "centres": centres,
        "chosen": chosen,
        "coverage": worklists.centre_coverage(centres=shown, today=day),
        "nurses": worklists.nurse_loads(centres=shown, today=day),
        "days": days,
        "page": page,
        "today": day,
        "manages_centre": True,
    }
    return render(request, "visiting/centre.html", context)


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Infants who turned one in a period and place, and the share who received
    the recommended visits in their first year. Counts only."""
    scope = coverage_scope(request.user)
    data = request.GET if request.GET else default_filters()
    form = CoverageFilterForm(data, scope=scope)
    report = None
    if form.is_valid():
        report = coverage_report(scope=scope, filters=form.filters())
    context = {
        "form": form,
        "report": report,
        "manages_centre": bool(queries.managed_centre_ids(request.user)),
    }
    return render(request, "visiting/coverage.html", context)
