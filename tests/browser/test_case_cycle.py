"""One case through the whole cycle, in Albanian, through the pages alone.

A worker registers a child, opens a case, writes a note, assesses, plans and asks
for approval; the supervisor approves; a case conference with the police gives the
police an action item, which the police officer finds in their list; a review, a
request to close, the supervisor's approval, and the case is closed. At each step
the stage the case page shows is the one the catalogue gives for where the case is.
"""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from tests.browser.test_landing import _sign_in, _switch_language
from tests.world import PASSWORD
from ura.cases.models import Case, Stage
from ura.people.models import Person

pytestmark = pytest.mark.browser

LANGUAGE = "sq"
GIVEN, FAMILY = "Drita", "Kastrati"
NOTE = "Vizitë në shtëpi: fëmija u takua me nënën."
ACTION = "Regjistrimi në shkollë"
POLICE_ITEM = "Policia verifikon adresën e babait"


def signed_in(new_page, live_server, username: str) -> Page:  # noqa: ANN001
    """A fresh browser context, switched to Albanian, signed in as ``username``."""
    page = new_page()
    page.goto(live_server.url + "/accounts/login/")
    _switch_language(page, LANGUAGE)
    _sign_in(page, username, PASSWORD)
    page.wait_for_url(live_server.url + "/home/")
    expect(page.locator("html")).to_have_attribute("lang", LANGUAGE)
    return page


def stage_label(stage: Stage) -> str:
    """What the case page says for ``stage``, from the same catalogue the page uses
    (English while the Albanian translation is still missing, on both sides)."""
    with translation.override(LANGUAGE):
        return str(stage.label)


def expect_stage(page: Page, stage: Stage) -> None:
    # The first entry of the case's summary is its stage.
    shown = page.locator("section.case-summary dl.record > dd").first
    expect(shown).to_have_text(stage_label(stage))


def submit(page: Page, form: str) -> None:
    """Submit the form matching the ``form`` selector and wait for the next page."""
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def follow(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def open_details(page: Page, form_action: str) -> None:
    """Unfold the <details> holding the form that posts to ``form_action``."""
    details = page.locator(f"details:has(form[action='{form_action}'])")
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def test_a_case_goes_from_registration_to_closure_in_albanian(
    live_world, live_server, new_page, screenshots
):
    w = live_world
    url = live_server.url
    today = timezone.localdate()
    police = w.agencies["police_pr"]

    # --- The worker registers the child. ---
    worker = signed_in(new_page, live_server, "worker_a1")
    follow(worker, "nav.main-nav a[href='/people/']")
    follow(worker, "a[href='/people/new/']")
    worker.locator("#id_given_name").fill(GIVEN)
    worker.locator("#id_family_name").fill(FAMILY)
    worker.locator("#id_sex").select_option("female")
    worker.locator("#id_date_of_birth").fill("2014-02-11")
    worker.locator("#id_place").select_option(str(w.places["prishtina"].pk))
    submit(worker, "form.stacked")
    if worker.locator("section.matches").count():
        worker.locator("input[name=register_anyway]").check()
        submit(worker, "form.stacked")
    person = Person.objects.get(given_name=GIVEN, family_name=FAMILY)
    assert worker.url == f"{url}/people/{person.pk}/"
    expect(worker.locator("h1")).to_contain_text(GIVEN)

    # --- ... opens a case from the child's page. ---
    follow(worker, f"a[href='/cases/open/{person.pk}/']")
    worker.locator("#id_risk_level").select_option("high")
    worker.locator("input[name=concerns][value=neglect]").check()
    worker.locator("input[name=concerns][value=school_drop_out]").check()
    worker.locator("#id_reported_by").select_option("school")
    worker.locator("#id_report_summary").fill("Shkolla raporton mungesa të gjata.")
    submit(worker, "form.stacked")
    case = Case.objects.get(person=person)
    assert worker.url == f"{url}/cases/{case.pk}/"
    expect_stage(worker, Stage.IDENTIFICATION)
    expect(worker.locator("section.case-summary .badge.risk-high")).to_be_visible()
    worker.screenshot(path=screenshots / "case-cycle-1-opened-sq.png", full_page=True)

    # --- ... records a contact with the child. ---
    note_form = f"form[action='/cases/{case.pk}/notes/new/']"
    open_details(worker, f"/cases/{case.pk}/notes/new/")
    worker.locator(f"{note_form} [name=kind]").select_option("home_visit")
    worker.locator(f"{note_form} [name=contact_with]").select_option("both")
    worker.locator(f"{note_form} [name=body]").fill(NOTE)
    submit(worker, note_form)
    expect(worker.locator("#notes")).to_contain_text(NOTE)
    case.refresh_from_db()
    assert case.first_contact_at is not None

    # --- ... assesses: the initial assessment, no comprehensive one needed. ---
    submit(worker, f"form[action='/cases/{case.pk}/assessments/']:has([value=initial])")
    # The start goes straight to the assessment's form.
    expect(worker.locator("form.stacked [name=summary]")).to_be_visible()
    worker.locator("[name=child_seen]").check()
    worker.locator("[name=risk_level]").select_option("high")
    worker.locator("[name=comprehensive_needed]").uncheck()
    worker.locator("[name=summary]").fill("Neglizhencë e konfirmuar; nëna bashkëpunon.")
    worker.locator("[name=child_views]").fill("Dëshiron të kthehet në shkollë.")
    worker.locator("[name=caregiver_views]").fill("Nëna kërkon ndihmë.")
    worker.locator("[name=need_education_level]").select_option("high")
    worker.locator("[name=need_education_notes]").fill("Nuk shkon në shkollë.")
    worker.locator("[name=need_safety_level]").select_option("medium")
    submit(worker, "form.stacked")
    follow(worker, f"a[href^='/cases/{case.pk}/assessments/'][href$='/complete/']")
    submit(worker, "form.stacked")
    assert worker.url == f"{url}/cases/{case.pk}/"
    expect_stage(worker, Stage.CASE_PLAN)
    worker.screenshot(path=screenshots / "case-cycle-2-assessed-sq.png", full_page=True)

    # --- ... writes the plan: a goal, an action with a due date. ---
    follow(worker, f"a[href='/cases/{case.pk}/plan/']")
    submit(worker, f"form[action='/cases/{case.pk}/plan/start/']")
    follow(worker, f"a[href='/cases/{case.pk}/plan/goals/new/']")
    worker.locator("#id_domain").select_option("education")
    worker.locator("#id_goal").fill("Fëmija kthehet në shkollë.")
    submit(worker, "form.stacked")
    follow(worker, f"a[href^='/cases/{case.pk}/plan/goals/'][href$='/actions/new/']")
    worker.locator("#id_action").fill(ACTION)
    worker.locator("#id_responsible_user").select_option(str(w.users["worker_a1"].pk))
    worker.locator("#id_due_on").fill((today + timedelta(days=30)).isoformat())
    submit(worker, "form.stacked")
    expect(worker.locator("td.narrative", has_text=ACTION)).to_be_visible()
    follow(worker, f"a[href='/cases/{case.pk}/plan/submit/']")
    worker.locator("#id_note").fill("Ju lutem miratoni planin.")
    submit(worker, "form.stacked")
    assert worker.url == f"{url}/cases/{case.pk}/"
    decide = f"a[href^='/cases/{case.pk}/approvals/'][href$='/decide/']"
    # The worker does not approve their own plan.
    expect(worker.locator(decide)).to_have_count(0)
    expect_stage(worker, Stage.CASE_PLAN)
    worker.screenshot(
        path=screenshots / "case-cycle-3-plan-submitted-sq.png", full_page=True
    )

    # --- The supervisor finds it waiting and approves the plan. ---
    sup = signed_in(new_page, live_server, "sup_a")
    follow(sup, f"[data-panel=approvals] a[href='/cases/{case.pk}/']")
    follow(sup, decide)
    expect(sup.locator("section.card")).to_contain_text(ACTION)
    sup.locator("input[name=decision][value=approved]").check()
    submit(sup, "form.stacked")
    assert sup.url == f"{url}/cases/{case.pk}/"
    expect_stage(sup, Stage.IMPLEMENTATION)
    sup.screenshot(
        path=screenshots / "case-cycle-4-plan-approved-sq.png", full_page=True
    )

    # --- The worker records the child's consent to share with the police... ---
    worker.goto(f"{url}/cases/{case.pk}/")
    expect_stage(worker, Stage.IMPLEMENTATION)
    follow(worker, f"a[href='/cases/{case.pk}/consents/new/']")
    worker.locator("#id_given_by").select_option("mother")
    worker.locator("#id_given_by_name").fill("Nëna")
    worker.locator("#id_to_services").check()
    worker.locator("#id_to_sharing").check()
    worker.locator("#id_agencies").select_option(str(police.pk))
    submit(worker, "form.stacked")
    assert worker.url.startswith(f"{url}/cases/{case.pk}/")
    expect(worker.locator("#consent")).to_contain_text(police.name)

    # --- ... schedules a conference for the case and invites the police. ---
    follow(worker, f"a[href='/conferences/schedule/?case={case.pk}']")
    # Today, so that attendance can be recorded and the conference marked held.
    starts = timezone.localtime().replace(second=0, microsecond=0)
    starts = max(starts - timedelta(minutes=5), starts.replace(hour=0, minute=0))
    worker.locator("#id_title").fill("Tryeza multidisiplinare")
    worker.locator("#id_kind").select_option("first")
    worker.locator("#id_scheduled_at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    worker.locator("#id_location").fill("QPS Prishtinë")
    submit(worker, "form.stacked")
    assert "/conferences/" in worker.url
    conference_url = worker.url.split("#")[0]
    conference = conference_url.rstrip("/").rsplit("/", 1)[-1]
    base = f"/conferences/{conference}"
    expect(worker.locator(f"#table a[href='/cases/{case.pk}/']")).to_be_visible()

    open_details(worker, f"{base}/members/")
    worker.locator("#member_user").select_option(str(w.users["conf_member"].pk))
    submit(worker, f"form[action='{base}/members/']")
    expect(worker.locator("#members")).to_contain_text(police.name)

    open_details(worker, f"{base}/attendance/")
    boxes = worker.locator(f"form[action='{base}/attendance/'] input[name=attended]")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    submit(worker, f"form[action='{base}/attendance/']")

    open_details(worker, f"{base}/decisions/")
    worker.locator("#decision_case").select_option(str(case.pk))
    worker.locator("#decision_text").fill("Policia dhe shkolla ndjekin rastin.")
    submit(worker, f"form[action='{base}/decisions/']")
    expect(worker.locator("#decisions")).to_contain_text("Policia dhe shkolla")

    open_details(worker, f"{base}/items/")
    worker.locator("#item_case").select_option(str(case.pk))
    worker.locator("#item_description").fill(POLICE_ITEM)
    worker.locator("#item_owner_agency").select_option(str(police.pk))
    worker.locator("#item_due_on").fill((today + timedelta(days=14)).isoformat())
    submit(worker, f"form[action='{base}/items/']")
    items = worker.locator("#items")
    expect(items).to_contain_text(POLICE_ITEM)
    expect(items).to_contain_text(police.name)

    submit(worker, f"form[action='{base}/held/']")
    expect(worker.locator(f"form[action='{base}/held/']")).to_have_count(0)
    worker.screenshot(
        path=screenshots / "case-cycle-5-conference-sq.png", full_page=True
    )

    # --- The police officer finds the item in their lists and opens the case. ---
    officer = signed_in(new_page, live_server, "conf_member")
    expect(officer.locator("[data-panel=action-items]")).to_contain_text(POLICE_ITEM)
    officer.goto(f"{url}/conferences/items/")
    row = officer.locator("tr", has_text=POLICE_ITEM)
    expect(row).to_contain_text(police.name)
    officer.screenshot(
        path=screenshots / "case-cycle-6-police-items-sq.png", full_page=True
    )
    follow(officer, f"tr:has-text('{POLICE_ITEM}') a[href='/cases/{case.pk}/']")
    assert officer.url == f"{url}/cases/{case.pk}/"
    expect_stage(officer, Stage.IMPLEMENTATION)
    expect(officer.locator("#conferences")).to_contain_text(POLICE_ITEM)
    # The notes stay with the case's worker and supervisors.
    expect(officer.locator("body")).not_to_contain_text(NOTE)

    # --- The worker reviews the plan and asks to close the case. ---
    worker.goto(f"{url}/cases/{case.pk}/")
    follow(worker, f"a[href='/cases/{case.pk}/reviews/new/']")
    worker.locator("#id_summary").fill("Fëmija ndjek rregullisht mësimin.")
    worker.locator("select[name^=progress_][name$=_status]").select_option("done")
    worker.locator("textarea[name^=progress_][name$=_note]").fill("U regjistrua.")
    submit(worker, "form.stacked")
    assert worker.url == f"{url}/cases/{case.pk}/"
    held = f"a[href^='/cases/{case.pk}/reviews/']:not([href$='/new/'])"
    expect(worker.locator(held)).to_have_count(1)
    expect_stage(worker, Stage.IMPLEMENTATION)

    follow(worker, f"a[href='/cases/{case.pk}/closure/']")
    worker.locator("#id_reason").select_option("goals_met")
    worker.locator("#id_note").fill("Objektivat u arritën.")
    submit(worker, "form.stacked")
    expect_stage(worker, Stage.CLOSURE)
    worker.screenshot(
        path=screenshots / "case-cycle-7-closure-asked-sq.png", full_page=True
    )

    # --- The supervisor approves the closure: the case is closed. ---
    sup.goto(f"{url}/cases/{case.pk}/")
    follow(sup, decide)
    sup.locator("input[name=decision][value=approved]").check()
    submit(sup, "form.stacked")
    expect_stage(sup, Stage.CLOSED)
    sup.screenshot(path=screenshots / "case-cycle-8-closed-sq.png", full_page=True)

    worker.goto(f"{url}/cases/{case.pk}/")
    expect_stage(worker, Stage.CLOSED)
    # Nothing more to do on a closed case but reopen it.
    expect(worker.locator(f"a[href='/cases/{case.pk}/edit/']")).to_have_count(0)
    expect(worker.locator(f"a[href='/cases/{case.pk}/reopen/']")).to_be_visible()
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED
