"""Home visiting in a real browser: a nurse enrols a Roma family in pregnancy
from its household's page, the baby comes early and the schedule moves; the
centre's manager sees the family; an administrator's overlapping protocol is
refused with nothing saved."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.visiting.helpers import MOTHER, newborn, setup_visiting
from tests.world import PASSWORD
from ura.visiting.models import Enrolment, ProtocolVisit

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, username: str) -> None:  # noqa: ANN001
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("button.primary[type=submit]").click()


def test_a_nurse_enrols_in_pregnancy_and_records_an_early_birth(
    live_world, live_server, new_page, screenshots
):
    from ura.accounts.models import User

    w = setup_visiting(live_world)
    for username in ("nurse", "manager"):
        user = User.objects.get(username=username)
        user.set_password(PASSWORD)
        user.save()
    today = timezone.localdate()
    page = new_page()
    _sign_in(page, live_server, "nurse")
    page.goto(f"{live_server.url}/people/households/{w.households['family'].pk}/")
    page.locator("#home-visiting a", has_text="Enrol in home visiting").click()
    page.locator("input[name=kind][value=pregnancy]").check()
    page.locator("input[name=expected_delivery_on]").fill(
        (today + timedelta(days=35)).isoformat()
    )
    page.locator("input[name=priority_reasons][value=rae_community]").check()
    page.screenshot(path=screenshots / "home-visiting-enrol.png", full_page=True)
    page.locator("button.primary", has_text="Enrol").click()
    expect(page.locator(".messages")).to_contain_text("The family is enrolled")
    expect(page.locator("[data-part=protocol]")).to_contain_text("Intensified")
    enrolment = Enrolment.objects.get()
    newborn_row = page.locator("tr[data-visit='Newborn, day 3']")
    expect(newborn_row).to_have_attribute("data-status", "upcoming")

    # The baby comes five weeks early.
    child = newborn(w, "CanaryEarlyBirdQ", today)
    page.reload()
    page.locator("[data-step=birth] summary").click()
    page.locator("[data-step=birth] select[name=child]").select_option(str(child.pk))
    page.locator("[data-step=birth] input[name=born_on]").fill(today.isoformat())
    page.locator("[data-step=birth] button.primary").click()
    expect(page.locator(".messages")).to_contain_text("The birth is recorded")
    expect(newborn_row).to_have_attribute("data-status", "due")
    expect(page.locator("tr[data-visit='Pregnancy, week 36']")).to_have_attribute(
        "data-status", "not_needed"
    )
    page.screenshot(path=screenshots / "home-visiting-schedule.png", full_page=True)
    assert enrolment.scheduled_visits.get(name="Newborn, day 3").due_on == (
        today + timedelta(days=3)
    )

    manager = new_page()
    _sign_in(manager, live_server, "manager")
    manager.goto(f"{live_server.url}/visiting/")
    expect(manager.locator("#results")).to_contain_text(MOTHER)
    manager.locator("select[name=status]").select_option("ended")
    manager.locator("form.filters button.primary").click()
    expect(manager.locator("#results")).to_contain_text("No family to show.")


def test_an_overlapping_protocol_is_refused_in_the_browser(
    live_world, live_server, page
):
    setup_visiting(live_world)
    before = list(ProtocolVisit.objects.values_list("pk", "target", "opens"))
    _sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/visiting/protocols/")
    page.locator("a", has_text="Universal (example)").click()
    # "Two weeks" opens on day 10, the day "Newborn, day 3" closes: move it earlier.
    row = page.locator("table.protocol-visits tbody tr").nth(2)
    row.locator("input[name$=-opens]").fill("-10")
    page.locator("button.primary", has_text="Save the protocol").click()
    expect(page.locator("[data-part=problems]")).to_contain_text("overlap")
    expect(page.locator("[data-part=problems]")).to_contain_text("Nothing was saved.")
    assert list(ProtocolVisit.objects.values_list("pk", "target", "opens")) == before
