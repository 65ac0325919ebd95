"""Issue 6, done when: in a real browser, over seven weeks of a family's life, a
nurse enrols a Roma family in pregnancy, the baby comes early and the schedule
moves, two visits are recorded (the second with a concern that becomes a
referral), a third goes overdue, and the centre's manager sees the family behind
and the overdue visit on the nurse's line.

The weeks pass on a clock the test moves forward (``django.utils.timezone.now``,
which the live server shares): each day the nurse signs in again, as the idle
timeout asks."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_home_visiting import _sign_in
from tests.browser.test_landing import _switch_language
from tests.visiting.helpers import MOTHER, newborn, setup_visiting
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


class Clock:
    """Today moved forward by whole days, for the test and the live server."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real_now = timezone.now
        self.days = 0
        monkeypatch.setattr(
            timezone, "now", lambda: real_now() + timedelta(days=self.days)
        )
        self.start = timezone.localdate()

    def day(self, n: int):  # noqa: ANN201
        """Move to day ``n`` of the story; returns that date."""
        self.days = n
        return timezone.localdate()


def _passwords(*usernames: str) -> None:
    from ura.accounts.models import User

    for username in usernames:
        user = User.objects.get(username=username)
        user.set_password(PASSWORD)
        user.save()


def _counselling(w):  # noqa: ANN001, ANN202
    from ura.directory.models import Service

    service = Service.objects.create(
        agency=w.agencies["daycare_pz"], type="counselling", name="Parent counselling"
    )
    service.places.add(w.places["prishtina"])
    return service


def _morning(new_page, live_server, username: str, language: str = "en"):  # noqa: ANN001, ANN202
    page = new_page()
    _sign_in(page, live_server, username)
    if language != "en":
        _switch_language(page, language)
    return page


def _record_from_today(page, live_server, visit: str, **fields) -> None:  # noqa: ANN001, ANN003
    """From the nurse's today, the visit ``visit``: record it with ``fields``."""
    page.goto(f"{live_server.url}/visiting/today/")
    row = page.locator("table[data-part=today] tbody tr", has_text=visit)
    expected = row.get_attribute("data-visit") or ""
    row.locator("a[data-record]").click()
    form = page.locator("form[data-form=visit]")
    expect(form.locator("select[name=scheduled]")).to_have_value(expected)
    for name, value in fields.items():
        if name in ("concerns", "present"):
            for code in value:
                form.locator(f"input[name={name}][value={code}]").check()
            continue
        box = form.locator(f"[name={name}]")
        details = form.locator("details", has=box)
        if details.count() and details.first.get_attribute("open") is None:
            details.first.locator("summary").click()
        box.fill(str(value))
    form.locator("button.primary").click()
    expect(page.locator(".messages")).to_contain_text("The visit is recorded.")


def test_a_family_enrolled_in_pregnancy_over_its_first_weeks(
    live_world, live_server, new_page, screenshots, monkeypatch
):
    from ura.referrals.models import Origin, Referral
    from ura.visiting.models import Enrolment, Visit

    w = setup_visiting(live_world)
    _passwords("nurse", "manager")
    service = _counselling(w)
    clock = Clock(monkeypatch)
    start = clock.day(0)

    # Day 0: the nurse enrols the Roma family, the baby expected in five weeks.
    nurse = _morning(new_page, live_server, "nurse")
    nurse.goto(f"{live_server.url}/people/households/{w.households['family'].pk}/")
    nurse.locator("#home-visiting a", has_text="Enrol in home visiting").click()
    nurse.locator("input[name=kind][value=pregnancy]").check()
    nurse.locator("input[name=expected_delivery_on]").fill(
        (start + timedelta(days=35)).isoformat()
    )
    nurse.locator("input[name=priority_reasons][value=rae_community]").check()
    nurse.locator("button.primary", has_text="Enrol").click()
    expect(nurse.locator(".messages")).to_contain_text("The family is enrolled")
    expect(nurse.locator("[data-part=protocol]")).to_contain_text("Intensified")
    enrolment = Enrolment.objects.get()
    assert enrolment.priority_reasons == ["rae_community"]

    # Day 23: the baby was born yesterday, two weeks early; the schedule moves.
    born = start + timedelta(days=22)
    child = newborn(w, "CanaryEarlyBirdQ", born)
    clock.day(23)
    nurse = _morning(new_page, live_server, "nurse")
    nurse.goto(f"{live_server.url}/visiting/{enrolment.pk}/")
    nurse.locator("[data-step=birth] summary").click()
    nurse.locator("[data-step=birth] select[name=child]").select_option(str(child.pk))
    nurse.locator("[data-step=birth] input[name=born_on]").fill(born.isoformat())
    nurse.locator("[data-step=birth] button.primary").click()
    expect(nurse.locator(".messages")).to_contain_text("The birth is recorded")
    newborn_row = nurse.locator("tr[data-visit='Newborn, day 3']")
    expect(newborn_row).to_have_attribute("data-status", "due")
    assert enrolment.scheduled_visits.get(name="Newborn, day 3").due_on == (
        born + timedelta(days=3)
    )

    # Day 25 (the baby 3 days old): the first visit, with growth.
    clock.day(25)
    nurse = _morning(new_page, live_server, "nurse")
    _record_from_today(
        nurse,
        live_server,
        "Newborn, day 3",
        weight_kg="2.9",
        length_cm="48.5",
        head_cm="34.0",
        maternal_screening_score="9",
    )
    expect(nurse.locator("[data-part=scheduled]")).to_have_text("Newborn, day 3")
    expect(nurse.locator("tr[data-measure=weight] [data-z]")).not_to_have_text("—")

    # Day 32 (10 days old): the second visit; the mother is not well.
    clock.day(32)
    nurse = _morning(new_page, live_server, "nurse")
    _record_from_today(
        nurse,
        live_server,
        "Newborn, day 10",
        weight_kg="3.2",
        maternal_screening_score="16",
        concerns=["maternal_depression"],
        concern_note="Tearful, not sleeping, says she cannot cope.",
    )
    expect(nurse.locator("[data-part=epds]")).to_contain_text("likely depression")
    nurse.screenshot(path=screenshots / "home-visit-concern.png", full_page=True)
    refer = nurse.locator("[data-step=refer]")
    refer.locator("summary").click()
    refer.locator("select[name=service]").select_option(str(service.pk))
    refer.locator("select[name=consent_given_by]").select_option("mother")
    refer.locator("button.primary").click()
    expect(nurse.locator(".messages")).to_contain_text("is sent to")
    referral = Referral.objects.get()
    assert referral.origin == Origin.HOME_VISIT
    assert referral.origin_id == Visit.objects.get(scheduled__name="Newborn, day 10").pk
    action = nurse.locator("tr[data-action=maternal_depression]")
    expect(action).to_contain_text(referral.reference)
    expect(action.locator("[data-outcome]")).to_contain_text("Sent")
    nurse.screenshot(path=screenshots / "home-visit-referred.png", full_page=True)

    # Day 50 (28 days old): "Three weeks" is past its overdue day, not made.
    clock.day(50)
    nurse = _morning(new_page, live_server, "nurse")
    nurse.goto(f"{live_server.url}/visiting/today/")
    overdue = nurse.locator("table[data-part=today] tbody tr", has_text="Three weeks")
    expect(overdue).to_have_attribute("data-status", "overdue")

    manager = _morning(new_page, live_server, "manager")
    manager.goto(f"{live_server.url}/visiting/centre/")
    centre = manager.locator("tr", has_text=str(w.agencies["health_pr"]))
    expect(centre.first.locator("[data-cell=with_overdue]")).to_have_text("1")
    line = manager.locator(f"tr[data-nurse='{w.users['nurse'].pk}']")
    expect(line.locator("[data-cell=overdue]")).to_have_text("1")
    manager.screenshot(path=screenshots / "home-visit-manager.png", full_page=True)
    manager.goto(f"{live_server.url}/visiting/{enrolment.pk}/")
    expect(manager.locator("tr[data-visit='Three weeks']")).to_have_attribute(
        "data-status", "overdue"
    )
    expect(manager.locator("#results, body")).to_contain_text(MOTHER)
    assert Visit.objects.count() == 2


@pytest.mark.parametrize("language", ["en", "sq", "sr"])
def test_the_visit_form_and_page_in_each_language(
    live_world, live_server, new_page, screenshots, language
):
    """The form a nurse fills at the door and the visit it makes, with its
    z-scores read, in English, Albanian and Serbian."""
    from tests.visiting.helpers import enrol_baby

    w = setup_visiting(live_world)
    _passwords("nurse")
    enrolment = enrol_baby(w)
    nurse = _morning(new_page, live_server, "nurse", language)
    nurse.goto(f"{live_server.url}/visiting/{enrolment.pk}/visit/")
    form = nurse.locator("form[data-form=visit]")
    expect(form.locator("select[name=scheduled]")).not_to_have_value("")
    form.locator("[name=weight_kg]").fill("3.1")
    form.locator("[name=length_cm]").fill("51")
    nurse.screenshot(
        path=screenshots / f"home-visit-form-{language}.png", full_page=True
    )
    form.locator("button.primary").click()
    expect(nurse.locator("tr[data-measure=weight] [data-z]")).not_to_have_text("—")
    expect(nurse.locator("html")).to_have_attribute("lang", language)
    nurse.screenshot(path=screenshots / f"home-visit-{language}.png", full_page=True)
