"""The JSON shapes of people in the API."""

from datetime import date
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from ura.people.equity import (
    Answer,
    CareArrangement,
    Community,
    Language,
    Mobility,
    SchoolAttendance,
    SchoolEnrolment,
)
from ura.people.models import Sex


class PersonOut(Schema):
    """Minimal fields always; the rest only for a full grant (else null)."""

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
    other_names: str | None = None
    personal_number: str | None = None
    languages: list[str] | None = None
    community: str | None = None
    functional_difficulty: str | None = None
    birth_registered: str | None = None
    has_documents: str | None = None
    school_enrolment: str | None = None
    school_attendance: str | None = None
    social_assistance: str | None = None
    street_situation: str | None = None
    mobility: str | None = None
    care_arrangement: str | None = None
    version: int | None = None


class _PersonFields(Schema):
    model_config = ConfigDict(extra="forbid")

    other_names: str = Field(default="", max_length=200)
    personal_number: str = Field(default="", max_length=20)
    languages: list[Language] = Field(default_factory=list)
    community: Community = Community.UNKNOWN
    birth_registered: Answer = Answer.UNKNOWN
    has_documents: Answer = Answer.UNKNOWN
    school_enrolment: SchoolEnrolment = SchoolEnrolment.UNKNOWN
    school_attendance: SchoolAttendance = SchoolAttendance.UNKNOWN
    social_assistance: Answer = Answer.UNKNOWN
    street_situation: Answer = Answer.UNKNOWN
    mobility: Mobility = Mobility.UNKNOWN
    care_arrangement: CareArrangement = CareArrangement.UNKNOWN


class PersonIn(_PersonFields):
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    sex: Sex
    date_of_birth: date | None = None
    date_of_birth_estimated: bool = False
    estimated_age: int | None = Field(
        default=None, ge=0, le=120, description="Instead of date_of_birth"
    )
    place_code: str = Field(max_length=32)
    address: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    allow_duplicate: bool = Field(
        default=False,
        description="Register even though likely matches exist (they are kept for "
        "review); without it a likely duplicate answers 409 with the matches",
    )


class MatchOut(Schema):
    """A likely match; ``id`` is null for a record not shared with the caller."""

    id: int | None
    score: float
    reasons: list[str]


class DuplicateOut(Schema):
    message: str
    matches: list[MatchOut]


class PersonPatch(Schema):
    """Only the fields sent change; ``version`` is the one last read."""

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
    other_names: str | None = Field(default=None, max_length=200)
    personal_number: str | None = Field(default=None, max_length=20)
    languages: list[Language] | None = None
    community: Community | None = None
    birth_registered: Answer | None = None
    has_documents: Answer | None = None
    school_enrolment: SchoolEnrolment | None = None
    school_attendance: SchoolAttendance | None = None
    social_assistance: Answer | None = None
    street_situation: Answer | None = None
    mobility: Mobility | None = None
    care_arrangement: CareArrangement | None = None


class PeopleFilters(Schema):
    sex: Sex | None = None
    age_band: Literal["0-4", "5-9", "10-14", "15-17", "18+"] | None = None
    place_code: str | None = Field(default=None, max_length=32)
    community: Community | None = None
    functional_difficulty: Answer | None = None
    birth_registered: Answer | None = None
    has_documents: Answer | None = None
    school_enrolment: SchoolEnrolment | None = None
    school_attendance: SchoolAttendance | None = None
    social_assistance: Answer | None = None
    street_situation: Answer | None = None
    mobility: Mobility | None = None
    care_arrangement: CareArrangement | None = None


class FunctioningIn(Schema):
    model_config = ConfigDict(extra="forbid")

    instrument: Literal["cfm_2_4", "cfm_5_17", "wg_ss"]
    assessed_on: date
    answers: dict[str, str] = Field(
        description="Question code → answer code; leave out questions not asked"
    )


class FunctioningOut(Schema):
    id: int
    instrument: str
    assessed_on: date
    result: str
    domains: dict[str, bool | None]
    answers: dict[str, str]
