"""Time in pre-trial detention against the legal limit the deployment sets.

Pure functions of dates, so the rule is tested without a database. The limit and
the warning period come from the settings (``URA_PRETRIAL_DETENTION_LIMIT_DAYS``,
``URA_DETENTION_ALERT_DAYS``) and are read on every call, so a deployment (or a
test) that changes them sees the change at once.

Days are counted inclusively: a child detained on the 1st and released on the
2nd spent two days in detention, as courts count them. All pre-trial detention
measures of one proceeding add up (a child released and detained again in the
same matter keeps counting); periods recorded twice over the same days count
once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

Period = tuple[date, date | None]  # (started_on, ended_on or None while it lasts)


class DetentionAlert(models.TextChoices):
    NONE = "", _("Within the limit")
    NEAR = "near", _("Near the limit")
    PAST = "past", _("Past the limit")


def limit_days() -> int:
    return int(settings.URA_PRETRIAL_DETENTION_LIMIT_DAYS)


def alert_days() -> int:
    return int(settings.URA_DETENTION_ALERT_DAYS)


def merged(periods: Iterable[Period], today: date) -> list[tuple[date, date, bool]]:
    """The periods as (first day, last day counted so far, still lasting),
    sorted and with overlaps joined. Days after today are not counted yet."""
    spans = sorted(
        (start, min(end, today) if end else today, end is None)
        for start, end in periods
        if start <= today
    )
    joined: list[tuple[date, date, bool]] = []
    for start, end, open_ in spans:
        if joined and start <= joined[-1][1] + timedelta(days=1):
            first, last, was_open = joined[-1]
            joined[-1] = (first, max(last, end), was_open or open_)
        else:
            joined.append((start, end, open_))
    return joined


@dataclass(frozen=True)
class DetentionStatus:
    days: int  # spent in pre-trial detention up to and including today
    limit: int
    detained_now: bool
    reached_on: date | None  # the last day the limit allows, if it will be reached
    alert: DetentionAlert

    @property
    def days_left(self) -> int:
        return self.limit - self.days

    @property
    def days_over(self) -> int:
        return max(0, self.days - self.limit)


def detention_status(
    periods: Iterable[Period],
    *,
    today: date,
    limit: int | None = None,
    warn: int | None = None,
) -> DetentionStatus:
    limit = limit_days() if limit is None else limit
    warn = alert_days() if warn is None else warn
    spans = merged(periods, today)
    days = sum((last - first).days + 1 for first, last, _open in spans)
    detained_now = any(open_ for _first, _last, open_ in spans)
    reached_on = None
    counted = 0
    for first, last, open_ in spans:
        length = (last - first).days + 1
        # A detention that still lasts goes on into the future until it ends.
        if counted + length >= limit or open_:
            reached_on = first + timedelta(days=limit - counted - 1)
            break
        counted += length
    if days > limit:
        alert = DetentionAlert.PAST
    elif detained_now and limit - days <= warn:
        alert = DetentionAlert.NEAR
    else:
        alert = DetentionAlert.NONE
    if not detained_now and days < limit:
        reached_on = None
    return DetentionStatus(
        days=days,
        limit=limit,
        detained_now=detained_now,
        reached_on=reached_on,
        alert=alert,
    )
