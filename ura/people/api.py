from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from ura.access.rules import Permission, access_person, may, visible_people
from ura.api.errors import FieldErrors
from ura.api.writes import Mapped, api_write, idempotent_create
from ura.people import actions, duplicates, queries
from ura.people.forms import community_choices
from ura.people.functioning_actions import functioning_record
from ura.people.models import Person, birth_date_from_age
from ura.people.schemas import (
    DuplicateOut,
    FunctioningIn,
    FunctioningOut,
    PeopleFilters,
    PersonIn,
    PersonOut,
    PersonPatch,
)
from ura.places.models import Place

router = Router(tags=["people"])


def allowed_communities() -> set[str]:
    return {code for code, _label in community_choices()}


def _require(request: HttpRequest, permission: Permission) -> None:
    if not may(request.user, permission):
        raise PermissionDenied


def _model_data(payload: dict) -> dict:
    data = {k: (v.value if hasattr(v, "value") else v) for k, v in payload.items()}
    if "languages" in data and data["languages"] is not None:
        data["languages"] = [getattr(x, "value", x) for x in data["languages"]]
    age = data.pop("estimated_age", None)
    if age is not None:
        if data.get("date_of_birth"):
            message = _("Give either the date of birth or an estimated age, not both.")
            raise FieldErrors({"estimated_age": [message]})
        data["date_of_birth"] = birth_date_from_age(age, timezone.localdate())
        data["date_of_birth_estimated"] = True
    if "community" in data and data["community"] not in allowed_communities():
        raise FieldErrors({"community": [_("Choose one of the allowed values.")]})
    if "place_code" in data:
        code = data.pop("place_code")
        place = Place.objects.filter(code=code).first()
        if place is None:
            raise FieldErrors({"place_code": [_("Unknown place code.")]})
        data["place"] = place
    return data


@router.get("", response=list[PersonOut])
@paginate(PageNumberPagination, page_size=50)
def people_list(request: HttpRequest, filters: Query[PeopleFilters]):  # noqa: ANN201
    """The people shared with the caller, narrowed by any equity fact, sex, age band
    or municipality (everyone living in or under ``place_code``)."""
    _require(request, Permission.VIEW_PEOPLE)
    wanted = _model_data(filters.dict(exclude_none=True))
    levels = queries.people_levels(user=request.user)
    people = queries.people_search(user=request.user, filters=wanted)
    return Mapped(
        people,
        lambda p: queries.PersonCard(person=p, level=levels[p.pk]).as_dict(),
    )


@router.get("/{int:person_id}", response=PersonOut)
def person_detail(request: HttpRequest, person_id: int):  # noqa: ANN201
    _require(request, Permission.VIEW_PEOPLE)
    return queries.person_card(
        user=request.user, person_id=person_id, request=request
    ).as_dict()


@router.post("", response={201: PersonOut, 200: PersonOut, 409: DuplicateOut})
def person_create(request: HttpRequest, payload: PersonIn):  # noqa: ANN201
    """Register a person. Send an ``Idempotency-Key`` header so that a retry after a
    lost answer returns the same person instead of registering them twice."""
    _require(request, Permission.REGISTER_PERSON)

    def register() -> Person:
        # Read after the key is looked up: a retry is answered with the person
        # it registered, not warned that this person may already be registered.
        data = _model_data(payload.dict())
        allow_duplicate = data.pop("allow_duplicate")
        matches = duplicates.likely_duplicates(duplicates.candidate_from_data(data))
        if matches and not allow_duplicate:
            raise _LikelyDuplicates(_duplicate_answer(request, matches))
        return actions.person_register(
            actor=request.user,
            data=data,
            request=request,
            possible_duplicates=matches,
        )

    try:
        return idempotent_create(
            request,
            "people.person",
            register,
            lambda pk: queries.person_card(user=request.user, person_id=pk).as_dict(),
            not_allowed=(actions.NotAllowed,),
        )
    except _LikelyDuplicates as exc:
        return Status(409, exc.answer)


class _LikelyDuplicates(Exception):
    """The person may already be registered: nothing is created, and the key is
    not spent, so that the same call can be sent again with allow_duplicate."""

    def __init__(self, answer: dict) -> None:
        super().__init__("likely duplicates")
        self.answer = answer


def _duplicate_answer(request: HttpRequest, matches: list) -> dict:
    visible = set(
        visible_people(request.user)
        .filter(pk__in=[m.person.pk for m in matches])
        .values_list("pk", flat=True)
    )
    return {
        "message": _(
            "This person may already be registered. Open the existing record, or "
            "send allow_duplicate: true to register anyway."
        ),
        "matches": [
            {
                "id": m.person.pk if m.person.pk in visible else None,
                "score": round(m.score, 3),
                "reasons": list(m.reasons),
            }
            for m in matches
        ],
    }


@router.patch("/{int:person_id}", response=PersonOut)
def person_update(request: HttpRequest, person_id: int, payload: PersonPatch):  # noqa: ANN201
    """Change fields; ``version`` must be the one last read, else 409."""
    _require(request, Permission.EDIT_PERSON)
    person, level = access_person(request.user, person_id, to_edit=True)
    data = _model_data(payload.dict(exclude_unset=True))
    version = data.pop("version")
    api_write(
        lambda: actions.person_update(
            actor=request.user,
            person=person,
            data=data,
            expected_version=version,
            request=request,
        ),
        not_allowed=(actions.NotAllowed,),
    )
    return queries.PersonCard(person=person, level=level).as_dict()


@router.post("/{int:person_id}/functioning", response={201: FunctioningOut})
def functioning_create(request: HttpRequest, person_id: int, payload: FunctioningIn):  # noqa: ANN201
    """Record Washington Group / UNICEF answers; the result per domain and the
    person's functional difficulty fact are computed by the module's rule."""
    _require(request, Permission.EDIT_PERSON)
    person, _level = access_person(request.user, person_id, to_edit=True)
    assessment = api_write(
        lambda: functioning_record(
            actor=request.user,
            person=person,
            instrument_code=payload.instrument,
            answers=payload.answers,
            assessed_on=payload.assessed_on,
            request=request,
        ),
        not_allowed=(actions.NotAllowed,),
    )
    return Status(201, assessment)


@router.get("/{int:person_id}/functioning", response=list[FunctioningOut])
@paginate(PageNumberPagination, page_size=50)
def functioning_list(request: HttpRequest, person_id: int):  # noqa: ANN201
    _require(request, Permission.VIEW_PEOPLE)
    person, _level = access_person(request.user, person_id, to_edit=True)
    return person.functioning_assessments.all()
