"""Real-browser journeys: a live server per test and Debian's Chromium driven by Playwright.

Each test gets pytest-flask's `live_server` (a forked process serving the `app` fixture from
tests/conftest.py, so its own database and outbox folder) and a fresh browser context. A test
that asks for `page` runs twice: on a phone viewport and on a desktop one (the `viewport`
fixture tells which).

Chromium is Debian's (`apt-get install chromium`), never a Playwright download. Without it the
journeys are skipped, unless REQUIRE_BROWSER=1 (as in CI), when they fail instead. A failing
journey leaves a screenshot whose path is printed with the failure.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.support import Outbox

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Chromium's own background traffic is refused on this network; these flags keep it quiet.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORTS = {
    "phone": {
        "viewport": {"width": 375, "height": 740},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
# Playwright waits up to 30 s by default; a journey step that needs more than this is broken.
TIMEOUT_MS = 10_000
HERE = Path(__file__).parent
FORK_WARNING = r"ignore:This process .* is multi-threaded, use of fork\(\) may lead to deadlocks:DeprecationWarning"


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(str(item.path)).parents:
            # Everything in this folder is a browser journey, even if a test forgets the marker.
            item.add_marker(pytest.mark.browser)
            # live_server forks while Playwright's driver thread runs; Python 3.12+ warns about
            # that, harmlessly here (the child only serves HTTP).
            item.add_marker(pytest.mark.filterwarnings(FORK_WARNING))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    page = (item.funcargs.get("page") or item.funcargs.get("phone")) if report.when == "call" and report.failed else None
    if page is not None and not page.is_closed():
        path = page.screenshot_dir / (re.sub(r"[^\w.-]+", "_", item.nodeid) + ".png")
        try:
            page.screenshot(path=str(path), full_page=True)
            note = f"screenshot: {path} (page {page.url})"
        except Exception as exc:  # the page may be gone; the test's own failure matters more
            note = f"no screenshot: {exc!r}"
        report.sections.append(("browser", note))
        terminal = item.config.pluginmanager.get_plugin("terminalreporter")
        if terminal:
            terminal.write_line(f"\n[browser] {item.nodeid}: {note}")
    return report


@pytest.fixture
def app(app, request):
    """The shared app fixture with CSRF on: the browser submits the real forms and their tokens."""
    marker = request.node.get_closest_marker("app_config")
    if not (marker and "WTF_CSRF_ENABLED" in marker.kwargs):
        app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    if not Path(CHROMIUM).is_file():
        message = (
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) to run browser journeys"
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)  # no chromium here and REQUIRE_BROWSER is not set
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    """The name of the viewport this run of the test uses: "phone" or "desktop"."""
    return request.param


@pytest.fixture
def phone(browser, screenshot_dir):
    """A page on the phone viewport only: the per-role journeys, as most residents use the portal."""
    page = open_page(browser, "phone", screenshot_dir)
    yield page
    page.context.close()


@pytest.fixture
def another_phone(browser, screenshot_dir):
    """Open another person's phone page in the same journey."""
    opened = []

    def make(accept_dialogs=False):
        opened.append(open_page(browser, "phone", screenshot_dir, accept_dialogs=accept_dialogs))
        return opened[-1]

    yield make
    for other in opened:
        other.context.close()


def open_page(browser, viewport, screenshot_dir, *, accept_dialogs=False):
    """A fresh page in its own context (no cookies shared), in Indonesian and WIB.

    `page.problems` collects script errors, console errors (a Content-Security-Policy violation
    shows up there) and failed sub-resources (a missing stylesheet or script); journeys assert
    that it stays empty.
    """
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta", **VIEWPORTS[viewport])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.screenshot_dir = screenshot_dir
    page.problems = []

    def on_console(message):
        # A page answered with 4xx (a form with errors is 422) logs "Failed to load resource";
        # that is the app speaking HTTP, not a problem. Failed sub-resources are caught below.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.problems.append(f"console error: {message.text}")

    def on_response(response):
        if response.request.resource_type != "document" and response.status >= 400:
            page.problems.append(f"{response.status} for {response.request.resource_type} {response.url}")

    _only_home_by_url(page)
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)
    if accept_dialogs:
        page.on("dialog", lambda dialog: dialog.accept())
    return page


def _only_home_by_url(page):
    """Refuse `page.goto` to anything but the home page, or a mail's link (support.follow_mail_link).

    People only click: a journey that types a URL proves nothing about whether they get there.
    """
    typed = page.goto
    page.allow_next_goto = False

    def goto(url, **kwargs):
        allowed, page.allow_next_goto = page.allow_next_goto, False
        if urlsplit(url).path != "/" and not allowed:
            raise AssertionError(f"a journey opens only the home page by URL; click your way to {url}")
        return typed(url, **kwargs)

    page.goto = goto


@pytest.fixture
def page(browser, viewport, screenshot_dir):
    """The journey's first person's page (see open_page)."""
    page = open_page(browser, viewport, screenshot_dir)
    yield page
    page.context.close()


@pytest.fixture
def another_page(browser, viewport, screenshot_dir):
    """Open the page of another person in the same journey: their own cookies, the same checks."""
    opened = []

    def make(accept_dialogs=False):
        opened.append(open_page(browser, viewport, screenshot_dir, accept_dialogs=accept_dialogs))
        return opened[-1]

    yield make
    for other in opened:
        other.context.close()


@pytest.fixture
def outbox(app):
    """The mails the live server wrote to its outbox folder."""
    return Outbox(Path(app.config["MAIL_OUTBOX_DIR"]))
