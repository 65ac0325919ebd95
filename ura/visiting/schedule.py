"""The dates of a protocol's visits for one family, and their status by date.

Pure date arithmetic (``windows_for``) plus the two database expressions that
read a stored visit's status from today's date (``status_expression``,
``open_window``). A pregnancy week counts from the first day of the last
menstrual period, 280 days before the expected date of delivery; a child's age
counts from the date of birth, or, before the birth, from the expected date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, CharField, Q, Value, When

from ura.visiting.models import Anchor, VisitState, VisitStatus

PREGNANCY_DAYS = 280


@dataclass(frozen=True)
class VisitSpec:
    """A protocol visit's timing, as the arithmetic needs it."""

    key: int
    anchor: str
    target: int
    opens: int
    due: int
    overdue: int
    closes: int


@dataclass(frozen=True)
class Window:
    key: int
    opens_on: date
    due_on: date
    overdue_on: date
    closes_on: date
    # False when the visit cannot apply to this family: a pregnancy visit after
    # the birth, or a window that closed before the family was enrolled.
    applies: bool


def target_date(
    spec: VisitSpec, *, expected_delivery_on: date | None, born_on: date | None
) -> date:
    if spec.anchor == Anchor.PREGNANCY:
        edd = expected_delivery_on or born_on
        assert edd is not None
        return edd - timedelta(days=PREGNANCY_DAYS) + timedelta(weeks=spec.target)
    base = born_on or expected_delivery_on
    assert base is not None
    return base + timedelta(days=spec.target)


def windows_for(
    specs: Iterable[VisitSpec],
    *,
    expected_delivery_on: date | None,
    born_on: date | None,
    enrolled_on: date,
) -> list[Window]:
    """One window per protocol visit, in the protocol's order."""
    windows = []
    for spec in specs:
        target = target_date(
            spec, expected_delivery_on=expected_delivery_on, born_on=born_on
        )
        closes_on = target + timedelta(days=spec.closes)
        applies = closes_on > enrolled_on
        if spec.anchor == Anchor.PREGNANCY:
            if expected_delivery_on is None:
                # Enrolled after birth: there was no pregnancy visit to make.
                applies = False
            elif born_on is not None and closes_on > born_on:
                # The pregnancy ended before this window did.
                applies = False
        windows.append(
            Window(
                key=spec.key,
                opens_on=target + timedelta(days=spec.opens),
                due_on=target + timedelta(days=spec.due),
                overdue_on=target + timedelta(days=spec.overdue),
                closes_on=closes_on,
                applies=applies,
            )
        )
    return windows


def status_of(
    *, state: str, opens_on: date, overdue_on: date, closes_on: date, today: date
) -> str:
    """``status_expression`` for one visit already read (the same rule)."""
    if state == VisitState.DONE:
        return VisitStatus.DONE
    if state == VisitState.NOT_NEEDED:
        return VisitStatus.NOT_NEEDED
    if closes_on <= today:
        return VisitStatus.MISSED
    if overdue_on <= today:
        return VisitStatus.OVERDUE
    if opens_on <= today:
        return VisitStatus.DUE
    return VisitStatus.UPCOMING


def status_expression(today: date) -> Case:
    """A scheduled visit's status on ``today``, computed by the database."""
    return Case(
        When(state=VisitState.DONE, then=Value(VisitStatus.DONE.value)),
        When(state=VisitState.NOT_NEEDED, then=Value(VisitStatus.NOT_NEEDED.value)),
        When(closes_on__lte=today, then=Value(VisitStatus.MISSED.value)),
        When(overdue_on__lte=today, then=Value(VisitStatus.OVERDUE.value)),
        When(opens_on__lte=today, then=Value(VisitStatus.DUE.value)),
        default=Value(VisitStatus.UPCOMING.value),
        output_field=CharField(),
    )


def open_window(today: date) -> Q:
    """Due or overdue on ``today``: scheduled, opened, not yet closed. Matches the
    partial indexes ``sv_worklist`` and ``sv_centre``."""
    return Q(state=VisitState.SCHEDULED, closes_on__gt=today, opens_on__lte=today)


def status_filter(status: str, today: date) -> Q:
    """The visits with ``status`` on ``today``, as a condition the indexes serve."""
    scheduled = Q(state=VisitState.SCHEDULED)
    return {
        VisitStatus.DONE: Q(state=VisitState.DONE),
        VisitStatus.NOT_NEEDED: Q(state=VisitState.NOT_NEEDED),
        VisitStatus.MISSED: scheduled & Q(closes_on__lte=today),
        VisitStatus.OVERDUE: scheduled & Q(closes_on__gt=today, overdue_on__lte=today),
        VisitStatus.DUE: scheduled & Q(overdue_on__gt=today, opens_on__lte=today),
        VisitStatus.UPCOMING: scheduled & Q(opens_on__gt=today),
    }[VisitStatus(status)]
