"""Each role signs in through a real browser and lands on its own page, translated."""

import pytest
from playwright.sync_api import Page, expect

from tests.world import EXPECTED, GIVEN_NAMES, PASSWORD, PERSONAS
from ura.accounts.models import Role

pytestmark = pytest.mark.browser

LOGIN = "/accounts/login/"
HOME = "/home/"
LANGUAGES = ["sq", "sr"]
PEOPLE_ROLES = {
    Role.SOCIAL_WORKER,
    Role.SUPERVISOR,
    Role.CONFERENCE_MEMBER,
    Role.SERVICE_PROVIDER,
    Role.HOME_VISITOR,
}
STATISTICS_ROLES = {Role.DATA_OFFICER, Role.PARTNER}
# persona -> languages whose landing page is kept as a screenshot in docs/.
SCREENSHOT = {"worker_a1": {"sq", "sr"}, "sup_a": {"sq", "sr"}, "data_pr": {"sr"}}
CANARIES = set(GIVEN_NAMES.values())


def _canaries_in(text: str) -> set[str]:
    return {name for name in CANARIES if name in text}


def _switch_language(page: Page, language: str) -> None:
    page.locator("#lang-select").select_option(language)
    with page.expect_navigation():
        page.locator("form.lang button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def _sign_in(page: Page, username: str, password: str) -> None:
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("section.signin button[type=submit]").click()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "outsider"])
def test_each_role_signs_in_and_sees_its_landing_page_in_albanian_and_serbian_cyrillic(
    live_world, live_server, page, screenshots, persona, language
):
    role = PERSONAS[persona][0]
    page.goto(live_server.url + LOGIN)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _switch_language(page, language)
    assert page.url == live_server.url + LOGIN

    _sign_in(page, persona, PASSWORD)
    page.wait_for_url(live_server.url + HOME)
    assert page.locator("html").get_attribute("lang") == language

    body = page.locator("body").inner_text()
    seen = _canaries_in(body)
    expected = {GIVEN_NAMES[key] for key in EXPECTED[persona]}
    if role in PEOPLE_ROLES:
        panel = page.locator("[data-panel=people]")
        expect(panel).to_have_count(1)
        listed = _canaries_in(panel.inner_text())
        assert listed == expected, f"{persona}'s people panel lists {listed or '-'}"
        assert seen == expected, f"{persona}'s page shows {seen or '-'}"
        if role == Role.SUPERVISOR:
            expect(page.locator("[data-panel=team]")).to_be_visible()
    elif role in STATISTICS_ROLES:
        expect(page.locator("[data-panel=statistics]")).to_be_visible()
        assert seen == set()
    elif role == Role.ADMINISTRATOR:
        expect(page.locator("[data-panel=administration]")).to_be_visible()
        assert seen == set()
    else:  # pragma: no cover - a new role needs its own check here
        pytest.fail(f"no landing page check for the role {role}")
    if role not in PEOPLE_ROLES:
        expect(page.locator("[data-panel=people]")).to_have_count(0)

    home_link = page.locator("nav.main-nav a[href='/home/']").inner_text().strip()
    assert home_link != "Home", f"the navigation is not translated to {language}"
    # "Home" is also in Django's own admin catalogue; the greeting is Ura's alone.
    heading = page.locator("h1").inner_text()
    assert not heading.startswith("Welcome"), f"Ura's text is not in {language}"

    if language in SCREENSHOT.get(persona, ()):
        page.screenshot(
            path=screenshots / f"landing-{persona}-{language}.png", full_page=True
        )


def test_a_wrong_password_shows_a_clear_message_in_albanian(
    live_world, live_server, page, screenshots
):
    page.goto(live_server.url + LOGIN)
    _switch_language(page, "sq")
    _sign_in(page, "worker_a1", "not-the-password")

    assert page.url == live_server.url + LOGIN
    expect(page.locator("html")).to_have_attribute("lang", "sq")
    expect(page.locator("input[name=password]")).to_be_visible()
    error = page.locator("section.signin .errorlist")
    expect(error).to_be_visible()
    message = error.inner_text().strip()
    assert message
    assert message != "The user name or password is not right.", "not translated"
    # The password typed is not sent back into the form.
    assert page.locator("input[name=password]").input_value() == ""
    page.screenshot(path=screenshots / "sign-in-wrong-password-sq.png", full_page=True)


def test_the_layout_fits_a_phone(live_world, live_server, new_page, screenshots):
    page = new_page(width=390, height=844)
    page.goto(live_server.url + LOGIN)
    _switch_language(page, "sq")
    _sign_in(page, "worker_a1", PASSWORD)
    page.wait_for_url(live_server.url + HOME)
    expect(page.locator("[data-panel=people]")).to_be_visible()

    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=screenshots / "landing-worker_a1-sq-phone.png", full_page=True)
    assert width <= 390, f"the page is {width}px wide on a 390px screen"
