from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from pydantic import ConfigDict, Field

from ura.access.rules import Permission, access_person, may
from ura.api.errors import FieldErrors
from ura.api.models import IdempotencyKey
from ura.people import actions, queries
from ura.people.models import Person, Sex
from ura.places.models import Place

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    given_name: str
    family_name: str
    sex: str
    age: int | None
    municipality: str
    level: str
    date_of_birth: date | None = None
    date_of_birth_estimated: bool | None = None
    place_code: str | None = None
    address: str | None = None
    phone: str | None = None
    version: int | None = None


class PersonIn(Schema):
    model_config = ConfigDict(extra="forbid")

    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    sex: Sex
    date_of_birth: date | None = None
    date_of_birth_estimated: bool = False
    place_code: str = Field(max_length=32)
    address: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)


class PersonPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int
    given_name: str | None = Field(default=None, min_length=1, max_length=100)
    family_name: str | None = Field(default=None, min_length=1, max_length=100)
    sex: Sex | None = None
    date_of_birth: date | None = None
    date_of_birth_estimated: bool | None = None
    place_code: str | None = Field(default=None, max_length=32)
    address: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)


def _require(request: HttpRequest, permission: Permission) -> None:
    if not may(request.user, permission):
        raise PermissionDenied


def _model_data(payload: dict) -> dict:
    data = dict(payload)
    if "place_code" in data:
        code = data.pop("place_code")
        place = Place.objects.filter(code=code).first()
        if place is None:
            raise FieldErrors({"place_code": [_("Unknown place code.")]})
        data["place"] = place
    return data


@router.get("", response=list[PersonOut])
@paginate(PageNumberPagination, page_size=50)
def people_list(request: HttpRequest):  # noqa: ANN201
    _require(request, Permission.VIEW_PEOPLE)
    levels = queries.people_levels(user=request.user)
    people = queries.people_search(user=request.user)
    return _Cards(people, levels)


class _Cards:
    """Cards sliced lazily, so pagination counts and slices in the database."""

    def __init__(self, people, levels) -> None:  # noqa: ANN001
        self.people = people
        self.levels = levels

    def __len__(self) -> int:
        return self.people.count()

    def count(self) -> int:
        return self.people.count()

    def __getitem__(self, index):  # noqa: ANN001, ANN204
        sliced = self.people[index]
        return [
            queries.PersonCard(person=p, level=self.levels[p.pk]).as_dict()
            for p in sliced
        ]


@router.get("/{int:person_id}", response=PersonOut)
def person_detail(request: HttpRequest, person_id: int):  # noqa: ANN201
    _require(request, Permission.VIEW_PEOPLE)
    return queries.person_card(
        user=request.user, person_id=person_id, request=request
    ).as_dict()


@router.post("", response={201: PersonOut, 200: PersonOut})
def person_create(request: HttpRequest, payload: PersonIn):  # noqa: ANN201
    """Register a person. Send an ``Idempotency-Key`` header so that a retry after a
    lost answer returns the same person instead of registering them twice."""
    _require(request, Permission.REGISTER_PERSON)
    key = request.headers.get("Idempotency-Key", "")[:100]
    if key:
        done = IdempotencyKey.objects.filter(user=request.user, key=key).first()
        if done is not None:
            card = queries.person_card(user=request.user, person_id=int(done.object_id))
            return Status(200, card.as_dict())
    data = _model_data(payload.dict())
    try:
        with transaction.atomic():
            person = actions.person_register(
                actor=request.user, data=data, request=request
            )
            if key:
                IdempotencyKey.objects.create(
                    user=request.user,
                    key=key,
                    object_type="people.person",
                    object_id=str(person.pk),
                )
    except ValidationError as exc:
        raise FieldErrors.from_validation(exc) from exc
    except IntegrityError:
        # The same key raced in from a parallel retry: answer with the first one.
        done = get_object_or_404(IdempotencyKey, user=request.user, key=key)
        person = get_object_or_404(Person, pk=done.object_id)
        return Status(
            200, queries.person_card(user=request.user, person_id=person.pk).as_dict()
        )
    return Status(
        201, queries.person_card(user=request.user, person_id=person.pk).as_dict()
    )


@router.patch("/{int:person_id}", response=PersonOut)
def person_update(request: HttpRequest, person_id: int, payload: PersonPatch):  # noqa: ANN201
    """Change fields; ``version`` must be the one last read, else 409."""
    _require(request, Permission.EDIT_PERSON)
    person, level = access_person(request.user, person_id, to_edit=True)
    data = _model_data(payload.dict(exclude_unset=True))
    version = data.pop("version")
    try:
        actions.person_update(
            actor=request.user,
            person=person,
            data=data,
            expected_version=version,
            request=request,
        )
    except ValidationError as exc:
        if getattr(exc, "code", None) == "stale":
            raise HttpError(409, exc.messages[0]) from exc
        raise FieldErrors.from_validation(exc) from exc
    return queries.PersonCard(person=person, level=level).as_dict()
