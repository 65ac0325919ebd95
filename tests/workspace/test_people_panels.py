"""The landing page's own list: the people most recently put in the user's care
first, each once, counted; never anyone the user may no longer see."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ura.access.models import GrantLevel, GrantReason, PersonGrant

pytestmark = pytest.mark.django_db


def _panel(body: str) -> str:
    return body.split('data-panel="people"')[1].split("</section>")[0]


def _assign(world, person: str, worker: str, days_ago: int) -> None:  # noqa: ANN001
    PersonGrant.objects.create(
        person=world.people[person],
        user=world.users[worker],
        reason=GrantReason.ASSIGNMENT,
        level=GrantLevel.FULL,
        starts_at=timezone.now() - timedelta(days=days_ago),
    )


def test_the_newest_in_the_workers_care_come_first_each_once(world, signed_in):
    # "own" and "team_shared" were shared with worker_a1 and their team just now
    # (tests/world.py); two people of other teams are assigned to them as well,
    # one of them twice.
    _assign(world, "other_team", "worker_a1", days_ago=10)
    _assign(world, "other_agency", "worker_a1", days_ago=3)
    _assign(world, "other_team", "worker_a1", days_ago=1)
    panel = _panel(signed_in("worker_a1").get(reverse("workspace:home")).text)
    name = {key: world.people[key].given_name for key in world.people}
    assert panel.count(name["other_team"]) == 1
    assert (
        max(panel.index(name["own"]), panel.index(name["team_shared"]))
        < panel.index(name["other_team"])  # its newer grant: a day ago
        < panel.index(name["other_agency"])  # three days ago
    )
    assert "Newest in your care first." in panel
    # The people: own, team_shared, other_team, other_agency.
    assert '<span class="badge">4</span>' in panel
    # Whoever the worker may no longer see, or never could, is not listed.
    assert name["ended"] not in panel
    assert name["team"] not in panel
