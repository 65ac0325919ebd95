"""/api/v1/directory: the service directory, with the pages' rules and actions."""

from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from ura.access.rules import Permission, may
from ura.accounts.models import Agency
from ura.api.errors import FieldErrors
from ura.api.writes import Mapped, api_write, idempotent_create
from ura.directory import actions, queries
from ura.directory.models import Programme, Service
from ura.directory.schemas import ServiceFilters, ServiceIn, ServiceOut, ServicePatch
from ura.places.models import Place

router = Router(tags=["directory"])

OBJECT_TYPE = "directory.service"
# Fields a PATCH may empty by sending null; a null elsewhere means "unchanged".
NULLABLE = ("min_age", "max_age", "capacity", "programme_id")


def service_out(s: Service) -> dict:
    own = [p.code for p in s.places.all()]
    return {
        "id": s.pk,
        "agency_id": s.agency_id,
        "agency_name": s.agency.name,
        "name": s.name,
        "type": s.type,
        "description": s.description,
        "min_age": s.min_age,
        "max_age": s.max_age,
        "sex": s.sex,
        "concerns": list(s.concerns),
        "place_codes": own,
        "covers_place_codes": own or [p.code for p in s.agency.places_covered.all()],
        "address": s.address,
        "opening_hours": s.opening_hours,
        "languages": list(s.languages),
        "capacity": s.capacity,
        "contact_name": s.contact_name,
        "phone": s.phone,
        "email": s.email,
        "programme_id": s.programme_id,
        "accepts_referrals": s.accepts_referrals,
        "is_active": s.is_active,
        "version": s.version,
    }


def _require(request: HttpRequest, permission: Permission) -> None:
    if not may(request.user, permission):
        raise PermissionDenied


def _value(value: Any) -> Any:
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value.value if hasattr(value, "value") else value


def _places(codes: list[str], field: str = "place_codes") -> list[Place]:
    codes = list(dict.fromkeys(codes))
    found = {p.code: p for p in Place.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise FieldErrors(
            {
                field: [
                    _("Unknown place code: %(codes)s.") % {"codes": ", ".join(unknown)}
                ]
            }
        )
    return [found[c] for c in codes]


def _model_data(data: dict[str, Any]) -> dict[str, Any]:
    """Codes and ids of the payload as the actions take them."""
    data = {k: _value(v) for k, v in data.items()}
    if "place_codes" in data:
        data["places"] = _places(data.pop("place_codes"))
    if "programme_id" in data:
        programme_id = data.pop("programme_id")
        data["programme"] = None
        if programme_id is not None:
            data["programme"] = Programme.objects.filter(pk=programme_id).first()
            if data["programme"] is None:
                raise FieldErrors({"programme_id": [_("Not a known programme.")]})
    return data


# The directory actions' NotAllowed is a 403.
_write = partial(api_write, not_allowed=(actions.NotAllowed,))


def _load(request: HttpRequest, service_id: int) -> dict:
    return service_out(queries.access_service(request.user, service_id))


@router.get("/services", response=list[ServiceOut])
@paginate(PageNumberPagination, page_size=50)
def directory_service_list(request: HttpRequest, filters: Query[ServiceFilters]):  # noqa: ANN201
    """The directory's services that fit, those for the exact place first."""
    _require(request, Permission.SEARCH_DIRECTORY)
    data = {k: _value(v) for k, v in filters.dict().items()}
    code = data.pop("place_code")
    place = _places([code], "place_code")[0] if code else None
    services = queries.service_search(request.user, place=place, **data)
    return Mapped(queries.with_places(services), service_out)


@router.get("/services/{int:service_id}", response=ServiceOut)
def directory_service_detail(request: HttpRequest, service_id: int):  # noqa: ANN201
    if not (
        may(request.user, Permission.SEARCH_DIRECTORY)
        or may(request.user, Permission.MANAGE_SERVICES)
    ):
        raise PermissionDenied
    return _load(request, service_id)


def _agency(request: HttpRequest, agency_id: int) -> Agency:
    agency = queries.managed_agencies(request.user).filter(pk=agency_id).first()
    if agency is not None:
        return agency
    if Agency.objects.filter(pk=agency_id).exists():
        raise PermissionDenied
    raise FieldErrors({"agency_id": [_("Not a known agency.")]})


@router.post("/services", response={201: ServiceOut, 200: ServiceOut})
def directory_service_create(request: HttpRequest, payload: ServiceIn):  # noqa: ANN201
    """Add a service of one of the caller's agencies. With an ``Idempotency-Key``
    header a retry gets the first answer (200) instead of a second service."""
    _require(request, Permission.MANAGE_SERVICES)

    def create() -> Service:
        # Read after the key is looked up: a retry gets its first answer even where
        # the agency or a place code would no longer pass.
        data = _model_data(payload.dict())
        agency = _agency(request, data.pop("agency_id"))
        places = data.pop("places")
        return actions.service_create(
            actor=request.user, agency=agency, data=data, places=places, request=request
        )

    return idempotent_create(
        request,
        OBJECT_TYPE,
        create,
        lambda pk: _load(request, pk),
        not_allowed=(actions.NotAllowed,),
    )


@router.patch("/services/{int:service_id}", response=ServiceOut)
def directory_service_update(
    request: HttpRequest, service_id: int, payload: ServicePatch
):  # noqa: ANN201
    """Change the fields sent; ``version`` must be the one last read, else 409."""
    service = queries.access_service_to_manage(request.user, service_id)
    sent = payload.dict(exclude_unset=True)
    version = sent.pop("version")
    sent = {k: v for k, v in sent.items() if v is not None or k in NULLABLE}
    data = _model_data(sent)
    _write(
        lambda: actions.service_update(
            actor=request.user,
            service=service,
            data=data,
            expected_version=version,
            request=request,
        )
    )
    return _load(request, service_id)
