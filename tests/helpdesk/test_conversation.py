"""A request's conversation: residents' follow-ups and staff replies, under need-to-know."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa

from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.helpdesk import replies
from jasperrec.helpdesk import service
from jasperrec.helpdesk.errors import RequestClosedError
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import ServiceRequestMessage
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose
from jasperrec.staff.models import AuditEntry
from tests import factories


def messages() -> list[ServiceRequestMessage]:
    query = sa.select(ServiceRequestMessage).order_by(ServiceRequestMessage.id)
    return list(db.session.scalars(query))


def audit_entries() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


@pytest.fixture
def request_(resident: Any, department: Any) -> Any:
    return factories.ServiceRequestFactory(
        customer=resident,
        department=department,
        subject="Refund for swim class",
        description="Card ending 4242 was charged twice.",
    )


@pytest.fixture
def agent(make_staff: Any) -> Any:
    agent = make_staff(Role.HELPDESK_AGENT)
    agent.first_name, agent.last_name = "Priya", "Singh"
    db.session.flush()
    return agent


def test_add_follow_up_adds_the_residents_message(resident: Any, request_: Any) -> None:
    message = service.add_follow_up(resident, request_.id, "  I forgot to say: Tuesdays.  ")

    assert messages() == [message]
    assert message.author_id == resident.id
    assert message.body == "I forgot to say: Tuesdays."
    assert message.is_from_staff is False
    assert request_.messages == [message]


def test_add_follow_up_hands_a_waiting_request_back_to_staff(resident: Any, request_: Any) -> None:
    request_.status = RequestStatus.WAITING

    service.add_follow_up(resident, request_.id, "Here is the receipt number.")

    assert request_.status is RequestStatus.IN_PROGRESS


def test_add_follow_up_refuses_a_closed_request_and_writes_nothing(
    resident: Any, request_: Any
) -> None:
    request_.status = RequestStatus.CLOSED
    request_.closed_at = utcnow()

    with pytest.raises(RequestClosedError, match="closed"):
        service.add_follow_up(resident, request_.id, "One more thing")

    assert messages() == []


def test_add_follow_up_on_someone_elses_request_is_not_found(request_: Any) -> None:
    stranger = factories.UserFactory()

    with pytest.raises(NotFoundError):
        service.add_follow_up(stranger, request_.id, "Hello")

    assert messages() == []


def test_staff_opening_a_request_in_their_queue_leaves_one_audit_entry(
    agent: Any, request_: Any, resident: Any
) -> None:
    opened = replies.open_request_for_staff(agent, request_.id)

    assert opened is request_
    [entry] = audit_entries()
    assert entry.staff_id == agent.id
    assert entry.resident_id == resident.id
    assert entry.kind is AccessKind.REQUEST
    assert entry.purpose is AccessPurpose.SERVICE_REQUEST
    assert entry.record_type == "service request"
    assert entry.record_id == request_.id
    assert entry.request_id == request_.id


def test_a_request_assigned_to_staff_outside_the_department_is_in_scope(
    make_staff: Any, other_department: Any, request_: Any
) -> None:
    outsider = make_staff(Role.HELPDESK_AGENT, departments=[other_department])
    request_.assignee_id = outsider.id

    assert replies.open_request_for_staff(outsider, request_.id) is request_


def test_staff_outside_the_scope_get_not_found_and_nothing_is_logged(
    make_staff: Any, other_department: Any, request_: Any
) -> None:
    who = make_staff(Role.HELPDESK_AGENT, departments=[other_department])

    with pytest.raises(NotFoundError):
        replies.open_request_for_staff(who, request_.id)
    with pytest.raises(NotFoundError):
        replies.reply_to_request(who, request_.id, "Hello")

    assert audit_entries() == []
    assert messages() == []


def test_a_closed_request_in_scope_is_read_and_logged_but_takes_no_reply(
    make_staff: Any, department: Any, request_: Any
) -> None:
    request_.status = RequestStatus.CLOSED
    who = make_staff(Role.HELPDESK_AGENT, departments=[department])

    assert replies.open_request_for_staff(who, request_.id) is request_
    with pytest.raises(NotFoundError):
        replies.reply_to_request(who, request_.id, "Hello")

    assert [e.request_id for e in audit_entries()] == [request_.id]
    assert messages() == []


def test_reply_adds_a_staff_message_and_opens_a_new_request(agent: Any, request_: Any) -> None:
    message = replies.reply_to_request(agent, request_.id, "We have refunded you.")

    assert messages() == [message]
    assert message.is_from_staff is True
    assert message.author_id == agent.id
    assert request_.status is RequestStatus.IN_PROGRESS


def test_a_reply_without_a_question_moves_a_waiting_request_back_to_in_progress(
    agent: Any, request_: Any
) -> None:
    request_.status = RequestStatus.WAITING

    replies.reply_to_request(agent, request_.id, "Any news?")

    assert request_.status is RequestStatus.IN_PROGRESS


def test_a_reply_that_asks_the_resident_waits_on_them(agent: Any, request_: Any) -> None:
    replies.reply_to_request(agent, request_.id, "Which class?", wait_for_resident=True)

    assert request_.status is RequestStatus.WAITING
    assert request_.first_response_at is not None


def test_reply_emails_the_resident_the_whole_answer_signed_with_name_and_department(
    agent: Any, request_: Any, resident: Any, outbox: list[EmailMessage]
) -> None:
    replies.reply_to_request(agent, request_.id, "Your refund of $42 is on its way.\nSorry!")

    [sent] = outbox
    assert sent["To"] == resident.email
    assert sent["Subject"] == f"Reply to your request {request_.reference}"
    assert sent["Reply-To"] == "311@jasper-alberta.ca"
    for part in ("plain", "html"):
        body = sent.get_body((part,))
        assert body is not None
        text = body.get_content()
        assert "Your refund of $42 is on its way." in text
        assert "Priya, Customer Service" in text
        assert "Singh" not in text
        assert f"/helpdesk/requests/{request_.id}" in text


def test_a_reply_is_signed_with_the_requests_department_and_keeps_that_signature(
    make_staff: Any,
    department: Any,
    other_department: Any,
    resident: Any,
    outbox: list[EmailMessage],
) -> None:
    # Priya works in two departments; the first listed is not the request's.
    priya = make_staff(Role.HELPDESK_AGENT, departments=[department, other_department])
    priya.first_name = "Priya"
    request_ = factories.ServiceRequestFactory(customer=resident, department=other_department)
    message = replies.reply_to_request(priya, request_.id, "The lockers are fixed.")
    assert "Priya, Facilities" in outbox[0].get_body(("plain",)).get_content()
    priya.departments = [department]
    db.session.flush()
    assert message.signature == "Priya, Facilities"
    assert priya.staff_label == "Priya, Customer Service"
