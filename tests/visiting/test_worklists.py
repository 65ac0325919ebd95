"""The worklists: a nurse's visits due today (page, landing panel, API) and a
centre manager's overview (coverage, visits per nurse, families not seen).

The families here follow a two-visit protocol with known windows, so each
family's status today follows from how many days ago the child was born:

- "First": window from day 5 to day 30, overdue from day 15;
- "Second": window from day 35 to day 60, overdue from day 45.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.visiting.helpers import _person, setup_visiting, two_visits
from ura.audit.models import AuditEvent
from ura.people.models import Household, Person, Sex
from ura.visiting import actions
from ura.visiting.models import Enrolment, Protocol
from ura.visiting.visit_actions import Observations, visit_record

pytestmark = pytest.mark.django_db
API = "/api/v1/visiting/worklist"


@pytest.fixture
def w(world):  # noqa: ANN001, ANN201
    w = setup_visiting(world)
    w.protocol = two_visits(w)  # type: ignore[attr-defined]
    return w


def family(
    w,  # noqa: ANN001
    name: str,
    born_days_ago: int,
    *,
    nurse: str = "nurse",
    centre: str = "health_pr",
    shown: bool = True,
    address: str = "",
    last_visited_days_ago: int | None = None,
) -> Enrolment:
    """A family enrolled at the birth, ``born_days_ago`` days ago."""
    today = timezone.localdate()
    born = today - timedelta(days=born_days_ago)
    place = w.places["prishtina"]
    if shown:
        mother = _person(w, f"Canary{name}MotherQ", Sex.FEMALE, date(1998, 2, 3))
        child = _person(w, f"Canary{name}ChildQ", Sex.FEMALE, born)
    else:
        mother = Person.objects.create(
            given_name=f"Canary{name}MotherQ",
            family_name="X",
            sex="female",
            place=place,
        )
        child = Person.objects.create(
            given_name=f"Canary{name}ChildQ", family_name="X", sex="female", place=place
        )
    household = Household.objects.create(place=place, address=address)
    enrolment = Enrolment.objects.create(
        kind="birth",
        caregiver=mother,
        child=child,
        household=household,
        born_on=born,
        centre=w.agencies[centre],
        nurse=w.users[nurse],
        protocol=Protocol.objects.get(name="Two visits"),
        enrolled_on=born,
        enrolled_by=w.users[nurse],
        last_visited_on=(
            None
            if last_visited_days_ago is None
            else today - timedelta(days=last_visited_days_ago)
        ),
    )
    actions.reschedule(enrolment)
    return enrolment


def done(enrolment: Enrolment, name: str, days_ago: int = 1) -> None:
    """The nurse records the visit ``name``, ``days_ago`` days ago."""
    visit_record(
        actor=enrolment.nurse,
        enrolment=enrolment,
        visited_on=timezone.localdate() - timedelta(days=days_ago),
        scheduled=enrolment.scheduled_visits.get(name=name),
        seen=Observations(present=["mother", "child"]),
    )


# --- A nurse's today --------------------------------------------------------


def test_a_nurse_sees_the_visits_due_and_overdue_the_most_urgent_first(w, signed_in):
    due = family(w, "Due", 12, address="Rruga e Dardanisë 4")
    overdue_late = family(w, "Late", 18)
    overdue_closing = family(w, "Closing", 25)
    second = family(w, "Second", 50)
    family(w, "Missed", 32)  # "First" missed, "Second" not open yet
    family(w, "Other", 18, nurse="nurse2")
    response = signed_in("nurse").get(reverse("visiting:today"))
    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert [(v.enrolment_id, v.name, v.status) for v in rows] == [
        (overdue_closing.pk, "First", "overdue"),  # closes in 5 days
        (second.pk, "Second", "overdue"),  # closes in 10 days
        (overdue_late.pk, "First", "overdue"),  # closes in 12 days
        (due.pk, "First", "due"),
    ]
    page = response.content.decode()
    assert "CanaryDueMotherQ" in page and "CanaryDueChildQ" in page
    assert "Rruga e Dardanisë 4" in page and "Prishtina" in page
    first = rows[0]
    record = reverse("visiting:visit_new", args=[first.enrolment_id])
    assert f'href="{record}?scheduled={first.pk}"' in page  # record from the door
    assert "CanaryOtherMotherQ" not in page and "CanaryMissedMotherQ" not in page
    assert response.context["counts"] == {"overdue": 3, "due": 1}


def test_a_visit_made_leaves_the_list(w, signed_in):
    enrolment = family(w, "Done", 18)
    done(enrolment, "First")
    page = signed_in("nurse").get(reverse("visiting:today"))
    assert list(page.context["page"].object_list) == []
    assert "No visit is due today." in page.content.decode()


def test_names_and_address_show_only_as_the_access_rules_allow(w, signed_in):
    family(w, "Hidden", 18, shown=False, address="Secret road 9")
    page = signed_in("nurse").get(reverse("visiting:today")).content.decode()
    assert "CanaryHiddenMotherQ" not in page
    assert "Secret road 9" not in page
    assert "not shared with you" in page


def test_the_today_page_is_audited(w, signed_in):
    family(w, "Due", 12)
    signed_in("nurse").get(reverse("visiting:today"))
    event = AuditEvent.objects.get(object_type="visiting.enrolment", detail="today")
    assert event.action == "view" and event.changes == {"count": 1}


def test_a_manager_who_visits_no_family_lands_on_the_centre_page(w, signed_in):
    response = signed_in("manager").get(reverse("visiting:today"))
    assert response.status_code == 302
    assert response["Location"] == reverse("visiting:centre")


@pytest.mark.parametrize("persona", ["worker_a1", "data_pr", "partner", "outsider"])
def test_roles_without_home_visiting_have_no_today_page(w, signed_in, persona):
    assert signed_in(persona).get(reverse("visiting:today")).status_code == 403


def test_the_landing_page_of_a_nurse_shows_the_visits_due_today(w, signed_in):
    family(w, "Late", 18)
    family(w, "Due", 12)
    page = signed_in("nurse").get(reverse("workspace:home")).content.decode()
    assert 'data-panel="visits-today"' in page
    assert page.index("CanaryLateMotherQ") < page.index("CanaryDueMotherQ")
    assert reverse("visiting:today") in page


def test_the_landing_page_of_a_social_worker_has_no_visiting_panel(w, signed_in):
    page = signed_in("worker_a1").get(reverse("workspace:home")).content.decode()
    assert 'data-panel="visits-today"' not in page
    assert 'data-panel="visiting-centre"' not in page


def test_the_api_gives_the_nurse_the_same_worklist(w, api_client):
    late = family(w, "Late", 18, address="Rruga 1")
    due = family(w, "Due", 12)
    hidden = family(w, "Hidden", 25, shown=False, address="Secret road 9")
    family(w, "Other", 18, nurse="nurse2")
    client, headers = api_client("nurse")
    body = client.get(API, headers=headers).json()
    assert body["count"] == 3
    items = body["items"]
    assert [(i["enrolment_id"], i["status"]) for i in items] == [
        (hidden.pk, "overdue"),
        (late.pk, "overdue"),
        (due.pk, "due"),
    ]
    assert items[0]["caregiver"]["given_name"] is None
    assert items[0]["address"] is None
    assert items[1]["caregiver"]["given_name"] == "CanaryLateMotherQ"
    assert items[1]["child"]["given_name"] == "CanaryLateChildQ"
    assert items[1]["address"]["address"] == "Rruga 1"
    assert items[1]["address"]["place"] == "Prishtina"
    assert items[1]["name"] == "First"
    assert AuditEvent.objects.filter(detail="api worklist").count() == 1


@pytest.mark.parametrize("persona", ["manager", "worker_a1", "partner", "outsider"])
def test_the_worklist_api_is_for_nurses(w, api_client, persona):
    client, headers = api_client(persona)
    assert client.get(API, headers=headers).status_code == 403


def _queries(client, url: str) -> int:  # noqa: ANN001
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_today_page_does_not_grow_with_its_rows(w, signed_in):
    client = signed_in("nurse")
    family(w, "First", 18)
    url = reverse("visiting:today")
    few = _queries(client, url)
    for i in range(30):
        family(w, f"Many{i}", 10 + i % 15)
    many = _queries(client, url)
    # session, user, roles, the pager's count, the page's rows (the visit, its
    # family and their places, whether each name may show: one query), the
    # user's teams (for the names), the counts of overdue and due, the audit
    # event (with its savepoint; PostgreSQL's advisory lock), the session:
    # 14 on SQLite, 15 on PostgreSQL.
    assert few == many <= 15, (few, many)


def test_the_worklist_api_does_not_grow_with_its_rows(w, api_client):
    client, headers = api_client("nurse")
    family(w, "First", 18)
    client.get(API, headers=headers)
    with CaptureQueriesContext(connection) as few:
        client.get(API, headers=headers)
    for i in range(30):
        family(w, f"Many{i}", 10 + i % 15)
    with CaptureQueriesContext(connection) as many:
        assert client.get(API, headers=headers).json()["count"] == 31
    assert len(few) == len(many) <= 15, (len(few), len(many))


# --- The centre's manager ---------------------------------------------------


def test_the_manager_sees_the_centres_coverage(w, signed_in):
    up_to_date = family(w, "UpToDate", 18)
    done(up_to_date, "First")
    family(w, "Upcoming", 2)  # nothing due yet: up to date
    family(w, "Overdue", 18)
    missed = family(w, "Missed", 32)
    family(w, "Both", 50)  # "First" missed, "Second" overdue
    ended = family(w, "Ended", 18)
    Enrolment.objects.filter(pk=ended.pk).update(status="ended")
    family(w, "Prizren", 18, nurse="nurse_pz", centre="health_pz")
    response = signed_in("manager").get(reverse("visiting:centre"))
    assert response.status_code == 200
    [row] = response.context["coverage"]
    assert (row.families, row.up_to_date, row.behind) == (5, 2, 3)
    assert (row.with_overdue, row.with_missed) == (2, 2)
    assert row.share_up_to_date == 40
    assert missed.pk


def test_the_manager_sees_the_visits_per_nurse(w, signed_in):
    family(w, "A", 18)
    family(w, "B", 25)
    family(w, "C", 12)
    family(w, "D", 2)
    family(w, "E", 18, nurse="nurse2")
    family(w, "F", 12, nurse="nurse2")
    response = signed_in("manager").get(reverse("visiting:centre"))
    loads = {n.name: n for n in response.context["nurses"]}
    nurse, nurse2 = loads["nurse"], loads["nurse2"]
    assert (nurse.overdue, nurse.due, nurse.families_waiting, nurse.families) == (
        2,
        1,
        3,
        4,
    )
    assert (nurse2.overdue, nurse2.due, nurse2.families) == (1, 1, 2)
    assert [n.name for n in response.context["nurses"]] == ["nurse", "nurse2"]


def test_the_manager_sees_the_families_not_seen_for_n_days(w, signed_in):
    seen = family(w, "Seen", 200, last_visited_days_ago=10)
    long_ago = family(w, "LongAgo", 200, last_visited_days_ago=90)
    never = family(w, "Never", 70)  # enrolled 70 days ago, never visited
    recent = family(w, "Recent", 20)  # enrolled 20 days ago
    client = signed_in("manager")
    response = client.get(reverse("visiting:centre"))
    listed = [e.pk for e in response.context["page"].object_list]
    assert listed == [long_ago.pk, never.pk]
    assert response.context["days"] == 60
    page = response.content.decode()
    assert "CanaryLongAgoMotherQ" in page and "CanarySeenMotherQ" not in page
    listed = [
        e.pk
        for e in client.get(reverse("visiting:centre"), {"days": 15}).context["page"]
    ]
    assert listed == [long_ago.pk, never.pk, recent.pk]
    assert seen.pk not in listed
    odd = client.get(reverse("visiting:centre"), {"days": "x"}).context["days"]
    assert odd == 60


def test_the_centre_page_is_audited(w, signed_in):
    family(w, "Never", 70)
    signed_in("manager").get(reverse("visiting:centre"))
    event = AuditEvent.objects.get(object_type="visiting.enrolment", detail="centre")
    assert event.changes == {"count": 1}


@pytest.mark.parametrize(
    "persona", ["nurse", "nurse_pz", "sup_a", "data_pr", "partner", "outsider"]
)
def test_only_a_centres_manager_has_the_centre_page(w, signed_in, persona):
    assert signed_in(persona).get(reverse("visiting:centre")).status_code == 403


def test_the_manager_does_not_see_another_centres_families(w, signed_in):
    family(w, "Prizren", 90, nurse="nurse_pz", centre="health_pz")
    response = signed_in("manager").get(reverse("visiting:centre"))
    assert list(response.context["page"].object_list) == []
    assert response.context["nurses"] == []


def test_the_landing_page_of_a_manager_shows_the_centre(w, signed_in):
    family(w, "Overdue", 18)
    page = signed_in("manager").get(reverse("workspace:home")).content.decode()
    assert 'data-panel="visiting-centre"' in page
    assert reverse("visiting:centre") in page


def test_the_centre_page_does_not_grow_with_its_rows(w, signed_in):
    client = signed_in("manager")
    family(w, "First", 90)
    url = reverse("visiting:centre")
    few = _queries(client, url)
    for i in range(30):
        family(w, f"Many{i}", 65 + i, nurse="nurse2" if i % 2 else "nurse")
    many = _queries(client, url)
    # session, user, roles, the centres managed, the centres by name, the
    # pager's count, the page's rows (with people, nurse, household and whether
    # each name may show), the user's teams and supervised workers (for the
    # names), the coverage (one grouped query), the families and visits per
    # nurse (two grouped queries), the audit event (savepoint, advisory lock),
    # the session's save (with its savepoint): 20 on SQLite, 21 on PostgreSQL.
    assert few == many <= 21, (few, many)
