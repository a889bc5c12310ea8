"""Browser tests: Playwright drives Debian's Chromium (headless) against a live server on
loopback, backed by the same real PostgreSQL and Redis as every other test.

On failure a test leaves a screenshot and the page's HTML in test-artifacts/ (gitignored).
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from tests.factories import ARABIC_TEAM, UserFactory

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# `make screenshots` sets it: the browser tests then write the editors' guide's pictures.
DOCS_SCREENSHOTS = os.environ.get("CMS_DOCS_SCREENSHOTS") and (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "browser-test-password"

# Playwright's sync API runs an event loop in this thread; the Django ORM calls the tests make
# for setup and checks are plain synchronous code, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def browser():
    # Per test, not per session: Playwright's sync API keeps an event loop running in this
    # thread, under which Django's connections are context-local, so a session-long loop hides
    # the connection that carries the snapshot serialized_rollback restores between tests.
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: scripts/install-system-deps installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
        # Connections opened under the loop's context are not the test's: close them here.
        connections.close_all()


@pytest.fixture
def page(browser, request, live_server):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(page.content())
    context.close()


def for_the_docs(page, name, locator=None):
    """A picture of what the page shows now for docs/ (only under `make screenshots`)."""
    if not DOCS_SCREENSHOTS:
        return
    DOCS_SCREENSHOTS.mkdir(exist_ok=True)
    (locator or page).screenshot(path=str(DOCS_SCREENSHOTS / f"{name}.png"))


def log_in(page, user):
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def publish_in_editor(page):
    """Publish what the open edit view holds, from its action menu, as a publisher does."""
    page.locator("[data-w-dropdown-target=toggle]").last.click()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("published", exact=False).first).to_be_visible()


@pytest.fixture
def editor_user():
    return UserFactory(username="editor", password=PASSWORD, groups=["Editors"])


@pytest.fixture
def publisher_user():
    """An editor who also publishes without approval (the Publishers group)."""
    return UserFactory(username="publisher", password=PASSWORD, groups=["Editors", "Publishers"])


def switch_to(page, user):
    """Log out, and in again as `user`."""
    page.context.clear_cookies()
    log_in(page, user)


@pytest.fixture
def arabic_approver_user():
    return UserFactory(
        username="arabic-approver", password=PASSWORD, groups=["Approvers", "Approvers: Arabic"]
    )


@pytest.fixture
def english_approver_user():
    return UserFactory(
        username="approver", password=PASSWORD, groups=["Approvers", "Approvers: English"]
    )


@pytest.fixture
def translator_user():
    return UserFactory(
        username="translator", password=PASSWORD, groups=["Translators", ARABIC_TEAM]
    )
