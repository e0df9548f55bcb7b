"""A resident opens "my personal information" in Chromium, at desktop and phone width."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from jasperrec.auth.models import Role
from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.helpdesk.models import ServiceRequestMessage
from jasperrec.staff.audit import record_access
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.conftest import add_resident
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def give_history(live_server: LiveServer, email: str) -> None:
    """An order, a request answered by an agent, and that agent's view of the record."""
    with live_server.app.app_context():
        user = db.session.query(User).filter_by(email=email).one()
        agent = factories.StaffFactory(
            first_name="Mina",
            roles=[Role.HELPDESK_AGENT],
            departments=[factories.DepartmentFactory(name="Aquatics")],
        )
        request = factories.ServiceRequestFactory(customer=user, subject="Pool hours")
        db.session.add(
            ServiceRequestMessage(
                request=request, author=agent, body="We open at six.", is_from_staff=True
            )
        )
        record_access(
            agent,
            user,
            AccessKind.REQUEST,
            AccessPurpose.SERVICE_REQUEST,
            record_type="service request",
            record_id=request.id,
            request_id=request.id,
        )
        for _ in range(7):
            factories.OrderFactory(user=user)
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_resident_reads_everything_held_about_them_and_the_page_meets_wcag_21_aa(
    page: Page, live_server: LiveServer, check_page: Callable[[Page], None], width: int
) -> None:
    email = f"jordan.{width}@example.ca"
    resident = add_resident(live_server, email, "granite meadow lantern spruce")
    give_history(live_server, email)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, resident)
    page.get_by_role("link", name="My personal information").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My personal information")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Uses an asthma inhaler.")
    expect(main.locator("#medical_notes")).to_contain_text("Sensitive")
    staff_views = main.locator("section", has=page.locator("#staff_access"))
    expect(staff_views).to_contain_text("Mina, Aquatics")
    orders = main.locator("section", has=page.locator("#orders"))
    expect(orders.get_by_text("Show all 7 records")).to_be_visible()
    check_page(page)
    orders.get_by_text("Show all 7 records").click()
    expect(orders.get_by_role("table")).to_be_visible()
    messages = main.locator("section", has=page.locator("#helpdesk_messages"))
    expect(messages).to_contain_text("We open at six.")
    check_page(page)
