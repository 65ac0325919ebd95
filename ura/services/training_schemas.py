"""The JSON shapes of trainings and their participants in the API."""

from datetime import date
from decimal import Decimal

from ninja import Schema
from pydantic import ConfigDict, Field

from ura.services.models import Profession, TrainingTopic


class TrainingOut(Schema):
    id: int
    title: str
    topic: str
    starts_on: date
    ends_on: date
    place_code: str
    venue: str
    hours: Decimal | None
    organiser_id: int
    partner_ids: list[int]
    programme_id: int | None
    description: str
    participant_count: int
    version: int


class TrainingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    topic: TrainingTopic
    starts_on: date
    ends_on: date
    place_code: str = Field(max_length=32, description="The municipality")
    venue: str = Field(default="", max_length=200)
    hours: Decimal | None = Field(default=None, ge=0, max_digits=5, decimal_places=1)
    organiser_id: int = Field(description="An agency where you are a trainer")
    partner_ids: list[int] = Field(default_factory=list)
    programme_id: int | None = None
    description: str = Field(default="", max_length=10_000)


class TrainingPatch(Schema):
    """Only the fields sent change; ``version`` is the one last read."""

    model_config = ConfigDict(extra="forbid")

    version: int
    title: str | None = Field(default=None, min_length=1, max_length=200)
    topic: TrainingTopic | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    place_code: str | None = Field(default=None, max_length=32)
    venue: str | None = Field(default=None, max_length=200)
    hours: Decimal | None = Field(default=None, ge=0, max_digits=5, decimal_places=1)
    organiser_id: int | None = None
    partner_ids: list[int] | None = None
    programme_id: int | None = None
    description: str | None = Field(default=None, max_length=10_000)


class ParticipantOut(Schema):
    id: int
    training_id: int
    person_id: int
    given_name: str
    family_name: str
    sex: str
    profession: str
    institution: str
    institution_agency_id: int | None
    completed: bool


class ParticipantIn(Schema):
    """Someone the caller sees in full. A new professional is registered first
    with ``POST /api/v1/people`` (the duplicate check applies there)."""

    model_config = ConfigDict(extra="forbid")

    person_id: int
    profession: Profession
    institution: str = Field(default="", max_length=200)
    institution_agency_id: int | None = None
    completed: bool = True


class CountOut(Schema):
    profession: str
    female: int
    male: int
    unknown: int
    total: int
