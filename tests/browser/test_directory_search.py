"""A worker searches the service directory on a phone: the results refresh in
place (htmx) and the page fits the screen."""

import pytest
from playwright.sync_api import expect

from tests.directory.helpers import add_service
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def test_a_worker_narrows_the_directory_on_a_phone(
    live_world, live_server, new_page, screenshots
):
    add_service(
        live_world,
        "Qendra ditore Prizren",
        min_age=6,
        max_age=14,
        opening_hours="Mon-Fri 8:00-16:00",
        languages=["sq", "tr"],
        phone="+383 29 000 000",
        capacity=30,
    )
    add_service(live_world, "Ndihmë juridike", type="legal_aid", agency="csw_pr")
    page = new_page(width=390, height=844)
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=username]").fill("worker_pz")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("section.signin button[type=submit]").click()
    page.get_by_role("link", name="Services").click()
    results = page.locator("#results")
    expect(results).to_contain_text("Ndihmë juridike")
    expect(results).to_contain_text("Qendra ditore Prizren")
    url = page.url
    # Choosing a need refreshes the results alone, without leaving the page.
    page.locator("select[name=need]").select_option("day_care")
    expect(results).not_to_contain_text("Ndihmë juridike")
    expect(results).to_contain_text("Ages 6 to 14")
    assert page.url == url
    # Words in Serbian Cyrillic find the Albanian legal aid service by its type.
    page.locator("select[name=need]").select_option("")
    page.locator("input[name=text]").fill("правна")
    page.locator("input[name=text]").press("Enter")
    expect(results).to_contain_text("Ndihmë juridike")
    expect(results).not_to_contain_text("Qendra ditore")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.screenshot(
        path=str(screenshots / "directory-search-phone.png"), full_page=True
    )
