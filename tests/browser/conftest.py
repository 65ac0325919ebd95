"""Browser fixtures: Debian's chromium driven by Playwright against a live server.

One browser per test session (per xdist worker), a fresh context per test, and the
synthetic world of tests/world.py built in a transactional database the live server
can see.
"""

import importlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.world import World, build_world

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = (
    "Debian's chromium is not installed (apt-get install chromium): "
    "browser tests skipped"
)
# Screenshots go to var/screenshots/ on every run, so that a test run leaves the
# working tree clean; URA_UPDATE_SCREENSHOTS=1 refreshes the ones kept in docs/.
_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = (
    _ROOT / "docs" / "screenshots"
    if os.environ.get("URA_UPDATE_SCREENSHOTS") == "1"
    else _ROOT / "var" / "screenshots"
)
# The audit log refuses DELETE (and TRUNCATE) in the database itself; the flush that
# ends a transactional test has to lift that for a moment.
_TRIGGERS = importlib.import_module("ura.audit.migrations.0002_append_only_triggers")
TRIGGERS_UP = {"sqlite": _TRIGGERS.SQLITE_UP, "postgresql": _TRIGGERS.POSTGRES_UP}
TRIGGERS_DOWN = {"sqlite": _TRIGGERS.SQLITE_DOWN, "postgresql": _TRIGGERS.POSTGRES_DOWN}


def _run_sql(statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for statement in statements.get(connection.vendor, []):
            cursor.execute(statement)


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201
    if not CHROMIUM.exists():
        if os.environ.get("URA_BROWSER_TESTS_REQUIRED") == "1":
            pytest.fail(MISSING, pytrace=False)
        pytest.skip(MISSING)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread for as long
    # as the browser lives, so Django's ORM would refuse every call made meanwhile
    # (also by the non-browser tests sharing this worker).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser):  # noqa: ANN001, ANN201
    """new_page(locale="sq", width=390, height=844) -> a page in a fresh context."""
    contexts = []

    def make(locale: str = "en-GB", width: int = 1366, height: int = 768):  # noqa: ANN202
        context = browser.new_context(
            locale=locale, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):  # noqa: ANN001, ANN201
    """A page in a fresh context, 1366x768, English browser locale."""
    return new_page()


@pytest.fixture
def _audit_log_flushable(django_db_setup, django_db_blocker) -> Iterator[None]:  # noqa: ANN001
    """Lifts the audit log's append-only triggers for the flush that ends a
    transactional test, and puts them back once it is done."""
    yield
    with django_db_blocker.unblock():
        _run_sql(TRIGGERS_DOWN)  # in case the test ended before lifting them
        _run_sql(TRIGGERS_UP)


@pytest.fixture
def transactional_db(_audit_log_flushable, _django_db_helper) -> None:  # noqa: ANN001
    """pytest-django's transactional_db, set up after (so torn down before) the
    fixture that restores the audit triggers: the flush runs between the two."""


@pytest.fixture
def live_world(transactional_db, live_server) -> Iterator[World]:  # noqa: ANN001
    """The synthetic world, committed, so the live server's thread sees it."""
    world = build_world()
    yield world
    # Runs before transactional_db's flush, which must be able to empty the audit log.
    _run_sql(TRIGGERS_DOWN)


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
