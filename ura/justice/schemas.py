"""The JSON shapes of the justice records in the API."""

from datetime import date

from ninja import Schema
from pydantic import ConfigDict, Field

from ura.justice.models import (
    Authority,
    LitigationSupport,
    MeasureKind,
    Outcome,
    ProceedingKind,
    ProceedingStage,
    ReportedTo,
    Role,
)


class InvolvementOut(Schema):
    id: int
    case_id: int
    role: str
    since: date
    # What was written about the child: null for those who do not work on the case.
    note: str | None


class InvolvementIn(Schema):
    model_config = ConfigDict(extra="forbid")

    role: Role
    since: date
    note: str = Field(default="", max_length=10_000)


class DetentionOut(Schema):
    days: int
    limit_days: int
    days_left: int
    detained_now: bool
    limit_reached_on: date | None
    alert: str  # "", "near" or "past"


class StageOut(Schema):
    stage: str
    on: date


class ProceedingOut(Schema):
    id: int
    case_id: int
    involvement_id: int
    role: str
    kind: str
    authority: str
    authority_name: str
    reference: str
    stage: str
    stage_since: date
    stages: list[StageOut]
    detention: DetentionOut | None
    version: int


class ProceedingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    involvement_id: int
    kind: ProceedingKind
    authority: Authority
    authority_name: str = Field(min_length=1, max_length=200)
    reference: str = Field(default="", max_length=100)
    stage: ProceedingStage = ProceedingStage.REPORT
    stage_since: date


class ProceedingPatch(Schema):
    """Send ``stage`` with ``stage_since`` (its date, today when left out) to
    move the proceedings on; the earlier stages stay in ``stages``."""

    model_config = ConfigDict(extra="forbid")

    version: int
    kind: ProceedingKind | None = None
    authority: Authority | None = None
    authority_name: str | None = Field(default=None, min_length=1, max_length=200)
    reference: str | None = Field(default=None, max_length=100)
    stage: ProceedingStage | None = None
    stage_since: date | None = None


class MeasureOut(Schema):
    id: int
    proceeding_id: int
    kind: str
    started_on: date
    ended_on: date | None
    note: str | None
    version: int


class MeasureIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: MeasureKind
    started_on: date
    ended_on: date | None = None
    note: str = Field(default="", max_length=10_000)


class MeasurePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int
    kind: MeasureKind | None = None
    started_on: date | None = None
    ended_on: date | None = None
    note: str | None = Field(default=None, max_length=10_000)


class ReportOut(Schema):
    id: int
    case_id: int
    happened_on: date
    description: str | None
    community: str
    place_code: str | None
    reported_to: str
    reported_on: date | None
    litigation_support: str
    outcome: str
    ruling_on: date | None
    version: int


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    happened_on: date
    description: str = Field(min_length=1, max_length=20_000)
    community: str = Field(max_length=20)
    place_code: str | None = Field(default=None, max_length=40)
    reported_to: ReportedTo
    reported_on: date | None = None
    litigation_support: LitigationSupport = LitigationSupport.NONE
    outcome: Outcome = Outcome.PENDING
    ruling_on: date | None = None


class ReportPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int
    happened_on: date | None = None
    description: str | None = Field(default=None, min_length=1, max_length=20_000)
    community: str | None = Field(default=None, max_length=20)
    place_code: str | None = Field(default=None, max_length=40)
    reported_to: ReportedTo | None = None
    reported_on: date | None = None
    litigation_support: LitigationSupport | None = None
    outcome: Outcome | None = None
    ruling_on: date | None = None


class DetentionAlertOut(Schema):
    case_id: int
    case_reference: str
    person_id: int
    proceeding_id: int
    detention: DetentionOut
