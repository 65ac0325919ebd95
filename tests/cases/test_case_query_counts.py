"""The case pages and the landing pages make a fixed number of queries, however
many cases they show (no N+1). The numbers are pinned: a change that adds queries
must say why."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cases.helpers import open_case
from ura.cases.actions import case_link
from ura.cases.models import Case

pytestmark = pytest.mark.django_db


def _more_cases(world, n: int) -> None:  # noqa: ANN001
    from datetime import date

    from ura.people.models import Person

    for i in range(n):
        person = Person.objects.create(
            given_name=f"Extra{i}",
            family_name="Many",
            sex="male",
            date_of_birth=date(2012, 1, 1),
            place=world.places["prishtina"],
        )
        world.people[f"extra{i}"] = person
        case = open_case(
            world, person=f"extra{i}", concerns=("neglect", "school_drop_out")
        )
        _approval_waiting(world, case)


def _approval_waiting(world, case: Case) -> None:  # noqa: ANN001
    from django.utils import timezone

    from ura.cases.models import Approval, ApprovalSubject

    Approval.objects.create(
        case=case,
        subject=ApprovalSubject.PLAN,
        requested_by=world.users["worker_a1"],
        requested_at=timezone.now(),
    )


def _queries(client, url: str) -> int:  # noqa: ANN001
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("persona", "url_name", "budget"),
    [
        # session, user, roles, grantees (teams), the cases and their concerns,
        # the count for the pager.
        ("worker_a1", "cases:list", 10),
        # + each panel: cases by stage and risk, overdue (rows and count), due
        # this week, plan actions, conference items (rows and count), detention,
        # the two referral panels (one query each).
        ("worker_a1", "workspace:home", 20),
        # + supervised teams and workers, the team table (members, then their
        # people counted in one grouped read), the team's open cases (once), the
        # cases shown, approvals (the waiting ones, then the ten shown), transfers
        # in; + the referral panels (answers
        # and outcomes, and the team's referrals not answered in time: one
        # query each, rows and count together; ura/workspace/referral_panels.py);
        # + the family health centres the user manages (none here: the home
        # visiting panel, ura/visiting/worklists.centre_panel).
        ("sup_a", "workspace:home", 25),
    ],
)
def test_case_lists_make_the_same_queries_for_few_or_many_cases(
    world, signed_in, persona, url_name, budget
):
    _approval_waiting(world, open_case(world))
    client = signed_in(persona)
    few = _queries(client, reverse(url_name))
    _more_cases(world, 30)
    many = _queries(client, reverse(url_name))
    assert few == many == budget, (few, many)


def test_the_case_page_has_a_fixed_query_budget(world, signed_in):
    # The summary, the access check, two audit events (the case, and its notes
    # section), and each section's own few queries: work (assessments, approvals,
    # plan, reviews, reopenings), records, conferences, justice, transfers.
    case = open_case(world)
    sibling = open_case(world, person="team_shared")
    case_link(actor=world.users["worker_a1"], case=case, other=sibling)
    client = signed_in("worker_a1")
    url = reverse("cases:detail", args=[case.pk])
    few = _queries(client, url)
    _more_cases(world, 5)
    for other in Case.objects.exclude(pk__in=[case.pk, sibling.pk])[:5]:
        case_link(actor=world.users["worker_a1"], case=case, other=other)
    many = _queries(client, url)
    assert few == many <= 40, (few, many)
