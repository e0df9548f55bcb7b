"""Telephone intake in the console: find the caller or add a contact, and log the request."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import Role
from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.helpdesk import calls
from jasperrec.helpdesk import standards
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import ServiceRequest
from jasperrec.helpdesk.service import RequestDetails
from jasperrec.helpdesk.visitors import Visitor
from jasperrec.staff import service
from jasperrec.staff.models import AuditEntry
from jasperrec.staff.queues import QueueFilter
from jasperrec.staff.queues import list_queue
from tests import factories

CALL = {
    "subject": "Streetlight out",
    "description": "The light by the pool entrance is out.",
    "location_address": "Jasper Activity Centre",
}


def stored() -> list[ServiceRequest]:
    return list(db.session.scalars(sa.select(ServiceRequest)))


@pytest.fixture(autouse=True)
def facilities() -> Any:
    """The category "facilities", answered by Facilities, which a call may be filed under."""
    department = factories.DepartmentFactory(name="Facilities", slug="facilities")
    return factories.CategoryFactory(slug="facilities", name="Facilities", department=department)


@pytest.fixture
def agent(make_staff: Any) -> Any:
    return make_staff(Role.HELPDESK_AGENT)


@pytest.fixture
def caller() -> Any:
    return factories.UserFactory(
        first_name="Priya", last_name="Sharma", email="priya@example.ca", phone="780-852-3356"
    )


def test_a_call_for_a_known_resident_is_a_phone_request_due_by_the_two_day_standard(
    app: Flask, caller: Any, outbox: list[EmailMessage]
) -> None:
    details = RequestDetails(None, **CALL)

    filed = calls.log_call(details, category_slug=None, person_id=caller.id, new_caller=Visitor())

    assert (filed.customer_id, filed.channel) == (caller.id, Channel.PHONE)
    assert filed.reference.startswith("JR-")
    assert filed.due_at == standards.calendar_from(app.config).due_after(filed.created_at, 2)
    [ack] = outbox
    assert ack["To"] == "priya@example.ca"
    assert "our standard is 2 business days" in ack.get_body(("plain",)).get_content()


def test_a_new_caller_without_email_becomes_a_contact_and_gets_no_mail(
    outbox: list[EmailMessage],
) -> None:
    caller = Visitor(first_name="Sam", phone="(780) 555-0199")

    filed = calls.log_call(
        RequestDetails(None, **CALL), category_slug=None, person_id=None, new_caller=caller
    )

    assert filed.customer.is_contact
    assert (filed.customer.first_name, filed.customer.phone) == ("Sam", "780-555-0199")
    assert outbox == []


def test_a_new_callers_known_email_joins_that_persons_history(caller: Any) -> None:
    filed = calls.log_call(
        RequestDetails(None, **CALL),
        category_slug=None,
        person_id=None,
        new_caller=Visitor(email="PRIYA@example.ca"),
    )

    assert filed.customer_id == caller.id


def test_no_call_is_logged_for_a_staff_account_or_a_missing_person(agent: Any) -> None:
    for person_id in (agent.id, 2_000_000):
        with pytest.raises(calls.NotFoundError):
            calls.log_call(
                RequestDetails(None, **CALL),
                category_slug=None,
                person_id=person_id,
                new_caller=Visitor(),
            )
    assert stored() == []


@pytest.mark.parametrize("text", ["8523356", "780 852 3356", "(780) 852-3356", "3356"])
def test_people_search_finds_a_caller_by_phone_digits_in_any_grouping(
    agent: Any, caller: Any, text: str
) -> None:
    [match] = service.search_people(agent, text)

    assert match.id == caller.id
    assert match.phone == "•••-•••-3356"
    assert match.is_contact is False


def test_people_search_finds_contacts_and_says_so(agent: Any) -> None:
    contact = calls.log_call(
        RequestDetails(None, **CALL),
        category_slug=None,
        person_id=None,
        new_caller=Visitor(last_name="Zeller"),
    ).customer

    [match] = service.search_people(agent, "zeller")

    assert (match.id, match.is_contact, match.email) == (contact.id, True, "no email given")


def test_a_few_digits_inside_a_search_do_not_match_phones(agent: Any, caller: Any) -> None:
    assert service.search_people(agent, "Unit 852") == []


def test_the_agent_finds_the_caller_and_logs_the_call(
    client: Any, staff_log_in: Any, agent: Any, caller: Any
) -> None:
    staff_log_in(agent)

    found = client.get("/staff/calls/new?q=852-3356").get_data(as_text=True)
    assert "Priya Sharma" in found
    assert f"/staff/calls/new?person={caller.id}" in found
    assert db.session.scalars(sa.select(AuditEntry)).all()  # the search is logged
    chosen = client.get(f"/staff/calls/new?person={caller.id}").get_data(as_text=True)
    assert "For <strong>Priya Sharma</strong> (resident)" in chosen
    response = client.post(
        "/staff/calls", data={**CALL, "category": "facilities", "person_id": caller.id}
    )

    assert response.status_code == 302
    [filed] = stored()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Call logged as {filed.reference} for Facilities" in page
    assert "m.." not in page  # a time ending "p.m." closes the sentence itself


def test_the_agent_logs_a_call_for_a_new_caller(client: Any, staff_log_in: Any, agent: Any) -> None:
    staff_log_in(agent)

    response = client.post(
        "/staff/calls", data={**CALL, "first_name": "Ola", "phone": "780-555-0123"}
    )

    assert response.status_code == 302
    [filed] = stored()
    assert (filed.channel, filed.customer.first_name) == (Channel.PHONE, "Ola")


def test_a_bad_call_form_is_explained_and_writes_nothing(
    client: Any, staff_log_in: Any, agent: Any
) -> None:
    staff_log_in(agent)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(User))

    response = client.post("/staff/calls", data={**CALL, "description": "", "phone": "1"})

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Tell us what you need." in page
    assert "Enter a 10-digit phone number" in page
    assert stored() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before


def test_choosing_a_staff_account_or_unknown_person_is_a_404(
    client: Any, staff_log_in: Any, agent: Any
) -> None:
    staff_log_in(agent)

    assert client.get(f"/staff/calls/new?person={agent.id}").status_code == 404
    assert client.post("/staff/calls", data={**CALL, "person_id": agent.id}).status_code == 404


def test_staff_without_the_reply_permission_cannot_log_calls(
    client: Any, staff_log_in: Any, make_staff: Any
) -> None:
    staff_log_in(make_staff(Role.FINANCE))
    assert client.get("/staff/calls/new").status_code == 403
    assert client.post("/staff/calls", data=CALL).status_code == 403


def test_the_phone_standard_counts_two_business_days(app: Flask) -> None:
    received = dt.datetime(2026, 12, 4, 17, tzinfo=dt.UTC)  # a Friday morning in Jasper
    due = standards.due_at(received, Channel.PHONE)

    assert due.astimezone(standards.calendar_from(app.config).zone).date() == dt.date(2026, 12, 8)


def test_a_call_filed_under_a_category_goes_to_its_department(facilities: Any) -> None:
    filed = calls.log_call(
        RequestDetails(None, **CALL),
        category_slug="facilities",
        person_id=None,
        new_caller=Visitor(),
    )

    assert (filed.category_id, filed.department.name) == (facilities.id, "Facilities")


def test_the_queue_finds_a_request_by_its_reference(agent: Any, department: Any) -> None:
    wanted = factories.ServiceRequestFactory(department=department)
    factories.ServiceRequestFactory(department=department)

    found = list_queue(agent, QueueFilter(text=wanted.reference.lower()))

    assert [(row.id, row.reference) for row in found.rows] == [(wanted.id, wanted.reference)]
