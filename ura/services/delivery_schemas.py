"""The JSON shapes of enrolments, groups, sessions and attendance in the API."""

from datetime import date

from ninja import Schema
from pydantic import ConfigDict, Field

from ura.services.models import (
    Activity,
    EnrolmentEnd,
    ParticipantRole,
    Presence,
    SessionKind,
)


class PersonShown(Schema):
    """Only what the access module shows; null when the person is not shared."""

    id: int
    given_name: str
    family_name: str


class EnrolmentOut(Schema):
    id: int
    service_id: int
    person_id: int
    # Null when the access module no longer shows this person to the caller.
    person: PersonShown | None
    role: str
    group_id: int | None
    referral_id: int | None
    enrolled_on: date
    ended_on: date | None
    end_reason: str
    version: int


class EnrolmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    service_id: int
    person_id: int
    role: ParticipantRole
    group_id: int | None = None
    enrolled_on: date


class EnrolmentEndIn(Schema):
    model_config = ConfigDict(extra="forbid")

    ended_on: date
    end_reason: EnrolmentEnd
    version: int


class EnrolmentGroupIn(Schema):
    model_config = ConfigDict(extra="forbid")

    group_id: int | None
    version: int


class EnrolmentFilters(Schema):
    service_id: int | None = None
    group_id: int | None = None
    active: bool | None = None
    role: ParticipantRole | None = None


class GroupOut(Schema):
    id: int
    service_id: int
    name: str
    is_active: bool


class GroupIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)


class GroupPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=120)
    is_active: bool | None = None


class AttendanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    enrolment_id: int
    presence: Presence


class SessionIn(Schema):
    """A session with its attendance rows, in one call. A group session of the
    same group, day and activity is the one already recorded (its rows are
    updated) unless ``another_session`` is true."""

    model_config = ConfigDict(extra="forbid")

    service_id: int
    group_id: int | None = None
    held_on: date
    kind: SessionKind
    activity: Activity
    topic: str = Field(default="", max_length=200)
    another_session: bool = False
    attendance: list[AttendanceIn] = Field(default_factory=list, max_length=1000)


class AttendanceSheetIn(Schema):
    model_config = ConfigDict(extra="forbid")

    attendance: list[AttendanceIn] = Field(max_length=1000)


class SessionOut(Schema):
    id: int
    service_id: int
    group_id: int | None
    held_on: date
    kind: str
    activity: str
    topic: str
    attendance_count: int
    version: int


class SessionPatch(Schema):
    """A session's head corrected; the version it started from (409 if stale)."""

    model_config = ConfigDict(extra="forbid")

    version: int
    held_on: date
    activity: Activity
    topic: str = Field(default="", max_length=200)


class SessionRemove(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int


class AttendanceOut(Schema):
    enrolment_id: int
    person_id: int
    held_on: date
    presence: str
