"""A locked-out resident finds the lock page, unlocks from the link and signs in again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page
from playwright.sync_api import expect

from jasperrec.auth import tokens
from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db
from tests.browser.conftest import LiveServer
from tests.browser.conftest import Resident
from tests.browser.conftest import add_resident
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def lock_and_link(live_server: LiveServer, resident: Resident) -> str:
    """Lock the resident's account as the fiftieth failure would; return its unlock path."""
    with live_server.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == resident.email))
        user.locked_at = user.unlock_sent_at = utcnow()
        db.session.commit()
        token = tokens.make_token(user, tokens.UNLOCK_ACCOUNT)
        db.session.remove()
    return f"/auth/unlock/{token}"


@pytest.mark.parametrize("width", [1280, 375])
def test_a_locked_resident_unlocks_from_the_link_and_signs_in(
    page: Page,
    live_server: LiveServer,
    check_page: Callable[[Page], None],
    width: int,
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    resident = add_resident(live_server, f"locked.{width}@example.ca", "quartz ridge heron 2026")
    unlock = lock_and_link(live_server, resident)

    page.goto("/auth/login")
    page.get_by_label("Email address").fill(resident.email)
    page.get_by_label("Password", exact=True).fill(resident.password)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This account is locked")
    check_page(page)

    page.goto(unlock)
    expect(page.get_by_role("heading", level=1)).to_have_text("Unlock your account")
    check_page(page)
    page.get_by_role("button", name="Unlock my account").click()

    sign_in(page, resident)
