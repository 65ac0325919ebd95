"""The reach page on a phone: the filters wrap, the tables scroll inside their
card, and a partner sees small counts hidden."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.services_reach.helpers import Reach, national_data_officer
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, username: str) -> None:  # noqa: ANN001
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("section.signin button[type=submit]").click()


def test_the_reach_page_fits_a_phone(live_world, live_server, new_page, screenshots):  # noqa: ANN001
    national_data_officer(live_world)
    reach = Reach(live_world)
    for k in range(7):
        child, mother = reach.person(), reach.person(born=date(1990, 1, 1))
        reach.household(child, mother)
        reach.attend(reach.enrol(child), date(2025, 3, 3 + k))
    for persona, unique in (("data_officer", "14"), ("partner", "14")):
        page = new_page(width=390, height=844)
        _sign_in(page, live_server, persona)
        page.goto(f"{live_server.url}/services/reach/?start=2025-01-01&end=2025-12-31")
        stat = page.locator("div.figures div.stat", has_text="Unique people reached")
        expect(stat.locator("strong")).to_have_text(unique)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        page.screenshot(
            path=str(screenshots / f"reach-{persona}-phone.png"), full_page=True
        )
    # The partner: 7 children and 7 mothers are shown, their breakdown by sex
    # (7 female children, 7 female mothers) too; no count from 1 to 4 anywhere.
    expect(page.locator("main")).to_contain_text("Counts below 5 are hidden")
