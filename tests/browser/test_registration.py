"""A worker registers a child in Latin script whose record already exists in
Cyrillic: the registration page shows the match and why, before anything is saved."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.test_landing import _sign_in, _switch_language
from tests.world import PASSWORD
from ura.access.models import GrantReason, PersonGrant
from ura.people.duplicates import match_keys_rebuild
from ura.people.models import Person

pytestmark = pytest.mark.browser


def test_registering_a_child_whose_record_exists_in_cyrillic_shows_the_match(
    live_world, live_server, page, screenshots
):
    from django.utils import timezone

    existing = Person.objects.create(
        given_name="Ђорђе",
        family_name="Јовановић",
        sex="male",
        date_of_birth=date(2016, 3, 9),
        place=live_world.places["prishtina"],
    )
    match_keys_rebuild(Person.objects.filter(pk=existing.pk))
    PersonGrant.objects.create(
        person=existing,
        user=live_world.users["worker_a1"],
        reason=GrantReason.ASSIGNMENT,
        starts_at=timezone.now(),
    )
    page.goto(live_server.url + "/accounts/login/")
    _switch_language(page, "sq")
    _sign_in(page, "worker_a1", PASSWORD)
    page.goto(live_server.url + "/people/new/")
    page.locator("#id_given_name").fill("Djordje")
    page.locator("#id_family_name").fill("Jovanovic")
    page.locator("#id_sex").select_option("male")
    page.locator("#id_date_of_birth").fill("2016-03-09")
    page.locator("#id_place").select_option(str(live_world.places["prishtina"].pk))
    with page.expect_navigation():
        page.locator("form.stacked button.primary").click()

    matches = page.locator("section.matches")
    expect(matches).to_be_visible()
    link = matches.locator(f"a[href='/people/{existing.pk}/']")
    expect(link).to_contain_text("Ђорђе")
    assert not Person.objects.filter(given_name="Djordje").exists()
    page.screenshot(path=screenshots / "registration-duplicate-sq.png", full_page=True)

    # Opening the existing record instead of registering twice.
    with page.expect_navigation():
        link.click()
    assert page.url == f"{live_server.url}/people/{existing.pk}/"
