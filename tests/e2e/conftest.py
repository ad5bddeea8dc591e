"""Playwright (sync API) in the Debian Chromium against pytest-django's live_server.
Playwright cannot download browsers here, so it drives /usr/bin/chromium."""
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


# Per module, not per session: Playwright's sync API keeps an event loop in this thread
# while it runs, and code run by later tests in the same process (django-health-check's
# async_to_sync) refuses to run next to a live event loop.
@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself (creating data) are then flagged as "async unsafe" without this.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(browser_page, request):
    """screenshot("step") saves test-artifacts/<test name>-<n>-step.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    counter = iter(range(1, 100))

    def take(step):
        path = ARTIFACTS / f"{request.node.name}-{next(counter):02d}-{step}.png"
        browser_page.screenshot(path=str(path), full_page=True)
        return path

    return take
