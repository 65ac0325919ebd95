"""The referral lists make the same number of queries for a few rows or a full
page of them (no query per referral, person or service). Pinned: a change that
adds queries must say why."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.referrals.helpers import send
from ura.referrals.models import Referral

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:  # noqa: ANN001
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _more(first: Referral, n: int) -> None:
    now = timezone.now()
    Referral.objects.bulk_create(
        Referral(
            reference=f"R-many-{i}",
            person=first.person,
            origin="person",
            from_agency=first.from_agency,
            sent_by=first.sent_by,
            service=first.service,
            to_agency=first.to_agency,
            urgency="routine",
            reason="Many",
            status="sent" if i % 2 else "accepted",
            sent_at=now - timedelta(days=i),
            answer_due_at=now - timedelta(days=i) + timedelta(hours=48),
            start_due_at=now - timedelta(days=i) + timedelta(hours=96),
        )
        for i in range(n)
    )


@pytest.mark.parametrize(
    ("persona", "url", "budget"),
    [
        # session, user, roles, the user's teams, the count for the pager, the
        # page's ids in list order, its rows (with the service, agencies, person,
        # overdue flag and whether the name may show, in one query), the
        # session's save (three).
        ("worker_a1", "/referrals/", 10),
        # + the audit event of a filtered list of names (four with its savepoint,
        # five on PostgreSQL with the chain's advisory lock).
        ("worker_a1", "/referrals/?status=all&overdue=on", 15),
        # + the supervised teams and their workers.
        ("sup_a", "/referrals/?who=team", 17),
        # + the provider's agencies (for the list, and for the names' grants).
        ("provider", "/referrals/incoming/", 12),
        ("provider", "/referrals/incoming/?status=waiting&overdue=on", 17),
    ],
)
def test_referral_lists_make_the_same_queries_for_few_or_many(
    world, signed_in, persona, url, budget
):
    first = send(world)
    # Overdue, so that every list shows it from the start.
    Referral.objects.filter(pk=first.pk).update(
        answer_due_at=timezone.now() - timedelta(hours=1)
    )
    client = signed_in(persona)
    few = _queries(client, url)
    _more(first, 40)
    many = _queries(client, url)
    assert few == many <= budget, (few, many)
    # Whole referral rows are read for the page shown only, never for the list.
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.startswith('SELECT "referrals_referral"."id", "referrals_referral"."'):
            assert '"referrals_referral"."id" IN (' in sql, sql


def test_the_referral_page_has_a_fixed_query_budget(world, signed_in):
    first = send(world)
    client = signed_in("provider")
    url = reverse("referrals:detail", args=[first.pk])
    client.get(url)  # marks it received
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert len(captured) <= 25, len(captured)
