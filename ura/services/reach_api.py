"""``GET /api/v1/reach``: the reach figures as JSON, with the page's filters and
the same scope and hiding of small counts (a hidden count is ``null``)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from ura.api.errors import FieldErrors
from ura.places.models import Place
from ura.services import reach_refresh
from ura.services.reach import ReachFigures, reach_figures
from ura.services.reach_forms import ReachFilterForm, default_period
from ura.services.reach_scope import reach_scope

router = Router(tags=["reach"])


class ReachQuery(Schema):
    start: date | None = None
    end: date | None = None
    place_code: str | None = None
    programme: int | None = None
    agency: int | None = None
    service: int | None = None


class FigureOut(Schema):
    total: int | None
    by_sex: dict[str, int | None]
    by_age: dict[str, int | None]
    by_community: dict[str, int | None]
    by_disability: dict[str, int | None]


class ReachOut(Schema):
    start: date
    end: date
    place_code: str | None
    programme: int | None
    agency: int | None
    service: int | None
    figures_as_of: datetime | None
    changes_not_included: int
    small_counts_hidden: bool
    unique_people_reached: FigureOut
    children_directly_supported: FigureOut
    parents_and_caregivers_supported: FigureOut
    people_reached_indirectly: FigureOut
    professionals_trained: FigureOut
    outreach_contacts_not_registered: int | None


NAMES = [
    "unique_people_reached",
    "children_directly_supported",
    "parents_and_caregivers_supported",
    "people_reached_indirectly",
    "professionals_trained",
]


def as_json(figures: ReachFigures) -> dict:
    f, state = figures.filters, figures.freshness
    out: dict = {
        "start": f.start,
        "end": f.end,
        "place_code": f.place.code if f.place else None,
        "programme": f.programme.pk if f.programme else None,
        "agency": f.agency.pk if f.agency else None,
        "service": f.service.pk if f.service else None,
        "figures_as_of": state.as_of,
        "changes_not_included": state.pending,
        "small_counts_hidden": figures.suppressed,
        "outreach_contacts_not_registered": figures.unregistered,
    }
    for k, name in enumerate(NAMES):
        figure = {"total": figures.tables.totals[k]}
        for breakdown in figures.tables.breakdowns:
            figure[f"by_{breakdown.key}"] = {
                row.value: row.counts[k] for row in breakdown.rows
            }
        out[name] = figure
    return out


@router.get("", response=ReachOut)
def reach(request: HttpRequest, filters: Query[ReachQuery]):  # noqa: ANN201
    """Counts of distinct people for a period (this year so far by default)."""
    scope = reach_scope(request.user)
    query = filters.dict()
    data = default_period() | {
        k: v.isoformat() for k in ("start", "end") if (v := query.get(k))
    }
    for name in ("programme", "agency", "service"):
        if query.get(name) is not None:
            data[name] = str(query[name])
    if query.get("place_code"):
        place = Place.objects.filter(code=query["place_code"]).first()
        if place is None:
            raise FieldErrors({"place_code": [_("Unknown place code.")]})
        data["place"] = str(place.pk)
    form = ReachFilterForm(data, scope=scope)
    if not form.is_valid():
        raise FieldErrors(
            {("place_code" if k == "place" else k): v for k, v in form.errors.items()}
        )
    state = reach_refresh.ensure_fresh(actor=request.user)
    figures = reach_figures(
        user=request.user, filters=form.filters(), scope=scope, state=state
    )
    return as_json(figures)
