"""The JSON shapes of a case and its transfers in the API."""

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from ura.cases.models import Concern, ReportSource, RiskLevel, Stage
from ura.cases.models.transfer import ConsentOverride


class CaseFilters(Schema):
    status: Literal["open", "closed", "all"] = Field(
        default="open", description="open (default), closed, or all"
    )
    stage: Stage | None = None
    risk_level: RiskLevel | None = None
    concern: Concern | None = None
    overdue: bool = False
    mine: bool = Field(default=False, description="Only cases I am responsible for")


class PersonRef(Schema):
    id: int
    given_name: str
    family_name: str


class UserRef(Schema):
    id: int
    name: str


class AgencyRef(Schema):
    id: int
    name: str


class CaseOut(Schema):
    id: int
    reference: str
    person: PersonRef
    status: str
    stage: str
    risk_level: str
    concerns: list[str]
    worker: UserRef
    supervisor: UserRef | None
    agency: AgencyRef
    reported_on: date
    reported_by: str
    opened_at: datetime
    closed_at: datetime | None
    next_step: str
    next_due_at: datetime | None
    overdue: bool
    version: int


class CaseDetailOut(CaseOut):
    """A case as its team sees it: with what was reported (else null)."""

    report_summary: str | None = None


class CaseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: int
    risk_level: RiskLevel
    concerns: list[str]
    reported_on: date
    reported_by: ReportSource
    report_summary: str = Field(default="", max_length=20000)


class CasePatch(Schema):
    """Only the fields sent change; ``version`` is the one last read."""

    model_config = ConfigDict(extra="forbid")

    version: int
    risk_level: RiskLevel | None = None
    concerns: list[str] | None = None
    reported_on: date | None = None
    reported_by: ReportSource | None = None
    report_summary: str | None = Field(default=None, max_length=20000)


class AssignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int
    worker_id: int


class TransferIn(Schema):
    model_config = ConfigDict(extra="forbid")

    to_agency_id: int
    reason: str = Field(min_length=1, max_length=20000)
    without_consent: ConsentOverride | None = Field(
        default=None,
        description="Only when the consents on the case do not cover the receiving "
        "agency: the ground for transferring anyway (recorded and audited)",
    )


class TransferOut(Schema):
    id: int
    case_id: int
    from_agency: AgencyRef
    to_agency: AgencyRef
    status: str
    without_consent: str
    proposed_by: UserRef
    proposed_at: datetime
    decided_by: UserRef | None
    decided_at: datetime | None
    # The reason and the decline comment are shown to the case's team only.
    reason: str | None = None
    comment: str | None = None


class IncomingTransferOut(Schema):
    """The minimum a receiving supervisor sees before deciding."""

    id: int
    case_reference: str
    given_name: str
    family_name: str
    age: int | None
    municipality: str
    concerns: list[str]
    risk_level: str
    stage: str
    reason: str
    from_agency: str
    to_agency_id: int
    proposed_by: str
    proposed_at: datetime
    without_consent: str


class AcceptIn(Schema):
    model_config = ConfigDict(extra="forbid")

    worker_id: int


class DeclineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field(min_length=1, max_length=20000)
