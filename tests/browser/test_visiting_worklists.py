"""The worklists and the coverage report in a real browser, in English, Albanian
and Serbian: a nurse's visits due today (one overdue first), the centre
manager's page with the overdue visit and a family not seen, and the coverage
of the infants who turned one last year."""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_home_visiting import _sign_in
from tests.browser.test_landing import _switch_language
from tests.visiting.helpers import setup_visiting
from tests.world import PASSWORD

pytestmark = pytest.mark.browser
LANGUAGES = ["en", "sq", "sr"]


def _families(w) -> None:  # noqa: ANN001
    from tests.visiting.helpers import two_visits
    from tests.visiting.test_coverage import infant
    from tests.visiting.test_worklists import family

    two_visits(w)
    family(w, "Overdue", 25, address="Rruga e Dardanisë 4")
    family(w, "Due", 12)
    family(w, "Unseen", 200, last_visited_days_ago=90)
    year = timezone.localdate().year - 2
    infant(w, "Roma", visits=(10, 40), community="roma", born=date(year, 5, 1))
    infant(w, "Rae", visits=(10,), reasons=("rae_community",), born=date(year, 6, 1))
    for i in range(3):
        infant(w, f"Other{i}", visits=(10, 40), born=date(year, 7, 1 + i))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_nurse_the_manager_and_the_coverage_pages(
    live_world, live_server, new_page, screenshots, language
):
    from ura.accounts.models import User

    w = setup_visiting(live_world)
    for username in ("nurse", "manager"):
        user = User.objects.get(username=username)
        user.set_password(PASSWORD)
        user.save()
    _families(w)

    nurse = new_page()
    _sign_in(nurse, live_server, "nurse")
    if language != "en":
        _switch_language(nurse, language)
    expect(nurse.locator("[data-panel=visits-today]")).to_contain_text(
        "CanaryOverdueMotherQ"
    )
    nurse.locator("[data-panel=visits-today] a[href='/visiting/today/']").click()
    rows = nurse.locator("table[data-part=today] tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-status", "overdue")
    expect(rows.first).to_contain_text("Rruga e Dardanisë 4")
    expect(rows.nth(1)).to_have_attribute("data-status", "due")
    nurse.screenshot(
        path=screenshots / f"home-visiting-today-{language}.png", full_page=True
    )

    manager = new_page()
    _sign_in(manager, live_server, "manager")
    if language != "en":
        _switch_language(manager, language)
    manager.goto(f"{live_server.url}/visiting/centre/")
    expect(manager.locator("[data-panel=centre-nurses] tr.late")).to_contain_text(
        "nurse"
    )
    not_seen = manager.locator("[data-panel=not-seen]")
    expect(not_seen).to_contain_text("CanaryUnseenMotherQ")
    expect(not_seen).not_to_contain_text("CanaryDueMotherQ")
    manager.locator("input[name=days]").fill("10")
    manager.locator("form.filters button.primary").click()
    expect(not_seen).to_contain_text("CanaryDueMotherQ")
    manager.screenshot(
        path=screenshots / f"home-visiting-centre-{language}.png", full_page=True
    )

    manager.locator("[data-part=worklist-nav] a[href='/visiting/coverage/']").click()
    manager.locator("input[name=year]").fill(str(timezone.localdate().year - 1))
    manager.locator("form.filters button.primary").click()
    expect(manager.locator("[data-part=headline] [data-cell=infants]")).to_have_text(
        "5"
    )
    expect(manager.locator("[data-part=headline] [data-cell=share]")).to_have_text(
        re.compile(r"80[.,]0\s?%")
    )
    gap = manager.locator("tr[data-gap=rae]")
    expect(gap.locator("[data-cell=points]")).to_have_text(re.compile(r"-50[.,]0"))
    manager.screenshot(
        path=screenshots / f"home-visiting-coverage-{language}.png", full_page=True
    )
