"""The JSON shapes of referrals in the API."""

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from ura.cases.models import ConsentGiver
from ura.referrals.models import DeclineReason, EndReason, Origin, ShareItem, Urgency
from ura.services.models import ParticipantRole


class ListFilters(Schema):
    side: Literal["sent", "received"] = Field(
        default="sent",
        description="sent: the caller's referrals; received: to their agencies",
    )
    who: Literal["mine", "team"] = Field(
        default="mine", description="team: of the workers a supervisor supervises"
    )
    status: str = Field(
        default="open",
        description="open (default), waiting, ended, all, or one status",
    )
    overdue: bool = False


class ReferralPersonOut(Schema):
    """The minimum a referral shows of the person (MINIMAL_PERSON_FIELDS)."""

    id: int
    given_name: str
    family_name: str
    sex: str
    age: int | None
    municipality: str


class ReferralOut(Schema):
    id: int
    reference: str
    status: str
    urgency: str
    origin: str
    service_id: int
    service_name: str
    from_agency_id: int
    to_agency_id: int
    sent_by_id: int
    sent_at: datetime
    answer_due_at: datetime
    start_due_at: datetime
    received_at: datetime | None
    answered_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    overdue: bool
    decline_reason: str
    end_reason: str
    outcome: str
    # Null when the person is no longer shared with the caller (an ended
    # referral, for the provider).
    person: ReferralPersonOut | None
    version: int


class ReferralEventOut(Schema):
    status: str
    at: datetime
    by_id: int
    note: str


class ReferralDetailOut(ReferralOut):
    case_id: int | None
    origin_id: int | None
    # Null with the person.
    reason: str | None
    eligibility_note: str | None
    shared: list[str]
    # What was shared, read now: address, phone, concerns, functional_difficulty,
    # school_enrolment, school_attendance (codes), while the referral is open.
    shared_values: dict
    answer_hours: float | None
    start_hours: float | None
    steps: list[str]
    events: list[ReferralEventOut]


class ReferralIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: int
    service_id: int
    case_id: int | None = None
    origin: Origin | None = None
    origin_id: int | None = None
    urgency: Urgency
    reason: str = Field(min_length=1, max_length=5_000)
    shared: list[ShareItem] = Field(default_factory=list)
    # Without a case: who gave consent to the referral, and when.
    consent_given_by: ConsentGiver | None = None
    consent_given_on: date | None = None
    eligibility_note: str = Field(default="", max_length=500)


class StepIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int
    note: str = Field(default="", max_length=5_000)


class DeclineIn(StepIn):
    reason: DeclineReason


class StartIn(StepIn):
    role: ParticipantRole = ParticipantRole.CHILD


class CompleteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int
    outcome: str = Field(min_length=1, max_length=5_000)


class CloseIn(CompleteIn):
    reason: EndReason
