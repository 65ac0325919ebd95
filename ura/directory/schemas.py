"""The JSON shapes of the service directory in the API."""

from ninja import Schema
from pydantic import ConfigDict, Field

from ura.cases.models import Concern
from ura.directory.models import Eligible, ServiceType
from ura.people.equity import Language


class ServiceFilters(Schema):
    """The same filters as the directory page. ``place_code`` is any place: a
    service covering it or a place above it is found."""

    need: ServiceType | None = None
    concern: Concern | None = None
    place_code: str | None = Field(default=None, max_length=32)
    age: int | None = Field(default=None, ge=0, le=120)
    sex: Eligible | None = None
    language: Language | None = None
    text: str | None = Field(default=None, max_length=100)
    referrals_only: bool = False


class ServiceOut(Schema):
    id: int
    agency_id: int
    agency_name: str
    name: str
    type: str
    description: str
    min_age: int | None
    max_age: int | None
    sex: str
    concerns: list[str]
    # The places the service names; empty when it takes the agency's places.
    place_codes: list[str]
    # The places it takes people from: its own, or its agency's.
    covers_place_codes: list[str]
    address: str
    opening_hours: str
    languages: list[str]
    capacity: int | None
    contact_name: str
    phone: str
    email: str
    programme_id: int | None
    accepts_referrals: bool
    is_active: bool
    version: int


class ServiceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    agency_id: int
    name: str = Field(min_length=1, max_length=200)
    type: ServiceType
    description: str = Field(default="", max_length=10_000)
    min_age: int | None = Field(default=None, ge=0, le=120)
    max_age: int | None = Field(default=None, ge=0, le=120)
    sex: Eligible = Eligible.ANY
    concerns: list[Concern] = []
    place_codes: list[str] = []
    address: str = Field(default="", max_length=200)
    opening_hours: str = Field(default="", max_length=200)
    languages: list[Language] = []
    capacity: int | None = Field(default=None, ge=0)
    contact_name: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=254)
    programme_id: int | None = None
    accepts_referrals: bool = True


class ServicePatch(Schema):
    """Only the fields sent change; ``version`` is the one last read (409 when
    someone saved since). ``is_active`` false takes the service out of the
    directory."""

    model_config = ConfigDict(extra="forbid")

    version: int
    name: str | None = Field(default=None, min_length=1, max_length=200)
    type: ServiceType | None = None
    description: str | None = Field(default=None, max_length=10_000)
    min_age: int | None = Field(default=None, ge=0, le=120)
    max_age: int | None = Field(default=None, ge=0, le=120)
    sex: Eligible | None = None
    concerns: list[Concern] | None = None
    place_codes: list[str] | None = None
    address: str | None = Field(default=None, max_length=200)
    opening_hours: str | None = Field(default=None, max_length=200)
    languages: list[Language] | None = None
    capacity: int | None = Field(default=None, ge=0)
    contact_name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    programme_id: int | None = None
    accepts_referrals: bool | None = None
    is_active: bool | None = None
