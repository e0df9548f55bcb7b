"""A helpdesk agent at the pool's front desk in Chromium: chooses the facility, scans a code
(typed, then Enter, as a USB scanner does), sees whose it is, and records a visit."""

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
from tests.browser.test_console import sign_in_as_staff

pytestmark = pytest.mark.browser

POOL = "Jasper Aquatic Centre"


def set_up(live_server: LiveServer, width: int) -> tuple[str, str, str]:
    """An agent, a facility, and a visit card with three visits left; returns the agent's
    email and TOTP secret, and the card's code."""
    email, secret = f"desk.{width}@jasper.example", pyotp.random_base32()
    with live_server.app.app_context():
        factories.StaffFactory(
            email=email,
            password="basalt meadow lantern 2026",
            roles=[Role.HELPDESK_AGENT],
            departments=[factories.DepartmentFactory()],
            totp_secret=secret,
            mfa_enabled_at=utcnow(),
        )
        factories.ProgramFactory(facility=POOL)
        holder = factories.UserFactory(first_name="Maya", last_name="Tremblay")
        card = factories.EntitlementFactory(
            holder=holder, product_name="Youth 10-visit card", visits_total=10, visits_used=7
        )
        code = card.printed_code
        db.session.commit()
        db.session.remove()
    return email, secret, code


@pytest.mark.parametrize("width", [1280, 375])
def test_an_agent_scans_a_code_and_records_a_visit(
    browser: Browser, live_server: LiveServer, check_page: Callable[[Page], None], width: int
) -> None:
    email, secret, code = set_up(live_server, width)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 800}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in_as_staff(page, email, secret)

    page.get_by_role("link", name="Front desk").first.click()
    page.get_by_label("Facility").select_option(POOL)
    page.get_by_role("button", name="Use this facility").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Front desk: {POOL}")
    expect(page.get_by_label("Pass code")).to_be_focused()
    check_page(page)

    page.keyboard.type(code.lower())
    page.keyboard.press("Enter")
    answer = page.get_by_role("status")
    expect(answer).to_contain_text("Valid")
    expect(answer).to_contain_text("Maya Tremblay")
    expect(answer).to_contain_text("3 of 10")
    expect(page.get_by_label("Pass code")).to_be_focused()
    check_page(page)

    page.get_by_role("button", name="Record visit").click()
    expect(answer).to_contain_text("Visit recorded")
    expect(answer).to_contain_text("2 of 10")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
