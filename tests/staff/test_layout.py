"""The console's own layout, its navigation and permissions that lead somewhere, and landing."""

from __future__ import annotations

from typing import Any

from flask import Flask

from jasperrec.auth.models import Role
from jasperrec.staff.layout import STAFF_NAVIGATION
from tests import factories
from tests.conftest import PASSWORD
from tests.staff.conftest import totp_code


def test_the_console_has_a_staff_header_and_no_resident_navigation(
    client: Any, make_staff: Any, staff_log_in: Any, department: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    staff_log_in(agent)

    page = client.get("/staff/queues").get_data(as_text=True)

    header = page[page.index('<header class="console-header">') : page.index("</header>")]
    assert agent.full_name in header
    assert department.name in header
    assert 'action="/auth/logout"' in header
    assert "Sign out" in header
    for resident_entry in ("/store/cart", "Passes &amp; Memberships", "/helpdesk/", "My Account"):
        assert resident_entry not in page
    assert '<footer class="site-footer">' not in page


def test_the_console_navigation_names_only_pages_that_exist(app: Flask) -> None:
    assert [e for _, e, _ in STAFF_NAVIGATION if e not in app.view_functions] == []


def test_the_public_footer_links_to_staff_sign_in(client: Any) -> None:
    page = client.get("/").get_data(as_text=True)

    footer = page[page.index('<footer class="site-footer">') :]
    assert '<a href="/auth/login">Staff sign-in</a>' in footer


def test_staff_land_on_the_console_after_signing_in(make_staff: Any, staff_log_in: Any) -> None:
    response = staff_log_in(make_staff(Role.HELPDESK_AGENT))

    assert response.headers["Location"] == "/staff/"


def test_staff_without_two_step_sign_in_land_on_the_console_which_asks_for_it(
    client: Any, make_staff: Any
) -> None:
    member = make_staff(Role.ADMINISTRATOR, mfa=False)

    response = client.post("/auth/login", data={"email": member.email, "password": PASSWORD})

    assert response.headers["Location"] == "/staff/"
    assert "/auth/two-step/setup" in client.get("/staff/").headers["Location"]


def test_residents_keep_their_landing_and_next_still_wins_for_staff(
    client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    resident = factories.UserFactory(password=PASSWORD)
    response = client.post("/auth/login", data={"email": resident.email, "password": PASSWORD})
    assert response.headers["Location"] == "/auth/account"
    client.post("/auth/logout")
    member = make_staff(Role.HELPDESK_AGENT)
    client.post(
        "/auth/login?next=/staff/people", data={"email": member.email, "password": PASSWORD}
    )

    response = client.post("/auth/two-step?next=/staff/people", data={"code": totp_code(member)})

    assert response.headers["Location"] == "/staff/people"
