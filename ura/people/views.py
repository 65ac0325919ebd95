"""People pages: parse, ask ura.access, call an action or a query, render."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ura.access.rules import Permission, access_person, may, visible_people
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.csv import csv_safe
from ura.core.pagination import paginate
from ura.core.sections import page_sections
from ura.people import actions, duplicates, functioning, queries
from ura.people.forms import PeopleFilterForm, PersonForm
from ura.people.functioning_actions import functioning_record
from ura.people.functioning_forms import FunctioningForm
from ura.people.households import memberships_of
from ura.people.merge import merged_redirect
from ura.people.merge_views import open_duplicates_of
from ura.people.queries import PersonCard
from ura.people.reasons import reason_label

FUNCTIONING_INSTRUMENTS = functioning.INSTRUMENTS


def _require(request: HttpRequest, permission: Permission) -> None:
    if not may(request.user, permission):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def people_list(request: HttpRequest) -> HttpResponse:
    """Search goes in a POST body: names typed into it never reach a URL or a log."""
    _require(request, Permission.VIEW_PEOPLE)
    filters = PeopleFilterForm(request.POST if request.method == "POST" else None)
    data = filters.filters()
    people = queries.people_search(
        user=request.user, text=data.pop("q", ""), filters=data
    )
    page = paginate(request, people, number=request.POST.get("page"))
    if filters.is_bound and filters.filters():
        queries.people_search_audited(
            user=request.user,
            request=request,
            filters=filters.filters(),
            count=page.paginator.count,
        )
    template = "people/_results.html" if request.htmx else "people/list.html"
    return render(request, template, {"page": page, "filters": filters})


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, Permission.VIEW_PEOPLE)
    try:
        card = queries.person_card(
            user=request.user, person_id=person_id, request=request
        )
    except Http404:
        # A merged-away record sends its readers to the record it now lives in.
        kept = merged_redirect(person_id)
        if kept and visible_people(request.user).filter(pk=kept).exists():
            messages.info(request, _("This record was merged into this one."))
            return redirect("people:detail", person_id=kept)
        raise
    context = {
        "card": card,
        "p": card.person,
        "open_duplicates": open_duplicates_of(request.user, card.person),
        "memberships": memberships_of(card.person) if card.is_full else [],
        "sections": page_sections("person", request.user, card) if card.is_full else [],
    }
    return render(request, "people/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    """Registration runs the duplicate check first and shows likely matches, with
    why they match; the worker opens the existing record or registers anyway."""
    _require(request, Permission.REGISTER_PERSON)
    form = PersonForm(request.POST or None)
    back_to = _back_to(request)
    matches: list = []
    if request.method == "POST" and form.is_valid():
        data = form.person_data()
        matches = duplicates.likely_duplicates(duplicates.candidate_from_data(data))
        if matches and not request.POST.get("register_anyway"):
            return render(
                request,
                "people/form.html",
                {
                    "form": form,
                    "is_new": True,
                    "next": back_to,
                    **_shown_matches(request, matches),
                },
            )
        try:
            person = actions.person_register(
                actor=request.user,
                data=data,
                request=request,
                possible_duplicates=matches,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The person is registered."))
            if back_to:
                joiner = "&" if "?" in back_to else "?"
                return redirect(f"{back_to}{joiner}person={person.pk}")
            return redirect("people:detail", person_id=person.pk)
    return render(
        request, "people/form.html", {"form": form, "is_new": True, "next": back_to}
    )


def _back_to(request: HttpRequest) -> str:
    """Where a registration started from (an enrolment, a training), to go back to
    with the new person chosen: a path on this site only, never another host."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return target


def _shown_matches(request: HttpRequest, matches: list) -> dict[str, object]:
    """Matches the worker may see, in full; the others only as a count, so that
    registration never reveals a record kept from this worker."""
    visible = set(
        visible_people(request.user)
        .filter(pk__in=[m.person.pk for m in matches])
        .values_list("pk", flat=True)
    )
    return {
        "matches": [
            {
                "person": m.person,
                "score": round(m.score * 100),
                "reasons": [reason_label(r) for r in m.reasons],
            }
            for m in matches
            if m.person.pk in visible
        ],
        "hidden_matches": sum(1 for m in matches if m.person.pk not in visible),
    }


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, Permission.EDIT_PERSON)
    person, _level = access_person(request.user, person_id, to_edit=True)
    form = PersonForm(
        request.POST or None, instance=person, initial={"version": person.version}
    )
    if request.method == "POST" and form.is_valid():
        data = form.person_data()
        try:
            actions.person_update(
                actor=request.user,
                person=person,
                data=data,
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
            )
        except ValidationError as exc:
            # The user's text stays in the form; only the message is added.
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/form.html", {"form": form, "person": person})


@login_required
@require_GET
def person_history(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request, Permission.VIEW_ACCESS_HISTORY)
    person, _level = access_person(request.user, person_id)
    page = paginate(request, queries.person_access_history(person=person))
    return render(request, "people/history.html", {"p": person, "page": page})


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@require_GET
def people_export(request: HttpRequest) -> StreamingHttpResponse:
    """The user's people as CSV: names only for roles that may export them."""
    _require(request, Permission.EXPORT_NAMES)
    people = queries.people_search(user=request.user)
    count = people.count()
    record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="people.person",
        detail=f"csv, {count} people",
        request=request,
    )
    levels = queries.people_levels(user=request.user)
    today = timezone.localdate()
    writer = csv.writer(_Echo())
    columns = [
        "id",
        "given_name",
        "family_name",
        "sex",
        "age",
        "municipality",
        "level",
        "date_of_birth",
        "date_of_birth_estimated",
        "place_code",
        "address",
        "phone",
    ]

    def rows():  # noqa: ANN202
        yield writer.writerow(columns)
        for person in people.iterator(chunk_size=2000):
            card = PersonCard(person=person, level=levels[person.pk])
            data = card.as_dict(today)
            yield writer.writerow([csv_safe(data.get(c, "")) for c in columns])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="people.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def person_functioning(request: HttpRequest, person_id: int) -> HttpResponse:
    """Washington Group / UNICEF functioning questions. Changing an answer re-draws
    the form through htmx, so skip logic shows exactly the questions to ask."""
    _require(request, Permission.EDIT_PERSON)
    person, _level = access_person(request.user, person_id, to_edit=True)
    instrument = _chosen_instrument(request, person)
    form = FunctioningForm(
        request.POST if request.method == "POST" else None, instrument=instrument
    )
    saving = request.method == "POST" and "save" in request.POST
    if saving and form.is_valid():
        try:
            functioning_record(
                actor=request.user,
                person=person,
                instrument_code=instrument.code,
                answers=form.answers(),
                assessed_on=form.cleaned_data["assessed_on"],
                request=request,
            )
        except ValidationError as exc:
            for code, messages_ in exc.message_dict.items():
                form.add_error(code if code in form.fields else None, messages_)
        else:
            messages.success(request, _("The assessment is saved."))
            return redirect("people:detail", person_id=person.pk)
    elif request.method == "POST" and not saving:
        form.errors.clear()  # a re-draw, not a submission: no errors yet
    context = {
        "p": person,
        "form": form,
        "instrument": instrument,
        "instruments": FUNCTIONING_INSTRUMENTS,
        "history": person.functioning_assessments.all()[:10],
    }
    if request.htmx and not saving:
        return render(request, "people/_functioning_form.html", context)
    return render(request, "people/functioning.html", context)


def _chosen_instrument(request: HttpRequest, person) -> functioning.Instrument:  # noqa: ANN001
    code = request.POST.get("instrument") or request.GET.get("instrument")
    by_code = {i.code: i for i in FUNCTIONING_INSTRUMENTS}
    if code in by_code:
        return by_code[code]
    age = person.age_on(timezone.localdate())
    return functioning.instrument_for_age(age) or functioning.CFM_2_4
