"""The month sheet in a real browser at phone width: the grid scrolls inside its
own frame (not the page), and the keyboard moves between its cells."""

import pytest
from playwright.sync_api import expect

from tests.services_delivery.helpers import (
    children,
    day_care,
    days_ago,
    group_of,
    month_start_before,
)
from tests.world import PASSWORD
from ura.services.models import Attendance, Session

pytestmark = pytest.mark.browser


def test_a_month_of_attendance_on_a_phone_with_the_keyboard(
    live_world, live_server, new_page, screenshots
):
    service = day_care(live_world)
    group = group_of(live_world, service)
    kids = children(live_world, service, group, 15, on=days_ago(100))
    month = month_start_before(1)
    page = new_page(width=390, height=844)
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill("provider")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("button.primary[type=submit]").click()
    page.goto(
        f"{live_server.url}/services/groups/{group.pk}/month/"
        f"?month={month:%Y-%m}&preset=weekdays"
    )
    page.screenshot(path=screenshots / "month-sheet-phone.png", full_page=True)
    boxes = page.locator("table.month-sheet input[type=checkbox]")
    weekdays = boxes.count() // 15
    assert weekdays >= 20
    # The page itself does not scroll sideways; the grid does, inside its frame.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
    frame = page.locator(".sheet-wrap")
    assert frame.evaluate("el => el.scrollWidth > el.clientWidth")
    # Arrow keys move along a row and down a column; space unticks.
    first = boxes.nth(0)
    first.focus()
    page.keyboard.press("ArrowRight")
    expect(boxes.nth(1)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(boxes.nth(weekdays + 1)).to_be_focused()
    page.keyboard.press("Space")
    expect(boxes.nth(weekdays + 1)).not_to_be_checked()
    page.locator("button", has_text="Save the month").click()
    expect(page.locator(".messages")).to_contain_text("is saved")
    assert Session.objects.filter(group=group).count() == weekdays
    assert Attendance.objects.count() == 15 * weekdays
    assert Attendance.objects.filter(presence="absent").count() == 1
    assert {a.enrolment_id for a in Attendance.objects.all()} == {k.pk for k in kids}
