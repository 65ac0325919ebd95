"""/api/v1/trainings: trainings and their participants, through the same rules,
actions and audit as the pages (the organising agency's trainers only)."""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from ura.access.rules import Permission, may
from ura.accounts.models import Agency
from ura.api.errors import FieldErrors
from ura.api.writes import Mapped, api_write, idempotent_create
from ura.services import training_actions as actions
from ura.services import training_queries as queries
from ura.services.models import Training, TrainingParticipant
from ura.services.outreach_api import place_by_code, programme_by_id
from ura.services.training_schemas import (
    CountOut,
    ParticipantIn,
    ParticipantOut,
    TrainingIn,
    TrainingOut,
    TrainingPatch,
)

router = Router(tags=["trainings"])

# The training actions refuse with the people app's NotAllowed: a 403.
_write = partial(api_write, not_allowed=(actions.NotAllowed,))


def _require(request: HttpRequest) -> None:
    if not may(request.user, Permission.RECORD_TRAININGS):
        raise PermissionDenied


def training_out(t: Training) -> dict:
    count = getattr(t, "participant_count", None)
    return {
        "id": t.pk,
        "title": t.title,
        "topic": t.topic,
        "starts_on": t.starts_on,
        "ends_on": t.ends_on,
        "place_code": t.place.code,
        "venue": t.venue,
        "hours": t.hours,
        "organiser_id": t.organiser_id,
        "partner_ids": sorted(a.pk for a in t.partners.all()),
        "programme_id": t.programme_id,
        "description": t.description,
        "participant_count": t.participants.count() if count is None else count,
        "version": t.version,
    }


def participant_out(p: TrainingParticipant) -> dict:
    return {
        "id": p.pk,
        "training_id": p.training_id,
        "person_id": p.person_id,
        "given_name": p.person.given_name,
        "family_name": p.person.family_name,
        "sex": p.person.sex,
        "profession": p.profession,
        "institution": p.institution,
        "institution_agency_id": p.institution_agency_id,
        "completed": p.completed,
    }


def _agencies(ids: list[int], field: str) -> list[Agency]:
    agencies = list(Agency.objects.filter(pk__in=ids, is_active=True))
    if len(agencies) != len(set(ids)):
        raise FieldErrors({field: [_("No such agency.")]})
    return agencies


def _training_data(data: dict) -> tuple[dict, list[Agency] | None]:
    """The API's ids and codes as the action's objects."""
    data = {k: (v.value if hasattr(v, "value") else v) for k, v in data.items()}
    if "place_code" in data:
        data["place"] = place_by_code(data.pop("place_code"))
    if "organiser_id" in data:
        agency_id = data.pop("organiser_id")
        data["organiser"] = Agency.objects.filter(pk=agency_id).first()
    if "programme_id" in data:
        data["programme"] = programme_by_id(data.pop("programme_id"))
    partners = None
    if "partner_ids" in data:
        partners = _agencies(data.pop("partner_ids") or [], "partner_ids")
    return data, partners


def _load(request: HttpRequest, pk: int) -> dict:
    training = (
        queries.training_list(user=request.user)
        .prefetch_related("partners")
        .filter(pk=pk)
        .first()
    )
    if training is None:
        queries.access_training(request.user, pk)  # 404
    return training_out(training)


@router.get("", response=list[TrainingOut])
@paginate(PageNumberPagination, page_size=50)
def training_list(request: HttpRequest, topic: str = "", year: int | None = None):  # noqa: ANN201
    """The trainings of the caller's agencies, newest first."""
    _require(request)
    trainings = queries.training_list(
        user=request.user, topic=topic, year=year
    ).prefetch_related("partners")
    return Mapped(trainings, training_out)


@router.post("", response={201: TrainingOut, 200: TrainingOut})
def training_create(request: HttpRequest, payload: TrainingIn):  # noqa: ANN201
    """Record a training. With an ``Idempotency-Key`` header a retry returns the
    same training."""
    _require(request)
    data, partners = _training_data(payload.dict())
    return idempotent_create(
        request,
        "services.training",
        lambda: actions.training_create(
            actor=request.user, data=data, partners=partners or [], request=request
        ),
        lambda pk: _load(request, pk),
        not_allowed=(actions.NotAllowed,),
    )


@router.get("/{int:training_id}", response=TrainingOut)
def training_detail(request: HttpRequest, training_id: int):  # noqa: ANN201
    _require(request)
    queries.access_training(request.user, training_id)
    return _load(request, training_id)


@router.patch("/{int:training_id}", response=TrainingOut)
def training_update(request: HttpRequest, training_id: int, payload: TrainingPatch):  # noqa: ANN201
    """Change fields; ``version`` must be the one last read, else 409."""
    _require(request)
    training = queries.access_training(request.user, training_id)
    sent = payload.dict(exclude_unset=True)
    version = sent.pop("version")
    nullable = {"hours", "programme_id"}
    sent = {k: v for k, v in sent.items() if v is not None or k in nullable}
    data, partners = _training_data(sent)
    _write(
        lambda: actions.training_update(
            actor=request.user,
            training=training,
            data=data,
            partners=partners,
            expected_version=version,
            request=request,
        )
    )
    return _load(request, training_id)


@router.get("/{int:training_id}/participants", response=list[ParticipantOut])
@paginate(PageNumberPagination, page_size=100)
def training_participant_list(request: HttpRequest, training_id: int):  # noqa: ANN201
    """Who took part, with their names: audited as a look at the training."""
    _require(request)
    training = queries.access_training(request.user, training_id)
    participants = queries.participants_of(training)
    queries.training_viewed(
        user=request.user,
        training=training,
        request=request,
        shown=participants.count(),
    )
    return Mapped(participants, participant_out)


@router.post(
    "/{int:training_id}/participants",
    response={201: ParticipantOut, 200: ParticipantOut},
)
def training_participant_add(
    request: HttpRequest, training_id: int, payload: ParticipantIn
):  # noqa: ANN201
    """Add someone the caller sees in full; a child (under 18 on the first day)
    is refused with 422."""
    _require(request)
    training = queries.access_training(request.user, training_id)
    data = payload.dict()
    person = queries.pickable_person(request.user, training, data.pop("person_id"))
    agency_id = data.pop("institution_agency_id")
    data["institution_agency"] = (
        _agencies([agency_id], "institution_agency_id")[0] if agency_id else None
    )
    data["profession"] = getattr(data["profession"], "value", data["profession"])
    if not data["institution"].strip() and data["institution_agency"] is None:
        raise FieldErrors(
            {
                "institution": [
                    _("Give the institution, or choose it from the agencies in Ura.")
                ]
            }
        )
    return idempotent_create(
        request,
        "services.trainingparticipant",
        lambda: actions.participant_add(
            actor=request.user,
            training=training,
            person=person,
            request=request,
            **data,
        ),
        lambda pk: participant_out(queries.access_participant(request.user, pk)),
        not_allowed=(actions.NotAllowed,),
    )


@router.get("/{int:training_id}/counts", response=list[CountOut])
def training_counts(request: HttpRequest, training_id: int):  # noqa: ANN201
    """The participants by profession and sex (no names)."""
    _require(request)
    training = queries.access_training(request.user, training_id)
    counts = queries.participant_counts(training.participants.all())
    return [
        {
            "profession": r.profession,
            "female": r.female,
            "male": r.male,
            "unknown": r.unknown,
            "total": r.total,
        }
        for r in counts.rows
    ]
