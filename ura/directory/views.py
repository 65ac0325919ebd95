"""Directory pages: parse, ask the access rules, call a query or an action, render.

The search form posts its filters, like the people search: when it is for a
person, their age, sex and municipality are in it, and those stay out of URLs
and logs. Only ids travel in a URL (``?person=<id>&case=<id>``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ura.access.cases import access_case
from ura.access.rules import Permission, access_person, may
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.cases.models import Case
from ura.core.pagination import paginate
from ura.directory import actions, queries
from ura.directory.display import service_card, service_cards
from ura.directory.forms import ServiceForm, ServiceSearchForm, add_errors
from ura.people.models import Person
from ura.places.models import PlaceLevel


def _require(request: HttpRequest, permission: Permission) -> None:
    if not may(request.user, permission):
        raise PermissionDenied


class ForWhom:
    """The person (and case) a search is for: reached through the access rules,
    so an id out of reach is a 404 like a missing one."""

    def __init__(self, request: HttpRequest, params: QueryDict) -> None:
        self.person: Person | None = None
        self.case: Case | None = None
        self.concerns: list[str] = []
        case_id, person_id = params.get("case"), params.get("person")
        if case_id:
            self.case = access_case(request.user, case_id)
            self.concerns = list(self.case.concerns.values_list("concern", flat=True))
            person_id = person_id or self.case.person_id
        if person_id:
            self.person, _level = access_person(request.user, person_id)
            if self.case is not None and self.case.person_id != self.person.pk:
                raise Http404
            # The page shows the person's age, sex and municipality.
            record(
                actor=request.user,
                action=AuditAction.VIEW,
                obj=self.person,
                fields=["date_of_birth", "sex", "place"],
                detail="service directory",
                request=request,
            )

    def initial(self) -> dict[str, Any]:
        person = self.person
        if person is None:
            return {}
        place = person.place
        if place.level == PlaceLevel.SETTLEMENT and place.parent_id:
            place = place.parent
        initial = {
            "person": person.pk,
            "case": self.case.pk if self.case else None,
            "age": person.age_on(timezone.localdate()),
            "sex": person.sex if person.sex in ("female", "male") else "",
            "referrals_only": True,
        }
        if place.level == PlaceLevel.MUNICIPALITY:
            initial["place"] = place
        return initial

    def cards(self, request: HttpRequest, services: Any) -> list:
        return service_cards(
            services,
            user=request.user,
            person=self.person,
            case=self.case,
            concerns=self.concerns,
        )


def _filters_in(params: QueryDict) -> bool:
    return any(
        name in params for name in (*ServiceSearchForm.FILTERS, "referrals_only")
    )


@login_required
@require_http_methods(["GET", "POST"])
def directory_search(request: HttpRequest) -> HttpResponse:
    """The search a worker uses to choose where to refer; filters may also come
    in a link (``?need=day_care``), but the form posts them."""
    _require(request, Permission.SEARCH_DIRECTORY)
    params = request.POST if request.method == "POST" else request.GET
    whom = ForWhom(request, params)
    data = params if request.method == "POST" or _filters_in(params) else None
    form = ServiceSearchForm(data, initial=whom.initial())
    services = queries.with_places(
        queries.service_search(request.user, **form.search())
    )
    page = paginate(request, services, number=params.get("page"))
    context = {
        "form": form,
        "page": page,
        "cards": whom.cards(request, page.object_list),
        "person": whom.person,
        "case": whom.case,
        "may_add": bool(queries.managed_agency_ids(request.user)),
    }
    template = "directory/_results.html" if request.htmx else "directory/search.html"
    return render(request, template, context)


@login_required
@require_GET
def service_detail(request: HttpRequest, service_id: int) -> HttpResponse:
    if not (
        may(request.user, Permission.SEARCH_DIRECTORY)
        or may(request.user, Permission.MANAGE_SERVICES)
    ):
        raise PermissionDenied
    service = queries.access_service(request.user, service_id)
    whom = ForWhom(request, request.GET)
    card = service_card(
        service,
        user=request.user,
        person=whom.person,
        case=whom.case,
        concerns=whom.concerns,
    )
    context = {"card": card, "s": service, "person": whom.person, "case": whom.case}
    return render(request, "directory/detail.html", context)


def _form_page(
    request: HttpRequest, form: ServiceForm, title: str, service: Any = None
) -> HttpResponse:
    context = {"form": form, "title": title, "service": service}
    return render(request, "directory/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def service_new(request: HttpRequest) -> HttpResponse:
    _require(request, Permission.MANAGE_SERVICES)
    agencies = queries.managed_agencies(request.user).order_by("name")
    if not queries.managed_agency_ids(request.user):
        raise PermissionDenied
    form = ServiceForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        places = data.pop("places")
        try:
            service = actions.service_create(
                actor=request.user,
                agency=form.cleaned_data["agency"],
                data=data,
                places=places,
                request=request,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except actions.NotAllowed:
            raise PermissionDenied from None
        else:
            messages.success(request, _("The service is in the directory."))
            return redirect("directory:detail", service_id=service.pk)
    return _form_page(request, form, _("Add a service"))


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, service_id: int) -> HttpResponse:
    service = queries.access_service_to_manage(request.user, service_id)
    form = ServiceForm(request.POST or None, service=service)
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.service_update(
                actor=request.user,
                service=service,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except actions.NotAllowed:
            raise PermissionDenied from None
        else:
            if changed:
                messages.success(request, _("The changes are saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("directory:detail", service_id=service.pk)
    return _form_page(request, form, _("Edit a service"), service)


@login_required
@require_POST
def service_set_active(request: HttpRequest, service_id: int) -> HttpResponse:
    """Take a service out of the directory, or put it back."""
    service = queries.access_service_to_manage(request.user, service_id)
    active = request.POST.get("active") == "1"
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        actions.service_set_active(
            actor=request.user,
            service=service,
            active=active,
            expected_version=version,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except actions.NotAllowed:
        raise PermissionDenied from None
    else:
        if active:
            messages.success(request, _("The service is back in the directory."))
        else:
            messages.success(
                request,
                _(
                    "The service is out of the directory: nobody finds it or "
                    "refers to it any more. Its past referrals and attendance stay."
                ),
            )
    return redirect("directory:detail", service_id=service.pk)


@login_required
@require_GET
def services_managed(request: HttpRequest) -> HttpResponse:
    """The services of the agencies the user keeps, including those taken out."""
    _require(request, Permission.MANAGE_SERVICES)
    page = paginate(
        request, queries.with_places(queries.managed_services(request.user))
    )
    cards = service_cards(page.object_list, user=request.user)
    return render(request, "directory/manage.html", {"page": page, "cards": cards})
