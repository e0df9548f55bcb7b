"""A newcomer's first visit, as a person does it: register, confirm, add a child, sign out."""

from __future__ import annotations

import re
import time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.conftest import add_resident
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

EMAIL = "robin.tremblay@example.ca"
PASSWORD = "lantern orchard velvet ocean"
CONFIRM_LINK = re.compile(r"https?://\S+/auth/confirm/\S+")


def newest_mail_to(outbox: Path, address: str, timeout: float = 5.0) -> EmailMessage:
    """Return the latest message for an address, waiting briefly for it to be written."""
    deadline = time.monotonic() + timeout
    while True:
        # The file names start with a UTC timestamp, so name order is sending order.
        for path in sorted(outbox.glob("*.eml"), reverse=True):
            message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            if message["To"] == address:
                return message  # type: ignore[return-value]
        if time.monotonic() > deadline:
            raise AssertionError(f"No mail to {address} in {outbox}")
        time.sleep(0.1)


def confirmation_link(message: EmailMessage) -> str:
    """Find the confirmation link in the plain-text part, where a mail reader shows it."""
    body = message.get_body(("plain",))
    assert body is not None, "The confirmation mail has no text part"
    match = CONFIRM_LINK.search(body.get_content())
    assert match, f"No confirmation link in:\n{body.get_content()}"
    return match.group(0)


def register(page: Page) -> None:
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Tremblay")
    # From here on, as a keyboard user: Tab to the next field, type, Enter to submit.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Repeat the password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")


def confirm_email(page: Page, live_server: LiveServer, outbox: Path) -> None:
    link = confirmation_link(newest_mail_to(outbox, EMAIL))
    assert link.startswith(f"{live_server.url}/auth/confirm/"), link
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("Thank you: your email address is confirmed.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/auth/login$"))


def sign_in_with_keyboard(page: Page) -> None:
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password", exact=True).press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.get_by_role("banner")).to_contain_text("Signed in as Robin")
    expect(page.get_by_text("(confirmed)")).to_be_visible()


def add_child(page: Page) -> None:
    page.get_by_role("link", name="My household").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My household")
    expect(page.get_by_text("No one is in your household yet.")).to_be_visible()
    page.get_by_role("link", name="Add a household member").click()
    page.get_by_label("First name").fill("Maya")
    page.get_by_label("Last name").fill("Tremblay")
    page.get_by_label("Date of birth").fill("2017-03-09")
    page.get_by_label("Relationship to you").select_option(label="Child")
    page.get_by_label("Medical or allergy notes").fill("Peanut allergy; carries an EpiPen.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Maya is added to your household.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Maya Tremblay"))
    expect(row).to_contain_text("Child")
    expect(row).to_contain_text("March 9, 2017")
    expect(row).to_contain_text("Peanut allergy; carries an EpiPen.")


def sign_out(page: Page) -> None:
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recreation in Jasper")
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/auth/account")
    expect(page).to_have_url(re.compile(r"/auth/login\?next=%2Fauth%2Faccount$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("Please sign in to see that page.")).to_be_visible()


def test_newcomer_registers_confirms_adds_a_child_and_signs_out(
    page: Page, live_server: LiveServer, outbox: Path
) -> None:
    register(page)
    confirm_email(page, live_server, outbox)
    sign_in_with_keyboard(page)
    add_child(page)
    sign_out(page)


def test_signing_out_says_so(page: Page, live_server: LiveServer) -> None:
    sign_in(page, add_resident(live_server, "jo.nakamura@example.ca", PASSWORD))
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You are signed out.", timeout=2_000)
