from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ura.access.rules import AGGREGATE_ROLES, Permission, may, roles_of
from ura.statistics.queries import people_by_place
from ura.visiting import worklists as visiting_worklists
from ura.workspace import case_panels, queries, referral_panels, service_panels


@require_GET
def root(request: HttpRequest) -> HttpResponse:
    return redirect(
        "workspace:home" if request.user.is_authenticated else "accounts:login"
    )


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    statistics = None
    # The figures are the landing page of the roles that see only figures; a
    # supervisor's is the team's caseload, with the figures one click away (the
    # "Statistics" link), because counting a municipality's people on every visit
    # cost the busiest page up to 350 ms (docs/benchmarks.md).
    if roles_of(user) & AGGREGATE_ROLES and may(user, Permission.VIEW_STATISTICS):
        statistics = people_by_place(user=user)
    context = {
        "panels": queries.people_panels(user),
        "team": queries.team_caseloads(user),
        "statistics": statistics,
        "admin_counts": queries.admin_counts(user),
        "worker_cases": case_panels.worker_panels(user),
        "supervisor_cases": case_panels.supervisor_panels(user),
        "follow_ups": case_panels.follow_up_panels(user),
        "referrals": referral_panels.referral_panels(user),
        "services_today": service_panels.my_services_today(user),
        "visits_today": visiting_worklists.today_panel(user=user, request=request),
        "visiting_centres": visiting_worklists.centre_panel(user),
    }
    return render(request, "workspace/home.html", context)
