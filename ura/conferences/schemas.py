"""The JSON shapes of case conferences in the API."""

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from ura.accounts.models import AgencyType
from ura.conferences.models import ConferenceKind


class ConferenceOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    scheduled_at: datetime
    location: str
    agency_id: int
    agency: str
    organiser_id: int
    chair_id: int | None
    previous_id: int | None
    held_at: datetime | None
    closed_at: datetime | None
    version: int


class TableCaseOut(Schema):
    case_id: int
    reference: str
    # Only while the case reaches the caller (else null).
    child: str | None
    added_at: datetime


class MemberOut(Schema):
    id: int
    user_id: int | None
    name: str
    institution_type: str
    agency_id: int | None
    attended: bool


class DecisionOut(Schema):
    id: int
    case_id: int | None
    text: str
    recorded_at: datetime


class ItemOut(Schema):
    id: int
    conference_id: int
    case_id: int | None
    case_reference: str | None
    description: str
    owner_user_id: int | None
    owner_agency_id: int | None
    due_on: date
    status: str
    done_on: date | None
    progress_note: str
    carried_from_id: int | None
    version: int


class ConferenceDetailOut(ConferenceOut):
    may_run: bool
    # False for a member once the conference is closed: then summary, decisions
    # and items are null.
    shows_minutes: bool
    cases: list[TableCaseOut]
    members: list[MemberOut]
    summary: str | None
    decisions: list[DecisionOut] | None
    items: list[ItemOut] | None
    # After scheduling a follow-up: the previous conference's cases not carried
    # over (closed, or not worked on by the organiser).
    left_out: list[int] = Field(default_factory=list)


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class ScheduleIn(_In):
    agency_id: int
    title: str = Field(min_length=1, max_length=200)
    kind: ConferenceKind
    scheduled_at: datetime
    location: str = Field(default="", max_length=200)
    chair_id: int | None = None
    previous_id: int | None = None
    case_ids: list[int] = Field(default_factory=list)
    sharing_reason: str = ""


class ConferencePatch(_In):
    version: int
    title: str | None = Field(default=None, min_length=1, max_length=200)
    kind: ConferenceKind | None = None
    scheduled_at: datetime | None = None
    location: str | None = Field(default=None, max_length=200)
    chair_id: int | None = None
    summary: str | None = None
    sharing_reason: str = ""


class CaseIn(_In):
    case_id: int
    sharing_reason: str = ""


class MemberIn(_In):
    user_id: int | None = None
    name: str = Field(default="", max_length=200)
    institution_type: AgencyType | None = None
    agency_id: int | None = None
    sharing_reason: str = ""


class AttendanceIn(_In):
    attended: list[int]


class DecisionIn(_In):
    case_id: int | None = None
    text: str = Field(min_length=1)


class ItemIn(_In):
    case_id: int | None = None
    description: str = Field(min_length=1)
    owner_user_id: int | None = None
    owner_agency_id: int | None = None
    due_on: date


class ProgressIn(_In):
    version: int
    status: Literal["open", "done", "dropped"]
    progress_note: str = ""
