"""Members see only the cases on their table, and only while they are on it.

The permission tests of the issue's "Done when": a conference member (police)
sees a case while it is on the table and loses access (404 on the case page and
in the API) when it leaves the table, when the conference is closed, and when
the member is removed.
"""

import pytest
from django.urls import reverse

from tests.cases.helpers import open_case
from tests.conferences.helpers import GIVEN, schedule, table_with_police
from ura.access.cases import visible_cases
from ura.access.models import GrantReason, PersonGrant
from ura.conferences import actions

pytestmark = pytest.mark.django_db


def _case_page(client, case) -> int:  # noqa: ANN001
    return client.get(reverse("cases:detail", args=[case.pk])).status_code


def _case_api(api_client, persona: str, case) -> int:  # noqa: ANN001
    client, headers = api_client(persona)
    return client.get(f"/api/v1/cases/{case.pk}", headers=headers).status_code


def _person_api(api_client, persona: str, case) -> int:  # noqa: ANN001
    client, headers = api_client(persona)
    path = f"/api/v1/people/{case.person_id}"
    return client.get(path, headers=headers).status_code


def test_a_member_sees_the_case_only_while_it_is_on_the_table(
    world, signed_in, api_client
):
    case = open_case(world)
    member = signed_in("conf_member")
    # Before the table: out of sight, as if it did not exist.
    assert _case_page(member, case) == 404
    conference = table_with_police(world, case)

    page = member.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    assert GIVEN in page.content.decode()
    assert _case_api(api_client, "conf_member", case) == 200
    assert _person_api(api_client, "conf_member", case) == 200
    grant = PersonGrant.objects.get(
        user=world.users["conf_member"], reason=GrantReason.CONFERENCE
    )
    assert (grant.source_type, grant.source_id) == ("conference", str(conference.pk))
    assert grant.case_id == case.pk

    actions.conference_case_remove(
        actor=world.users["worker_a1"], conference=conference, case=case
    )

    assert _case_page(member, case) == 404
    assert _case_api(api_client, "conf_member", case) == 404
    assert _person_api(api_client, "conf_member", case) == 404
    # The conference stays theirs, without the case.
    body = member.get(reverse("conferences:detail", args=[conference.pk]))
    assert body.status_code == 200
    assert case.reference not in body.content.decode()


def test_closing_the_conference_ends_every_members_access(world, signed_in, api_client):
    case = open_case(world)
    other = open_case(world, person="team", worker="worker_a2")
    conference = table_with_police(world, case)
    member = signed_in("conf_member")
    assert _case_page(member, case) == 200

    actions.conference_close(actor=world.users["worker_a1"], conference=conference)

    assert _case_page(member, case) == 404
    assert _case_api(api_client, "conf_member", case) == 404
    assert not PersonGrant.objects.filter(
        source_type="conference", ends_at__isnull=True
    ).exists()
    # The organiser keeps their own case; nobody gained anything else.
    assert _case_page(signed_in("worker_a1"), case) == 200
    assert _case_page(member, other) == 404


def test_removing_a_member_ends_their_access_now(world, signed_in):
    case = open_case(world)
    conference = table_with_police(world, case)
    member = signed_in("conf_member")
    assert _case_page(member, case) == 200
    invited = conference.members.get(user=world.users["conf_member"])

    actions.conference_member_remove(actor=world.users["worker_a1"], member=invited)

    assert _case_page(member, case) == 404
    url = reverse("conferences:detail", args=[conference.pk])
    assert member.get(url).status_code == 404


def test_a_member_invited_later_sees_the_cases_already_on_the_table(world):
    case = open_case(world)
    conference = table_with_police(world, case)
    actions.conference_member_add(
        actor=world.users["worker_a1"],
        conference=conference,
        user=world.users["worker_b1"],
    )
    assert visible_cases(world.users["worker_b1"]).filter(pk=case.pk).exists()


def test_a_member_sees_only_the_conferences_they_are_invited_to(world, signed_in):
    case = open_case(world)
    mine = table_with_police(world, case)
    not_mine = schedule(world, title="Another table")
    member = signed_in("conf_member")

    listing = member.get(reverse("conferences:list")).content.decode()

    assert "Table 1" in listing
    assert "Another table" not in listing
    assert member.get(reverse("conferences:detail", args=[mine.pk])).status_code == 200
    for name in ("detail", "minutes"):
        url = reverse(f"conferences:{name}", args=[not_mine.pk])
        assert member.get(url).status_code == 404


# Roles that see cases but were not invited: 404, as if the conference did not
# exist; roles that see no case at all: 403 (their role does not allow it).
OTHERS = {
    "worker_a2": 404,
    "worker_b1": 404,
    "sup_a": 404,
    "worker_pz": 404,
    "provider": 403,
    "admin": 403,
    "outsider": 403,
}


@pytest.mark.parametrize(("persona", "expected"), OTHERS.items())
def test_others_cannot_reach_the_conference(world, signed_in, persona, expected):
    case = open_case(world)
    conference = table_with_police(world, case)
    client = signed_in(persona)
    for name in ("detail", "minutes"):
        url = reverse(f"conferences:{name}", args=[conference.pk])
        assert client.get(url).status_code == expected, name
    for name in ("edit", "case_add", "member_add", "decision_add", "item_add"):
        url = reverse(f"conferences:{name}", args=[conference.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"text": "x"}).status_code == 404, name
    for name in ("held", "close", "attendance"):
        url = reverse(f"conferences:{name}", args=[conference.pk])
        assert client.post(url).status_code == 404, name
    remove = reverse("conferences:case_remove", args=[conference.pk, case.pk])
    assert client.post(remove).status_code == 404
    listing = client.get(reverse("conferences:list"))
    assert "Table 1" not in listing.content.decode()
    conference.refresh_from_db()
    assert conference.status == "scheduled"
    assert conference.table.filter(removed_at__isnull=True).count() == 1
    # Only the case's own team sees the case; the table adds nobody else.
    if persona == "sup_a":
        assert _case_page(client, case) == 200
    else:
        assert _case_page(client, case) == expected


def test_a_member_cannot_run_the_conference(world, signed_in):
    case = open_case(world)
    conference = table_with_police(world, case)
    member = signed_in("conf_member")
    page = member.get(reverse("conferences:detail", args=[conference.pk]))
    close = reverse("conferences:close", args=[conference.pk])
    assert close not in page.content.decode()
    for name in ("close", "held"):
        url = reverse(f"conferences:{name}", args=[conference.pk])
        assert member.post(url).status_code == 403
    remove = reverse("conferences:case_remove", args=[conference.pk, case.pk])
    assert member.post(remove).status_code == 403
    assert _case_page(member, case) == 200


def test_a_closed_conference_shows_a_member_no_minutes(world, signed_in):
    case = open_case(world)
    conference = table_with_police(world, case)
    organiser = world.users["worker_a1"]
    actions.conference_decision_add(
        actor=organiser, conference=conference, case=case, text="CanaryDecisionX"
    )
    member = signed_in("conf_member")
    url = reverse("conferences:detail", args=[conference.pk])
    assert "CanaryDecisionX" in member.get(url).content.decode()

    actions.conference_close(actor=organiser, conference=conference)

    body = member.get(url).content.decode()
    assert "CanaryDecisionX" not in body
    assert "This conference is closed" in body
    # The organiser keeps the minutes.
    assert "CanaryDecisionX" in signed_in("worker_a1").get(url).content.decode()


def test_a_members_supervisor_does_not_see_the_members_table(world):
    case = open_case(world)
    conference = table_with_police(world, case)
    actions.conference_member_add(
        actor=world.users["worker_a1"],
        conference=conference,
        user=world.users["worker_b1"],
    )
    assert visible_cases(world.users["worker_b1"]).filter(pk=case.pk).exists()
    assert not visible_cases(world.users["sup_b"]).filter(pk=case.pk).exists()


def test_closing_the_case_takes_it_off_every_table(world):
    from django.utils import timezone

    from ura.cases.approval_actions import approval_decide
    from ura.cases.models import Approval, ApprovalSubject

    case = open_case(world)
    table_with_police(world, case)
    assert visible_cases(world.users["conf_member"]).filter(pk=case.pk).exists()
    closure = Approval.objects.create(
        case=case,
        subject=ApprovalSubject.CLOSURE,
        closure_reason="goals_met",
        requested_by=world.users["worker_a1"],
        requested_at=timezone.now(),
    )
    approval_decide(actor=world.users["sup_a"], approval=closure, decision="approved")
    assert not visible_cases(world.users["conf_member"]).filter(pk=case.pk).exists()
    assert visible_cases(world.users["worker_a1"]).filter(pk=case.pk).exists()
