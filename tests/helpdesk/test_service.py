"""Residents' requests: routing, answer-by dates, confirmation mail and who may see what."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask

from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.helpdesk import service
from jasperrec.helpdesk import standards
from jasperrec.helpdesk.categories.models import QuestionKind
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import ServiceRequest
from tests import factories


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
    assert stored.category is details.category
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


def test_open_request_routes_to_the_picked_categorys_department_not_a_keyword(
    resident: Any, payments: Any
) -> None:
    factories.CategoryKeywordFactory(phrase="refund", priority=1)

    opened = service.open_request(
        resident, service.RequestDetails(payments, "Refund please", "A refund for swim")
    )

    assert opened.category is payments
    assert opened.department.name == "Finance"


def test_open_request_stores_the_answers_with_each_prompt_in_question_order(
    resident: Any, payments: Any
) -> None:
    second = factories.CategoryQuestionFactory(category=payments, prompt="Order?", position=2)
    first = factories.CategoryQuestionFactory(
        category=payments,
        prompt="What do you need?",
        kind=QuestionKind.MULTIPLE_CHOICE,
        choices=["A refund", "A receipt"],
        position=1,
    )
    skipped = factories.CategoryQuestionFactory(category=payments, prompt="Skipped?", position=3)
    db.session.refresh(payments)
    answers = {second.id: " 1042 ", first.id: ["A refund", "A receipt"], skipped.id: ""}

    opened = service.open_request(
        resident, service.RequestDetails(payments, "Refund", "Please", answers)
    )

    stored = [(a.prompt, a.answer, a.question_id) for a in opened.answers]
    assert stored == [
        ("What do you need?", "A refund\nA receipt", first.id),
        ("Order?", "1042", second.id),
    ]


def test_open_request_emails_the_reference_department_and_local_due_date(
    app: Flask, resident: Any, details: service.RequestDetails, outbox: list[EmailMessage]
) -> None:
    opened = service.open_request(resident, details)

    assert len(outbox) == 1
    message = outbox[0]
    assert message["To"] == resident.email
    assert opened.reference in message["Subject"]
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert opened.reference in text
    assert "Finance will answer by" in text
    assert app.jinja_env.filters["local_time"](opened.due_at) in text
    assert f"/helpdesk/requests/{opened.id}" in text
    html = message.get_body(("html",))
    assert html is not None
    assert opened.reference in html.get_content()


def test_list_requests_for_shows_only_the_residents_own_open_first(resident: Any) -> None:
    now = utcnow()
    closed = factories.ServiceRequestFactory(
        customer=resident, status=RequestStatus.CLOSED, created_at=now, closed_at=now
    )
    older = factories.ServiceRequestFactory(
        customer=resident, created_at=now - dt.timedelta(days=3)
    )
    newer = factories.ServiceRequestFactory(
        customer=resident, status=RequestStatus.IN_PROGRESS, created_at=now - dt.timedelta(days=1)
    )
    factories.ServiceRequestFactory()

    assert service.list_requests_for(resident).items == [newer, older, closed]


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
        (RequestStatus.IN_PROGRESS, 1, False),
        (RequestStatus.IN_PROGRESS, -1, True),
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
