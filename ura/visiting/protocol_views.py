"""The visit protocol pages, for administrators: the list, a new protocol, and
one protocol with all its visits edited and saved together."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from ura.access.rules import Permission, may
from ura.core.pagination import paginate
from ura.visiting import protocols, rescheduling
from ura.visiting.forms import ProtocolForm, VisitFormSet
from ura.visiting.models import (
    EnrolmentStatus,
    Protocol,
    ScheduleUpdate,
    ScheduleUpdateStatus,
)
from ura.visiting.views import add_errors

VISIT_FIELDS = ("name", "anchor", "target", "opens", "due", "overdue", "closes")


def _require(request: HttpRequest) -> None:
    if not may(request.user, Permission.MANAGE_VISIT_PROTOCOLS):
        raise PermissionDenied


@login_required
@require_GET
def protocol_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    rows = Protocol.objects.annotate(
        visit_count=Count("visits", distinct=True),
        active_enrolments=Count(
            "enrolments",
            filter=Q(enrolments__status=EnrolmentStatus.ACTIVE),
            distinct=True,
        ),
    ).order_by("kind", "name")
    return render(request, "visiting/protocols.html", {"page": paginate(request, rows)})


def _visits_initial(protocol: Protocol | None) -> list[dict]:
    if protocol is None:
        return []
    return [
        {"pk": v.pk, "sections": v.sections, **{f: getattr(v, f) for f in VISIT_FIELDS}}
        for v in protocol.visits.order_by("anchor", "target", "pk")
    ]


def _visit_inputs(formset: VisitFormSet) -> list[protocols.VisitInput]:
    inputs = []
    for form in formset.forms:
        # An extra row left empty has no data; a row ticked "delete" goes.
        if not form.cleaned_data or form.cleaned_data.get("DELETE"):
            continue
        inputs.append(form.to_input())
    return inputs


@login_required
@require_http_methods(["GET", "POST"])
def protocol_edit(request: HttpRequest, protocol_id: int | None = None) -> HttpResponse:
    """A new protocol (no id) or one protocol, its visits saved as a whole."""
    _require(request)
    protocol = None
    if protocol_id is not None:
        protocol = Protocol.objects.filter(pk=protocol_id).first()
        if protocol is None:
            raise Http404
    initial = (
        {
            "version": protocol.version,
            "name": protocol.name,
            "kind": protocol.kind,
            "description": protocol.description,
            "is_default": protocol.is_default,
            "is_active": protocol.is_active,
        }
        if protocol
        else {"is_active": True}
    )
    form = ProtocolForm(request.POST or None, initial=initial)
    if request.method == "POST":
        # Every posted row is read as typed (not compared with the rows shown),
        # so a row left as it was still counts.
        formset = VisitFormSet(request.POST, prefix="visits")
    else:
        formset = VisitFormSet(initial=_visits_initial(protocol), prefix="visits")
    problems: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            if protocol is None:
                protocol = protocols.protocol_create(
                    actor=request.user,
                    name=data["name"],
                    kind=data["kind"],
                    description=data["description"],
                    is_default=data["is_default"],
                    visits=_visit_inputs(formset),
                    request=request,
                )
                messages.success(request, _("The protocol is saved."))
            else:
                saved = protocols.protocol_update(
                    actor=request.user,
                    protocol=protocol,
                    expected_version=data["version"] or 0,
                    name=data["name"],
                    kind=data["kind"],
                    description=data["description"],
                    is_default=data["is_default"],
                    is_active=data["is_active"],
                    visits=_visit_inputs(formset),
                    request=request,
                )
                messages.success(request, _saved_message(saved))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                add_errors(form, exc)
            else:
                problems = exc.messages
        except protocols.NotAllowed:
            raise PermissionDenied from None
        else:
            return redirect("visiting:protocol_edit", protocol_id=protocol.pk)
    context = {
        "protocol": protocol,
        "form": form,
        "formset": formset,
        "problems": problems,
        "schedule_update": _update_shown(protocol),
    }
    return render(request, "visiting/protocol_form.html", context)


def _saved_message(saved: protocols.ProtocolSaved) -> str:
    n = saved.rescheduled
    if saved.update is not None:
        return ngettext(
            "The protocol is saved. The schedule of %(n)s active enrolment is "
            "being updated to follow it: this page shows how far it is.",
            "The protocol is saved. The schedules of %(n)s active enrolments are "
            "being updated to follow it: this page shows how far it is.",
            n,
        ) % {"n": n}
    return ngettext(
        "The protocol is saved; the schedule of %(n)s active enrolment follows it.",
        "The protocol is saved; the schedules of %(n)s active enrolments follow it.",
        n,
    ) % {"n": n}


def _update_shown(protocol: Protocol | None) -> dict | None:
    """The last update of the protocol's schedules: while it runs, once it
    stopped with an error, and for a few minutes after it finished."""
    job = protocol.schedule_updates.first() if protocol else None
    if job is None:
        return None
    if job.status == ScheduleUpdateStatus.DONE and (
        job.finished_at < timezone.now() - rescheduling.STALLED_AFTER
    ):
        return None
    return _update_context(job)


def _update_context(job: ScheduleUpdate) -> dict:
    stalled = rescheduling.is_stalled(job)
    running = job.status == ScheduleUpdateStatus.RUNNING and not stalled
    return {"job": job, "running": running, "stopped": not running and (
        stalled or job.status == ScheduleUpdateStatus.FAILED)}  # fmt: skip


@login_required
@require_GET
def protocol_schedules(request: HttpRequest, protocol_id: int) -> HttpResponse:
    """How far the update of a protocol's schedules is (htmx asks every second
    while it runs)."""
    _require(request)
    job = ScheduleUpdate.objects.filter(protocol_id=protocol_id).first()
    if job is None:
        raise Http404
    if not request.htmx:
        return redirect("visiting:protocol_edit", protocol_id=protocol_id)
    context = {"schedule_update": _update_context(job)}
    return render(request, "visiting/_schedule_update.html", context)
