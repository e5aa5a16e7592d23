"""Browser fixtures: the real app served on loopback, Chromium through Playwright, axe-core.

None of these fixtures is called ``app`` or depends on it: the autouse ``_isolated`` fixture
in tests/conftest.py wraps tests that use ``app`` in a rolled-back transaction, which would
hide everything the live server writes. The live server has its own SQLite file instead.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import BaseWSGIServer, make_server

import config
from civic.extensions import db, limiter
from civic.notifications.worker import DeliveryReport, deliver_pending
from tests.conftest import make_app
from tests.support import PASSWORD, SMTPServer, free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# axe-core, pinned and committed with its licences (`make vendor-axe` copies a new version from npm).
AXE_JS = REPO_ROOT / "tests" / "browser" / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The WCAG levels the site promises: A and AA of 2.0, 2.1 and 2.2 (axe-core 4.14 tags the one new
# 2.2 AA rule it checks, target-size, "wcag22aa"; it has no "wcag22a" tag).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


# How a skip for want of Chromium or axe-core begins: the summary folds these into one line.
NOT_RUN = "The browser tests did not run: "


def _missing(what: str) -> None:
    """Fail when CI requires the browser (CIVIC_REQUIRE_BROWSER), skip otherwise."""
    if config.test_requirements()["browser"]:
        pytest.fail(f"{what} (required: CIVIC_REQUIRE_BROWSER is set)", pytrace=False)
    pytest.skip(f"{NOT_RUN}{what}; CIVIC_REQUIRE_BROWSER=1 makes this a failure")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo
                              ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Report those skips at this file rather than at each test, so that `pytest -ra` says it once."""
    report = yield
    if report.skipped and isinstance(report.longrepr, tuple) and NOT_RUN in report.longrepr[2]:
        report.longrepr = (__file__, None, report.longrepr[2])
    return report


# The live server.


@dataclass
class LiveServer:
    url: str
    app: Flask

    def deliver_mail(self) -> DeliveryReport:
        """Send every message waiting in the outbox to the loopback SMTP server."""
        with self.app.app_context():
            return deliver_pending(db.session)

    def create_account(self, email: str, password: str = PASSWORD, name: str = "測試使用者",
                       *, verified: bool = True) -> None:
        """A citizen account made through the same service as the register page."""
        from civic.accounts import services

        with self.app.test_request_context():
            services.create_user(db.session, email=email, password=password,
                                 display_name=name, verified=verified)
            db.session.commit()

    def reset_rate_limits(self) -> None:
        """Every request comes from 127.0.0.1; start each test with fresh counters."""
        with self.app.app_context():
            limiter.reset()


def buffered(application: Flask):
    """Hand the server whole bodies, with files already closed.

    Werkzeug's development server skips closing a response when the browser drops the
    connection mid-send (Chromium cancels favicon and stylesheet fetches when it navigates),
    which leaks the open static file; with warnings as errors that fails whichever test is
    running when the file is collected. Buffering here closes every response ourselves.
    """

    def serve(environ: dict, start_response) -> Iterable[bytes]:
        body = application(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return serve


@pytest.fixture(scope="session")
def live_server(smtp_server: SMTPServer, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("browser-db") / "civic.sqlite3"
    application = make_app(f"sqlite:///{database}", smtp_server.port, WTF_CSRF_ENABLED=True)
    with application.app_context():
        upgrade()
    port = free_port()
    server: BaseWSGIServer = make_server("127.0.0.1", port, buffered(application), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", app=application)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


# The browser.


@cache
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        _missing(f"Chromium is not installed at {CHROMIUM} "
                 "(on Debian: `sudo apt-get install chromium fonts-noto-cjk`, see README)")
    if not AXE_JS.exists():
        _missing(f"axe-core is missing from {AXE_JS.relative_to(REPO_ROOT)}, where it is committed "
                 "(`make vendor-axe` copies it from frontend/node_modules)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def page(browser, live_server: LiveServer) -> Iterator[object]:
    """A fresh browser context (no cookies) at desktop width, asking for Traditional Chinese."""
    yield from _opened(browser, live_server, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(browser, live_server: LiveServer) -> Iterator[object]:
    """The same at the width of a small phone."""
    yield from _opened(browser, live_server, viewport={"width": 375, "height": 740}, is_mobile=True,
                       has_touch=True, device_scale_factor=2)


@pytest.fixture
def phone(browser, live_server: LiveServer) -> Iterator[object]:
    """A 390 x 844 phone, the width the phone layout is measured at."""
    yield from _opened(browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True,
                       has_touch=True, device_scale_factor=2)


def _opened(browser, live_server: LiveServer, **options) -> Iterator[object]:
    """A page in a context of its own (no cookies, fresh rate limits), closed when the test is done."""
    live_server.reset_rate_limits()
    context = browser.new_context(locale="zh-TW", base_url=live_server.url, **options)
    try:
        new_page = context.new_page()
        new_page.set_default_timeout(10_000)
        yield new_page
    finally:
        context.close()


# Helpers for the tests.


def fits(page) -> bool:
    """Nothing on the page is wider than the screen: no sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

_RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return results.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.map(String).join(' '),
                              summary: n.failureSummary || ''})),
  }));
}
"""


def accessibility_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; return its WCAG 2.2 A/AA violations."""
    # evaluate() is not subject to the page's Content-Security-Policy, unlike a <script>.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return page.evaluate(_RUN_AXE, AXE_TAGS)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}"
                     f"  <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}")
            for detail in node["summary"].splitlines():
                lines.append(f"      {detail}")
    return "\n".join(lines)


def check_accessibility(page) -> None:
    """Assert that axe-core finds no WCAG 2.2 A/AA problem on the page."""
    violations = accessibility_violations(page)
    if violations:
        report = format_violations(violations)
        print(f"Accessibility violations on {page.url}:\n{report}")
        pytest.fail(f"{len(violations)} accessibility violation(s) on {page.url}:\n{report}",
                    pytrace=False)


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under test-artifacts/screenshots/ for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"
    path = SCREENSHOTS / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# The demonstration data, for tests that walk through it as its demo accounts.


@pytest.fixture(scope="session")
def demo(live_server: LiveServer) -> LiveServer:
    """The live server with the demo data loaded (idempotent, so loading twice is harmless)."""
    from civic.demo import loader

    with live_server.app.test_request_context():
        loader.load(db.session)
        db.session.commit()
    return live_server


def sign_in_as(page, email: str) -> None:
    """Sign in as one of the demo accounts and wait for the signed-in navigation."""
    from playwright.sync_api import expect

    from civic.demo import loader

    page.goto("/login")
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(loader.DEMO_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    # The flash, not the menu: on a phone the menu is folded behind its toggle.
    expect(page.get_by_text("您已登入。")).to_be_visible()
