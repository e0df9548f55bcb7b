"""The resident's "my personal information" page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import Role
from jasperrec.auth.models import UserSession
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.helpdesk.models import ServiceRequestMessage
from jasperrec.privacy.labels import column_label
from jasperrec.privacy.labels import from_iso
from jasperrec.staff.audit import record_access
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose
from tests import factories

PAGE = "/privacy/my-information"


def test_signed_out_visitors_are_sent_to_sign_in(client: Any) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_a_sign_in_that_is_not_recent_must_be_confirmed_first(
    client: Any, user: Any, log_in: Callable[..., Any]
) -> None:
    log_in(user)
    db.session.execute(
        sa.update(UserSession).values(reauthenticated_at=utcnow() - dt.timedelta(minutes=30))
    )
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/auth/reauthenticate" in response.headers["Location"]


def test_the_page_shows_every_kind_with_why_how_long_and_the_law(
    client: Any, user: Any, log_in: Callable[..., Any], app: Flask
) -> None:
    factories.HouseholdMemberFactory(user=user, first_name="Ada", medical_notes="Peanut allergy")
    log_in(user)
    page = client.get(PAGE).get_data(as_text=True)
    for title in (
        "Your profile",
        "Your household",
        "Medical notes for your household",
        "Where you are signed in",
        "Orders and receipts",
        "Program registrations",
        "Your helpdesk requests",
        "Who on staff viewed your record",
    ):
        assert title in page
    assert "Why we collect it" in page
    assert "How long we keep it" in page
    assert "Protection of Privacy Act (Alberta)" in page
    assert "Access to Information Act" in page
    assert app.config["MUNICIPALITY_EMAIL"] in page
    assert "Peanut allergy" in page
    assert user.email in page


def test_sensitive_kinds_are_marked(client: Any, user: Any, log_in: Callable[..., Any]) -> None:
    factories.HouseholdMemberFactory(user=user, medical_notes="Asthma")
    log_in(user)
    page = client.get(PAGE).get_data(as_text=True)
    section = page[page.index('id="medical_notes"') :]
    assert 'badge-sensitive">Sensitive' in section[:200]


def test_a_resident_sees_their_conversation_and_an_agents_view_of_their_record(
    client: Any, user: Any, log_in: Callable[..., Any]
) -> None:
    agent = factories.StaffFactory(
        first_name="Mina",
        roles=[Role.HELPDESK_AGENT],
        departments=[factories.DepartmentFactory(name="Aquatics")],
    )
    request = factories.ServiceRequestFactory(customer=user, subject="Pool hours")
    db.session.add(
        ServiceRequestMessage(
            request=request, author=agent, body="We open at six.", is_from_staff=True
        )
    )
    record_access(
        agent,
        user,
        AccessKind.REQUEST,
        AccessPurpose.SERVICE_REQUEST,
        record_type="service request",
        record_id=request.id,
        request_id=request.id,
    )
    factories.OrderFactory(user=user, total_cents=123_456)
    log_in(user)
    page = client.get(PAGE).get_data(as_text=True)
    assert "We open at six." in page
    assert "Mina, Aquatics" in page
    assert "$1,234.56" in page


def test_another_residents_data_never_shows(
    client: Any, user: Any, log_in: Callable[..., Any]
) -> None:
    other = factories.UserFactory(first_name="Zebulon")
    factories.HouseholdMemberFactory(user=other, medical_notes="Someone else's notes")
    factories.ServiceRequestFactory(customer=other, subject="Someone else's question")
    log_in(user)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Someone else" not in page
    assert other.email not in page


def test_a_staff_member_sees_their_own_information_and_roles(
    client: Any, log_in: Callable[..., Any]
) -> None:
    staff = factories.StaffFactory(roles=[Role.FINANCE])
    log_in(staff)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "Your staff roles and departments" in response.get_data(as_text=True)


def test_the_number_of_queries_does_not_grow_with_the_rows(
    client: Any, user: Any, log_in: Callable[..., Any], count_queries: Callable[..., int]
) -> None:
    agent = factories.StaffFactory(departments=[factories.DepartmentFactory()])

    def add_history() -> None:
        factories.OrderFactory(user=user)
        request = factories.ServiceRequestFactory(customer=user, assignee=agent)
        db.session.add(ServiceRequestMessage(request=request, author=user, body="Hello"))
        factories.HouseholdMemberFactory(user=user, medical_notes="notes")
        db.session.flush()

    add_history()
    log_in(user)
    few = count_queries(lambda: client.get(PAGE))
    for _ in range(6):
        add_history()
    assert count_queries(lambda: client.get(PAGE)) == few


def test_the_account_page_and_the_privacy_statement_link_to_the_page(
    client: Any, user: Any, log_in: Callable[..., Any]
) -> None:
    log_in(user)
    assert f'href="{PAGE}"' in client.get("/auth/account").get_data(as_text=True)
    assert f'href="{PAGE}"' in client.get("/privacy").get_data(as_text=True)


def test_column_names_read_as_plain_words() -> None:
    assert column_label("total_cents") == "Total"
    assert column_label("gst_cents") == "GST"
    assert column_label("request_reference") == "Request reference"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-01T17:30:00+00:00", dt.datetime(2026, 12, 1, 17, 30, tzinfo=dt.UTC)),
        ("2026-12-01", dt.date(2026, 12, 1)),
        ("Pool hours", None),
        ("2026-13-45", None),
    ],
)
def test_only_iso_times_and_dates_are_read_back_as_times(value: str, expected: Any) -> None:
    assert from_iso(value) == expected


def test_dates_and_times_read_as_the_municipality_writes_them(
    client: Any, user: Any, log_in: Callable[..., Any]
) -> None:
    user.date_of_birth = dt.date(1980, 3, 4)
    user.created_at = dt.datetime(2026, 7, 1, 18, 0, tzinfo=dt.UTC)
    db.session.flush()
    log_in(user)
    page = client.get(PAGE).get_data(as_text=True)
    assert "March 4, 1980" in page
    assert "July 1, 2026 at noon" in page
    assert "1980-03-04" not in page
