"""A resident finds a program, registers a child, buys a pass and pays; every store page
meets WCAG 2.1 AA along the way."""

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

STORE_PAGES = {
    "programs": "/store/programs",
    "programs filtered, no match": "/store/programs?category=skating&age=40",
    "programs with refused filters": "/store/programs?time=noon&day=9&q=%25",
    "programs searched by keyword and day": "/store/programs?q=swim&day=2&day=4&time=evening",
    "program": "/store/programs/swim-kids-3",
    "passes and memberships": "/store/passes-and-memberships",
}


@pytest.fixture(scope="module")
def catalogue(live_server: LiveServer) -> None:
    with live_server.app.app_context():
        ensure_demo_catalogue()
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="module")
def shopper(live_server: LiveServer, catalogue: None) -> Resident:
    return add_resident(live_server, "robin.lam@example.ca", "quartz harbour willow ember")


@pytest.fixture
def shopper_page(browser: Browser, live_server: LiveServer, shopper: Resident) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, shopper)
    yield page
    context.close()


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("path", STORE_PAGES.values(), ids=STORE_PAGES.keys())
def test_store_page_meets_wcag_21_aa(
    page: Page, check_page: Callable[[Page], None], path: str
) -> None:
    page.goto(path)
    check_page(page)


def test_a_resident_registers_a_child_buys_a_pass_and_pays(
    shopper_page: Page, check_page: Callable[[Page], None], live_server: LiveServer
) -> None:
    page = shopper_page
    # Level 1 asks for no earlier level; Level 3 would want Level 2 completed first.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    page.get_by_label("Section").select_option("aquatics")
    page.get_by_label("Participant's age").fill("10")
    page.get_by_role("button", name="Show programs").click()
    page.get_by_role("link", name="Swim Kids Level 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Swim Kids Level 1")
    # The household's Jasper address earns the resident fee, said before adding.
    expect(page.locator("dl.details")).to_contain_text("You pay the resident fee")

    # The account holder has no date of birth: the reason shows beside the field.
    page.get_by_label("Who is registering?").select_option(
        label="Avery Lam (you) — add a date of birth so we can check the ages"
    )
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".field-error")).to_contain_text("Add your date of birth")
    check_page(page)

    page.get_by_label("Who is registering?").select_option(label="Sam Lam")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cart")

    page.get_by_role("link", name="Passes and memberships").click()
    # A pass is issued to one person, chosen on the card of the pass.
    youth_pass = page.locator("li.card").filter(
        has=page.get_by_role("heading", name="Youth 30-day pass")
    )
    youth_pass.get_by_label("Who is it for?").select_option(label="Sam Lam")
    youth_pass.get_by_role("button", name=re.compile(r"^Add to cart\s+Youth 30-day pass$")).click()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Cart 2 items")
    expect(page.get_by_role("row", name=re.compile("Youth 30-day pass"))).to_contain_text(
        "For Sam Lam"
    )
    check_page(page)
    # Swim Kids $84.00 (no GST) + $40.00 + $2.00 GST.
    page.get_by_role("button", name="Check out and pay $126.00").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay")
    # The server says the hold in minutes; the script counts it down to the second.
    expect(page.locator("time[data-countdown]")).to_contain_text(
        re.compile(r"^(29|30) minutes? \d+ seconds?$")
    )
    check_page(page)
    page.get_by_role("button", name="Pay $126.00 (simulated)").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Order JR-")
    expect(page.get_by_role("main")).to_contain_text("Registrations are confirmed")
    expect(page.get_by_role("row", name="Swim Kids Level 1")).to_contain_text("confirmed")
    expect(page.get_by_role("row", name=re.compile("Youth 30-day pass"))).to_contain_text("Code ")
    check_page(page)
    receipts = [p.read_text() for p in live_server.outbox.glob("*-receipt-for-order-jr-*.eml")]
    assert any("To: robin.lam@example.ca" in text for text in receipts), receipts


@pytest.mark.usefixtures("catalogue")
def test_on_a_phone_store_pages_fit_and_the_cart_keeps_its_labels(
    browser: Browser, live_server: LiveServer, check_page: Callable[[Page], None]
) -> None:
    resident = add_resident(live_server, "kai.lam@example.ca", "cedar lantern basalt orchid")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, resident)
    for path in STORE_PAGES.values():
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    page.goto("/store/passes-and-memberships")
    page.get_by_role("button", name=re.compile(r"^Add to cart\s+Jasper Rec water bottle$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cart")
    row = page.get_by_role("row", name="Jasper Rec water bottle")
    for label in ("Price:", "Quantity:", "GST:", "Amount:"):
        expect(row.get_by_text(label)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    check_page(page)
    context.close()


@pytest.mark.usefixtures("catalogue")
def test_on_a_phone_a_parent_finds_a_program_by_day_and_keyword(
    browser: Browser, live_server: LiveServer, check_page: Callable[[Page], None]
) -> None:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/store/programs")
    page.get_by_label("Search").fill('crawl "treading')
    page.get_by_role("group", name="Days").get_by_label("Thursday").check()
    page.get_by_role("button", name="Show programs").click()
    expect(page.get_by_role("link", name="Swim Kids Level 3")).to_be_visible()
    expect(page.get_by_label("Search")).to_have_value('crawl "treading')
    expect(page.get_by_role("group", name="Days").get_by_label("Thursday")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    check_page(page)
    context.close()
