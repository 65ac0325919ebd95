"""A trainer types in a training's sign-in sheet on a phone: a wrong row is named
by its number and nothing is saved until the sheet is right."""

import pytest
from playwright.sync_api import expect

from tests.services_training.helpers import add_trainers, record_training
from tests.world import PASSWORD
from ura.services.models import TrainingParticipant

pytestmark = pytest.mark.browser


def test_a_trainer_types_in_a_sign_in_sheet(
    live_world, live_server, new_page, screenshots
):
    add_trainers(live_world)
    training = record_training(live_world)
    page = new_page(width=390, height=844)
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=username]").fill("trainer")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("section.signin button[type=submit]").click()
    page.get_by_role("link", name="Trainings").click()
    page.get_by_role("link", name=training.title).click()
    page.get_by_role("link", name="Add many participants").click()
    rows = {
        0: ("Blerta", "Krasniqi", "female", "teacher", "School"),
        1: ("Ilir", "Berisha", "male", "", "Basic court"),
    }
    for i, (given, family, sex, profession, institution) in rows.items():
        page.locator(f"[name=rows-{i}-given_name]").fill(given)
        page.locator(f"[name=rows-{i}-family_name]").fill(family)
        page.locator(f"[name=rows-{i}-sex]").select_option(sex)
        if profession:
            page.locator(f"[name=rows-{i}-profession]").select_option(profession)
        page.locator(f"[name=rows-{i}-institution]").fill(institution)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.get_by_role("button", name="Save all rows").click()
    expect(page.get_by_role("alert")).to_contain_text("Row 2: choose the profession.")
    assert not TrainingParticipant.objects.exists()
    page.screenshot(path=str(screenshots / "training-sheet-phone.png"), full_page=True)
    page.locator("[name=rows-1-profession]").select_option("judge")
    page.get_by_role("button", name="Save all rows").click()
    expect(page.locator(".messages")).to_contain_text(
        "2 participants are registered and added."
    )
    expect(page.locator("tfoot")).to_contain_text("2")
    assert TrainingParticipant.objects.count() == 2
