"""Referral pages: parse, ask the access rules, call an action or a query, render.

Each step after sending (accept, decline, start, complete, close, withdraw)
posts its own small form from the referral's page; a refusal shows that form
alone with the message and what was typed, a success goes back to the page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ura.access.cases import CaseUse, access_case
from ura.access.models import GrantLevel
from ura.access.rules import Permission, access_person, may, roles_of
from ura.accounts.models import Role
from ura.cases.consent import sharing_allowed
from ura.core.pagination import paginate
from ura.directory.eligibility import eligibility_problems
from ura.referrals import actions, queries
from ura.referrals.forms import STEP_FORMS, ListFilter, PeriodForm, SendForm
from ura.referrals.models import Referral
from ura.referrals.response_times import report_scope, response_times


def _require_any(request: HttpRequest, *permissions: Permission) -> None:
    if not any(may(request.user, p) for p in permissions):
        raise PermissionDenied


def directory_search_url(**params: object) -> str | None:
    """The directory's search with the person and case filled in, if the
    directory pages are installed."""
    try:
        url = reverse("directory:search")
    except NoReverseMatch:
        return None
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    return f"{url}?{query}" if query else url


def _add_errors(form: Form, exc: ValidationError) -> None:
    """A refusal's messages on their fields, or above the form when the field
    is not on it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


# --- Lists --------------------------------------------------------------------


@login_required
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    """My referrals (or, for a supervisor, their team's)."""
    _require_any(request, Permission.SEND_REFERRALS)
    filters = ListFilter(request.GET)
    status, overdue = filters.values()
    team = bool(queries.supervised_senders(request.user))
    who = "team" if team and request.GET.get("who") == "team" else "mine"
    rows = queries.referrals_sent(
        user=request.user, who=who, status=status, overdue=overdue
    )
    page = paginate(request, rows)
    queries.list_audited(
        user=request.user,
        request=request,
        filters={"status": status != "open", "overdue": overdue, "who": who == "team"},
        count=page.paginator.count,
    )
    context = {
        "page": page,
        "filters": filters,
        "who": who,
        "may_see_team": team,
        "side": "sent",
    }
    return render(request, "referrals/list.html", context)


@login_required
@require_GET
def referral_incoming(request: HttpRequest) -> HttpResponse:
    """Referrals to my agency: the overdue first, then the newest."""
    _require_any(request, Permission.RECEIVE_REFERRALS)
    filters = ListFilter(request.GET)
    status, overdue = filters.values()
    page = paginate(
        request,
        queries.referrals_received(user=request.user, status=status, overdue=overdue),
    )
    queries.list_audited(
        user=request.user,
        request=request,
        filters={"status": status != "open", "overdue": overdue},
        count=page.paginator.count,
    )
    context = {"page": page, "filters": filters, "side": "received"}
    return render(request, "referrals/list.html", context)


# --- Sending ------------------------------------------------------------------


def _person_and_case(request: HttpRequest, params):  # noqa: ANN001, ANN202
    case = None
    if params.get("case"):
        case = access_case(request.user, params["case"], to=CaseUse.WORK)
        if not case.is_open:
            raise PermissionDenied
        person = case.person
        if params.get("person") and str(params["person"]) != str(person.pk):
            raise Http404
        return person, case
    if not params.get("person"):
        return None, None
    person, level = access_person(request.user, params["person"])
    if level != GrantLevel.FULL:
        # Only who sees the whole record may refer the child.
        raise Http404
    return person, case


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    """Refer a person (``?person=``) or the child of a case (``?case=``), to a
    service (``?service=``, chosen in the directory)."""
    _require_any(request, Permission.SEND_REFERRALS)
    params = request.POST if request.method == "POST" else request.GET
    person, case = _person_and_case(request, params)
    search_url = directory_search_url(
        person=person.pk if person else "", case=case.pk if case else ""
    )
    if person is None:
        return render(
            request, "referrals/new.html", {"person": None, "search_url": search_url}
        )
    service = None
    if params.get("service"):
        service = actions.referable_services().filter(pk=params["service"]).first()
    form = SendForm(
        request.POST or None,
        has_case=case is not None,
        initial={"service": service.pk if service else None},
    )
    if request.method == "POST" and form.is_valid():
        service = form.cleaned_data["service"]
    consent_missing = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral, created = actions.referral_send_once(
                actor=request.user,
                key=f"referral-form:{data['token']}",
                send=lambda: actions.referral_send(
                    actor=request.user,
                    person=person,
                    case=case,
                    service=data["service"],
                    urgency=data["urgency"],
                    reason=data["reason"],
                    shared=data["shared"],
                    consent_given_by=data.get("consent_given_by", ""),
                    consent_given_on=data.get("consent_given_on"),
                    eligibility_note=data["eligibility_note"],
                    request=request,
                ),
            )
        except actions.ConsentMissing as exc:
            consent_missing = True
            form.add_error(None, exc)
        except ValidationError as exc:
            _add_errors(form, exc)
        except actions.NotAllowed:
            raise PermissionDenied from None
        else:
            if created:
                messages.success(
                    request,
                    _("Referral %(reference)s is sent to %(agency)s.")
                    % {"reference": referral.reference, "agency": referral.to_agency},
                )
            else:
                messages.info(request, _("This referral was already sent."))
            return redirect("referrals:detail", referral_id=referral.pk)
    problems: list[str] = []
    if service is not None:
        problems = eligibility_problems(
            service,
            person,
            on=timezone.localdate(),
            concerns=actions.case_concerns(case),
        )
        if case is not None and not sharing_allowed(case, service.agency):
            consent_missing = True
    context = {
        "form": form,
        "person": person,
        "case": case,
        "service": service,
        "problems": problems,
        "consent_missing": consent_missing,
        "consent_message": actions.ConsentMissing(service.agency).messages[0]
        if consent_missing and service
        else "",
        "search_url": search_url,
    }
    return render(request, "referrals/new.html", context)


# --- One referral -------------------------------------------------------------


def _step_forms(page: queries.ReferralPage) -> list[tuple[str, str, Form]]:
    """(step, title, form) for each step the user may take now, in order."""
    version = page.referral.version
    return [
        (
            name,
            STEP_TITLES[name](),
            STEP_FORMS[name](initial={"version": version}, auto_id=f"{name}_%s"),
        )
        for name in STEP_FORMS
        if name in page.steps
    ]


@login_required
@require_GET
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    page = queries.referral_page(
        user=request.user, referral_id=referral_id, request=request
    )
    context = {"page": page, "referral": page.referral, "forms": _step_forms(page)}
    return render(request, "referrals/detail.html", context)


STEP_DONE: dict[str, Callable[[], str]] = {
    "accept": lambda: _("The referral is accepted."),
    "decline": lambda: _("The referral is declined; the referring worker is told."),
    "start": lambda: _("The service has started; the person is enrolled."),
    "complete": lambda: _(
        "The referral is completed; the referring worker is told the outcome."
    ),
    "close": lambda: _("The referral is closed without service."),
    "withdraw": lambda: _("The referral is withdrawn."),
}
STEP_TITLES: dict[str, Callable[[], str]] = {
    "accept": lambda: _("Accept the referral"),
    "decline": lambda: _("Decline the referral"),
    "start": lambda: _("Start the service"),
    "complete": lambda: _("Complete the referral"),
    "close": lambda: _("Close without service"),
    "withdraw": lambda: _("Withdraw the referral"),
}


def step_arguments(name: str, data: dict) -> dict:
    """The action's arguments from a step's cleaned form (or API) data."""
    arguments = {"expected_version": data["version"]}
    if name in ("accept", "withdraw"):
        arguments["note"] = data.get("note", "")
    elif name == "decline":
        arguments |= {"reason": data["reason"], "note": data.get("note", "")}
    elif name == "start":
        arguments |= {"role": data["role"], "note": data.get("note", "")}
    elif name == "complete":
        arguments["outcome"] = data["outcome"]
    elif name == "close":
        arguments |= {"reason": data["reason"], "outcome": data["outcome"]}
    return arguments


STEP_ACTIONS: dict[str, Callable[..., Referral]] = {
    "accept": actions.referral_accept,
    "decline": actions.referral_decline,
    "start": actions.referral_start,
    "complete": actions.referral_complete,
    "close": actions.referral_close,
    "withdraw": actions.referral_withdraw,
}


def _step_view(name: str) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, referral_id: int) -> HttpResponse:
        referral = queries.access_referral(request.user, referral_id)
        form = STEP_FORMS[name](request.POST)
        if form.is_valid():
            try:
                STEP_ACTIONS[name](
                    actor=request.user,
                    referral=referral,
                    request=request,
                    **step_arguments(name, form.cleaned_data),
                )
            except actions.NotAllowed:
                raise PermissionDenied from None
            except ValidationError as exc:
                if getattr(exc, "code", None) in ("stale", "transition"):
                    messages.error(request, " ".join(exc.messages))
                    return redirect("referrals:detail", referral_id=referral.pk)
                _add_errors(form, exc)
            else:
                messages.success(request, STEP_DONE[name]())
                return redirect("referrals:detail", referral_id=referral.pk)
        context = {"referral": referral, "form": form, "title": STEP_TITLES[name]()}
        return render(request, "referrals/step.html", context)

    view.__name__ = f"referral_{name}"
    return view


referral_accept = _step_view("accept")
referral_decline = _step_view("decline")
referral_start = _step_view("start")
referral_complete = _step_view("complete")
referral_close = _step_view("close")
referral_withdraw = _step_view("withdraw")


# --- Response times -----------------------------------------------------------


@login_required
@require_GET
def referral_response_times(request: HttpRequest) -> HttpResponse:
    """For the providers of the receiving agencies and the referring agencies'
    supervisors: how fast referrals are answered and services started."""
    if not (
        may(request.user, Permission.RECEIVE_REFERRALS)
        or Role.SUPERVISOR in roles_of(request.user)
    ):
        raise PermissionDenied
    scope = report_scope(request.user)
    if scope is None:
        raise PermissionDenied
    form = PeriodForm(request.GET)
    report = None
    if form.is_valid():
        report = response_times(
            user=request.user,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            scope=scope,
        )
    return render(
        request, "referrals/response_times.html", {"form": form, "report": report}
    )
