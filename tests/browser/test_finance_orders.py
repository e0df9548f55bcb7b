"""Finance finds a resident's order in Chromium by name, opens it, and reads its lines,
on a desktop and on a phone, with axe checking both pages."""

from __future__ import annotations

from collections.abc import Callable

import pyotp
import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.extensions import db
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.test_console import PASSWORD
from tests.browser.test_console import sign_in_as_staff

pytestmark = pytest.mark.browser


def set_up(live_server: LiveServer, width: int) -> tuple[str, str, str]:
    """A finance clerk and a resident's order; returns the clerk's email, secret, the order."""
    email, secret = f"jordan.{width}@jasper.example", pyotp.random_base32()
    with live_server.app.app_context():
        factories.StaffFactory(
            email=email,
            password=PASSWORD,
            first_name="Jordan",
            last_name="Lee",
            roles=[Role.FINANCE],
            departments=[],
            totp_secret=secret,
            mfa_enabled_at=utcnow(),
        )
        buyer = factories.UserFactory(first_name="Morgan", last_name=f"Quill{width}")
        reference = factories.OrderFactory(user=buyer).reference
        db.session.commit()
        db.session.remove()
    return email, secret, reference


@pytest.mark.parametrize("width", [1280, 375])
def test_finance_finds_an_order_by_name_and_reads_it(
    browser: Browser, live_server: LiveServer, check_page: Callable[[Page], None], width: int
) -> None:
    email, secret, reference = set_up(live_server, width)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(10_000)
    page = context.new_page()
    try:
        sign_in_as_staff(page, email, secret)
        page.get_by_role("navigation", name="Staff console").get_by_role(
            "link", name="Orders"
        ).click()
        page.get_by_label("Order reference, name or email").fill(f"quill{width}")
        page.get_by_role("button", name="Find", exact=True).click()
        rows = page.get_by_role("table").locator("tbody tr")
        expect(rows).to_have_count(1)
        label = rows.get_by_text("Payment state:")
        if width < 640:
            expect(label).to_be_visible()
        else:
            expect(label).to_be_hidden()
        check_page(page)
        page.get_by_role("link", name=reference).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {reference}")
        expect(page.get_by_role("main")).to_contain_text("Adult 30-day pass")
        check_page(page)
    finally:
        context.close()
