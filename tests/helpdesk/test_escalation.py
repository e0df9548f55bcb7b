"""Escalation: each department lead is emailed once when a request becomes overdue."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa

from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.helpdesk import escalation
from jasperrec.helpdesk.models import EventKind
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import ServiceRequestEvent
from tests import factories


def test_an_overdue_request_is_escalated_to_the_department_leads_once(
    make_staff: Any, department: Any, other_department: Any, outbox: list[EmailMessage]
) -> None:
    now = utcnow()
    lead = make_staff(Role.DEPARTMENT_LEAD)
    make_staff(Role.DEPARTMENT_LEAD, departments=[other_department])
    make_staff(Role.HELPDESK_AGENT)
    overdue = factories.ServiceRequestFactory(
        department=department, due_at=now - dt.timedelta(minutes=5)
    )
    factories.ServiceRequestFactory(department=department, due_at=now + dt.timedelta(hours=1))
    factories.ServiceRequestFactory(
        department=department, due_at=now - dt.timedelta(hours=1), first_response_at=now
    )

    assert escalation.escalate_overdue(now) == 1
    assert escalation.escalate_overdue(now + dt.timedelta(minutes=30)) == 0

    [sent] = outbox
    assert sent["To"] == lead.email
    assert sent["Subject"] == f"Overdue: {overdue.reference} in {department.name}"
    body = sent.get_body(("plain",))
    assert body is not None
    assert f"/staff/requests/{overdue.id}" in body.get_content()
    assert overdue.customer.last_name not in body.get_content()
    assert "m.." not in body.get_content()  # a time ending "p.m." closes the sentence itself
    assert overdue.escalated_at == now
    events = db.session.scalars(
        sa.select(ServiceRequestEvent).where(ServiceRequestEvent.request_id == overdue.id)
    ).all()
    assert [(e.kind, e.actor_id, e.to_value) for e in events] == [
        (EventKind.ESCALATED, None, f"{department.name} lead")
    ]
    assert events[0].detail is not None
    assert lead.full_name in events[0].detail


def test_a_department_without_a_lead_still_records_the_escalation(
    department: Any, outbox: list[EmailMessage]
) -> None:
    now = utcnow()
    overdue = factories.ServiceRequestFactory(
        department=department, status=RequestStatus.ASSIGNED, due_at=now - dt.timedelta(hours=1)
    )

    assert escalation.escalate_overdue(now) == 1

    assert outbox == []
    [event] = overdue.events
    assert event.detail is not None
    assert "no lead" in event.detail


def test_an_inactive_lead_is_not_mailed(
    make_staff: Any, department: Any, outbox: list[EmailMessage]
) -> None:
    lead = make_staff(Role.DEPARTMENT_LEAD)
    lead.is_active = False
    factories.ServiceRequestFactory(department=department, due_at=utcnow() - dt.timedelta(hours=1))

    escalation.escalate_overdue()

    assert outbox == []


def test_the_leads_query_does_not_repeat_per_request(
    make_staff: Any, department: Any, count_queries: Any
) -> None:
    make_staff(Role.DEPARTMENT_LEAD)
    past = utcnow() - dt.timedelta(hours=1)
    factories.ServiceRequestFactory(department=department, due_at=past)
    one = count_queries(escalation.escalate_overdue)
    for _ in range(5):
        factories.ServiceRequestFactory(department=department, due_at=past)
    db.session.flush()

    many = count_queries(escalation.escalate_overdue)

    # Each request costs its claim, its history row and its reload for the mail after the
    # commit; the leads are read once per department and run.
    assert many - one == 4 * 3
