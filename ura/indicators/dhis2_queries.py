"""The DHIS2 aggregate export: a ``dataValueSet`` of a data set for a period and
one org unit, or the bulk form for every place at a level (docs/indicators.md,
"DHIS2"). Org units are Ura's place codes and data elements and category option
combinations the mapping's codes: DHIS2 imports it with ``idScheme=code``.

Exact figures only: an export to another system cannot carry "<5", so whoever
sees small cells hidden cannot export to DHIS2 at all."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.indicators.compute import Number, indicator_value
from ura.indicators.models import Dhis2DataElement, IndicatorKind
from ura.indicators.periods import Period
from ura.indicators.queries import OutOfScope, group_names, may_see_place
from ura.indicators.sources import DISAGGREGATIONS
from ura.places.models import Place
from ura.statistics.queries import suppresses_small_cells


def may_export_to_dhis2(user: User) -> bool:
    return may(user, Permission.EXPORT_STATISTICS) and not suppresses_small_cells(user)


def data_sets() -> list[str]:
    return list(
        Dhis2DataElement.objects.order_by("data_set")
        .values_list("data_set", flat=True)
        .distinct()
    )


def data_set_elements(data_set: str) -> QuerySet[Dhis2DataElement]:
    return (
        Dhis2DataElement.objects.filter(data_set=data_set)
        .select_related("indicator__numerator", "indicator__denominator")
        .prefetch_related("combos")
        .order_by("pk")
    )


@dataclass
class ElementRow:
    """One data element as the export page shows it: the groups it sends under
    which code, and the groups of its breakdown it has no code for."""

    element: Dhis2DataElement
    sent: list[tuple[str, str]]
    not_sent: list[str]

    @property
    def by_label(self) -> str:
        by = self.element.disaggregation
        return str(DISAGGREGATIONS[by].label) if by else ""


def mapping_rows(data_set: str) -> list[ElementRow]:
    rows = []
    for element in data_set_elements(data_set):
        combos = {c.group: c.code for c in element.combos.all()}
        by = element.disaggregation
        if not by:
            rows.append(ElementRow(element, [], []))
            continue
        choices = DISAGGREGATIONS[by].choices
        groups = list(choices.values) if choices is not None else list(combos)
        names = group_names(by, [*groups, *combos])
        rows.append(
            ElementRow(
                element,
                [(names.get(g, g), code) for g, code in combos.items()],
                [names.get(g, g) for g in groups if g not in combos],
            )
        )
    return rows


_FRACTIONS = (IndicatorKind.SHARE, IndicatorKind.MEDIAN_DURATION)


def dhis2_value(value: Number, kind: str) -> str | None:
    """DHIS2 takes values as strings: a count as it is, a share or a median with
    up to four decimals. No data is not sent, and neither is a count of 0: DHIS2
    does not store zeros unless told they matter, so a period without records is
    an empty but valid set."""
    if value is None or (value == 0 and kind not in _FRACTIONS):
        return None
    if kind in _FRACTIONS:
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(int(value))


def _values(element: Dhis2DataElement, period: Period, place: Place) -> list[dict]:
    indicator = element.indicator
    by = element.disaggregation or None
    value = indicator_value(indicator, period, place, by)
    if by is None:
        text = dhis2_value(value.value, indicator.kind)
        if text is None:
            return []
        one = {"dataElement": element.data_element, "value": text}
        if element.total_combo:
            one["categoryOptionCombo"] = element.total_combo
        return [one]
    out = []
    for combo in element.combos.all():
        # A group without records: a count of 0, a share or median without data;
        # neither is sent.
        text = dhis2_value(value.groups.get(combo.group), indicator.kind)
        if text is not None:
            out.append(
                {
                    "dataElement": element.data_element,
                    "categoryOptionCombo": combo.code,
                    "value": text,
                }
            )
    return out


def data_value_set(
    *,
    user: User,
    data_set: str,
    period: Period,
    place: Place,
    level: str | None = None,
) -> dict:
    """The data set's values for the place, or (with ``level``) for every place at
    that level within it, in DHIS2's bulk form."""
    if not may_export_to_dhis2(user):
        raise PermissionDenied
    if not may_see_place(user, place):
        raise OutOfScope
    elements = list(data_set_elements(data_set))
    if level is None:
        values = [v for e in elements for v in _values(e, period, place)]
        return {
            "dataSet": data_set,
            "period": period.code,
            "orgUnit": place.code,
            "dataValues": values,
        }
    places = Place.objects.filter(level=level, path__startswith=place.path).order_by(
        "path"
    )
    bulk = []
    for unit in places:
        for element in elements:
            for value in _values(element, period, unit):
                bulk.append({**value, "period": period.code, "orgUnit": unit.code})
    return {"dataValues": bulk}
