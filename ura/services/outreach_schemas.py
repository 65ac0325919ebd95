"""The JSON shapes of outreach contacts in the API."""

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from ura.services.models import OutreachAction


class ContactOut(Schema):
    id: int
    agency_id: int
    contacted_at: datetime
    place_code: str
    location: str
    code: str
    # What the team wrote down: seen by the team only, as every contact is.
    name: str
    sex: str
    estimated_age: int | None
    in_street_situation: bool
    actions: list[str]
    note: str
    programme_id: int | None
    person_id: int | None
    version: int


class ContactIn(Schema):
    model_config = ConfigDict(extra="forbid")

    agency_id: int = Field(description="The team: an agency where you are a provider")
    contacted_at: datetime
    place_code: str = Field(max_length=32)
    location: str = Field(default="", max_length=200)
    code: str = Field(
        default="", max_length=60, description="The team's code for the person"
    )
    name: str = Field(default="", max_length=200, description="Name or nickname")
    sex: Literal["", "female", "male", "unknown"] = ""
    estimated_age: int | None = Field(default=None, ge=0, le=120)
    in_street_situation: bool = False
    actions: list[OutreachAction] = Field(default_factory=list)
    note: str = Field(default="", max_length=10_000)
    programme_id: int | None = None


class ContactPatch(Schema):
    """A correction: the whole contact as it should read (the team stays), and
    the version it starts from."""

    model_config = ConfigDict(extra="forbid")

    version: int
    contacted_at: datetime
    place_code: str = Field(max_length=32)
    location: str = Field(default="", max_length=200)
    code: str = Field(default="", max_length=60)
    name: str = Field(default="", max_length=200)
    sex: Literal["", "female", "male", "unknown"] = ""
    estimated_age: int | None = Field(default=None, ge=0, le=120)
    in_street_situation: bool = False
    actions: list[OutreachAction] = Field(default_factory=list)
    note: str = Field(default="", max_length=10_000)
    programme_id: int | None = None


class ContactSearch(Schema):
    """Sent in a body, not a URL: a team's code can be a child's nickname."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(default="", max_length=60)
    date_from: date | None = None
    date_to: date | None = None


class LinkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    person_id: int


class LinkOut(Schema):
    person_id: int
    # The contacts now linked: this one and the team's others with its code.
    contacts: int
