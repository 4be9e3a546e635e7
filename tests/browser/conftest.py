"""Browser tests: Python Playwright driving Debian's Chromium against live_server.

Never run `playwright install`: the browser is the system's /usr/bin/chromium.
"""
import os
from pathlib import Path

import pytest

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 15_000
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    """Run browser tests last. While Playwright is open, its event loop counts as running
    in this thread, and DJANGO_ALLOW_ASYNC_UNSAFE must be set; a subprocess started by a
    later test (e.g. `manage.py check --deploy`) would inherit that variable."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = (f"{CHROMIUM} not found: install it with `apt-get install -y chromium` "
                   "(never `playwright install`).")
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    # Playwright's sync API keeps an event loop running in this thread; Django's ORM would
    # otherwise refuse to be called from it (SynchronousOnlyOperation). Set before the
    # browser starts, restored when it closes.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def page(browser, live_server):
    """A fresh context and page per test, with base_url pointing at live_server."""
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh context of its own, e.g. a second user or a browser without
    JavaScript: new_page(java_script_enabled=False). Every context closes after the test."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    try:
        yield make
    finally:
        for context in contexts:
            context.close()
