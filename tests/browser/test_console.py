"""A staff member finds late work in Chromium: the overdue quick link, the due-soon filter,
the badges, and the request they open, on a desktop and on a phone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pyotp
import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.helpdesk.models import Channel
from tests import factories
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

PASSWORD = "basalt meadow lantern 2026"
HOUR = dt.timedelta(hours=1)


def set_up(live_server: LiveServer, width: int) -> tuple[str, str, dict[str, str]]:
    """An agent in a department of their own, with a late, a due-soon and a far-off request.

    Returns the agent's email and TOTP secret, and each request's reference by kind.
    """
    email, secret = f"rowan.{width}@jasper.example", pyotp.random_base32()
    now = utcnow()
    with live_server.app.app_context():
        parks = factories.DepartmentFactory(name=f"Parks {width}", slug=f"parks-{width}")
        factories.StaffFactory(
            email=email,
            password=PASSWORD,
            first_name="Rowan",
            last_name="Pike",
            roles=[Role.HELPDESK_AGENT],
            departments=[parks],
            totp_secret=secret,
            mfa_enabled_at=now,
        )
        references = {}
        for kind, due in [("late", -HOUR), ("soon", HOUR), ("later", dt.timedelta(days=4))]:
            request = factories.ServiceRequestFactory(
                department=parks,
                channel=Channel.WEB,
                subject=f"Broken swing, {kind}",
                due_at=now + due,
                due_soon_at=now + due - 4 * HOUR,
            )
            references[kind] = request.reference
        db.session.commit()
        db.session.remove()
    return email, secret, references


def sign_in_as_staff(page: Page, email: str, secret: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.get_by_label("Code", exact=False).first.fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()


@pytest.mark.parametrize("width", [1280, 375])
def test_staff_find_overdue_and_due_soon_requests_and_open_one(
    browser: Browser,
    live_server: LiveServer,
    check_page: Callable[[Page], None],
    width: int,
) -> None:
    email, secret, references = set_up(live_server, width)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(10_000)
    page = context.new_page()
    try:
        sign_in_as_staff(page, email, secret)
        page.get_by_role("navigation", name="Staff console").get_by_role(
            "link", name="Queues"
        ).click()

        page.get_by_role("navigation", name="Queues").get_by_role(
            "link", name="Overdue (1)"
        ).click()
        table = page.get_by_role("table")
        rows = table.locator("tbody tr")
        expect(rows).to_have_count(1)
        late = rows.filter(has_text=references["late"])
        label = late.get_by_text("Answer due by:")
        # The stacked phone layout shows each cell's label; the desktop has the header row.
        if width < 640:
            expect(label).to_be_visible()
        else:
            expect(label).to_be_hidden()
        expect(late.get_by_text("Overdue", exact=True)).to_be_visible()
        expect(page.get_by_label("Answer due")).to_have_value("overdue")
        check_page(page)

        page.get_by_label("Answer due").select_option("due-soon")
        page.get_by_role("button", name="Show", exact=True).click()
        expect(page).to_have_url(re.compile(r"deadline=due-soon"))
        expect(rows).to_have_count(1)
        soon = rows.filter(has_text=references["soon"])
        expect(soon.get_by_text("Due soon", exact=True)).to_be_visible()
        expect(table).not_to_contain_text(references["later"])

        page.get_by_role("link", name=re.compile(r"^Overdue \(")).click()
        page.get_by_role("link", name=references["late"]).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Broken swing, late")
        expect(page.locator("dl.details").get_by_text("Overdue", exact=True)).to_be_visible()
        check_page(page)
    finally:
        context.close()
