"""Training pages: parse, ask the training queries, call an action, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ura.access.rules import Permission, full_access_people, may, visible_people
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.pagination import paginate
from ura.people.duplicates import candidate_from_data, likely_duplicates
from ura.services import training_actions as actions
from ura.services import training_queries as queries
from ura.services.models import Training, TrainingTopic
from ura.services.training_forms import (
    BULK_MAX_ROWS,
    BULK_ROWS,
    BulkOptionsForm,
    NewParticipantForm,
    ParticipationForm,
    PersonSearchForm,
    TrainingForm,
    bulk_formset,
    participant_rows,
)

PARTICIPANTS_PER_PAGE = 50


def _require(request: HttpRequest) -> None:
    if not may(request.user, Permission.RECORD_TRAININGS):
        raise PermissionDenied


def _back(training: Training) -> HttpResponse:
    return redirect("services:training_detail", training_id=training.pk)


def _errors_into(form: Form, exc: ValidationError) -> None:
    """An action's refusal onto the form: by field where it names one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@require_GET
def training_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    topic = request.GET.get("topic", "")
    if topic not in TrainingTopic.values:
        topic = ""
    year = request.GET.get("year", "")
    trainings = queries.training_list(
        user=request.user, topic=topic, year=int(year) if year.isdigit() else None
    )
    context = {
        "page": paginate(request, trainings),
        "topics": TrainingTopic.choices,
        "topic": topic,
        "year": year if year.isdigit() else "",
        "may_record": queries.organising_agencies(request.user).exists(),
    }
    return render(request, "services/training/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def training_create(request: HttpRequest) -> HttpResponse:
    _require(request)
    agencies = queries.organising_agencies(request.user)
    initial = {}
    if agencies.count() == 1:
        initial["organiser"] = agencies.get().pk
        initial["place"] = agencies.get().place_id
    form = TrainingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            training = actions.training_create(
                actor=request.user,
                data=form.training_data(),
                partners=form.cleaned_data["partners"],
                request=request,
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        except actions.NotAllowed:
            raise PermissionDenied from None
        else:
            messages.success(request, _("The training is recorded."))
            return _back(training)
    return render(
        request,
        "services/training/form.html",
        {"form": form, "title": _("Record a training")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request: HttpRequest, training_id: int) -> HttpResponse:
    _require(request)
    training = queries.access_training(request.user, training_id)
    form = TrainingForm(
        request.POST or None,
        user=request.user,
        training=training,
        initial=TrainingForm.initial_of(training),
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.training_update(
                actor=request.user,
                training=training,
                data=form.training_data(),
                partners=form.cleaned_data["partners"],
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        except actions.NotAllowed:
            raise PermissionDenied from None
        else:
            messages.success(request, _("The changes are saved."))
            return _back(training)
    context = {"form": form, "training": training, "title": _("Edit the training")}
    return render(request, "services/training/form.html", context)


@login_required
@require_GET
def training_detail(request: HttpRequest, training_id: int) -> HttpResponse:
    _require(request)
    training = queries.access_training(request.user, training_id)
    page = paginate(
        request, queries.participants_of(training), per_page=PARTICIPANTS_PER_PAGE
    )
    queries.training_viewed(
        user=request.user,
        training=training,
        request=request,
        shown=len(page.object_list),
    )
    context = {
        "training": training,
        "partners": list(training.partners.order_by("name")),
        "page": page,
        "counts": queries.participant_counts(training.participants.all()),
    }
    return render(request, "services/training/detail.html", context)


def _shown_matches(request: HttpRequest, matches: list) -> dict[str, object]:
    """Matches the trainer may see in full (so may add), and the others only as a
    count: registration never reveals a record kept from them."""
    full = set(
        full_access_people(request.user)
        .filter(pk__in=[m.person.pk for m in matches])
        .values_list("pk", flat=True)
    )
    seen = set(
        visible_people(request.user)
        .filter(pk__in=[m.person.pk for m in matches])
        .values_list("pk", flat=True)
    )
    return {
        "matches": [m.person for m in matches if m.person.pk in full],
        "hidden_matches": sum(1 for m in matches if m.person.pk not in seen),
    }


def _search(request: HttpRequest, training: Training, form: PersonSearchForm) -> list:
    if not form.is_valid():
        return []
    found = queries.adults_to_pick(
        user=request.user, training=training, text=form.cleaned_data["q"]
    )
    # A name search: the log keeps that it was made and how much it found.
    record(
        actor=request.user,
        action=AuditAction.SEARCH,
        object_type="people.person",
        fields=["q"],
        detail=f"training {training.pk} participant search, {len(found)} results",
        request=request,
    )
    return found


@login_required
@require_http_methods(["GET", "POST"])
def training_participant_add(request: HttpRequest, training_id: int) -> HttpResponse:
    """Add one participant: someone the trainer already sees (found by name), or
    a new person, registered after the duplicate check."""
    _require(request)
    training = queries.access_training(request.user, training_id)
    post = request.POST if request.method == "POST" else None
    step = post.get("step", "") if post else ""
    chosen_id = (post or request.GET).get("person")
    chosen = (
        queries.pickable_person(request.user, training, chosen_id)
        if chosen_id
        else None
    )
    initial = {"completed": True}
    search = PersonSearchForm(post if step == "search" else None, prefix="find")
    existing = ParticipationForm(
        post if step == "existing" else None, initial=initial, prefix="join"
    )
    new = NewParticipantForm(
        post if step == "new" else None,
        initial=initial | {"place": training.place_id},
    )
    context: dict[str, object] = {
        "training": training,
        "search": search,
        "found": _search(request, training, search) if step == "search" else None,
        "chosen": chosen,
        "existing": existing,
        "new": new,
    }
    try:
        if step == "existing" and chosen and existing.is_valid():
            actions.participant_add(
                actor=request.user,
                training=training,
                person=chosen,
                request=request,
                **existing.participation(),
            )
            messages.success(request, _("The participant is added."))
            return _back(training)
        if step == "new" and new.is_valid():
            data = new.person_data()
            matches = likely_duplicates(candidate_from_data(data))
            if matches and not request.POST.get("register_anyway"):
                context |= _shown_matches(request, matches)
            else:
                actions.participant_register(
                    actor=request.user,
                    training=training,
                    person_data=data,
                    possible_duplicates=matches,
                    request=request,
                    **new.participation(),
                )
                messages.success(request, _("The participant is registered and added."))
                return _back(training)
    except ValidationError as exc:
        _errors_into(existing if step == "existing" else new, exc)
    except actions.NotAllowed:
        raise PermissionDenied from None
    return render(request, "services/training/participant_add.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def training_participants_bulk(request: HttpRequest, training_id: int) -> HttpResponse:
    """A sign-in sheet typed in: all its rows are saved, or none."""
    _require(request)
    training = queries.access_training(request.user, training_id)
    rows = request.GET.get("rows", "")
    rows = min(int(rows), BULK_MAX_ROWS) if rows.isdigit() else BULK_ROWS
    formset = bulk_formset(request.POST or None, rows=rows)
    options = BulkOptionsForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and formset.is_valid() and options.is_valid():
        try:
            added = actions.participants_add_many(
                actor=request.user,
                training=training,
                rows=participant_rows(formset),
                register_anyway=options.cleaned_data["register_anyway"],
                request=request,
            )
        except ValidationError as exc:
            errors = exc.messages
        except actions.NotAllowed:
            raise PermissionDenied from None
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s participant is registered and added.",
                    "%(count)s participants are registered and added.",
                    len(added),
                )
                % {"count": len(added)},
            )
            return _back(training)
    elif request.method == "POST":
        errors = [
            _("Row %(number)s: %(message)s") % {"number": n, "message": m}
            for n, form in enumerate(formset.forms, start=1)
            for field_errors in form.errors.values()
            for m in field_errors
        ] + list(formset.non_form_errors())
    context = {
        "training": training,
        "formset": formset,
        "options": options,
        "errors": errors,
        "more_rows": min(len(formset.forms) + BULK_ROWS, BULK_MAX_ROWS),
    }
    return render(request, "services/training/bulk.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def training_participant_edit(
    request: HttpRequest, participant_id: int
) -> HttpResponse:
    _require(request)
    participant = queries.access_participant(request.user, participant_id)
    form = ParticipationForm(
        request.POST or None,
        initial={
            "profession": participant.profession,
            "institution": participant.institution,
            "institution_agency": participant.institution_agency_id,
            "completed": participant.completed,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.participant_update(
                actor=request.user,
                participant=participant,
                data=form.participation(),
                request=request,
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        except actions.NotAllowed:
            raise PermissionDenied from None
        else:
            messages.success(request, _("The changes are saved."))
            return _back(participant.training)
    context = {
        "form": form,
        "training": participant.training,
        "participant": participant,
        "title": participant.person.full_name,
    }
    return render(request, "services/training/form.html", context)


@login_required
@require_POST
def training_participant_remove(
    request: HttpRequest, participant_id: int
) -> HttpResponse:
    _require(request)
    participant = queries.access_participant(request.user, participant_id)
    training = participant.training
    try:
        actions.participant_remove(
            actor=request.user, participant=participant, request=request
        )
    except actions.NotAllowed:
        raise PermissionDenied from None
    messages.success(request, _("The participant is taken off the training."))
    return _back(training)
