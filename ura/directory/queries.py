"""Reads of the service directory, through the access rules.

Anyone with ``search_directory`` sees the active services of active agencies; the
providers of an agency (``manage_services``) and administrators also see the
services they have taken out of the directory, so that they can bring them back.
A service out of reach is a 404, like one that does not exist.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils.translation import get_language

from ura.access.rules import Permission, agencies_where, may
from ura.accounts.models import Agency, Role, User
from ura.directory.models import Eligible, Service
from ura.people.forms import deployment_country
from ura.people.matching.normalise import normalise_name
from ura.places.models import Place, PlaceLevel

__all__ = [
    "access_service",
    "access_service_to_manage",
    "directory_services",
    "managed_agencies",
    "managed_services",
    "may_manage",
    "municipalities",
    "service_search",
    "with_places",
]

SERVICE_PLACES = Service.places.through
AGENCY_PLACES = Agency.places_covered.through


def with_places(services: QuerySet[Service]) -> QuerySet[Service]:
    """What a card shows, read in three queries however many services: the
    services with their agency, their own places, and their agency's places."""
    return services.select_related("agency", "programme").prefetch_related(
        "places", "agency__places_covered"
    )


def directory_services(user: User) -> QuerySet[Service]:
    """The services in the directory: active, of an active agency."""
    if not may(user, Permission.SEARCH_DIRECTORY):
        return Service.objects.none()
    return Service.objects.filter(is_active=True, agency__is_active=True)


def _ancestor_ids(place: Place) -> list[int]:
    """The place and every place above it, from its path ("/XK/XK-PR/XK-PR-01/"
    is under "/XK/" and "/XK/XK-PR/"): one lookup on the unique path index."""
    parts = place.path.strip("/").split("/")
    paths = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    return list(Place.objects.filter(path__in=paths).values_list("pk", flat=True))


def _covers(place_ids: list[int]) -> Q:
    """A service covers a place when one of its own places holds it, or, when it
    names no places, one of its agency's places does."""
    own = Exists(
        SERVICE_PLACES.objects.filter(service_id=OuterRef("pk"), place_id__in=place_ids)
    )
    names_places = Exists(SERVICE_PLACES.objects.filter(service_id=OuterRef("pk")))
    agency = Exists(
        AGENCY_PLACES.objects.filter(
            agency_id=OuterRef("agency_id"), place_id__in=place_ids
        )
    )
    return Q(own) | (~Q(names_places) & Q(agency))


def _words(text: str) -> list[str]:
    # The same folding as ``search_text`` (ura.directory.actions.search_text_of).
    return normalise_name.__wrapped__(text).split()


def service_search(
    user: User,
    *,
    need: str | None = None,
    concern: str | None = None,
    place: Place | None = None,
    age: int | None = None,
    sex: str | None = None,
    language: str | None = None,
    text: str | None = None,
    referrals_only: bool = False,
) -> QuerySet[Service]:
    """The directory's services that fit, the ones for the exact place first, then
    by name. Nothing for a user without ``search_directory``.

    ``need`` is a ServiceType value, ``concern`` a case Concern value (a service
    for no particular concern fits every concern), ``sex`` "female" or "male"
    (anything else is not a filter), ``language`` a ura.people Language value.
    ``text`` is folded like the services' ``search_text``, so Albanian, Serbian
    Latin and Cyrillic spellings, with or without diacritics, find each other.
    """
    services = directory_services(user)
    if need:
        services = services.filter(type=need)
    if concern:
        # Lists of codes kept as JSON: the quoted code cannot match part of another.
        services = services.filter(
            Q(concerns=[]) | Q(concerns__icontains=f'"{concern}"')
        )
    if language:
        services = services.filter(languages__icontains=f'"{language}"')
    if age is not None:
        services = services.filter(
            Q(min_age__isnull=True) | Q(min_age__lte=age),
            Q(max_age__isnull=True) | Q(max_age__gte=age),
        )
    if sex in (Eligible.FEMALE, Eligible.MALE):
        services = services.filter(sex__in=[Eligible.ANY, sex])
    if referrals_only:
        services = services.filter(accepts_referrals=True)
    for word in _words(text or ""):
        services = services.filter(search_text__contains=word)
    order: list = ["name", "pk"]
    if place is not None:
        services = services.filter(_covers(_ancestor_ids(place)))
        services = services.annotate(
            elsewhere=Case(
                When(_covers([place.pk]), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        order.insert(0, "elsewhere")
    return services.order_by(*order)


def managed_agencies(user: User) -> QuerySet[Agency]:
    """The agencies whose services this user keeps: their own as a provider, any
    active agency for an administrator."""
    if not may(user, Permission.MANAGE_SERVICES):
        return Agency.objects.none()
    if may(user, Permission.ADMINISTER):
        return Agency.objects.filter(is_active=True)
    return agencies_where(user, Role.SERVICE_PROVIDER)


def managed_agency_ids(user: User) -> frozenset[int]:
    cache = user.__dict__.setdefault("_ura_directory_cache", {})
    if "agencies" not in cache:
        cache["agencies"] = frozenset(
            managed_agencies(user).values_list("pk", flat=True)
        )
    return cache["agencies"]


def may_manage(user: User, service: Service) -> bool:
    return service.agency_id in managed_agency_ids(user)


def managed_services(user: User) -> QuerySet[Service]:
    """The services of the agencies this user keeps, in the directory or not."""
    return Service.objects.filter(agency__in=managed_agencies(user)).order_by(
        "agency__name", "name", "pk"
    )


def access_service(user: User, service_id: object) -> Service:
    """A service in the directory, or one the user keeps; 404 otherwise."""
    reachable = Q(pk__in=[])
    if may(user, Permission.SEARCH_DIRECTORY):
        reachable = Q(is_active=True, agency__is_active=True)
    agencies = managed_agency_ids(user)
    if agencies:
        reachable |= Q(agency_id__in=sorted(agencies))
    try:
        return with_places(Service.objects.filter(reachable)).get(pk=service_id)
    except (Service.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_service_to_manage(user: User, service_id: object) -> Service:
    """A service the user may change: 404 out of reach, 403 in the directory but
    of another agency."""
    service = access_service(user, service_id)
    if not may_manage(user, service):
        raise PermissionDenied
    return service


def municipalities() -> QuerySet[Place]:
    """The deployment's municipalities, by name in the user's language."""
    language = (get_language() or "en").lower()
    column = "name_en"
    if language == "sr-latn":
        column = "name_sr_latn"
    elif language.startswith("sr"):
        column = "name_sr"
    elif language.startswith("sq"):
        column = "name_sq"
    return Place.objects.filter(
        level=PlaceLevel.MUNICIPALITY, path__startswith=f"/{deployment_country()}/"
    ).order_by(column, "pk")


def covered_places(service: Service) -> list[Place]:
    """The places a service takes people from (its agency's when it names none);
    reads the prefetched rows of ``with_places``."""
    own = list(service.places.all())
    return own or list(service.agency.places_covered.all())
