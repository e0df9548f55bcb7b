"""A parent withdraws a child from a program, chooses credit, finds it in the household
balance, and spends it on the next registration with no card; every page meets WCAG 2.1 AA."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page
from playwright.sync_api import expect

from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.store import service
from jasperrec.store.models import OrderLine
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.conftest import add_resident
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def register_child(live_server: LiveServer, email: str) -> None:
    """Give the resident's child a paid, confirmed place in a program four weeks out."""
    with live_server.app.app_context():
        user = db.session.scalars(sa.select(User).where(User.email == email)).one()
        child = user.household[0]
        program = factories.ProgramFactory(name="Junior Climbers", price_cents=8_400)
        order = factories.OrderFactory(
            user=user, status=OrderStatus.PAID, subtotal_cents=8_400, gst_cents=0,
            total_cents=8_400, payment_intent_id="pi_browser",
            lines=[OrderLine(program=program, description=program.name,
                             participant_name=child.full_name, household_member_id=child.id,
                             quantity=1, unit_price_cents=8_400, gst_cents=0)],
        )  # fmt: skip
        order.lines[0].registration = Registration(
            program=program, user_id=user.id, household_member=child,
            status=RegistrationStatus.CONFIRMED,
        )  # fmt: skip
        db.session.commit()
        db.session.remove()


def cart_program(live_server: LiveServer, email: str, name: str, price_cents: int) -> None:
    """Put the resident's child in the cart for another program."""
    with live_server.app.app_context():
        user = db.session.scalars(sa.select(User).where(User.email == email)).one()
        program = factories.ProgramFactory(name=name, price_cents=price_cents)
        service.add_program_to_cart(user, program.slug, user.household[0].id)
        db.session.commit()
        db.session.remove()


def test_a_parent_withdraws_a_child_and_sees_the_credit_in_the_ledger(
    page: Page, live_server: LiveServer, check_page: Callable[[Page], None]
) -> None:
    resident = add_resident(live_server, "jordan.withdraws@example.ca", "amber canyon sparrow tide")
    register_child(live_server, resident.email)
    sign_in(page, resident)

    page.goto("/store/registrations")
    page.get_by_role("link", name="Withdraw").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Withdraw Sam Lam")
    expect(page.get_by_role("main")).to_contain_text("$75.60")
    check_page(page)
    page.get_by_label("Credit to spend on your household account").check()
    page.get_by_role("button", name="Withdraw").click()

    expect(page.get_by_role("main")).to_contain_text(
        "Sam Lam is withdrawn from Junior Climbers. $75.60 is credit on your household account."
    )
    expect(page.get_by_role("link", name="Withdraw")).to_have_count(0)
    page.goto("/store/balance")
    expect(page.get_by_role("main")).to_contain_text("Credit on your household account: $75.60")
    rows = page.get_by_role("main").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Fee")
    expect(rows.nth(1)).to_contain_text("Credit issued")
    expect(rows.nth(2)).to_contain_text("Payment")
    check_page(page)

    cart_program(live_server, resident.email, "Little Paddlers", 5_000)
    page.goto("/store/cart")
    expect(page.get_by_role("main")).to_contain_text("From your household balance")
    check_page(page)
    page.get_by_role("button", name="Check out: paid from your household balance").click()
    expect(page.get_by_role("main")).to_contain_text(
        "is confirmed; paid from your household balance."
    )
    expect(page.get_by_role("main")).to_contain_text("$50.00 from your household balance")
    page.goto("/store/balance")
    expect(page.get_by_role("main")).to_contain_text("Credit on your household account: $25.60")
    expect(rows.nth(0)).to_contain_text("Credit spent")
