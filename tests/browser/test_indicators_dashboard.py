"""The country dashboard in Serbian Cyrillic and the equity view, as a national
data officer opens them in a browser."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_landing import _sign_in, _switch_language
from tests.cases.helpers import open_case
from tests.services_reach.helpers import national_data_officer
from tests.world import PASSWORD
from ura.indicators.starter import load_starter_indicators
from ura.people.models import Person

pytestmark = pytest.mark.browser


def test_the_country_dashboard_in_serbian_cyrillic_and_the_equity_view(
    live_world, live_server, page, screenshots
):  # noqa: ANN001
    load_starter_indicators()
    people = live_world.people
    Person.objects.filter(pk=people["own"].pk).update(
        community="roma", functional_difficulty="yes"
    )
    Person.objects.filter(pk=people["team"].pk).update(social_assistance="yes")
    open_case(live_world, person="own", risk_level="high")
    open_case(live_world, person="team", risk_level="low")
    open_case(live_world, person="other_municipality", worker="worker_pz")
    national_data_officer(live_world)

    page.goto(live_server.url + "/accounts/login/")
    _switch_language(page, "sr")
    _sign_in(page, "data_officer", PASSWORD)
    page.goto(live_server.url + "/indicators/dashboard/")
    expect(page.locator("h1")).to_contain_text("Контролна табла")
    tile = page.locator('a.tile[data-indicator="CP-OPEN"]')
    expect(tile).to_contain_text("Деца са отвореним случајем заштите деце")
    expect(tile.locator('[data-cell="now"]')).to_have_text("3")
    expect(tile.locator("svg.spark polyline")).to_have_count(1)
    expect(page.locator("a.tile")).to_have_count(8)
    panel = page.locator('[data-panel="places"]')
    expect(panel.locator("h2")).to_contain_text("Поређено по")
    expect(panel.locator("tbody tr").first.locator("meter")).to_have_attribute(
        "value", "100"
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, width
    page.screenshot(
        path=str(screenshots / "indicators-dashboard-sr.png"), full_page=True
    )

    # A municipality's dashboard is one click away.
    first = panel.locator("tbody tr th a").first
    name = first.inner_text()
    with page.expect_navigation():
        first.click()
    expect(page.locator("h1")).to_contain_text(name)

    page.goto(live_server.url + "/indicators/equity/")
    expect(page.locator("h1")).to_have_text("Преглед једнакости")
    row = page.locator('tr[data-indicator="CP-OPEN"]')
    expect(row.locator('[data-cell="everyone"]')).to_have_text("3")
    expect(row.locator('[data-cell="rae"]')).to_have_text("1")
    expect(row.locator('[data-cell="rae-gap"]')).to_have_text("33,3 % од свих")
    page.screenshot(path=str(screenshots / "indicators-equity-sr.png"), full_page=True)
