from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ura.access.rules import Permission, may
from ura.audit.forms import AuditFilterForm
from ura.audit.models import AuditEvent
from ura.core.pagination import paginate


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """The whole log for administrators: ids and field names, never content."""
    if not may(request.user, Permission.VIEW_AUDIT_LOG):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.order_by("-seq")
    if form.is_valid():
        if form.cleaned_data["object_type"]:
            events = events.filter(object_type=form.cleaned_data["object_type"])
        if form.cleaned_data["object_id"]:
            events = events.filter(object_id=form.cleaned_data["object_id"])
        if form.cleaned_data["action"]:
            events = events.filter(action=form.cleaned_data["action"])
    page = paginate(request, events, per_page=50)
    return render(request, "audit/log.html", {"page": page, "form": form})
