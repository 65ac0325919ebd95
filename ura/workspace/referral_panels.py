"""The referral panels of the landing pages: answers and outcomes that came back
to the referring worker, referrals not answered in time (the worker's own, and
for a supervisor their team's), and, for a provider, referrals waiting for an
answer. Each panel is one query (its rows and their count), read through the referral
indexes (``ref_sender``, ``ref_to``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Func, QuerySet, Subquery

from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.referrals.lifecycle import ANSWERED_STATUSES
from ura.referrals.models import UNANSWERED_STATUSES, Referral
from ura.referrals.queries import (
    late_only,
    provider_agency_ids,
    supervised_senders,
    with_list_columns,
)

PANEL_SIZE = 10


@dataclass
class Panel:
    rows: list[Referral] = field(default_factory=list)
    total: int = 0


def _panel(user: User, rows: QuerySet[Referral], order: tuple[str, ...]) -> Panel:
    """The first rows and the count of all, in one query: the first ids are
    chosen and counted from the bare referral rows (two sub-selects), and only
    those few are joined to their service, agencies and person and checked for
    the name, however many referrals the panel holds."""
    bare = rows.order_by()
    first = bare.order_by(*order).values("pk")[:PANEL_SIZE]
    total = bare.annotate(n=Func(F("id"), function="COUNT")).values("n")
    listed = list(
        with_list_columns(user, Referral.objects.filter(pk__in=first))
        .annotate(panel_total=Subquery(total))
        .order_by(*order)
    )
    return Panel(rows=listed, total=listed[0].panel_total if listed else 0)


@dataclass
class ReferralPanels:
    answers: Panel
    overdue: Panel
    waiting: Panel
    team: bool  # the overdue panel includes the supervised workers' referrals

    def __bool__(self) -> bool:
        return bool(self.answers.total or self.overdue.total or self.waiting.total)


def referral_panels(user: User) -> ReferralPanels | None:
    sends = may(user, Permission.SEND_REFERRALS)
    agencies = provider_agency_ids(user)
    if not sends and not agencies:
        return None
    answers = overdue = waiting = Panel()
    senders = supervised_senders(user) if sends else []
    if sends:
        answers = _panel(
            user,
            Referral.objects.filter(
                sent_by=user,
                status__in=sorted(ANSWERED_STATUSES),
                outcome_seen_at__isnull=True,
            ),
            ("-updated_at", "-pk"),
        )
        late = late_only(
            Referral.objects.filter(sent_by_id__in=sorted({user.pk, *senders}))
        )
        overdue = _panel(user, late, ("answer_due_at", "pk"))
    if agencies:
        waiting = _panel(
            user,
            Referral.objects.filter(
                to_agency_id__in=agencies, status__in=sorted(UNANSWERED_STATUSES)
            ),
            ("answer_due_at", "pk"),
        )
    return ReferralPanels(
        answers=answers, overdue=overdue, waiting=waiting, team=bool(senders)
    )
