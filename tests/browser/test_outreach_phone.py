"""A street worker records a contact on a phone, then makes the child's record
from it: the form fits the screen and every contact with the code is linked."""

import pytest
from playwright.sync_api import expect

from tests.services_training.helpers import add_street_teams
from tests.world import PASSWORD
from ura.services.models import OutreachContact

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, username: str) -> None:  # noqa: ANN001
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("section.signin button[type=submit]").click()


def _record(page, code: str) -> None:  # noqa: ANN001
    page.get_by_role("link", name="Outreach").click()
    page.get_by_role("link", name="Record a contact").click()
    page.get_by_label("Municipality or settlement").select_option(label="Prishtina")
    page.get_by_label("Where exactly").fill("Bus station")
    page.get_by_label("Team's code for the person").fill(code)
    page.get_by_label("Name or nickname").fill("Luli")
    page.get_by_label("Male", exact=True).check()
    page.get_by_label("Age (estimated)").fill("10")
    page.get_by_label("In a street situation").check()
    page.get_by_label("Food, clothes or hygiene").check()


def test_a_street_worker_records_contacts_on_a_phone_and_makes_a_record(
    live_world, live_server, new_page, screenshots
):
    add_street_teams(live_world)
    page = new_page(width=390, height=844)
    _sign_in(page, live_server, "street_a")
    _record(page, "k-7")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.screenshot(
        path=str(screenshots / "outreach-contact-phone.png"), full_page=True
    )
    page.get_by_role("button", name="Save and record another").click()
    expect(page.locator(".messages")).to_contain_text("The contact is recorded.")
    page.get_by_label("Municipality or settlement").select_option(label="Prishtina")
    page.get_by_label("Team's code for the person").fill("K-7")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("table")).to_contain_text("K-7")
    page.get_by_role("row").filter(has_text="Luli").get_by_role("link").click()
    page.get_by_role("link", name="Make a person record").click()
    expect(page.get_by_label("Given name")).to_have_value("Luli")
    page.get_by_label("Family name").fill("Rrugaj")
    page.get_by_role("button", name="Register and link").click()
    expect(page.locator(".messages")).to_contain_text(
        "2 contacts are linked to the person record."
    )
    assert OutreachContact.objects.filter(person__isnull=False).count() == 2
