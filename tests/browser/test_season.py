"""A coordinator creates a program with two meeting patterns and opens it; a parent finds it
by keyword and day, registers two children, pays and adds the calendar file, in Chromium."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import icalendar
import pyotp
import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.extensions import db
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.conftest import add_resident
from tests.browser.conftest import sign_in
from tests.browser.test_console import PASSWORD
from tests.browser.test_console import sign_in_as_staff

pytestmark = pytest.mark.browser


def coordinator(live_server: LiveServer, email: str) -> str:
    """A program coordinator with two-step sign-in; returns the authenticator secret."""
    secret = pyotp.random_base32()
    with live_server.app.app_context():
        factories.StaffFactory(
            email=email, password=PASSWORD, first_name="Robin", last_name="Hale",
            roles=[Role.PROGRAM_COORDINATOR], departments=[], totp_secret=secret,
            mfa_enabled_at=utcnow(),
        )  # fmt: skip
        db.session.commit()
        db.session.remove()
    return secret


def next_weekday(day: dt.date, iso_weekday: int) -> dt.date:
    return day + dt.timedelta(days=(iso_weekday - day.isoweekday()) % 7)


def create_program(
    page: Page, title: str, tuesday: dt.date, check_page: Callable[[Page], None]
) -> None:
    """Fill the new-program form: Tuesday evenings and Saturday mornings for four weeks."""
    saturday = tuesday + dt.timedelta(days=4)
    nav = page.get_by_role("navigation", name="Staff console")
    nav.get_by_role("link", name="Programs").click()
    page.get_by_role("link", name="New program").click()
    check_page(page)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Section").select_option(label="Arts and culture")
    page.get_by_label("Summary").fill("Improvisation games and a short play for families.")
    page.get_by_label("Description").fill("Drama games, scene work and a show on the last day.")
    page.get_by_label("Facility").fill("Jasper Municipal Library")
    page.get_by_label("Instructor").fill("Robin Hale")
    page.get_by_label("Youngest age").fill("6")
    page.get_by_label("Oldest age").fill("12")
    for number, first, days, weekday, start, end in (
        (1, tuesday, 21, "Tuesday", "16:00", "17:15"),
        (2, saturday, 21, "Saturday", "10:00", "12:00"),
    ):
        row = page.get_by_role("group", name=f"Meeting {number}")
        row.get_by_label("First day").fill(first.isoformat())
        row.get_by_label("Last day").fill((first + dt.timedelta(days=days)).isoformat())
        row.get_by_role("group", name="Days of the week").get_by_label(weekday).check()
        row.get_by_label("Starts at").fill(start)
        row.get_by_label("Ends at").fill(end)
    page.get_by_label("Spaces", exact=True).fill("12")
    page.get_by_label("Resident fee ($)", exact=True).fill("110.00")
    page.get_by_label("GST").select_option("exempt")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("main")).to_contain_text("Status: Draft")
    check_page(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("main")).to_contain_text("Status: Published")


def register_both_children(page: Page, title: str, check_page: Callable[[Page], None]) -> None:
    page.goto("/store/programs")  # on a phone the main menu is behind its button
    page.get_by_label("Search").fill("improvisation")
    page.get_by_role("group", name="Days").get_by_label("Saturday").check()
    page.get_by_role("button", name="Show programs").click()
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("main")).to_contain_text("Tuesdays, 4 p.m. to 5:15 p.m.")
    expect(page.get_by_role("main")).to_contain_text("Saturdays, 10 a.m. to noon")
    check_page(page)
    for child in ("Sam Lam", "Kai Lam"):
        page.get_by_label("Who is registering?").select_option(label=child)
        page.get_by_role("button", name="Add to cart").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Cart")
        page.go_back()
        page.reload()
    page.goto("/store/cart")
    page.get_by_role("button", name="Check out and pay $220.00").click()
    page.get_by_role("button", name="Pay $220.00 (simulated)").click()
    expect(page.get_by_role("main")).to_contain_text("Registrations are confirmed")


def test_a_coordinator_opens_a_program_and_a_parent_registers_two_children(
    browser: Browser, live_server: LiveServer, check_page: Callable[[Page], None]
) -> None:
    title = "Family Drama Club"
    tuesday = next_weekday(dt.date.today() + dt.timedelta(days=14), 2)
    secret = coordinator(live_server, "robin.hale@jasper.example")
    parent = add_resident(live_server, "avery.season@example.org", "correct horse battery 1")
    with live_server.app.app_context():
        from jasperrec.auth.models import User

        user = db.session.scalar(db.select(User).filter_by(email=parent.email))
        factories.HouseholdMemberFactory(user=user, first_name="Kai", last_name="Lam")
        db.session.commit()
        db.session.remove()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        staff = context.new_page()
        sign_in_as_staff(staff, "robin.hale@jasper.example", secret)
        create_program(staff, title, tuesday, check_page)
    finally:
        context.close()

    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 800}, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        sign_in(page, parent)
        register_both_children(page, title, check_page)
        page.goto("/store/registrations")
        expect(page.get_by_role("main")).to_contain_text(title)
        check_page(page)
        with page.expect_download() as download:
            page.get_by_role("link", name="Add to my calendar").click()
        calendar = icalendar.Calendar.from_ical(download.value.path().read_bytes())
    finally:
        context.close()
    events = [e for e in calendar.walk("VEVENT") if title in str(e["summary"])]
    # Two children, each with a Tuesday and a Saturday series.
    assert sorted((str(e["summary"]), e["rrule"]["BYDAY"][0]) for e in events) == [
        (f"{title} (Kai Lam)", "SA"), (f"{title} (Kai Lam)", "TU"),
        (f"{title} (Sam Lam)", "SA"), (f"{title} (Sam Lam)", "TU"),
    ]  # fmt: skip
    first = min(e.decoded("dtstart") for e in events)
    assert (first.date(), first.hour) == (tuesday, 16)
