"""A case moves to another centre for social work, in Albanian, through the pages.

The worker opens a case, records the consent to share with the Prizren centre and
proposes the transfer; the Prizren supervisor finds it among the transfers to their
agency, accepts it and names a worker of theirs; that worker now has the case, and
the worker who proposed it no longer finds it (404).
"""

import pytest
from playwright.sync_api import expect

from tests.browser.test_case_cycle import (
    expect_stage,
    follow,
    signed_in,
    submit,
)
from tests.world import PASSWORD
from ura.accounts.models import Membership, Role, Team, User
from ura.cases.models import Case, Stage

pytestmark = pytest.mark.browser

REASON = "Familja u zhvendos në Prizren."


def test_a_case_is_transferred_to_another_centre_in_albanian(
    live_world, live_server, new_page, screenshots
):
    w = live_world
    url = live_server.url
    prizren = w.agencies["csw_pz"]
    sup_pz = User.objects.create_user(username="sup_pz", password=PASSWORD)
    Membership.objects.create(user=sup_pz, agency=prizren, role=Role.SUPERVISOR)
    team = Team.objects.create(agency=prizren, name="PZ", supervisor=sup_pz)
    team.members.add(w.users["worker_pz"])
    child = w.people["own"]

    # --- worker_a1 opens a case for a child in their care. ---
    worker = signed_in(new_page, live_server, "worker_a1")
    worker.goto(f"{url}/people/{child.pk}/")
    follow(worker, f"a[href='/cases/open/{child.pk}/']")
    worker.locator("#id_risk_level").select_option("medium")
    worker.locator("input[name=concerns][value=family_separation]").check()
    worker.locator("#id_reported_by").select_option("family")
    submit(worker, "form.stacked")
    case = Case.objects.get(person=child)
    assert worker.url == f"{url}/cases/{case.pk}/"
    expect_stage(worker, Stage.IDENTIFICATION)

    # --- ... records the consent to share with the Prizren centre... ---
    follow(worker, f"a[href='/cases/{case.pk}/consents/new/']")
    worker.locator("#id_given_by").select_option("guardian")
    worker.locator("#id_to_sharing").check()
    worker.locator("#id_agencies").select_option(str(prizren.pk))
    submit(worker, "form.stacked")
    expect(worker.locator("#consent")).to_contain_text(prizren.name)

    # --- ... and proposes the transfer. ---
    follow(worker, f"a[href='/cases/{case.pk}/transfer/']")
    # The consent just recorded is the one the page names.
    expect(worker.locator("section.card").first).to_contain_text(prizren.name)
    worker.locator("#id_to_agency").select_option(str(prizren.pk))
    worker.locator("#id_reason").fill(REASON)
    submit(worker, "form.stacked")
    assert worker.url == f"{url}/cases/{case.pk}/"
    expect(worker.locator("#transfer .messages")).to_contain_text(prizren.name)
    expect(
        worker.locator(f"#transfer a[href='/cases/{case.pk}/transfer/']")
    ).to_have_count(0)
    worker.screenshot(
        path=screenshots / "case-transfer-1-proposed-sq.png", full_page=True
    )

    # --- The Prizren supervisor finds it and accepts it for worker_pz. ---
    sup = signed_in(new_page, live_server, "sup_pz")
    follow(sup, "nav.main-nav a[href='/cases/transfers/incoming/']")
    row = sup.locator("tbody tr", has_text=case.reference)
    expect(row).to_contain_text(child.given_name)
    expect(row).to_contain_text(w.agencies["csw_pr"].name)
    sup.screenshot(path=screenshots / "case-transfer-2-inbox-sq.png", full_page=True)
    follow(sup, f"tbody a:has-text('{case.reference}')")
    expect(sup.locator("p.narrative")).to_contain_text(REASON)
    accept = "form[action$='/accept/']"
    sup.locator(f"{accept} [name=worker]").select_option(str(w.users["worker_pz"].pk))
    submit(sup, accept)
    assert sup.url == f"{url}/cases/transfers/incoming/"
    expect(sup.locator("tbody a", has_text=case.reference)).to_have_count(0)

    # --- worker_pz now has the case; worker_a1 no longer finds it. ---
    receiver = signed_in(new_page, live_server, "worker_pz")
    response = receiver.goto(f"{url}/cases/{case.pk}/")
    assert response is not None and response.status == 200
    expect_stage(receiver, Stage.IDENTIFICATION)
    summary = receiver.locator("section.case-summary")
    expect(summary).to_contain_text(prizren.name)
    expect(summary).to_contain_text("worker_pz")
    # The new worker works on it, not only reads it.
    expect(receiver.locator(f"a[href='/cases/{case.pk}/edit/']")).to_be_visible()
    receiver.screenshot(
        path=screenshots / "case-transfer-3-received-sq.png", full_page=True
    )

    response = worker.goto(f"{url}/cases/{case.pk}/")
    assert response is not None and response.status == 404
    expect(worker.locator("html")).to_have_attribute("lang", "sq")
    expect(worker.locator("body")).not_to_contain_text(child.given_name)
    worker.screenshot(path=screenshots / "case-transfer-4-gone-sq.png", full_page=True)

    case.refresh_from_db()
    assert (case.agency_id, case.worker_id) == (prizren.pk, w.users["worker_pz"].pk)
