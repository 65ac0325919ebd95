"""Reporting periods: a month, a quarter or a year, written as DHIS2 writes them
(``2026``, ``2026Q1``, ``202603``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class PeriodType(models.TextChoices):
    MONTH = "month", gettext_lazy("Month")
    QUARTER = "quarter", gettext_lazy("Quarter")
    YEAR = "year", gettext_lazy("Year")


@dataclass(frozen=True)
class Period:
    type: str
    start: date
    # The first day after the period: every range is half-open, [start, after).
    after: date

    @property
    def last_day(self) -> date:
        return self.after - timedelta(days=1)

    @property
    def code(self) -> str:
        if self.type == PeriodType.YEAR:
            return f"{self.start.year}"
        if self.type == PeriodType.QUARTER:
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}{self.start.month:02d}"

    def previous(self) -> Period:
        """The period of the same type just before this one."""
        day_before = self.start - timedelta(days=1)
        if self.type == PeriodType.YEAR:
            return Period.year(day_before.year)
        if self.type == PeriodType.QUARTER:
            return Period.quarter(day_before.year, (day_before.month - 1) // 3 + 1)
        return Period.month(day_before.year, day_before.month)

    def last(self, n: int) -> list[Period]:
        """This period and the ``n - 1`` before it, oldest first."""
        periods = [self]
        while len(periods) < n:
            periods.append(periods[-1].previous())
        return periods[::-1]

    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    def after_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.after, time.min))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(PeriodType.YEAR, date(year, 1, 1), date(year + 1, 1, 1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        start = date(year, 3 * quarter - 2, 1)
        return cls(PeriodType.QUARTER, start, _month_after(start, 3))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = date(year, month, 1)
        return cls(PeriodType.MONTH, start, _month_after(start, 1))

    @classmethod
    def parse(cls, text: str) -> Period:
        text = text.strip()
        if m := re.fullmatch(r"(\d{4})", text):
            return cls.year(int(m[1]))
        if (m := re.fullmatch(r"(\d{4})Q([1-4])", text)) is not None:
            return cls.quarter(int(m[1]), int(m[2]))
        m = re.fullmatch(r"(\d{4})(\d{2})", text)
        if m and 1 <= int(m[2]) <= 12:
            return cls.month(int(m[1]), int(m[2]))
        raise ValidationError(
            _("%(text)s is not a period: write 2026, 2026Q1 or 202603."),
            params={"text": text},
            code="period",
        )


def _month_after(start: date, months: int) -> date:
    index = start.month - 1 + months
    return date(start.year + index // 12, index % 12 + 1, 1)
