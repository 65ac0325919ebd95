from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from ura.access.rules import Permission, may
from ura.statistics.queries import people_by_place

router = Router(tags=["statistics"])


class PlaceCountsOut(Schema):
    place_code: str
    place: str
    children: int | None
    girls: int | None
    boys: int | None
    adults: int | None
    total: int | None


@router.get("/people-by-place", response=list[PlaceCountsOut])
def people_by_place_api(request: HttpRequest):  # noqa: ANN201
    """Counts only; a ``null`` is a count below 5 hidden for this role."""
    if not may(request.user, Permission.VIEW_STATISTICS):
        raise PermissionDenied
    return [
        {"place_code": row.code, "place": row.name, **row.cells}
        for row in people_by_place(user=request.user)
    ]
