"""Outreach pages: parse, ask the outreach queries, call an action, render.

The list's filters travel in a POST body, as the people search does: a team's
code can be a child's nickname, and must not reach a URL or a log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ura.access.rules import Permission, access_person, may, visible_people
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.core.pagination import paginate
from ura.people.duplicates import candidate_from_data, likely_duplicates
from ura.people.forms import PersonForm
from ura.people.queries import people_search
from ura.services import outreach_actions as actions
from ura.services import outreach_queries as queries
from ura.services.models import OutreachAction
from ura.services.outreach_forms import (
    ContactChangeForm,
    ContactFilterForm,
    ContactForm,
    FindPersonForm,
    person_initial,
)

FOUND_AT_MOST = 20


def _require(request: HttpRequest) -> None:
    if not may(request.user, Permission.RECORD_OUTREACH):
        raise PermissionDenied


def _linked_message(request: HttpRequest, linked: actions.Linked) -> None:
    messages.success(
        request,
        ngettext(
            "%(count)s contact is linked to the person record.",
            "%(count)s contacts are linked to the person record.",
            linked.contacts,
        )
        % {"count": linked.contacts},
    )


@login_required
@require_http_methods(["GET", "POST"])
def outreach_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    filters = ContactFilterForm(request.POST if request.method == "POST" else None)
    chosen = filters.filters()
    contacts = queries.contact_list(user=request.user, **chosen)
    page = paginate(request, contacts, number=request.POST.get("page"))
    queries.contacts_listed(
        user=request.user,
        request=request,
        filters=sorted(chosen),
        count=page.paginator.count,
    )
    labels = dict(OutreachAction.choices)
    for contact in page.object_list:
        contact.action_labels = [labels.get(a, a) for a in contact.actions]
    context = {"page": page, "filters": filters}
    return render(request, "services/outreach/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def outreach_create(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = ContactForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.outreach_contact_record(
                actor=request.user,
                agency=form.cleaned_data["agency"],
                data=form.contact_data(),
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except actions.NotAllowed:
            raise PermissionDenied from None
        else:
            messages.success(request, _("The contact is recorded."))
            if request.POST.get("another"):
                return redirect("services:outreach_create")
            return redirect("services:outreach_list")
    return render(request, "services/outreach/form.html", {"form": form})


@login_required
@require_GET
def outreach_detail(request: HttpRequest, contact_id: int) -> HttpResponse:
    _require(request)
    contact = queries.access_contact(request.user, contact_id)
    queries.contact_viewed(user=request.user, contact=contact, request=request)
    same_code = (
        queries.contacts_with_code(contact)
        .exclude(pk=contact.pk)
        .select_related("place")
        .order_by("-contacted_at", "-pk")
    )
    person_visible = bool(
        contact.person_id
        and visible_people(request.user).filter(pk=contact.person_id).exists()
    )
    context = {
        "contact": contact,
        "action_labels": [
            label for value, label in OutreachAction.choices if value in contact.actions
        ],
        "same_code": paginate(request, same_code),
        "person_visible": person_visible,
        "may_register": may(request.user, Permission.REGISTER_PERSON),
    }
    return render(request, "services/outreach/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def outreach_change(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Correct a contact; a stale form is refused with nothing overwritten."""
    _require(request)
    contact = queries.access_contact(request.user, contact_id)
    form = ContactChangeForm(request.POST or None, user=request.user, contact=contact)
    if request.method == "POST" and form.is_valid():
        try:
            actions.outreach_contact_update(
                actor=request.user,
                contact=contact,
                expected_version=form.cleaned_data["version"],
                data=form.contact_data(),
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except actions.NotAllowed:
            raise PermissionDenied from None
        else:
            messages.success(request, _("The contact is corrected."))
            return redirect("services:outreach_detail", contact_id=contact.pk)
    context = {"form": form, "contact": contact}
    return render(request, "services/outreach/form.html", context)


def _shown_matches(request: HttpRequest, matches: list) -> dict[str, object]:
    """Matches the worker sees, to link to; the others only as a count, so that
    registration never reveals a record kept from them."""
    seen = set(
        visible_people(request.user)
        .filter(pk__in=[m.person.pk for m in matches])
        .values_list("pk", flat=True)
    )
    return {
        "matches": [m.person for m in matches if m.person.pk in seen],
        "hidden_matches": sum(1 for m in matches if m.person.pk not in seen),
    }


def _found(request: HttpRequest, form: FindPersonForm) -> list:
    if not form.is_valid():
        return []
    found = list(
        people_search(user=request.user, text=form.cleaned_data["q"])[:FOUND_AT_MOST]
    )
    record(
        actor=request.user,
        action=AuditAction.SEARCH,
        object_type="people.person",
        fields=["q"],
        detail=f"outreach link search, {len(found)} results",
        request=request,
    )
    return found


@login_required
@require_http_methods(["GET", "POST"])
def outreach_person(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Make a person record from a contact: the registration form starts from
    what the team noted and runs the duplicate check; or find the person among
    those already registered and link the contacts to them."""
    _require(request)
    contact = queries.access_contact(request.user, contact_id)
    if contact.person_id:
        messages.info(request, _("This contact is already linked to a person record."))
        return redirect("services:outreach_detail", contact_id=contact.pk)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    find = FindPersonForm(request.POST if step == "find" else None, prefix="find")
    form = PersonForm(
        request.POST if step == "register" else None, initial=person_initial(contact)
    )
    context: dict[str, object] = {
        "contact": contact,
        "form": form,
        "find": find,
        "found": _found(request, find) if step == "find" else None,
        "may_register": may(request.user, Permission.REGISTER_PERSON),
    }
    if step == "register" and form.is_valid():
        data = form.person_data()
        matches = likely_duplicates(candidate_from_data(data))
        if matches and not request.POST.get("register_anyway"):
            context |= _shown_matches(request, matches)
        else:
            try:
                linked = actions.outreach_person_make(
                    actor=request.user,
                    contact=contact,
                    person_data=data,
                    possible_duplicates=matches,
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except actions.NotAllowed:
                raise PermissionDenied from None
            else:
                _linked_message(request, linked)
                return redirect("people:detail", person_id=linked.person.pk)
    return render(request, "services/outreach/person.html", context)


@login_required
@require_POST
def outreach_link(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Link the contact (and the team's others with its code) to a person the
    worker sees."""
    _require(request)
    contact = queries.access_contact(request.user, contact_id)
    person, _level = access_person(request.user, request.POST.get("person"))
    try:
        linked = actions.outreach_person_link(
            actor=request.user, contact=contact, person=person, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except actions.NotAllowed:
        raise PermissionDenied from None
    else:
        _linked_message(request, linked)
    return redirect("services:outreach_detail", contact_id=contact.pk)
