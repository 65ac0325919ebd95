"""The filters of the coverage report: a year or a period, and a place (the
places the user's figures cover, as on the reach page)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ura.places.models import Place
from ura.services.reach_forms import MAX_YEARS, PlaceChoice, area_places
from ura.visiting.coverage import CoverageFilters, CoverageScope


class CoverageFilterForm(forms.Form):
    year = forms.IntegerField(
        label=_("Turned one in"), required=False, min_value=2000, max_value=2100
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = PlaceChoice(
        label=_("Living in"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("All my places"),
    )

    def __init__(self, data: object = None, *, scope: CoverageScope) -> None:
        super().__init__(data)
        self.fields["place"].queryset = area_places(scope)
        if scope.places is None:
            self.fields["place"].empty_label = _("Everywhere")

    def clean(self) -> dict:
        data = super().clean()
        today = timezone.localdate()
        year, start, end = data.get("year"), data.get("start"), data.get("end")
        if year:
            start, end = date(year, 1, 1), date(year, 12, 31)
        elif not (start and end):
            if not self.errors:
                self.add_error(
                    "year", _("Choose a year, or a period from one date to another.")
                )
            return data
        # Birthdays after today have not happened: the period ends today at most.
        end = min(end, today)
        if start > end:
            self.add_error("start", _("The period must start before it ends."))
        elif end.year - start.year >= MAX_YEARS:
            self.add_error(
                "start",
                _("Choose a period of at most %(years)s years.") % {"years": MAX_YEARS},
            )
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> CoverageFilters:
        data = self.cleaned_data
        return CoverageFilters(
            start=data["start"], end=data["end"], place=data.get("place")
        )


def default_filters(today: date | None = None) -> dict[str, str]:
    """The last whole calendar year."""
    today = today or timezone.localdate()
    return {"year": str(today.year - 1)}
