"""The filters of the reach page and API: a period, a place, and optionally a
programme, an agency and one of its services, each limited to the user's scope."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ura.accounts.models import Agency, AgencyType
from ura.directory.models import Programme, Service
from ura.people.forms import deployment_country
from ura.places.models import Place, PlaceLevel
from ura.services.reach import ReachFilters
from ura.services.reach_scope import ReachScope

MAX_YEARS = 10
AREA_LEVELS = [PlaceLevel.COUNTRY, PlaceLevel.REGION, PlaceLevel.MUNICIPALITY]


class PlaceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Place) -> str:
        depth = {PlaceLevel.COUNTRY: 0, PlaceLevel.REGION: 1}.get(obj.level, 2)
        return "\u2003" * depth + obj.name


class ScopeOfPlaces(Protocol):
    """A report's scope: the places its figures cover, None for the whole country."""

    @property
    def places(self) -> Sequence[Place] | None: ...


def default_period(today: date | None = None) -> dict[str, str]:
    """This year so far."""
    today = today or timezone.localdate()
    return {"start": date(today.year, 1, 1).isoformat(), "end": today.isoformat()}


def area_places(scope: ScopeOfPlaces) -> QuerySet[Place]:
    """The country, regions and municipalities within ``scope.places`` (all of the
    deployment's country when None): the place choices of a report's filters."""
    areas = Place.objects.filter(level__in=AREA_LEVELS)
    if scope.places is None:
        return areas.filter(path__startswith=f"/{deployment_country()}/")
    where = Q(pk__in=[])
    for place in scope.places:
        where |= Q(path__startswith=place.path)
    return areas.filter(where)


def _agencies(scope: ReachScope) -> QuerySet[Agency]:
    if scope.service_agencies is not None or scope.training_agencies is not None:
        ids = (scope.service_agencies or frozenset()) | (
            scope.training_agencies or frozenset()
        )
        return Agency.objects.filter(pk__in=sorted(ids))
    # Agencies that deliver something the figures count.
    return Agency.objects.filter(
        Q(services__isnull=False)
        | Q(trainings_organised__isnull=False)
        | Q(type=AgencyType.MOBILE_TEAM)
    ).distinct()


class ReachFilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    place = PlaceChoice(
        label=_("Living in"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("All my places"),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("Any programme"),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Any agency"),
    )
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("Any service"),
    )

    def __init__(self, data: object = None, *, scope: ReachScope) -> None:
        super().__init__(data)
        self.scope = scope
        self.fields["place"].queryset = area_places(scope)
        if scope.places is None:
            self.fields["place"].empty_label = _("Everywhere")
        programmes = Programme.objects.all()
        if scope.programmes is not None:
            programmes = programmes.filter(pk__in=sorted(scope.programmes))
            self.fields["programme"].empty_label = _("All the programmes you fund")
        self.fields["programme"].queryset = programmes
        agencies = _agencies(scope)
        self.fields["agency"].queryset = agencies
        # The services of the agency chosen (a national list would be thousands).
        chosen = self.data.get("agency") if self.is_bound else None
        services = Service.objects.none()
        if chosen and str(chosen).isdigit():
            services = Service.objects.filter(agency_id=chosen, agency__in=agencies)
        self.fields["service"].queryset = services.select_related("agency")

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        today = timezone.localdate()
        if start and end:
            # Days after today have not happened: the period ends today at most.
            end = data["end"] = min(end, today)
            if start > end:
                self.add_error("start", _("The period must start before it ends."))
            elif end.year - start.year >= MAX_YEARS:
                self.add_error(
                    "start",
                    _("Choose a period of at most %(years)s years.")
                    % {"years": MAX_YEARS},
                )
        return data

    def filters(self) -> ReachFilters:
        data = self.cleaned_data
        return ReachFilters(
            start=data["start"],
            end=data["end"],
            place=data.get("place"),
            programme=data.get("programme"),
            agency=data.get("agency"),
            service=data.get("service"),
        )
