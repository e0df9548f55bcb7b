"""Residents' requests: routing, answer-by dates, confirmation mail and who may see what."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import Department
from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.helpdesk import service
from jasperrec.helpdesk import standards
from jasperrec.helpdesk.errors import UnknownTopicError
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import ServiceRequest
from tests import factories


def department_named(name: str) -> Department | None:
    return db.session.scalar(sa.select(Department).where(Department.name == name))


def test_open_request_files_a_new_web_request_with_the_topics_department(
    resident: Any, details: service.RequestDetails
) -> None:
    before = utcnow()

    opened = service.open_request(resident, details)

    stored = db.session.get(ServiceRequest, opened.id)
    assert stored is not None
    assert stored.customer_id == resident.id
    assert stored.department.name == "Finance"
    assert stored.channel is Channel.WEB
    assert stored.status is RequestStatus.NEW
    assert stored.topic == "payments"
    assert stored.subject == "Refund for a cancelled swim class"
    assert stored.description == "The Tuesday class was cancelled.\nCan I have a refund?"
    assert before <= stored.created_at <= utcnow()


def test_open_request_sets_the_answer_by_date_from_the_written_standard(
    resident: Any, details: service.RequestDetails
) -> None:
    opened = service.open_request(resident, details)

    assert opened.due_at == standards.due_at(opened.created_at, Channel.WEB)
    assert opened.due_at is not None
    assert opened.due_at > opened.created_at + dt.timedelta(days=2)
    assert opened.due_at.tzinfo is not None


@pytest.mark.parametrize(
    ("topic", "department"),
    [
        ("programs", "Recreation Programs"),
        ("payments", "Finance"),
        ("facilities", "Facilities"),
        ("account", "Customer Service"),
        ("privacy", "Legislative Services"),
        ("other", "Customer Service"),
    ],
)
def test_each_topic_is_routed_to_its_department(resident: Any, topic: str, department: str) -> None:
    opened = service.open_request(resident, service.RequestDetails(topic, "Help", "Please"))

    assert opened.department.name == department


def test_open_request_reuses_an_existing_department(
    resident: Any, details: service.RequestDetails
) -> None:
    finance = factories.DepartmentFactory(name="Finance", slug="finance")

    opened = service.open_request(resident, details)

    assert opened.department_id == finance.id
    count = db.session.scalar(sa.select(sa.func.count()).where(Department.name == "Finance"))
    assert count == 1


def test_open_request_refuses_an_unknown_topic_and_writes_nothing(resident: Any) -> None:
    with pytest.raises(UnknownTopicError):
        service.open_request(resident, service.RequestDetails("parking", "Ticket", "Help"))

    assert db.session.scalars(sa.select(ServiceRequest)).all() == []
    assert department_named("parking") is None


def test_open_request_emails_the_reference_department_and_local_due_date(
    app: Flask, resident: Any, details: service.RequestDetails, outbox: list[EmailMessage]
) -> None:
    opened = service.open_request(resident, details)

    assert len(outbox) == 1
    message = outbox[0]
    assert message["To"] == resident.email
    assert f"Request #{opened.id}" in message["Subject"]
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert f"Request #{opened.id}" in text
    assert "Finance will answer by" in text
    assert app.jinja_env.filters["local_time"](opened.due_at) in text
    assert f"/helpdesk/requests/{opened.id}" in text
    html = message.get_body(("html",))
    assert html is not None
    assert f"Request #{opened.id}" in html.get_content()


def test_list_requests_for_shows_only_the_residents_own_open_first(resident: Any) -> None:
    now = utcnow()
    closed = factories.ServiceRequestFactory(
        customer=resident, status=RequestStatus.CLOSED, created_at=now, closed_at=now
    )
    older = factories.ServiceRequestFactory(
        customer=resident, created_at=now - dt.timedelta(days=3)
    )
    newer = factories.ServiceRequestFactory(
        customer=resident, status=RequestStatus.OPEN, created_at=now - dt.timedelta(days=1)
    )
    factories.ServiceRequestFactory()

    assert list(service.list_requests_for(resident)) == [newer, older, closed]


def test_get_request_for_returns_the_residents_own_request(resident: Any) -> None:
    mine = factories.ServiceRequestFactory(customer=resident)

    assert service.get_request_for(resident, mine.id) is mine


def test_get_request_for_hides_other_residents_requests(resident: Any) -> None:
    theirs = factories.ServiceRequestFactory()

    with pytest.raises(NotFoundError):
        service.get_request_for(resident, theirs.id)
    with pytest.raises(NotFoundError):
        service.get_request_for(resident, theirs.id + 1000)


@pytest.mark.parametrize(
    ("status", "due_in_hours", "overdue"),
    [
        (RequestStatus.NEW, -1, True),
        (RequestStatus.OPEN, 1, False),
        (RequestStatus.OPEN, -1, True),
        (RequestStatus.WAITING, -1, False),
        (RequestStatus.CLOSED, -1, False),
        (RequestStatus.NEW, None, False),
    ],
)
def test_a_request_is_overdue_only_while_we_owe_an_answer_past_its_due_time(
    status: RequestStatus, due_in_hours: int | None, overdue: bool
) -> None:
    due = None if due_in_hours is None else utcnow() + dt.timedelta(hours=due_in_hours)
    request = factories.ServiceRequestFactory(status=status, due_at=due)

    assert request.is_overdue is overdue


def test_topic_choices_lists_the_configured_topics_by_label(app: Flask) -> None:
    choices = service.topic_choices()

    assert ("privacy", "My personal information and privacy") in choices
    assert [key for key, _ in choices] == list(app.config["HELPDESK_TOPICS"])
