from django.db.models import Q, QuerySet

from ura.places.models import Place, PlaceLevel


def places_within(places: "QuerySet[Place] | list[Place]") -> Q:
    """A filter on Place matching each given place and everything under it."""
    condition = Q(pk__in=[])
    for place in places:
        condition |= Q(path__startswith=place.path)
    return condition


def municipalities(country_code: str | None = None) -> QuerySet[Place]:
    qs = Place.objects.filter(level=PlaceLevel.MUNICIPALITY)
    if country_code:
        qs = qs.filter(path__startswith=f"/{country_code}/")
    return qs
