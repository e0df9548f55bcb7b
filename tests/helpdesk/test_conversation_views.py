"""The conversation pages: residents follow up, staff read (audited) and reply."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.helpdesk import replies
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import ServiceRequestMessage
from jasperrec.staff.models import AuditEntry
from tests import factories


def messages() -> list[ServiceRequestMessage]:
    return list(db.session.scalars(sa.select(ServiceRequestMessage)))


def audit_count() -> int:
    return len(list(db.session.scalars(sa.select(AuditEntry))))


@pytest.fixture
def request_(resident: Any, department: Any) -> Any:
    return factories.ServiceRequestFactory(
        customer=resident, department=department, subject="Pool hours"
    )


@pytest.fixture
def agent(make_staff: Any) -> Any:
    agent = make_staff(Role.HELPDESK_AGENT)
    agent.first_name, agent.last_name = "Priya", "Singh"
    db.session.flush()
    return agent


def test_resident_sees_staff_replies_signed_with_first_name_and_department(
    client: Any, log_in: Any, resident: Any, request_: Any, agent: Any
) -> None:
    replies.reply_to_request(agent, request_.id, "The pool opens at 6.")
    log_in(resident)

    page = client.get(f"/helpdesk/requests/{request_.id}").get_data(as_text=True)

    assert "The pool opens at 6." in page
    assert "Priya, Customer Service" in page
    assert "Singh" not in page
    assert agent.email not in page


def test_resident_follow_up_is_added_and_flashed(
    client: Any, log_in: Any, resident: Any, request_: Any
) -> None:
    log_in(resident)

    response = client.post(
        f"/helpdesk/requests/{request_.id}/messages", data={"body": "Also Sundays?"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/helpdesk/requests/{request_.id}"
    [message] = messages()
    assert message.body == "Also Sundays?"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your message is added to your request." in page
    assert "Also Sundays?" in page


@pytest.mark.parametrize(
    ("body", "error"),
    [("   ", "Write a message first."), ("x" * 5001, "Keep the message to 5000 characters.")],
)
def test_resident_follow_up_with_bad_input_writes_nothing(
    client: Any, log_in: Any, resident: Any, request_: Any, body: str, error: str
) -> None:
    log_in(resident)

    response = client.post(f"/helpdesk/requests/{request_.id}/messages", data={"body": body})

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="body-error"' in page
    assert error in page
    assert messages() == []


def test_resident_follow_up_on_a_closed_request_is_refused_with_a_message(
    client: Any, log_in: Any, resident: Any, request_: Any
) -> None:
    request_.status = RequestStatus.CLOSED
    request_.closed_at = utcnow()
    db.session.flush()
    log_in(resident)

    response = client.post(
        f"/helpdesk/requests/{request_.id}/messages",
        data={"body": "One more thing"},
        follow_redirects=True,
    )

    page = response.get_data(as_text=True)
    assert "This request is closed, so we cannot add to it." in page
    assert "Ask a new question" in page
    assert messages() == []


def test_resident_cannot_follow_up_on_someone_elses_request(
    client: Any, log_in: Any, resident: Any
) -> None:
    theirs = factories.ServiceRequestFactory()
    log_in(resident)

    for body in ("Hello", ""):
        response = client.post(f"/helpdesk/requests/{theirs.id}/messages", data={"body": body})
        assert response.status_code == 404
    assert messages() == []


def test_resident_follow_ups_are_rate_limited(
    app: Flask,
    client: Any,
    log_in: Any,
    resident: Any,
    request_: Any,
    rate_limits: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "HELPDESK_MESSAGE_LIMIT", "1 per hour")
    log_in(resident)
    url = f"/helpdesk/requests/{request_.id}/messages"

    statuses = [client.post(url, data={"body": "Hi"}).status_code for _ in range(2)]

    assert statuses == [302, 429]


def test_staff_request_page_shows_the_thread_and_audits_the_read(
    client: Any, staff_log_in: Any, agent: Any, request_: Any, resident: Any
) -> None:
    question = ServiceRequestMessage(
        request=request_, author_id=resident.id, body="Is the pool open?", created_at=utcnow()
    )
    db.session.add(question)
    db.session.flush()
    staff_log_in(agent)

    response = client.get(f"/staff/requests/{request_.id}")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "Pool hours" in page
    assert "Is the pool open?" in page
    assert resident.full_name in page
    assert audit_count() == 1


def test_staff_request_page_is_404_outside_the_staff_members_queues(
    client: Any, staff_log_in: Any, make_staff: Any, other_department: Any, request_: Any
) -> None:
    staff_log_in(make_staff(Role.HELPDESK_AGENT, departments=[other_department]))

    response = client.get(f"/staff/requests/{request_.id}")

    assert response.status_code == 404
    assert b"Pool hours" not in response.data
    assert audit_count() == 0


def test_staff_reply_is_saved_and_the_resident_is_emailed(
    client: Any,
    staff_log_in: Any,
    agent: Any,
    request_: Any,
    resident: Any,
    outbox: list[EmailMessage],
) -> None:
    staff_log_in(agent)

    response = client.post(f"/staff/requests/{request_.id}/reply", data={"body": "Open at 6."})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/requests/{request_.id}"
    [message] = messages()
    assert message.is_from_staff is True
    assert request_.status is RequestStatus.IN_PROGRESS
    assert [m["To"] for m in outbox] == [resident.email]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your reply is saved" in page


def test_staff_reply_with_bad_input_writes_nothing(
    client: Any, staff_log_in: Any, agent: Any, request_: Any, outbox: list[EmailMessage]
) -> None:
    staff_log_in(agent)

    response = client.post(f"/staff/requests/{request_.id}/reply", data={"body": ""})

    assert response.status_code == 400
    assert b"Write a reply first." in response.data
    assert messages() == []
    assert outbox == []
    assert request_.status is RequestStatus.NEW


def test_queue_links_to_the_request_page(
    client: Any, staff_log_in: Any, agent: Any, request_: Any
) -> None:
    staff_log_in(agent)

    page = client.get("/staff/queues").get_data(as_text=True)

    assert f'href="/staff/requests/{request_.id}"' in page
