from datetime import date
from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from ura.access.rules import Permission, access_person, may
from ura.api.writes import api_write
from ura.people import households
from ura.people.actions import NotAllowed
from ura.people.models import HouseholdMember, Person, Relationship

router = Router(tags=["households"])

# A household the caller may not change answers as if absent.
_write = partial(api_write, not_allowed=(NotAllowed,), not_allowed_as=Http404)


class MemberOut(Schema):
    id: int
    household_id: int
    person_id: int
    relationship: str
    is_primary_caregiver: bool
    started_on: date | None
    ended_on: date | None


class HouseholdOut(Schema):
    id: int
    place_code: str
    address: str
    members: list[MemberOut]
    members_not_shared: int = Field(description="Current members not shared with you")


class HouseholdIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: int
    relationship: Relationship
    is_primary_caregiver: bool = False
    address: str = Field(default="", max_length=200)


class MemberIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: int
    relationship: Relationship
    is_primary_caregiver: bool = False
    started_on: date | None = None


def _edit_target(request: HttpRequest, person_id: int) -> Person:
    if not may(request.user, Permission.EDIT_PERSON):
        raise PermissionDenied
    person, _level = access_person(request.user, person_id, to_edit=True)
    return person


def _out(request: HttpRequest, household) -> dict:  # noqa: ANN001
    shown, hidden = households.members_shown(user=request.user, household=household)
    return {
        "id": household.pk,
        "place_code": household.place.code,
        "address": household.address,
        "members": shown,
        "members_not_shared": hidden,
    }


@router.post("", response={201: HouseholdOut})
def household_create(request: HttpRequest, payload: HouseholdIn):  # noqa: ANN201
    person = _edit_target(request, payload.person_id)
    household = _write(
        lambda: households.household_create(
            actor=request.user,
            person=person,
            relationship=payload.relationship.value,
            is_primary_caregiver=payload.is_primary_caregiver,
            address=payload.address,
            request=request,
        )
    )
    return Status(201, _out(request, household))


@router.get("/{int:household_id}", response=HouseholdOut)
def household_detail(request: HttpRequest, household_id: int):  # noqa: ANN201
    household = households.household_of_visible(request.user, household_id)
    return _out(request, household)


@router.post("/{int:household_id}/members", response={201: MemberOut})
def household_member_add(request: HttpRequest, household_id: int, payload: MemberIn):  # noqa: ANN201
    household = households.household_of_visible(request.user, household_id)
    person = _edit_target(request, payload.person_id)
    member = _write(
        lambda: households.household_member_add(
            actor=request.user,
            household=household,
            person=person,
            relationship=payload.relationship.value,
            is_primary_caregiver=payload.is_primary_caregiver,
            started_on=payload.started_on,
            request=request,
        )
    )
    return Status(201, member)


@router.post("/members/{int:member_id}/end", response=MemberOut)
def household_member_end(request: HttpRequest, member_id: int):  # noqa: ANN201
    member = get_object_or_404(HouseholdMember, pk=member_id)
    _edit_target(request, member.person_id)
    _write(
        lambda: households.household_member_end(
            actor=request.user, member=member, request=request
        )
    )
    return member
