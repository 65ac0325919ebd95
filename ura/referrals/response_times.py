"""How fast referrals are answered and services started, for a period.

For a provider: the referrals to their agencies; for a supervisor: those sent
from their agencies. By urgency and by receiving agency: the median and 90th
percentile hours from sending to the answer and to the start of the service,
and the share answered by the deadline (of the referrals answered or whose
deadline has passed). Counts are computed in the database; the percentiles too
on PostgreSQL (``percentile_cont``); SQLite has no such function, so there they
are computed from the bounded period's rows (``forms.MAX_PERIOD_DAYS``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from ura.access.rules import agencies_where, roles_of
from ura.accounts.models import Agency, Role, User
from ura.referrals.models import Referral, Urgency
from ura.referrals.queries import provider_agency_ids

HOUR = timedelta(hours=1)


class Percentile(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY x)``."""

    function = "PERCENTILE_CONT"
    name = "Percentile"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra) -> None:  # noqa: ANN001, ANN003
        super().__init__(
            expression, fraction=float(fraction), output_field=DurationField(), **extra
        )


def percentile(values: list[float], fraction: float) -> float | None:
    """``percentile_cont`` in Python: linear interpolation between sorted values."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class TimesRow:
    key: str
    label: str
    sent: int = 0
    answered: int = 0
    started: int = 0
    due: int = 0
    in_time: int = 0
    answer_median: float | None = None
    answer_p90: float | None = None
    start_median: float | None = None
    start_p90: float | None = None

    @property
    def in_time_share(self) -> float | None:
        """Percent answered by the deadline, of those answered or past it."""
        return round(100 * self.in_time / self.due, 1) if self.due else None


@dataclass
class ResponseTimes:
    start: date
    end: date
    total: TimesRow
    by_urgency: list[TimesRow]
    by_agency: list[TimesRow]


def report_scope(user: User) -> Q | None:
    """Which referrals the user's report covers; None when they get no report."""
    condition = Q(pk__in=[])
    allowed = False
    agencies = provider_agency_ids(user)
    if agencies:
        condition |= Q(to_agency_id__in=agencies)
        allowed = True
    if Role.SUPERVISOR in roles_of(user):
        sending = list(
            agencies_where(user, Role.SUPERVISOR).values_list("pk", flat=True)
        )
        if sending:
            condition |= Q(from_agency_id__in=sorted(sending))
            allowed = True
    return condition if allowed else None


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else round(value / HOUR, 1)


def _counts(rows: QuerySet[Referral], key: str | None, now: datetime) -> list[dict]:
    figures = {
        "sent": Count("id"),
        "answered": Count("id", filter=Q(answered_at__isnull=False)),
        "started": Count("id", filter=Q(started_at__isnull=False)),
        "due": Count(
            "id", filter=Q(answered_at__isnull=False) | Q(answer_due_at__lt=now)
        ),
        "in_time": Count("id", filter=Q(answered_at__lte=F("answer_due_at"))),
    }
    if connection.vendor == "postgresql":
        to_answer = ExpressionWrapper(
            F("answered_at") - F("sent_at"), output_field=DurationField()
        )
        to_start = ExpressionWrapper(
            F("started_at") - F("sent_at"), output_field=DurationField()
        )
        figures |= {
            "answer_median": Percentile(to_answer, 0.5),
            "answer_p90": Percentile(to_answer, 0.9),
            "start_median": Percentile(to_start, 0.5),
            "start_p90": Percentile(to_start, 0.9),
        }
    if key is None:
        return [{"key": "", **rows.aggregate(**figures)}]
    return [
        {**row, "key": str(row[key])}
        for row in rows.values(key).annotate(**figures).order_by(key)
    ]


TIMES = ("answer_median", "answer_p90", "start_median", "start_p90")


def _python_percentiles(
    rows: QuerySet[Referral],
) -> dict[tuple[str | None, str], dict[str, float | None]]:
    """The percentiles on a database without ``percentile_cont``, for every
    grouping from one read of the answered referrals of the period."""
    answers: dict[tuple[str | None, str], list[float]] = defaultdict(list)
    starts: dict[tuple[str | None, str], list[float]] = defaultdict(list)
    answered = rows.filter(answered_at__isnull=False).order_by()
    for urgency, agency, sent, answered_at, started in answered.values_list(
        "urgency", "to_agency", "sent_at", "answered_at", "started_at"
    ):
        for group in (("urgency", urgency), ("to_agency", str(agency)), (None, "")):
            answers[group].append((answered_at - sent) / HOUR)
            if started is not None:
                starts[group].append((started - sent) / HOUR)
    result = {}
    for group in set(answers) | set(starts):
        values = (
            percentile(answers[group], 0.5),
            percentile(answers[group], 0.9),
            percentile(starts[group], 0.5),
            percentile(starts[group], 0.9),
        )
        result[group] = {
            name: None if value is None else round(value, 1)
            for name, value in zip(TIMES, values, strict=True)
        }
    return result


def _rows(
    rows: QuerySet[Referral],
    key: str | None,
    labels: dict[str, str],
    now: datetime,
    computed: dict[tuple[str | None, str], dict[str, float | None]],
) -> list[TimesRow]:
    result = []
    for row in _counts(rows, key, now):
        group = row["key"]
        if connection.vendor == "postgresql":
            times = {name: _hours(row[name]) for name in TIMES}
        else:
            times = computed.get((key, group), dict.fromkeys(TIMES))
        result.append(
            TimesRow(
                key=group,
                label=labels.get(group, group),
                sent=row["sent"],
                answered=row["answered"],
                started=row["started"],
                due=row["due"],
                in_time=row["in_time"],
                **times,
            )
        )
    return result


def response_times(*, user: User, start: date, end: date, scope: Q) -> ResponseTimes:
    """The figures for referrals sent from ``start`` to ``end`` (both included)."""
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    rows = Referral.objects.filter(scope, sent_at__gte=since, sent_at__lt=until)
    now = timezone.now()
    computed = {} if connection.vendor == "postgresql" else _python_percentiles(rows)
    urgencies = {u.value: str(u.label) for u in Urgency}
    by_urgency = _rows(rows, "urgency", urgencies, now, computed)
    order = list(urgencies)
    by_urgency.sort(key=lambda row: order.index(row.key) if row.key in order else 99)
    agency_rows = _rows(rows, "to_agency", {}, now, computed)
    names = dict(
        Agency.objects.filter(pk__in=[int(r.key) for r in agency_rows]).values_list(
            "pk", "name"
        )
    )
    for row in agency_rows:
        row.label = names.get(int(row.key), row.key)
    agency_rows.sort(key=lambda row: row.label)
    total = _rows(rows, None, {"": _("All referrals")}, now, computed)[0]
    return ResponseTimes(
        start=start, end=end, total=total, by_urgency=by_urgency, by_agency=agency_rows
    )
