"""Issue 5, done when: a referral from a case to a day care centre, through the
pages alone, from the moment it is sent to the moment its outcome is known.

worker_a1 (centre for social work, Prishtina) records the mother's consent on the
case of a child, finds the day care centre's service in the directory and refers
the child; the day care centre's provider sees only the minimum, accepts, starts
the service, adds the child to the morning group, records last month's attendance
of the group on its month sheet and today's session with the child, and completes
the referral with an outcome; the worker finds the outcome on their landing page,
the referral and the case; the reach page counts the child once among the
children directly supported; and the provider can no longer open the child's
record.

The world is built before the browser starts (as in the other browser tests): the
case, the day care centre's service with its morning group and three children who
have gone to it for months, and a legal aid service the directory search leaves
out once the need is chosen.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from tests.browser.test_landing import _sign_in
from tests.cases.helpers import open_case
from tests.directory.helpers import add_service
from tests.services_delivery.helpers import children, days_ago, group_of
from tests.world import PASSWORD
from ura.referrals.models import Referral, ReferralStatus

pytestmark = pytest.mark.browser

SERVICE = "Qendra ditore Ylberi"
OTHER_SERVICE = "Ndihmë juridike falas"
GROUP = "Morning group"
REASON = "Needs a safe place after school while the mother works."
OUTCOME = "Came every day; the mother takes part in the parents' meetings."
IN_GROUP = 3  # children in the morning group for months already


def signed_in(new_page, live_server, username: str) -> Page:  # noqa: ANN001
    """A fresh browser context (English), signed in as ``username``."""
    page = new_page()
    page.goto(live_server.url + "/accounts/login/")
    _sign_in(page, username, PASSWORD)
    page.wait_for_url(live_server.url + "/home/")
    return page


def follow(page: Page, locator) -> None:  # noqa: ANN001
    """Click a link or a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        locator.click()


def nav(page: Page, name: str) -> None:
    follow(
        page, page.locator("nav.main-nav").get_by_role("link", name=name, exact=True)
    )


def step(page: Page, name: str):  # noqa: ANN201
    """The referral page's form of one step ("accept", "start", "complete"),
    unfolded."""
    details = page.locator(f"details[data-step={name}]")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details.locator("form")


def previous_month() -> date:
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def weekdays_of(month: date) -> int:
    day, count = month, 0
    while day.month == month.month:
        count += day.weekday() < 5
        day += timedelta(days=1)
    return count


def stat(page: Page, label: str):  # noqa: ANN201
    """The number of one of the reach page's headline figures."""
    return page.locator("div.figures div.stat", has_text=label).locator("strong")


def breakdown_cell(page: Page, breakdown: str, row: str, figure: str):  # noqa: ANN201
    """One cell of a reach breakdown table, by the table's title, the row's label
    and the figure's column heading."""
    heading = page.get_by_role("heading", name=breakdown, exact=True)
    table = page.locator("section.card", has=heading)
    headings = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    column = headings.index(figure)  # the first heading is the rows' own
    line = table.locator(
        "tbody tr", has=page.get_by_role("rowheader", name=row, exact=True)
    )
    return line.locator("td").nth(column - 1)


def show_reach(page: Page, start: date, end: date) -> None:
    nav(page, "Reach")
    page.get_by_label("From", exact=True).fill(start.isoformat())
    page.get_by_label("To", exact=True).fill(end.isoformat())
    follow(page, page.locator("form.filters").get_by_role("button", name="Show"))
    expect(page.locator("#reach-totals")).to_be_visible()
    # The page refreshed the summary itself: nothing recorded is left out.
    expect(page.locator("main")).to_contain_text("Figures as of")
    expect(page.locator("main")).not_to_contain_text("not included yet")


def test_a_referral_to_a_day_care_centre_from_sending_to_its_outcome(
    live_world, live_server, new_page, screenshots
):
    w = live_world
    url = live_server.url
    today = timezone.localdate()
    child = w.people["own"]
    name_shown = f"{child.family_name}, {child.given_name}"
    daycare = w.agencies["daycare_pz"]
    # Prizren's day care centre also takes children from Prishtina.
    service = add_service(
        w,
        SERVICE,
        min_age=3,
        max_age=14,
        opening_hours="Mon-Fri 7:30-16:30",
        places=[w.places["prizren"], w.places["prishtina"]],
    )
    add_service(w, OTHER_SERVICE, type="legal_aid", agency="csw_pr")
    group = group_of(w, service, GROUP)
    children(w, service, group, IN_GROUP, on=days_ago(120))
    case = open_case(w, concerns=("neglect",))
    month = previous_month()
    weekdays = weekdays_of(month)

    # --- 1. The worker records the consent on the case and refers the child. ---
    worker = signed_in(new_page, live_server, "worker_a1")
    worker.goto(f"{url}/cases/{case.pk}/")
    follow(worker, worker.locator(f"a[href='/cases/{case.pk}/consents/new/']"))
    worker.locator("#id_given_by").select_option("mother")
    worker.locator("#id_to_services").check()
    worker.locator("#id_to_sharing").check()
    worker.locator("#id_agencies").select_option(str(daycare.pk))
    follow(worker, worker.locator("form.stacked button[type=submit]"))
    expect(worker.locator("#consent")).to_contain_text(daycare.name)

    referrals = worker.locator("#referrals")
    expect(referrals).to_contain_text("No referral yet.")
    follow(worker, referrals.get_by_role("link", name="Refer", exact=True))
    # The directory opens for this child (their municipality, age and sex).
    expect(worker.get_by_role("heading", name="Service directory")).to_be_visible()
    results = worker.locator("#results")
    expect(results).to_contain_text(OTHER_SERVICE)
    expect(results).to_contain_text(SERVICE)
    worker.get_by_label("Need").select_option("day_care")
    expect(results).not_to_contain_text(OTHER_SERVICE)
    card = results.locator("article.card", has_text=SERVICE)
    expect(card).to_contain_text("Mon-Fri 7:30-16:30")
    follow(worker, card.get_by_role("link", name="Refer to this service"))

    expect(worker.get_by_role("heading", name="Refer to a service")).to_be_visible()
    expect(worker.get_by_label("Service:", exact=True)).to_have_value(str(service.pk))
    worker.get_by_label("Urgency").select_option("urgent")
    worker.get_by_label("Reason for the referral").fill(REASON)
    follow(worker, worker.get_by_role("button", name="Send the referral"))
    referral = Referral.objects.get(case=case)
    assert worker.url == f"{url}/referrals/{referral.pk}/"
    expect(worker.locator(".messages")).to_contain_text(
        f"Referral {referral.reference} is sent to {daycare.name}."
    )
    expect(worker.locator("h1 [data-status]")).to_have_text("Sent")
    worker.screenshot(path=screenshots / "issue5-1-referral-sent.png", full_page=True)

    # --- 2. The provider finds it, sees the minimum, accepts, starts. ---
    provider = signed_in(new_page, live_server, "provider")
    expect(provider.locator("[data-panel=referrals-waiting]")).to_contain_text(
        referral.reference
    )
    nav(provider, "Referrals")
    expect(provider.locator("h1")).to_have_text("Referrals to my agency")
    row = provider.locator("tbody tr", has_text=referral.reference)
    expect(row).to_contain_text(child.given_name)
    expect(row).to_contain_text("Urgent")
    follow(provider, row.get_by_role("link", name=referral.reference))

    person = provider.locator("[data-part=person]")
    expect(person).to_contain_text("You see the minimum data shared with your service.")
    expect(person).to_contain_text(child.given_name)
    expect(provider.locator("[data-part=reason]")).to_contain_text(REASON)
    body = provider.locator("body")
    # No date of birth (in any format the page could use), no address.
    dob = child.date_of_birth
    for shown in (
        dob.isoformat(),
        f"{dob:%d/%m/%Y}",
        f"{dob:%d.%m.%Y}",
        date_format(dob, "SHORT_DATE_FORMAT"),
        date_format(dob, "DATE_FORMAT"),
        str(dob.year),
        child.address,
    ):
        expect(body).not_to_contain_text(shown)
    # The record itself opens only at the minimal level while the referral is open.
    expect(person.get_by_role("link", name=child.full_name)).to_have_count(0)
    provider.screenshot(
        path=screenshots / "issue5-2-provider-minimal-view.png", full_page=True
    )

    follow(provider, step(provider, "accept").get_by_role("button"))
    expect(provider.locator(".messages")).to_contain_text("The referral is accepted.")
    expect(provider.locator("h1 [data-status]")).to_have_text("Accepted")
    start = step(provider, "start")
    start.get_by_label("Takes part as").select_option("child")
    follow(provider, start.get_by_role("button", name="Start the service"))
    expect(provider.locator(".messages")).to_contain_text(
        "The service has started; the person is enrolled."
    )
    expect(provider.locator("h1 [data-status]")).to_have_text("Service started")

    # --- ... adds the child to the morning group ... ---
    nav(provider, "My services")
    follow(provider, provider.get_by_role("link", name=SERVICE))
    follow(provider, provider.locator("#groups").get_by_role("link", name=GROUP))
    provider.get_by_label(name_shown).check()
    follow(provider, provider.get_by_role("button", name="Add to the group"))
    expect(provider.locator(".messages")).to_contain_text(
        "1 person added to the group."
    )
    members = provider.locator("section.card", has_text="Taking part").first
    expect(members.locator("tbody tr")).to_have_count(IN_GROUP + 1)
    expect(members).to_contain_text(name_shown)

    # While the referral is open, the provider opens the child's record (minimal).
    follow(provider, members.get_by_role("link", name=name_shown))
    follow(provider, provider.get_by_role("link", name="Open the person's record"))
    assert provider.url == f"{url}/people/{child.pk}/"
    expect(provider.locator("h1")).to_contain_text(child.given_name)
    expect(provider.locator("body")).not_to_contain_text(child.address)

    # --- ... records last month's attendance of the group, every weekday ... ---
    nav(provider, "My services")
    mine = provider.locator(f"[data-service='{service.pk}']")
    follow(provider, mine.get_by_role("link", name="month sheet"))
    with translation.override("en"):
        month_name = date_format(month, "YEAR_MONTH_FORMAT")
    follow(
        provider,
        provider.get_by_role("navigation", name="Months").get_by_role(
            "link", name=month_name
        ),
    )
    expect(provider.locator("h1")).to_have_text(f"{GROUP}: attendance in {month_name}")
    days = provider.locator("details", has_text="Activity and the days the group met")
    if days.get_attribute("open") is None:
        days.locator("summary").click()
    follow(provider, days.get_by_role("link", name="All weekdays"))
    grid = provider.locator("table.month-sheet")
    expect(grid.locator("thead th")).to_have_count(weekdays + 1)
    # The three children of the group, everyone ticked; the child referred today
    # was not enrolled last month and has no cell to tick.
    expect(grid.locator("input[type=checkbox]")).to_have_count(IN_GROUP * weekdays)
    expect(grid.locator("input[type=checkbox]:checked")).to_have_count(
        IN_GROUP * weekdays
    )
    expect(grid.get_by_role("checkbox", name=name_shown)).to_have_count(0)
    # One child was ill on the first day the group met.
    grid.locator("input[type=checkbox]").first.uncheck()
    follow(provider, provider.get_by_role("button", name="Save the month"))
    expect(provider.locator(".messages")).to_contain_text(
        f"Attendance for {month_name} is saved: {weekdays} sessions "
        f"({weekdays} new), {IN_GROUP * weekdays} rows."
    )
    # The sheet shows what was saved: every day saved, the absence kept.
    expect(days.locator(".day-picker .badge", has_text="saved")).to_have_count(weekdays)
    expect(grid.locator("input[type=checkbox]:checked")).to_have_count(
        IN_GROUP * weekdays - 1
    )
    provider.screenshot(
        path=screenshots / "issue5-3-month-sheet-saved.png", full_page=True
    )

    # --- ... and today's session, where the child came. ---
    nav(provider, "My services")
    follow(provider, provider.get_by_role("link", name=SERVICE))
    groups = provider.locator("#groups tbody tr", has_text=GROUP)
    follow(provider, groups.get_by_role("link", name="Today's sheet"))
    sheet = provider.locator("table.attendance-sheet")
    expect(sheet.locator("tbody tr")).to_have_count(IN_GROUP + 1)
    presence = sheet.get_by_role("group", name=name_shown)
    expect(presence.get_by_label("Present")).to_be_checked()
    follow(
        provider,
        provider.get_by_role("button", name="Save the session and its attendance"),
    )
    expect(provider.locator(".messages")).to_contain_text(
        "The session and its attendance are saved."
    )

    # --- 3. The provider completes the referral with its outcome. ---
    nav(provider, "Referrals")
    follow(
        provider,
        provider.locator("tbody tr", has_text=referral.reference).get_by_role("link"),
    )
    complete = step(provider, "complete")
    complete.get_by_label("Outcome").fill(OUTCOME)
    follow(provider, complete.get_by_role("button", name="Complete the referral"))
    expect(provider.locator(".messages")).to_contain_text(
        "The referral is completed; the referring worker is told the outcome."
    )
    expect(provider.locator("h1 [data-status]")).to_have_text("Completed")
    # The referral has ended: the child's data is no longer shown to the provider.
    expect(provider.locator("[data-person=hidden]")).to_be_visible()
    expect(provider.locator("body")).not_to_contain_text(child.given_name)

    # --- 4. The worker signs back in and finds the outcome. ---
    worker = signed_in(new_page, live_server, "worker_a1")
    answers = worker.locator("[data-panel=referral-answers]")
    expect(answers).to_contain_text("Referral answers and outcomes")
    answer = answers.locator("tbody tr", has_text=referral.reference)
    expect(answer).to_contain_text("Completed")
    expect(answer).to_contain_text(SERVICE)
    worker.screenshot(path=screenshots / "issue5-4-worker-landing.png", full_page=True)
    follow(worker, answer.get_by_role("link", name=referral.reference))
    expect(worker.locator("[data-part=outcome]")).to_have_text(OUTCOME)
    expect(worker.locator("h1 [data-status]")).to_have_text("Completed")
    worker.screenshot(path=screenshots / "issue5-5-outcome.png", full_page=True)
    follow(worker, worker.get_by_role("link", name=case.reference))
    assert worker.url == f"{url}/cases/{case.pk}/"
    on_case = worker.locator("#referrals tbody tr", has_text=referral.reference)
    expect(on_case).to_contain_text("Completed")
    expect(on_case).to_contain_text(SERVICE)
    # Read once, the answer leaves the landing page.
    nav(worker, "Home")
    expect(worker.locator("[data-panel=people]")).to_be_visible()
    expect(worker.locator("[data-panel=referral-answers]")).to_have_count(0)

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED

    # --- 5. The reach page counts the child once. ---
    period = (month, today)
    # The data officer of Prishtina, where the child lives: the three children
    # of the group live in Prizren, so the child is the only one here.
    officer = signed_in(new_page, live_server, "data_pr")
    show_reach(officer, *period)
    expect(stat(officer, "Children directly supported")).to_have_text("1")
    expect(stat(officer, "Unique people reached")).to_have_text("1")
    expect(
        breakdown_cell(officer, "By sex", "Female", "Children directly supported")
    ).to_have_text("1")
    officer.screenshot(path=screenshots / "issue5-6-reach.png", full_page=True)
    # The provider sees their own agency's figures: the group's three and the
    # child, each once (the child was enrolled, attended and was referred).
    show_reach(provider, *period)
    expect(stat(provider, "Children directly supported")).to_have_text(
        str(IN_GROUP + 1)
    )
    expect(
        breakdown_cell(provider, "By sex", "Female", "Children directly supported")
    ).to_have_text("1")
    expect(
        breakdown_cell(provider, "By sex", "Male", "Children directly supported")
    ).to_have_text(str(IN_GROUP))

    # --- 6. The referral is closed: the provider cannot open the record. ---
    response = provider.goto(f"{url}/people/{child.pk}/")
    assert response is not None and response.status == 404
    expect(provider.locator("h1")).to_have_text("Not found")
    expect(provider.locator("body")).not_to_contain_text(child.given_name)
    provider.screenshot(
        path=screenshots / "issue5-7-provider-not-found.png", full_page=True
    )
