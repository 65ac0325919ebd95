"""Household pages: start a household around a person, add members, record a leave."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ura.access.rules import Permission, access_person, may
from ura.core.sections import page_sections
from ura.people import households
from ura.people.actions import NotAllowed
from ura.people.models import HouseholdMember, Person, Relationship


class MembershipForm(forms.Form):
    relationship = forms.ChoiceField(
        label=gettext_lazy("Relationship in the household"),
        choices=Relationship.choices,
    )
    is_primary_caregiver = forms.BooleanField(
        label=gettext_lazy("Primary caregiver"), required=False
    )


def _require(request: HttpRequest) -> None:
    if not may(request.user, Permission.EDIT_PERSON):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def household_new(request: HttpRequest, person_id: int) -> HttpResponse:
    _require(request)
    person, _level = access_person(request.user, person_id, to_edit=True)
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            household = households.household_create(
                actor=request.user, person=person, request=request, **form.cleaned_data
            )
        except NotAllowed as exc:
            raise Http404 from exc
        return redirect("people:household", household_id=household.pk)
    return render(request, "people/household_new.html", {"p": person, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def household_page(request: HttpRequest, household_id: int) -> HttpResponse:
    """The household's current members the user may see; a search (in the POST body,
    never the URL) finds people to add."""
    household = households.household_of_visible(request.user, household_id)
    form = MembershipForm(request.POST if "add" in request.POST else None)
    if "add" in request.POST and may(request.user, Permission.EDIT_PERSON):
        person = get_object_or_404(Person, pk=request.POST.get("person"))
        if form.is_valid():
            try:
                households.household_member_add(
                    actor=request.user,
                    household=household,
                    person=person,
                    request=request,
                    **form.cleaned_data,
                )
            except NotAllowed as exc:
                raise Http404 from exc
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The person is added to the household."))
            return redirect("people:household", household_id=household.pk)
    shown, hidden = households.members_shown(user=request.user, household=household)
    text = request.POST.get("q", "") if "search" in request.POST else ""
    found = households.people_to_add(request.user, household, text) if text else []
    context = {
        "household": household,
        "members": shown,
        "hidden_members": hidden,
        "found": found,
        "q": text,
        "form": MembershipForm(),
        "may_edit": may(request.user, Permission.EDIT_PERSON),
        # What other parts add (home visiting), registered in their AppConfig.
        "sections": page_sections("household", request.user, household),
    }
    return render(request, "people/household.html", context)


@login_required
@require_POST
def household_member_end(request: HttpRequest, member_id: int) -> HttpResponse:
    _require(request)
    member = get_object_or_404(HouseholdMember, pk=member_id)
    try:
        households.household_member_end(
            actor=request.user, member=member, request=request
        )
    except NotAllowed as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The person's leaving is recorded."))
    return redirect("people:household", household_id=member.household_id)
