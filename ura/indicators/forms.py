"""The filters of the indicator pages: a period, a place within the user's
statistics scope and, on one indicator's page, a breakdown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ura.indicators.models import Indicator
from ura.indicators.periods import Period, PeriodType
from ura.indicators.sources import DISAGGREGATIONS
from ura.places.models import Place, PlaceLevel
from ura.services.reach_forms import PlaceChoice, area_places

YEARS = 10


@dataclass(frozen=True)
class PlacesInScope:
    places: tuple[Place, ...] | None


def period_choices(today: date | None = None) -> list[tuple[str, list]]:
    """Years, quarters and months, newest first: the last ten years, the quarters
    of the last three and the months of the last two."""
    year = (today or timezone.localdate()).year
    years = [(str(y), str(y)) for y in range(year, year - YEARS, -1)]
    quarters = [
        (p.code, p.code)
        for y in range(year, year - 3, -1)
        for p in (Period.quarter(y, q) for q in (4, 3, 2, 1))
    ]
    months = [
        (p.code, f"{p.start.year}-{p.start.month:02d}")
        for y in range(year, year - 2, -1)
        for p in (Period.month(y, m) for m in range(12, 0, -1))
    ]
    return [
        (str(PeriodType.YEAR.label), years),
        (str(PeriodType.QUARTER.label), quarters),
        (str(PeriodType.MONTH.label), months),
    ]


class IndicatorFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"))
    place = PlaceChoice(label=_("Place"), queryset=Place.objects.none())

    def __init__(
        self,
        data: dict | None,
        *,
        places: tuple[Place, ...],
        indicator: Indicator | None = None,
    ) -> None:
        super().__init__(data)
        self.fields["period"].choices = period_choices()
        areas = area_places(PlacesInScope(places)).order_by("path")
        self.fields["place"].queryset = areas
        if indicator is not None and indicator.disaggregations:
            self.fields["by"] = forms.ChoiceField(
                label=_("Broken down by"),
                required=False,
                choices=[
                    ("", _("No breakdown")),
                    *(
                        (name, DISAGGREGATIONS[name].label)
                        for name in indicator.disaggregations
                    ),
                ],
            )

    @staticmethod
    def defaults(places: tuple[Place, ...]) -> dict[str, str]:
        """This year, for the widest place the user's statistics cover."""
        widest = min(places, key=lambda p: len(p.path), default=None)
        data = {"period": str(timezone.localdate().year)}
        if widest is not None:
            data["place"] = str(widest.pk)
        return data

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class Dhis2ExportForm(IndicatorFilterForm):
    """A data set, a period, a place, and whether to send the place itself or every
    place at a level within it (DHIS2's bulk form)."""

    data_set = forms.ChoiceField(label=_("DHIS2 data set"))
    level = forms.ChoiceField(label=_("Org units"), required=False)

    def __init__(
        self, data: dict | None, *, places: tuple[Place, ...], data_sets: list[str]
    ) -> None:
        super().__init__(data, places=places)
        self.fields["data_set"].choices = [(d, d) for d in data_sets]
        self.fields["level"].choices = [
            ("", _("The place itself")),
            (PlaceLevel.REGION, _("Each region in it")),
            (PlaceLevel.MUNICIPALITY, _("Each municipality in it")),
            (PlaceLevel.SETTLEMENT, _("Each settlement in it")),
        ]
        self.order_fields(["data_set", "period", "place", "level"])

    @staticmethod
    def defaults(places: tuple[Place, ...], data_sets: list[str]) -> dict[str, str]:  # type: ignore[override]
        data = IndicatorFilterForm.defaults(places)
        if data_sets:
            data["data_set"] = data_sets[0]
        return data


class OpenFilterForm(forms.Form):
    """The open statistics' filters: a year, any area of the country and, on one
    indicator's page, a breakdown."""

    period = forms.ChoiceField(label=_("Year"))
    place = PlaceChoice(label=_("Place"), queryset=Place.objects.none())

    def __init__(
        self, data: dict | None, *, indicator: Indicator | None = None
    ) -> None:
        super().__init__(data)
        year = timezone.localdate().year
        self.fields["period"].choices = [
            (str(y), str(y)) for y in range(year, year - YEARS, -1)
        ]
        self.fields["place"].queryset = area_places(PlacesInScope(None)).order_by(
            "path"
        )
        if indicator is not None and indicator.disaggregations:
            self.fields["by"] = forms.ChoiceField(
                label=_("Broken down by"),
                required=False,
                choices=[
                    ("", _("No breakdown")),
                    *(
                        (name, DISAGGREGATIONS[name].label)
                        for name in indicator.disaggregations
                    ),
                ],
            )

    @staticmethod
    def defaults() -> dict[str, str]:
        """This year so far, as on the signed-in pages, for the whole country."""
        data = {"period": str(timezone.localdate().year)}
        country = area_places(PlacesInScope(None)).order_by("path").first()
        if country is not None:
            data["place"] = str(country.pk)
        return data

    def clean_period(self) -> Period:
        return Period.parse(self.cleaned_data["period"])
