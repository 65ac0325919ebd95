"""The records indicators can count, declared in code; indicators are data on top.

A source names a queryset and how to read it as ORM paths: whose record it is (the
person, for counts of distinct persons), the date that puts it in a period, the place
path that puts it in a place, the filters an indicator may set (with the allowed values
taken from the models' ``TextChoices``), the disaggregations it can be broken down by,
and, where it has one, the durations a median can be taken of. Nothing here runs a
query: ``ura.indicators.compute`` builds the aggregate queries from these paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import DurationField, ExpressionWrapper, F, Q, QuerySet, Value
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ura.cases.migrations_defaults import DEFAULT_HOURS
from ura.cases.models import (
    Case,
    ClosureReason,
    Concern,
    ReportSource,
    ResponseDeadline,
    RiskLevel,
    Step,
)
from ura.core.dates import years_before
from ura.directory.models import ServiceType
from ura.indicators.periods import Period, PeriodType
from ura.justice.models import (
    CUSTODIAL_MEASURES,
    DiscriminationReport,
    Measure,
    MeasureKind,
    Outcome,
    ReportedTo,
)
from ura.people.equity import Answer, Community
from ura.people.models import Sex
from ura.places.models import PlaceLevel
from ura.referrals.models import ReferralEvent, ReferralStatus, Urgency
from ura.services.models import (
    Activity,
    Attendance,
    ParticipantRole,
    Presence,
    Profession,
    TrainingParticipant,
    TrainingTopic,
)
from ura.services.reach_models import ReachCategory, ReachPersonYear
from ura.visiting.coverage import births_turning_one, first_year_enrolments

# Place levels a value can be broken down by: the group is the place at that level
# that holds the record's place (``compute`` rolls the place rows up).
PLACE_LEVELS = (PlaceLevel.REGION, PlaceLevel.MUNICIPALITY, PlaceLevel.SETTLEMENT)
AGE_BANDS = ((18, "18+"), (15, "15-17"), (10, "10-14"), (5, "5-9"))


@dataclass(frozen=True)
class Filter:
    """A filter an indicator may set: ``choices`` for a code list (one value or a
    list of values), none for a yes/no."""

    name: str
    label: Promise
    path: str
    choices: type[models.TextChoices] | None = None
    # A filter computed from several columns: the records that match ``value``
    # (true, or one of the choices). Without it the filter is ``path = value``.
    condition: Callable[[Any], Q] | None = None

    def check(self, value: Any) -> None:
        if self.choices is None:
            if not isinstance(value, bool):
                raise ValidationError(
                    _("The filter %(name)s takes true or false."),
                    params={"name": self.name},
                    code="filter_value",
                )
            return
        values = value if isinstance(value, list) else [value]
        allowed = set(self.choices.values)
        bad = [v for v in values if not isinstance(v, str) or v not in allowed]
        if bad or not values:
            raise ValidationError(
                _("The filter %(name)s does not take %(value)s; it takes %(allowed)s."),
                params={
                    "name": self.name,
                    "value": ", ".join(map(str, bad)) or "[]",
                    "allowed": ", ".join(sorted(allowed)),
                },
                code="filter_value",
            )

    def q(self, value: Any) -> Q:
        if self.condition is not None:
            if self.choices is None:
                return self.condition(True) if value else ~self.condition(True)
            values = value if isinstance(value, list) else [value]
            q = Q(pk__in=[])
            for one in values:
                q |= self.condition(one)
            return q
        if isinstance(value, list):
            return Q(**{f"{self.path}__in": value})
        return Q(**{self.path: value})


@dataclass(frozen=True)
class Disaggregation:
    """A breakdown: ``expression(source, period)`` gives each record its group.
    A place level has no expression; ``compute`` groups by place and rolls up."""

    name: str
    label: Promise
    expression: Callable[[Source, Period], Any] | None = None
    # The code list the groups come from, for their names.
    choices: type[models.TextChoices] | None = None


@dataclass(frozen=True)
class Source:
    key: str
    label: Promise
    records: Callable[[], QuerySet]
    person: str
    date: str
    place: str
    filters: tuple[Filter, ...] = ()
    disaggregations: tuple[str, ...] = ()
    # Duration name -> (label, expression); records where it is null are left out.
    durations: dict[str, tuple[Promise, Callable[[], Any]]] = field(
        default_factory=dict
    )
    # A record in the period; by default its date falls in it. Open cases overlap.
    in_period: Callable[[Source, Period], Q] | None = None
    date_is_datetime: bool = True
    # The period types the records can be counted by (the reach summary: years).
    period_types: tuple[str, ...] = (
        PeriodType.MONTH,
        PeriodType.QUARTER,
        PeriodType.YEAR,
    )

    def period_q(self, period: Period) -> Q:
        if self.in_period is not None:
            return self.in_period(self, period)
        start, after = (
            (period.start_at(), period.after_at())
            if self.date_is_datetime
            else (period.start, period.after)
        )
        return Q(**{f"{self.date}__gte": start, f"{self.date}__lt": after})

    def filter(self, name: str) -> Filter | None:
        return next((f for f in self.filters if f.name == name), None)

    def filters_q(self, filters: dict[str, Any]) -> Q:
        q = Q()
        for name, value in filters.items():
            spec = self.filter(name)
            assert spec is not None, name  # checked when the indicator was saved
            q &= spec.q(value)
        return q

    def check_filters(self, filters: Any) -> None:
        """Raise a ValidationError naming the first filter this source does not
        offer or whose value it does not allow."""
        if not isinstance(filters, dict):
            raise ValidationError(
                _("Filters are a mapping of filter names to values."), code="filters"
            )
        for name, value in filters.items():
            spec = self.filter(name)
            if spec is None:
                raise ValidationError(
                    _(
                        "The records %(source)s have no filter %(name)s; "
                        "they have %(allowed)s."
                    ),
                    params={
                        "source": self.key,
                        "name": name,
                        "allowed": ", ".join(f.name for f in self.filters) or "-",
                    },
                    code="filter",
                )
            spec.check(value)


def _person(attr: str) -> Callable[[Source, Period], Any]:
    return lambda source, period: F(f"{source.person}__{attr}")


def _path(path: str) -> Callable[[Source, Period], Any]:
    return lambda source, period: F(path)


def _age_band(source: Source, period: Period) -> Any:
    """Age on the last day of the period, in the bands UNICEF reports."""
    born = f"{source.person}__date_of_birth"
    whens = [models.When(**{f"{born}__isnull": True}, then=Value("unknown"))]
    for years, band in AGE_BANDS:
        whens.append(
            models.When(
                **{f"{born}__lte": years_before(period.last_day, years)},
                then=Value(band),
            )
        )
    return models.Case(*whens, default=Value("0-4"), output_field=models.CharField())


DISAGGREGATIONS: dict[str, Disaggregation] = {
    d.name: d
    for d in (
        Disaggregation("sex", gettext_lazy("Sex"), _person("sex"), Sex),
        Disaggregation(
            "age_band", gettext_lazy("Age at the end of the period"), _age_band
        ),
        Disaggregation(
            "community", gettext_lazy("Community"), _person("community"), Community
        ),
        Disaggregation(
            "disability",
            gettext_lazy("Functional difficulty"),
            _person("functional_difficulty"),
            Answer,
        ),
        *(Disaggregation(level.value, level.label) for level in PLACE_LEVELS),
        Disaggregation(
            "concern", gettext_lazy("Concern"), _path("concerns__concern"), Concern
        ),
        Disaggregation(
            "risk_level", gettext_lazy("Risk level"), _path("risk_level"), RiskLevel
        ),
        Disaggregation(
            "service_type",
            gettext_lazy("Type of service"),
            _path("service_type"),
            ServiceType,
        ),
        Disaggregation(
            "role", gettext_lazy("Takes part as"), _path("role"), ParticipantRole
        ),
        Disaggregation("programme", gettext_lazy("Programme"), _path("programme")),
        Disaggregation(
            "profession", gettext_lazy("Profession"), _path("profession"), Profession
        ),
        Disaggregation(
            "topic", gettext_lazy("Training topic"), _path("topic"), TrainingTopic
        ),
        Disaggregation(
            "closure_reason",
            gettext_lazy("Reason for closing"),
            _path("closure_reason"),
            ClosureReason,
        ),
        Disaggregation("measure", gettext_lazy("Measure"), _path("kind"), MeasureKind),
        Disaggregation(
            "targeted_community",
            gettext_lazy("Community discriminated against"),
            _path("community"),
            Community,
        ),
    )
}


def _open_in(source: Source, period: Period) -> Q:
    # Open at any time in the period: opened before it ended, not closed before it
    # began. A reopened case has no closing date any more: open since it was opened.
    return Q(opened_at__lt=period.after_at()) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=period.start_at())
    )


PERSON = ("sex", "age_band", "community", "disability", *PLACE_LEVELS)
CASE_FILTERS = (
    Filter("concern", gettext_lazy("Concern"), "concerns__concern", Concern),
    Filter("risk_level", gettext_lazy("Risk level"), "risk_level", RiskLevel),
    Filter("reported_by", gettext_lazy("Reported by"), "reported_by", ReportSource),
    Filter(
        "first_contact_late",
        gettext_lazy("First contact after its deadline"),
        "first_contact_at",
        condition=lambda value: _first_contact_late(value),
    ),
)
CASE_PLACE = "agency__place__path"


def _case_records() -> QuerySet:
    return Case.objects.all()


def _days_to_first_contact() -> Any:
    return ExpressionWrapper(
        F("first_contact_at") - F("opened_at"), output_field=DurationField()
    )


def _accepted() -> QuerySet:
    return ReferralEvent.objects.filter(status=ReferralStatus.ACCEPTED).annotate(
        service_type=F("referral__service__type"),
        programme=F("referral__service__programme__code"),
    )


def _attended() -> QuerySet:
    return Attendance.objects.filter(presence=Presence.PRESENT).annotate(
        service_type=F("session__service__type"),
        role=F("enrolment__role"),
        programme=F("session__programme__code"),
    )


def _participants() -> QuerySet:
    return TrainingParticipant.objects.annotate(
        topic=F("training__topic"), programme=F("training__programme__code")
    )


def _first_contact_late(_value: Any) -> Q:
    """Cases whose first contact came after the deadline for their risk level, or
    has not come and the deadline has passed (the deadlines are data, read now)."""
    now = timezone.now()
    hours = dict(
        ResponseDeadline.objects.filter(step=Step.FIRST_CONTACT).values_list(
            "risk_level", "hours"
        )
    )
    late = Q(pk__in=[])
    for risk in RiskLevel:
        # A deployment that deleted a row still has a deadline: the default's.
        allowed = timedelta(
            hours=hours.get(risk, DEFAULT_HOURS[risk][Step.FIRST_CONTACT])
        )
        late |= Q(risk_level=risk) & (
            Q(first_contact_at__gt=F("opened_at") + allowed)
            | Q(first_contact_at__isnull=True, opened_at__lt=now - allowed)
        )
    return late


def _closed_in(source: Source, period: Period) -> Q:
    return Q(closed_at__gte=period.start_at(), closed_at__lt=period.after_at())


def _days_open() -> Any:
    return ExpressionWrapper(
        F("closed_at") - F("opened_at"), output_field=DurationField()
    )


def _days_to_answer() -> Any:
    return ExpressionWrapper(
        F("at") - F("referral__sent_at"), output_field=DurationField()
    )


def _measures() -> QuerySet:
    return Measure.objects.filter(kind__in=sorted(CUSTODIAL_MEASURES))


def _measure_in(source: Source, period: Period) -> Q:
    # In effect at any time in the period.
    return Q(started_on__lt=period.after) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
    )


def _days_detained() -> Any:
    return ExpressionWrapper(
        F("ended_on") - F("started_on"), output_field=DurationField()
    )


def _infants() -> QuerySet:
    return first_year_enrolments()


def _turned_one_in(source: Source, period: Period) -> Q:
    first, last = births_turning_one(period.start, period.last_day)
    return Q(born_on__gte=first, born_on__lte=last)


def _received_recommended(_value: Any) -> Q:
    return Q(received__gte=F("needed"))


REACH_BITS = {
    ReachCategory.CHILD: ReachPersonYear.KIND_CHILD,
    ReachCategory.ADULT: ReachPersonYear.KIND_ADULT,
    ReachCategory.TRAINED: ReachPersonYear.KIND_TRAINED,
    ReachCategory.INDIRECT: ReachPersonYear.KIND_INDIRECT,
}


def _reach_rows() -> QuerySet:
    return ReachPersonYear.objects.alias(
        **{f"is_{c}": F("kinds").bitand(bit) for c, bit in REACH_BITS.items()}
    )


def _reached_as(category: str) -> Q:
    if category == ReachCategory.INDIRECT:
        # As on the reach page: reached indirectly and not supported themselves.
        return Q(is_indirect__gt=0, is_child=0, is_adult=0)
    return Q(**{f"is_{category}__gt": 0})


def _reach_year(source: Source, period: Period) -> Q:
    return Q(year=period.start.year)


SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source(
            key="open_cases",
            label=gettext_lazy("Child protection cases open in the period"),
            records=_case_records,
            person="person",
            date="opened_at",
            place=CASE_PLACE,
            in_period=_open_in,
            filters=CASE_FILTERS,
            disaggregations=(*PERSON, "concern", "risk_level"),
        ),
        Source(
            key="new_cases",
            label=gettext_lazy("Child protection cases opened in the period"),
            records=_case_records,
            person="person",
            date="opened_at",
            place=CASE_PLACE,
            filters=CASE_FILTERS,
            disaggregations=(*PERSON, "concern", "risk_level"),
            durations={
                "days_to_first_contact": (
                    gettext_lazy("Days from opening to the first contact"),
                    _days_to_first_contact,
                )
            },
        ),
        Source(
            key="referrals_accepted",
            label=gettext_lazy("Referrals accepted in the period"),
            records=_accepted,
            person="referral__person",
            date="at",
            place="referral__to_agency__place__path",
            filters=(
                Filter(
                    "urgency", gettext_lazy("Urgency"), "referral__urgency", Urgency
                ),
                Filter(
                    "service_type",
                    gettext_lazy("Type of service"),
                    "referral__service__type",
                    ServiceType,
                ),
            ),
            disaggregations=(*PERSON, "service_type", "programme"),
            durations={
                "days_to_answer": (
                    gettext_lazy("Days from sending a referral to its acceptance"),
                    _days_to_answer,
                )
            },
        ),
        Source(
            key="service_attendance",
            label=gettext_lazy("Presence at a service's sessions in the period"),
            records=_attended,
            person="person",
            date="held_on",
            date_is_datetime=False,
            place="session__service__agency__place__path",
            filters=(
                Filter(
                    "service_type",
                    gettext_lazy("Type of service"),
                    "session__service__type",
                    ServiceType,
                ),
                Filter(
                    "role",
                    gettext_lazy("Takes part as"),
                    "enrolment__role",
                    ParticipantRole,
                ),
                Filter(
                    "activity", gettext_lazy("Activity"), "session__activity", Activity
                ),
            ),
            disaggregations=(*PERSON, "service_type", "role", "programme"),
        ),
        Source(
            key="training_participants",
            label=gettext_lazy("Participants of trainings ended in the period"),
            records=_participants,
            person="person",
            date="training__ends_on",
            date_is_datetime=False,
            place="training__place__path",
            filters=(
                Filter(
                    "profession", gettext_lazy("Profession"), "profession", Profession
                ),
                Filter(
                    "topic",
                    gettext_lazy("Training topic"),
                    "training__topic",
                    TrainingTopic,
                ),
                Filter(
                    "completed", gettext_lazy("Completed the training"), "completed"
                ),
            ),
            disaggregations=(*PERSON, "profession", "topic", "programme"),
        ),
        Source(
            key="closed_cases",
            label=gettext_lazy("Child protection cases closed in the period"),
            records=_case_records,
            person="person",
            date="closed_at",
            place=CASE_PLACE,
            in_period=_closed_in,
            filters=(
                *CASE_FILTERS,
                Filter(
                    "closure_reason",
                    gettext_lazy("Reason for closing"),
                    "closure_reason",
                    ClosureReason,
                ),
            ),
            disaggregations=(*PERSON, "concern", "risk_level", "closure_reason"),
            durations={
                "days_open": (
                    gettext_lazy("Days from opening to closing"),
                    _days_open,
                )
            },
        ),
        Source(
            key="custodial_measures",
            label=gettext_lazy("Measures depriving a child of liberty in the period"),
            records=_measures,
            person="proceeding__involvement__case__person",
            date="started_on",
            date_is_datetime=False,
            place="proceeding__involvement__case__agency__place__path",
            in_period=_measure_in,
            filters=(
                Filter(
                    "measure",
                    gettext_lazy("Measure"),
                    "kind",
                    MeasureKind,
                ),
            ),
            disaggregations=(*PERSON, "measure"),
            durations={
                "days_detained": (
                    gettext_lazy("Days from the start to the end of a measure"),
                    _days_detained,
                )
            },
        ),
        Source(
            key="discrimination_reported",
            label=gettext_lazy("Discrimination reported in the period"),
            records=DiscriminationReport.objects.all,
            person="case__person",
            date="reported_on",
            date_is_datetime=False,
            place="case__agency__place__path",
            filters=(
                Filter(
                    "reported_to",
                    gettext_lazy("Where it was reported"),
                    "reported_to",
                    ReportedTo,
                ),
                Filter("outcome", gettext_lazy("Outcome"), "outcome", Outcome),
            ),
            disaggregations=(*PERSON, "targeted_community"),
        ),
        Source(
            key="discrimination_rulings",
            label=gettext_lazy("Court rulings on discrimination in the period"),
            records=DiscriminationReport.objects.all,
            person="case__person",
            date="ruling_on",
            date_is_datetime=False,
            place="case__agency__place__path",
            filters=(Filter("outcome", gettext_lazy("Outcome"), "outcome", Outcome),),
            disaggregations=(*PERSON, "targeted_community"),
        ),
        Source(
            key="infants_turning_one",
            label=gettext_lazy("Infants enrolled in home visiting who turned one"),
            records=_infants,
            person="child",
            date="born_on",
            date_is_datetime=False,
            place="place_path",
            in_period=_turned_one_in,
            filters=(
                Filter(
                    "received_recommended",
                    gettext_lazy("Received the recommended visits in the first year"),
                    "received",
                    condition=_received_recommended,
                ),
            ),
            disaggregations=PERSON,
        ),
        Source(
            key="reach",
            label=gettext_lazy("People reached in the year (the reach summary)"),
            records=_reach_rows,
            person="person",
            date="year",
            place="place__path",
            in_period=_reach_year,
            period_types=(PeriodType.YEAR,),
            filters=(
                Filter(
                    "reached_as",
                    gettext_lazy("Reached as"),
                    "kinds",
                    ReachCategory,
                    condition=_reached_as,
                ),
            ),
            disaggregations=PERSON,
        ),
    )
}


def source_of(key: str) -> Source:
    try:
        return SOURCES[key]
    except KeyError:
        raise ValidationError(
            _("There are no records %(key)s to count; there are %(allowed)s."),
            params={"key": key, "allowed": ", ".join(SOURCES)},
            code="source",
        ) from None
