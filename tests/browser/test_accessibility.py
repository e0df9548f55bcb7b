"""WCAG 2.1 A and AA checks with axe-core on the key pages, and keyboard focus checks."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.conftest import RUN_AXE
from tests.browser.conftest import WCAG_TAGS
from tests.browser.conftest import LiveServer
from tests.browser.conftest import Resident
from tests.browser.conftest import add_resident
from tests.browser.conftest import describe
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

# What the focused element looks like: enough to tell whether focus can be seen.
FOCUS_STYLE = """
() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || el.id || "").trim().slice(0, 60),
    focusVisible: el.matches(":focus-visible"),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
    onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
      && box.left < innerWidth && box.top < innerHeight,
  };
}
"""
PUBLIC_PAGES = {
    "home": "/",
    "register": "/auth/register",
    "sign in": "/auth/login",
    "privacy statement": "/privacy",
    "helpdesk": "/helpdesk/",
    "page not found": "/no-such-page",
}
SIGNED_IN_PAGES = {
    "account": "/auth/account",
    "household": "/auth/household",
    "add household member": "/auth/household/new",
    "signed-in devices": "/auth/sessions",
    "my helpdesk requests": "/helpdesk/",
    "ask a question": "/helpdesk/new",
    "ask a question in a category": "/helpdesk/new/repairs",
    "ask a question with checkboxes": "/helpdesk/new/parks",
    "my orders": "/store/orders",
    "my registrations": "/store/registrations",
    "year-end statements": "/store/statements",
    "empty cart": "/store/cart",
}


@pytest.fixture(scope="module")
def resident(live_server: LiveServer) -> Resident:
    return add_resident(live_server, "avery.lam@example.ca", "granite meadow lantern spruce")


@pytest.fixture(scope="module")
def signed_in_state(browser: Browser, live_server: LiveServer, resident: Resident) -> Any:
    """Sign in once; each test then starts from a copy of the cookies."""
    context = browser.new_context(base_url=live_server.url)
    sign_in(context.new_page(), resident)
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def signed_in_page(
    browser: Browser, live_server: LiveServer, signed_in_state: Any
) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, storage_state=signed_in_state)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_public_page_meets_wcag_21_aa(
    page: Page, check_page: Callable[[Page], None], path: str
) -> None:
    page.goto(path)
    check_page(page)


@pytest.mark.parametrize("path", SIGNED_IN_PAGES.values(), ids=SIGNED_IN_PAGES.keys())
def test_signed_in_page_meets_wcag_21_aa(
    signed_in_page: Page, check_page: Callable[[Page], None], path: str
) -> None:
    signed_in_page.goto(path)
    expect(signed_in_page.get_by_role("banner")).to_contain_text("Signed in as Avery")
    check_page(signed_in_page)


@pytest.mark.parametrize(
    ("path", "button"),
    [("/auth/login", "Sign in"), ("/auth/register", "Create account")],
    ids=["sign in", "register"],
)
def test_form_with_errors_shown_meets_wcag_21_aa(
    page: Page, check_page: Callable[[Page], None], path: str, button: str
) -> None:
    page.goto(path)
    page.get_by_role("main").get_by_role("button", name=button).click()
    expect(page.get_by_role("alert")).to_contain_text("Please fix the following")
    check_page(page)


def test_household_with_a_member_meets_wcag_21_aa(
    signed_in_page: Page, check_page: Callable[[Page], None]
) -> None:
    signed_in_page.goto("/auth/household")
    expect(signed_in_page.get_by_role("row", name="Sam Lam")).to_contain_text("Child")
    check_page(signed_in_page)


@pytest.mark.parametrize("path", ["/", "/auth/login", "/no-such-page"])
def test_skip_link_is_the_first_stop_and_visibly_focused(page: Page, path: str) -> None:
    page.goto(path)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    style = page.evaluate(FOCUS_STYLE)
    assert style["focusVisible"], style
    assert style["outline"] or style["shadow"], f"No focus indicator on the skip link: {style}"
    assert style["onScreen"], f"The focused skip link is off screen: {style}"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


@pytest.mark.parametrize("path", ["/auth/register", "/auth/login"])
def test_every_keyboard_stop_shows_where_focus_is(page: Page, path: str) -> None:
    page.goto(path)
    seen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        style = page.evaluate(FOCUS_STYLE)
        if style["tag"] == "body":
            break
        seen.append(style)
    assert len(seen) > 5, seen
    hidden = [s for s in seen if not (s["focusVisible"] and (s["outline"] or s["shadow"]))]
    assert not hidden, f"Focus cannot be seen on: {hidden}"
    off_screen = [s for s in seen if not s["onScreen"]]
    assert not off_screen, f"Focus moves off screen to: {off_screen}"


def test_signed_in_header_keeps_the_skip_link_first(signed_in_page: Page) -> None:
    signed_in_page.goto("/auth/household")
    signed_in_page.keyboard.press("Tab")
    expect(signed_in_page.get_by_role("link", name="Skip to main content")).to_be_focused()


def test_axe_check_catches_a_planted_violation(page: Page, axe_source: str) -> None:
    """Guard the harness: a page that loads axe wrongly would otherwise pass every check."""
    page.goto("/")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    page.evaluate(axe_source)
    violations = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert [v["id"] for v in violations] == ["image-alt"], describe(violations)


def test_a_resident_asks_a_question_and_reads_the_request_page(
    signed_in_page: Page, check_page: Callable[[Page], None]
) -> None:
    page = signed_in_page
    page.goto("/helpdesk/new")
    page.get_by_role("link", name="Programs and registration").click()
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("alert")).to_contain_text("Please fix the following")
    check_page(page)
    page.get_by_label("Participant's age").fill("nine")
    page.get_by_label("Subject").fill("Is there a waiting list for Swim Kids 3?")
    page.get_by_label("How can we help?").fill("Sam would like a Saturday class if one opens.")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a number, such as 3 or 2.5.")
    page.get_by_label("Participant's age").fill("9")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("JR-")
    expect(page.get_by_role("main")).to_contain_text("Participant's age")
    expect(page.get_by_role("main")).to_contain_text("Recreation Programs")
    check_page(page)


PHONE = {"width": 375, "height": 740}
SCROLL_WIDTH = "document.documentElement.scrollWidth"


@pytest.mark.parametrize("path", ["/", "/store/programs", "/auth/account"])
def test_on_a_phone_the_menu_opens_by_keyboard_and_the_header_fits(
    browser: Browser,
    live_server: LiveServer,
    signed_in_state: Any,
    check_page: Callable[[Page], None],
    path: str,
) -> None:
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, storage_state=signed_in_state
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(path)
    menu = page.get_by_role("group").filter(has=page.locator("summary"))
    button = page.locator("summary", has_text="Menu")
    brand = page.get_by_role("link", name="Municipality of Jasper")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    # One line: the button sits beside the brand, and nothing is wider than the phone.
    brand_box, button_box = brand.bounding_box(), button.bounding_box()
    assert brand_box is not None
    assert button_box is not None
    assert button_box["y"] < brand_box["y"] + brand_box["height"], (brand_box, button_box)
    assert page.evaluate(SCROLL_WIDTH) <= PHONE["width"]

    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    expect(button).to_be_focused()
    assert page.evaluate(FOCUS_STYLE)["focusVisible"]
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    expect(nav.get_by_role("link", name="Programs")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.evaluate(SCROLL_WIDTH) <= PHONE["width"]
    check_page(page)
    page.keyboard.press("Enter")
    expect(nav).to_be_hidden()
    context.close()


def test_on_a_wide_screen_the_navigation_shows_without_the_menu_button(page: Page) -> None:
    page.goto("/")
    expect(page.locator("summary", has_text="Menu")).to_be_hidden()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs")
    ).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    assert page.evaluate(SCROLL_WIDTH) <= 1280
