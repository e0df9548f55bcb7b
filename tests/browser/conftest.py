"""Browser fixtures: the real portal on a loopback port, and Debian's headless Chromium.

These tests get an app of their own, with its own SQLite file (whatever database the rest
of the suite uses), real CSRF and real mail files, served by Werkzeug on a thread. They
never touch the root conftest's `app`: the autouse `_transaction` and `outbox` fixtures
are overridden here so that they do not pull it in.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from jasperrec import create_app
from jasperrec.extensions import db
from jasperrec.extensions import limiter
from jasperrec.helpdesk.categories.demo import ensure_demo_categories
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# The machine has no network: without the background-networking flags Chromium keeps
# trying Google's services and floods the log with refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TEST_REDIS_URL = os.environ.get("JASPERREC_TEST_REDIS_URL")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Runs in the page after axe-core is loaded; returns only what a reader of a failure needs.
RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.join(" "),
      html: n.html,
      summary: n.failureSummary,
    })),
  }));
}
"""


@dataclass(frozen=True)
class LiveServer:
    """Where the live portal answers, and where its mail lands."""

    url: str
    app: Flask
    outbox: Path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last.

    Building a second app re-points the module-level extensions (the limiter's storage, the
    task queue's app), so the live portal is started only once the rest of the suite is done.
    """
    items[:] = [item for item in items if not _is_browser(item)] + [
        item for item in items if _is_browser(item)
    ]


def _is_browser(item: pytest.Item) -> bool:
    return item.get_closest_marker("browser") is not None


def require(path: Path, what: str, fix: str) -> None:
    """Skip when a browser tool is missing here; fail in CI, where nothing may be skipped."""
    if path.exists():
        return
    message = f"{what} not found at {path}; {fix}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _transaction() -> None:
    """Replace the root conftest's rollback fixture: the live server commits for real."""


@pytest.fixture
def outbox(live_server: LiveServer) -> Path:
    """The folder where the live portal writes each message as an .eml file."""
    return live_server.outbox


def _not_ready(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"The portal is still starting."]


def _build_app(instance: Path, url: str) -> Flask:
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "browser-test-secret-key",
            "PUBLIC_URL": url,
            "DATABASE_URL": f"sqlite:///{instance / 'browser.db'}",
            # Same limiter storage as the root app, so the shared limiter stays usable.
            "RATELIMIT_STORAGE_URI": TEST_REDIS_URL or "memory://",
            "RATELIMIT_KEY_PREFIX": "jasperrec-test",
            "TASKS_BACKEND": "immediate",
            "MAIL_BACKEND": "outbox",
            # Cheap hashing, as in the root conftest; bench/ measures the real parameters.
            "AUTH_ARGON2_TIME_COST": 1,
            "AUTH_ARGON2_MEMORY_KIB": 256,
        }
    )
    # Rate limits stay off, as in the rest of the suite; the limiter object is shared, so
    # it is switched off after create_app, as the root conftest does.
    limiter.enabled = False
    with app.app_context():
        upgrade()
        ensure_demo_categories()
        db.session.commit()
    return app


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve a freshly migrated portal on a free loopback port for the whole run."""
    instance = tmp_path_factory.mktemp("browser-instance")
    # Bind first: the port must be known before the app, whose mail links carry it.
    server = make_server("127.0.0.1", 0, _not_ready, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app = _build_app(instance, url)
    server.app = app
    thread = threading.Thread(target=server.serve_forever, name="live-portal", daemon=True)
    thread.start()
    yield LiveServer(url=url, app=app, outbox=instance / "outbox")
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Launch Debian's Chromium; Playwright's own browser downloads are never used."""
    require(CHROMIUM, "Debian's Chromium", "install it with `apt-get install chromium`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh page with no cookies; relative paths go to the live portal."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, installed from package.json by `make test`."""
    require(AXE, "axe-core", "run `make node_modules` (npm ci) first.")
    return AXE.read_text()


@dataclass(frozen=True)
class Resident:
    """A confirmed resident of the live portal, with one child in the household."""

    email: str
    password: str


def add_resident(live_server: LiveServer, email: str, password: str) -> Resident:
    """Put a confirmed resident straight into the live portal's database."""
    with live_server.app.app_context():
        user = factories.UserFactory(
            email=email,
            password=password,
            first_name="Avery",
            last_name="Lam",
            # A household in the municipality, so programs cost the resident fee.
            city="Jasper",
            postal_code="T0E 1E0",
        )
        factories.HouseholdMemberFactory(
            user=user, first_name="Sam", last_name="Lam", medical_notes="Uses an asthma inhaler."
        )
        db.session.commit()
        db.session.remove()
    return Resident(email=email, password=password)


def sign_in(page: Page, resident: Resident) -> None:
    """Sign in through the form, as the resident would."""
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(resident.email)
    page.get_by_label("Password", exact=True).fill(resident.password)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")


def describe(violations: list[dict[str, Any]]) -> str:
    """Lay out axe's findings so the failure says what to fix and where."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f"\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}\n      {node['html']}")
            lines.append("      " + node["summary"].replace("\n", "\n      "))
    return "\n".join(lines)


@pytest.fixture
def check_page(axe_source: str) -> Callable[[Page], None]:
    """Run axe-core's WCAG 2.1 A/AA rules on the page shown and fail on any violation."""

    def check(page: Page) -> None:
        # evaluate() is not subject to the page's CSP, which forbids inline scripts.
        page.evaluate(axe_source)
        violations = page.evaluate(RUN_AXE, WCAG_TAGS)
        assert not violations, (
            f"{len(violations)} WCAG violation(s) on {page.url}:\n{describe(violations)}"
        )

    return check
