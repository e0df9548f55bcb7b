"""The resident's helpdesk pages: status codes, redirects, messages and privacy."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import Flask

from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import ServiceRequest
from tests import factories


def stored_requests() -> list[ServiceRequest]:
    return list(db.session.scalars(sa.select(ServiceRequest)))


def test_index_shows_contact_details_and_standards_to_anyone(client: Any, app: Flask) -> None:
    response = client.get("/helpdesk/")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert app.config["MUNICIPALITY_PHONE"] in page
    assert app.config["MUNICIPALITY_EMAIL"] in page
    # Email to the helpdesk goes to the address jasperrec mail-in receives.
    assert f'href="mailto:{app.config["HELPDESK_REPLY_TO"]}"' in page
    assert "within 3 business days" in page
    assert "within 2 business days" in page
    assert "/helpdesk/new" in page
    assert "Sign in</a> or" in page
    assert "My requests" in page
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_helpdesk_appears_in_the_main_navigation(client: Any) -> None:
    page = client.get("/").get_data(as_text=True)

    assert 'href="/helpdesk/"' in page


def test_index_lists_the_residents_own_requests_open_first_and_flags_past_due(
    client: Any, log_in: Any, resident: Any
) -> None:
    now = utcnow()
    factories.ServiceRequestFactory(
        customer=resident, subject="Closed one", status=RequestStatus.CLOSED, closed_at=now
    )
    late = factories.ServiceRequestFactory(
        customer=resident, subject="Late one", due_at=now - dt.timedelta(hours=2)
    )
    factories.ServiceRequestFactory(subject="Someone else's")
    log_in(resident)

    response = client.get("/helpdesk/")

    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert late.reference in page
    assert page.index("Late one") < page.index("Closed one")
    assert "Past due" in page
    assert "Someone else&#39;s" not in page
    assert "Sign in</a> or" not in page


def test_request_page_shows_the_residents_own_request(
    app: Flask, client: Any, log_in: Any, resident: Any
) -> None:
    request = factories.ServiceRequestFactory(
        customer=resident,
        subject="Lost membership card",
        description="I lost it at the pool.",
        due_at=utcnow() + dt.timedelta(days=2),
    )
    log_in(resident)

    response = client.get(f"/helpdesk/requests/{request.id}")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert f"{request.reference}: Lost membership card" in page
    assert "I lost it at the pool." in page
    assert request.department.name in page
    assert app.jinja_env.filters["local_time"](request.due_at) in page
    assert "past our answer-by date" not in page


def test_request_page_says_when_we_are_past_due(client: Any, log_in: Any, resident: Any) -> None:
    request = factories.ServiceRequestFactory(
        customer=resident, due_at=utcnow() - dt.timedelta(minutes=5)
    )
    log_in(resident)

    page = client.get(f"/helpdesk/requests/{request.id}").get_data(as_text=True)

    assert "past our answer-by date" in page


def test_request_page_is_404_for_someone_elses_request(
    client: Any, log_in: Any, resident: Any
) -> None:
    theirs = factories.ServiceRequestFactory(subject="Private matter")
    log_in(resident)

    response = client.get(f"/helpdesk/requests/{theirs.id}")

    assert response.status_code == 404
    assert b"Private matter" not in response.data


def test_request_page_needs_sign_in(client: Any) -> None:
    request = factories.ServiceRequestFactory()

    response = client.get(f"/helpdesk/requests/{request.id}")

    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_the_helpdesk_page_promises_only_channels_that_exist(client: Any) -> None:
    page = client.get("/helpdesk/").get_data(as_text=True)
    standards = client.get("/service-standards").get_data(as_text=True)

    assert "/helpdesk/ask" in page
    assert "without an account" in page
    for text in (page, standards):
        assert " app" not in text.replace("apply", "")
        assert "mobile" not in text.lower()


NEW_REQUEST = {"subject": "Bench is broken", "description": "It wobbles."}


def test_a_resident_may_say_where_the_problem_is(
    client: Any, log_in: Any, resident: Any, facilities_category: Any
) -> None:
    log_in(resident)
    where = {"location_address": "  Arena,   change room 3 "}

    client.post("/helpdesk/new/facilities", data={**NEW_REQUEST, **where})

    [filed] = stored_requests()
    assert filed.location_address == "Arena, change room 3"
    assert "Arena, change room 3" in client.get(f"/helpdesk/requests/{filed.id}").get_data(
        as_text=True
    )
