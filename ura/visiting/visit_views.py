"""Recording a home visit and reading it back: parse, ask the rules, call the
action or the query, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ura.cases.actions import NotAllowed as CaseNotAllowed
from ura.visiting import concerns, queries, visit_queries
from ura.visiting.actions import NotAllowed
from ura.visiting.forms import (
    ReferConcernForm,
    ReportConcernForm,
    VisitCorrectForm,
    VisitForm,
    visit_initial,
)
from ura.visiting.models import Enrolment
from ura.visiting.views import _require, add_errors
from ura.visiting.visit_actions import (
    Observations,
    may_record_visits,
    visit_correct,
    visit_record,
    visit_record_once,
)

OBSERVATIONS = list(Observations.__dataclass_fields__)


def _seen(data: dict) -> Observations:
    """What the form says was observed; a part left empty is not recorded."""
    return Observations(**{n: data[n] for n in OBSERVATIONS if data.get(n) is not None})


def _initial(request: HttpRequest, enrolment: Enrolment, choices) -> dict:  # noqa: ANN001
    chosen = request.GET.get("scheduled")
    scheduled = None
    if chosen and chosen.isdigit():
        scheduled = choices.filter(pk=chosen).first()
    scheduled = scheduled or visit_queries.suggested(choices)
    present = ["mother"] + (["child"] if enrolment.born_on else [])
    return {
        "visited_on": timezone.localdate(),
        "scheduled": scheduled.pk if scheduled else None,
        "present": present,
    }


def _open_sections(form: VisitForm, protocol: list[str] | None) -> set[str]:
    """The parts of the form open: the expected visit's parts (every part for a
    visit off the schedule being recorded, ``None``), and any part with an error
    or a value."""
    sections: set[str] = {"visit", "concerns"}
    sections |= set(type(form).FIELDSETS if protocol is None else protocol)
    for name, fields in type(form).FIELDSETS.items():
        if any(form[f].errors or form[f].value() for f in fields if f != "present"):
            sections.add(name)
    return sections


def _chosen_sections(form: VisitForm) -> list[str] | None:
    """What the protocol records at the visit chosen on the form (None: none
    chosen)."""
    scheduled = form["scheduled"].value()
    if not scheduled:
        return None
    visit = form.fields["scheduled"].queryset.filter(pk=scheduled).first()
    return list(visit.sections) if visit else []


def _tried(form: Form, run, not_allowed=(NotAllowed,)):  # noqa: ANN001, ANN201
    """Run an action for a form: its refusals become the form's errors (and
    ``None``), a refusal of the user a 403."""
    try:
        return run()
    except ValidationError as exc:
        add_errors(form, exc)
    except not_allowed:
        raise PermissionDenied from None
    return None


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    _require(request)
    enrolment = queries.access_enrolment(request.user, enrolment_id)
    if not enrolment.is_active or not may_record_visits(request.user, enrolment):
        raise PermissionDenied
    choices = visit_queries.recordable(enrolment)
    if request.method == "POST":
        form = VisitForm(request.POST, scheduled=choices)
        if form.is_valid():
            data = form.cleaned_data
            seen = _seen(data)
            done = _tried(
                form,
                lambda: visit_record_once(
                    actor=request.user,
                    key=data["token"],
                    create=lambda: visit_record(
                        actor=request.user,
                        enrolment=enrolment,
                        visited_on=data["visited_on"],
                        scheduled=data["scheduled"],
                        seen=seen,
                        request=request,
                    ),
                ),
            )
            if done is not None:
                visit, created = done
                if created:
                    messages.success(request, _("The visit is recorded."))
                return redirect("visiting:visit", visit_id=visit.pk)
    else:
        form = VisitForm(
            scheduled=choices, initial=_initial(request, enrolment, choices)
        )
    context = {
        "enrolment": enrolment,
        "form": form,
        "open_sections": _open_sections(form, _chosen_sections(form)),
    }
    return render(request, "visiting/visit_new.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def visit_change(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Correct a visit recorded wrongly; a stale form is refused."""
    _require(request)
    visit = visit_queries.access_visit(request.user, visit_id)
    enrolment = visit.enrolment
    if not enrolment.is_active or not may_record_visits(request.user, enrolment):
        raise PermissionDenied
    if request.method == "POST":
        form = VisitCorrectForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            seen = _seen(data)
            corrected = _tried(
                form,
                lambda: visit_correct(
                    actor=request.user,
                    visit=visit,
                    expected_version=data["version"],
                    visited_on=data["visited_on"],
                    seen=seen,
                    request=request,
                ),
            )
            if corrected is not None:
                messages.success(request, _("The visit is corrected."))
                return redirect("visiting:visit", visit_id=visit.pk)
    else:
        form = VisitCorrectForm(initial=visit_initial(visit))
    context = {
        "enrolment": enrolment,
        "visit": visit,
        "form": form,
        "open_sections": _open_sections(
            form, list(visit.scheduled.sections) if visit.scheduled_id else []
        ),
    }
    return render(request, "visiting/visit_new.html", context)


# --- From concern to action ------------------------------------------------------


def _concern_forms(request: HttpRequest, visit, page) -> dict:  # noqa: ANN001
    """The two ways to act on the concerns not yet acted on."""
    open_concerns = page.open_concerns
    if not page.may_act or not open_concerns:
        return {}
    first = open_concerns[0]
    enrolment = visit.enrolment
    about_caregiver = first in concerns.ABOUT_THE_CAREGIVER or not enrolment.child_id
    forms = {
        "refer": ReferConcernForm(
            services=concerns.services_for(request.user, visit),
            concerns=open_concerns,
            initial={
                "concern": first,
                "who": "caregiver" if about_caregiver else "child",
                "reason": visit.concern_note,
                "consent_given_on": visit.visited_on,
            },
        )
    }
    if enrolment.child_id:
        forms["report"] = ReportConcernForm(
            centres=concerns.centres_for(visit),
            concerns=open_concerns,
            initial={
                "concern": first,
                "risk_level": "high" if first == "violence" else "medium",
                "case_concerns": concerns.CASE_CONCERNS.get(first, []),
                "summary": visit.concern_note,
            },
        )
    return forms


def _visit_page(
    request: HttpRequest, visit_id: int, failed: tuple[str, Form] | None = None
) -> HttpResponse:
    _require(request)
    visit = visit_queries.access_visit(request.user, visit_id)
    page = visit_queries.visit_page(user=request.user, visit=visit, request=request)
    forms = _concern_forms(request, visit, page)
    if failed:
        forms[failed[0]] = failed[1]
    context = {
        "page": page,
        "visit": visit,
        "forms": forms,
        "open_form": failed[0] if failed else "",
    }
    return render(request, "visiting/visit.html", context)


@login_required
@require_GET
def visit_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    return _visit_page(request, visit_id)


def _act(request: HttpRequest, visit_id: int, name: str) -> HttpResponse:
    _require(request)
    visit = visit_queries.access_visit(request.user, visit_id)
    if name == "refer":
        form = ReferConcernForm(
            request.POST,
            services=concerns.services_for(request.user, visit, shown=None),
            concerns=visit.concerns,
        )
    else:
        form = ReportConcernForm(
            request.POST, centres=concerns.centres_for(visit), concerns=visit.concerns
        )
    if form.is_valid():
        data = form.cleaned_data
        acted = _tried(
            form,
            lambda: concerns.concern_act_once(
                actor=request.user,
                key=data["token"],
                create=lambda: _run(request, visit, name, data),
            ),
            not_allowed=(NotAllowed, CaseNotAllowed),
        )
        if acted is not None:
            done, created = acted
            if created and done.referral_id:
                messages.success(
                    request,
                    _("Referral %(reference)s is sent to %(agency)s.")
                    % {
                        "reference": done.referral.reference,
                        "agency": done.referral.to_agency,
                    },
                )
            elif created:
                messages.success(
                    request,
                    _("Case %(reference)s is open at %(agency)s.")
                    % {"reference": done.case.reference, "agency": done.case.agency},
                )
            return redirect("visiting:visit", visit_id=visit.pk)
    return _visit_page(request, visit_id, failed=(name, form))


def _run(request: HttpRequest, visit, name: str, data: dict):  # noqa: ANN001, ANN202
    if name == "refer":
        return concerns.concern_refer(
            actor=request.user,
            visit=visit,
            concern=data["concern"],
            who=data["who"],
            service=data["service"],
            urgency=data["urgency"],
            reason=data["reason"],
            consent_given_by=data["consent_given_by"],
            consent_given_on=data["consent_given_on"],
            eligibility_note=data["eligibility_note"],
            request=request,
        )
    return concerns.concern_report(
        actor=request.user,
        visit=visit,
        concern=data["concern"],
        agency=data["agency"],
        risk_level=data["risk_level"],
        case_concerns=data["case_concerns"],
        summary=data["summary"],
        request=request,
    )


@login_required
@require_POST
def concern_refer(request: HttpRequest, visit_id: int) -> HttpResponse:
    return _act(request, visit_id, "refer")


@login_required
@require_POST
def concern_report(request: HttpRequest, visit_id: int) -> HttpResponse:
    return _act(request, visit_id, "report")
