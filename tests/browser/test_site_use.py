"""The privacy officer reads the site-use reports in Chromium, with and without JavaScript."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.privacy.models import TrafficCount
from jasperrec.privacy.models import TrafficDay
from jasperrec.privacy.models import TrafficDimension
from tests import factories
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

PASSWORD = "quartz harbour lantern meadow"
SECRET = pyotp.random_base32()
EMAIL = "officer.reports@jasper.example"


@pytest.fixture(scope="module")
def officer(live_server: LiveServer) -> str:
    """Add a privacy officer and two days of traffic to the live portal."""
    with live_server.app.app_context():
        factories.StaffFactory(
            email=EMAIL,
            password=PASSWORD,
            roles=[Role.PRIVACY_OFFICER],
            totp_secret=SECRET,
            mfa_enabled_at=utcnow(),
        )
        for offset, views in ((1, 120), (2, 80)):
            day = dt.date.today() - dt.timedelta(days=offset)
            db.session.add(
                TrafficDay(
                    day=day,
                    hits=views * 3,
                    page_views=views,
                    downloads=2,
                    errors=1,
                    not_found=3,
                    unique_visitors=views // 2,
                )
            )
            db.session.flush()
            db.session.add(
                TrafficCount(day=day, dimension=TrafficDimension.SECTION, value="/store", hits=9)
            )
        db.session.commit()
        db.session.remove()
    return EMAIL


def sign_in_as_officer(page: Page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.get_by_label("Code", exact=False).first.fill(pyotp.TOTP(SECRET).now())
    page.get_by_role("button", name="Continue").click()


def test_the_officer_opens_site_use_from_the_console_and_it_meets_wcag_21_aa(
    browser: Browser,
    live_server: LiveServer,
    officer: str,
    check_page: Callable[[Page], None],
) -> None:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    sign_in_as_officer(page, officer)

    page.goto("/staff/privacy/access-log")
    page.get_by_role("navigation", name="Staff console").get_by_role(
        "link", name="Site use"
    ).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Site use")
    expect(page.get_by_role("img", name="Page views per day")).to_be_visible()
    check_page(page)
    state: Any = context.storage_state()
    context.close()

    without_js = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, storage_state=state
    )
    plain = without_js.new_page()
    plain.goto("/staff/privacy/site-use")
    expect(plain.get_by_role("img", name="Sections visited")).to_be_visible()
    expect(plain.get_by_role("cell", name="/store", exact=True)).to_be_visible()
    without_js.close()
