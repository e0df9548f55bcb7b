"""A resident buys a gift card, prints it once, and redeems it into the household's gift
balance; each page meets WCAG 2.1 AA."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from jasperrec.extensions import db
from jasperrec.store.demo import ensure_demo_catalogue
from tests.browser.conftest import LiveServer
from tests.browser.conftest import Resident
from tests.browser.conftest import add_resident
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

CODE = re.compile(r"[2-9A-HJKMNP-Z]{4}(?:-[2-9A-HJKMNP-Z]{4}){3}")


@pytest.fixture(scope="module")
def giver(live_server: LiveServer) -> Resident:
    with live_server.app.app_context():
        ensure_demo_catalogue()
        db.session.commit()
        db.session.remove()
    return add_resident(live_server, "gift.giver@example.ca", "cedar lantern ochre ripple")


@pytest.fixture
def giver_page(browser: Browser, live_server: LiveServer, giver: Resident) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, giver)
    yield page
    context.close()


def test_a_resident_buys_prints_and_redeems_a_gift_card(
    giver_page: Page, check_page: Callable[[Page], None]
) -> None:
    page = giver_page
    page.goto("/store/passes-and-memberships")
    card = page.locator("li.card").filter(has=page.get_by_role("heading", name="$25 gift card"))
    card.get_by_role("button", name=re.compile(r"^Add to cart\s+\$25 gift card$")).click()
    page.get_by_role("button", name="Check out and pay $25.00").click()
    page.get_by_role("button", name="Pay $25.00 (simulated)").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Order JR-")
    expect(page.get_by_role("main")).to_contain_text("no expiry date, no fees")
    check_page(page)
    page.get_by_role("link", name="Show and print the gift card").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your gift cards")
    expect(page.get_by_role("main")).to_contain_text("only time these codes are shown")
    check_page(page)
    code = CODE.search(page.locator(".pass-code").inner_text())
    assert code is not None
    page.reload()
    expect(page.get_by_role("main")).to_contain_text("no longer shown here")
    expect(page.locator(".pass-code")).to_have_count(0)

    page.goto("/store/balance")
    page.get_by_role("link", name="Redeem a gift card").click()
    page.get_by_label("Gift card code").fill("ABCD-EFGH-JKMN-PQRS")
    page.get_by_role("button", name="Redeem").click()
    expect(page.locator(".field-error")).to_contain_text("not a gift card code we issued")
    check_page(page)
    page.get_by_label("Gift card code").fill(code.group().lower().replace("-", " "))
    page.get_by_role("button", name="Redeem").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Household balance")
    expect(page.get_by_role("main")).to_contain_text("Gift balance: $25.00")
    check_page(page)
