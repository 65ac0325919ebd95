"""Home visiting pages: parse, ask the access rules, call an action or a query, render.

The enrolment's page carries its schedule and three small forms (change the
dates or protocol, record the birth, end the enrolment); a refusal shows the
page again with that form open, its message and what was typed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ura.access.models import GrantLevel
from ura.access.rules import Permission, access_person, full_access_people, may
from ura.accounts.models import User
from ura.core.pagination import paginate
from ura.people.households import household_of_visible
from ura.people.models import Household, HouseholdMember, Person, Relationship
from ura.visiting import actions, queries, visit_queries
from ura.visiting.forms import BirthForm, ChangeForm, EndForm, EnrolForm, ListFilter
from ura.visiting.models import Enrolment, EnrolmentKind


def _require(request: HttpRequest) -> None:
    if not may(request.user, Permission.ENROL_FAMILIES):
        raise PermissionDenied


def add_errors(form: Form, exc: ValidationError) -> None:
    """A refusal's messages on their fields, or above the form when the field is
    not on it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


# --- The list -------------------------------------------------------------------


@login_required
@require_GET
def enrolment_list(request: HttpRequest) -> HttpResponse:
    """My families (a nurse), or the centre's (its manager)."""
    _require(request)
    filters = ListFilter(request.GET)
    status = "active"
    if filters.is_valid() and filters.cleaned_data["status"]:
        status = filters.cleaned_data["status"]
    page = paginate(request, queries.enrolment_list(user=request.user, status=status))
    queries.list_audited(
        user=request.user, request=request, count=page.paginator.count, page="list"
    )
    context = {"page": page, "filters": filters}
    template = "visiting/_results.html" if request.htmx else "visiting/list.html"
    return render(request, template, context)


# --- Enrolling ------------------------------------------------------------------


def _current_members(households: QuerySet[Household]) -> QuerySet[HouseholdMember]:
    return HouseholdMember.objects.filter(household__in=households, ended_on=None)


def _candidates(user: User, params) -> tuple[QuerySet, QuerySet, dict]:  # noqa: ANN001
    """The people who may be enrolled (seen in full, in the household or the
    person's households) and the households to choose from."""
    if params.get("household"):
        household = household_of_visible(user, params["household"])
        households = Household.objects.filter(pk=household.pk)
        origin = {"household": household.pk}
        members = _current_members(households).values("person_id")
        people = full_access_people(user).filter(pk__in=members)
    elif params.get("person"):
        person, level = access_person(user, params["person"])
        if level != GrantLevel.FULL:
            raise Http404
        households = Household.objects.filter(
            pk__in=HouseholdMember.objects.filter(person=person, ended_on=None).values(
                "household_id"
            )
        )
        origin = {"person": person.pk}
        members = _current_members(households).values("person_id")
        people = full_access_people(user).filter(Q(pk=person.pk) | Q(pk__in=members))
    else:
        return Person.objects.none(), Household.objects.none(), {}
    people = people.filter(merged_into__isnull=True).order_by(
        "family_name", "given_name"
    )
    return people, households.select_related("place"), origin


def _initial(people: QuerySet, households: QuerySet, origin: dict) -> dict:
    members = list(
        _current_members(households).values(
            "person_id", "relationship", "is_primary_caregiver"
        )
    )
    seen = set(people.values_list("pk", flat=True))
    caregiver = next(
        (m["person_id"] for m in members if m["is_primary_caregiver"]), None
    ) or origin.get("person")
    child = next(
        (
            m["person_id"]
            for m in members
            if m["relationship"] == Relationship.CHILD and m["person_id"] in seen
        ),
        None,
    )
    first_household = households.first()
    return {
        "caregiver": caregiver if caregiver in seen else None,
        "child": child,
        "household": first_household.pk if first_household else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_new(request: HttpRequest) -> HttpResponse:
    """Enrol a family, from a person's page (``?person=``) or a household's
    (``?household=``)."""
    _require(request)
    params = request.POST if request.method == "POST" else request.GET
    people, households, origin = _candidates(request.user, params)
    if not origin:
        return render(request, "visiting/new.html", {"form": None})
    centres = actions.visiting_centres(request.user)
    form = EnrolForm(
        request.POST or None,
        people=people,
        households=households,
        centres=centres,
        nurses=User.objects.filter(
            pk__in=[n.pk for c in centres for n in actions.centre_nurses(c)]
        ),
        initial={
            **_initial(people, households, origin),
            "centre": centres.first().pk if centres.exists() else None,
            "nurse": request.user.pk,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrolment, created = actions.enrolment_create_once(
                actor=request.user,
                key=f"enrolment-form:{data['token']}",
                create=lambda: actions.enrolment_create(
                    actor=request.user,
                    kind=data["kind"],
                    family=actions.Family(
                        caregiver=data["caregiver"],
                        child=data["child"],
                        household=data["household"],
                    ),
                    centre=data["centre"],
                    nurse=data["nurse"],
                    expected_delivery_on=data["expected_delivery_on"],
                    born_on=data["born_on"],
                    priority_reasons=data["priority_reasons"],
                    priority_note=data["priority_note"],
                    protocol=data["protocol"],
                    request=request,
                ),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except actions.NotAllowed:
            raise Http404 from None
        else:
            if created:
                n = enrolment.scheduled_visits.count()
                messages.success(
                    request,
                    ngettext(
                        "The family is enrolled: %(n)s visit is scheduled.",
                        "The family is enrolled: %(n)s visits are scheduled.",
                        n,
                    )
                    % {"n": n},
                )
            else:
                messages.info(request, _("This family was already enrolled."))
            return redirect("visiting:detail", enrolment_id=enrolment.pk)
    context = {"form": form, "origin": origin, "no_people": not people.exists()}
    return render(request, "visiting/new.html", context)


# --- The enrolment's page -------------------------------------------------------


def _birth_people(user: User, enrolment: Enrolment) -> QuerySet[Person]:
    """Children to link at birth: members of the caregiver's households whom the
    user sees in full, the caregiver excepted."""
    households = HouseholdMember.objects.filter(
        person_id=enrolment.caregiver_id, ended_on=None
    ).values("household_id")
    members = HouseholdMember.objects.filter(
        household_id__in=households, ended_on=None
    ).values("person_id")
    return (
        full_access_people(user)
        .filter(pk__in=members, merged_into__isnull=True)
        .exclude(pk=enrolment.caregiver_id)
        .order_by("family_name", "given_name")
    )


def _forms(user: User, enrolment: Enrolment) -> dict[str, Form]:
    version = {"version": enrolment.version}
    forms: dict[str, Form] = {
        "change": ChangeForm(
            born=enrolment.born_on is not None,
            initial={
                **version,
                "protocol": enrolment.protocol_id,
                "expected_delivery_on": enrolment.expected_delivery_on,
                "priority_reasons": enrolment.priority_reasons,
                "priority_note": enrolment.priority_note,
            },
        ),
        "end": EndForm(initial=version),
    }
    if enrolment.kind == EnrolmentKind.PREGNANCY and enrolment.born_on is None:
        forms["birth"] = BirthForm(
            people=_birth_people(user, enrolment),
            initial={**version, "born_on": enrolment.expected_delivery_on},
        )
    return forms


def _detail(
    request: HttpRequest,
    enrolment: Enrolment,
    failed: tuple[str, Form] | None = None,
) -> HttpResponse:
    page = queries.enrolment_page(
        user=request.user, enrolment=enrolment, request=request
    )
    forms = _forms(request.user, enrolment) if page.may_change else {}
    if failed and failed[0] in forms:
        forms[failed[0]] = failed[1]
    context = {
        "page": page,
        "enrolment": enrolment,
        "forms": forms,
        "open_form": failed[0] if failed else "",
        "visits": visit_queries.enrolment_visits(request, enrolment),
        "may_record": page.may_change,
    }
    return render(request, "visiting/detail.html", context)


@login_required
@require_GET
def enrolment_detail(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    _require(request)
    return _detail(request, queries.access_enrolment(request.user, enrolment_id))


def _step(
    request: HttpRequest,
    enrolment_id: int,
    name: str,
    make_form: Callable[[Enrolment], Form],
    run: Callable[[Enrolment, dict], object],
    done: str,
) -> HttpResponse:
    _require(request)
    enrolment = queries.access_enrolment(request.user, enrolment_id)
    form = make_form(enrolment)
    if form.is_valid():
        try:
            run(enrolment, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        except actions.NotAllowed:
            raise PermissionDenied from None
        else:
            messages.success(request, done)
            return redirect("visiting:detail", enrolment_id=enrolment.pk)
    # Show the page as it is now, with the refused form and what was typed.
    enrolment = queries.access_enrolment(request.user, enrolment_id)
    return _detail(request, enrolment, failed=(name, form))


@login_required
@require_POST
def enrolment_change(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    def run(enrolment: Enrolment, data: dict) -> None:
        actions.enrolment_update(
            actor=request.user,
            enrolment=enrolment,
            expected_version=data["version"],
            protocol=data["protocol"],
            priority_reasons=data["priority_reasons"],
            priority_note=data["priority_note"],
            expected_delivery_on=data.get(
                "expected_delivery_on", enrolment.expected_delivery_on
            ),
            request=request,
        )

    return _step(
        request,
        enrolment_id,
        "change",
        lambda e: ChangeForm(request.POST, born=e.born_on is not None),
        run,
        _("The enrolment is saved; the visits not done follow the new dates."),
    )


@login_required
@require_POST
def enrolment_birth(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    def run(enrolment: Enrolment, data: dict) -> None:
        actions.enrolment_record_birth(
            actor=request.user,
            enrolment=enrolment,
            expected_version=data["version"],
            child=data["child"],
            born_on=data["born_on"],
            request=request,
        )

    return _step(
        request,
        enrolment_id,
        "birth",
        lambda e: BirthForm(request.POST, people=_birth_people(request.user, e)),
        run,
        _("The birth is recorded; the visits count from the date of birth."),
    )


@login_required
@require_POST
def enrolment_end(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    def run(enrolment: Enrolment, data: dict) -> None:
        actions.enrolment_end(
            actor=request.user,
            enrolment=enrolment,
            expected_version=data["version"],
            reason=data["reason"],
            ended_on=data["ended_on"],
            request=request,
        )

    return _step(
        request,
        enrolment_id,
        "end",
        lambda e: EndForm(request.POST),
        run,
        _("The enrolment has ended; the visits still to come are not needed."),
    )
