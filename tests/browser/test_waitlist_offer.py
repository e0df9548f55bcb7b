"""A parent joins a full program's waitlist; when another family withdraws, the offer comes by
email, and its link takes the parent to one Accept button, the cart and a paid registration."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.store import payments
from jasperrec.store import withdrawals
from jasperrec.store.models import Program
from jasperrec.store.models import RefundDestination
from jasperrec.store.models import Registration
from tests.browser.conftest import LiveServer
from tests.browser.conftest import add_resident
from tests.browser.conftest import sign_in
from tests.browser.test_withdrawal import register_child

pytestmark = pytest.mark.browser
LINK = re.compile(rb"http://\S+/store/waitlist/offers/\S+")


def offer_link(outbox: Path, address: str, wait: float = 10.0) -> str:
    """The offer link in the newest message to the address, waiting for the mail worker."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.eml"), reverse=True):
            message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            if message["To"] == address:
                body = message.get_body(("plain",)).get_content().encode()
                found = LINK.search(body)
                if found:
                    return found.group(0).decode()
        time.sleep(0.2)
    subjects = [p.name for p in sorted(outbox.glob("*.eml"))][-8:]
    raise AssertionError(f"no offer reached {address}: {subjects}")


def withdraw_the_other_child(live_server: LiveServer, email: str) -> None:
    with live_server.app.app_context():
        user = db.session.scalars(sa.select(User).where(User.email == email)).one()
        registration = db.session.scalars(
            sa.select(Registration).where(Registration.user_id == user.id)
        ).one()
        withdrawals.withdraw(user, registration.id, RefundDestination.CREDIT, payments.gateway())
        db.session.remove()


def test_a_waitlisted_parent_accepts_an_emailed_offer_and_pays(
    browser: Browser, page: Page, live_server: LiveServer, check_page: Callable[[Page], None]
) -> None:
    first = add_resident(live_server, "first.family@example.ca", "quiet harbour lantern 7")
    register_child(live_server, first.email)
    with live_server.app.app_context():
        program = db.session.scalars(
            sa.select(Program).where(Program.name == "Junior Climbers").order_by(Program.id.desc())
        ).first()
        program.capacity, program.min_age, program.max_age = 1, None, None
        slug = program.slug
        db.session.commit()
        db.session.remove()
    waiting = add_resident(live_server, "next.family@example.ca", "willow ember canyon 8")

    sign_in(page, waiting)
    page.goto(f"/store/programs/{slug}")
    page.get_by_label("Who is registering?").select_option(label="Sam Lam")
    page.get_by_role("button", name="Join the waitlist").click()
    page.goto("/store/registrations")
    expect(page.get_by_role("main")).to_contain_text("Junior Climbers")
    check_page(page)

    withdraw_the_other_child(live_server, first.email)
    link = offer_link(live_server.outbox, waiting.email)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("A space in Junior Climbers")
    check_page(page)
    page.get_by_role("button", name="Accept and go to my cart").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cart")
    page.get_by_role("button", name=re.compile(r"^Check out and pay")).click()
    page.get_by_role("button", name=re.compile(r"^Pay .* \(simulated\)$")).click()
    expect(page.get_by_role("main")).to_contain_text("Registrations are confirmed")
