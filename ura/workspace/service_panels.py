"""The landing page panel of service providers: "My services today"."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from ura.access.rules import Permission, may
from ura.accounts.models import User
from ura.directory.models import Service
from ura.services.delivery_queries import my_services, week_of
from ura.services.models import ServiceGroup

# The panel shows this many services; the rest are on the "My services" page.
PANEL_SIZE = 10


@dataclass
class ServicesToday:
    services: list[Service]
    total: int


def my_services_today(user: User) -> ServicesToday | None:
    """Each active service of the user's agencies: the people taking part now,
    the sessions held this week, and its active groups (for today's sheet)."""
    if not may(user, Permission.RECORD_SERVICES):
        return None
    monday, sunday = week_of(timezone.localdate())
    services = (
        my_services(user)
        .filter(is_active=True)
        .annotate(
            active=Count(
                "enrolments",
                filter=Q(enrolments__ended_on__isnull=True),
                distinct=True,
            ),
            this_week=Count(
                "sessions",
                filter=Q(sessions__held_on__gte=monday, sessions__held_on__lte=sunday),
                distinct=True,
            ),
        )
        .prefetch_related(
            Prefetch(
                "groups",
                queryset=ServiceGroup.objects.filter(is_active=True),
                to_attr="active_groups",
            )
        )
        .order_by("name", "pk")
    )
    shown = list(services[:PANEL_SIZE])
    total = len(shown) if len(shown) < PANEL_SIZE else services.count()
    return ServicesToday(services=shown, total=total)
