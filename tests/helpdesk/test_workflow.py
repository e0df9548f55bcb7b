"""The status workflow: the transition table, the history, customer replies and auto-close."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.helpdesk import workflow
from jasperrec.helpdesk.errors import TransitionNotAllowedError
from jasperrec.helpdesk.models import EventKind
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import Resolution
from jasperrec.helpdesk.models import ServiceRequestEvent
from jasperrec.tasks import huey
from tests import factories

S = RequestStatus
ALLOWED = {
    (S.NEW, S.ASSIGNED),
    (S.NEW, S.IN_PROGRESS),
    (S.NEW, S.WAITING),
    (S.NEW, S.RESOLVED),
    (S.ASSIGNED, S.NEW),
    (S.ASSIGNED, S.IN_PROGRESS),
    (S.ASSIGNED, S.WAITING),
    (S.ASSIGNED, S.RESOLVED),
    (S.IN_PROGRESS, S.WAITING),
    (S.IN_PROGRESS, S.RESOLVED),
    (S.WAITING, S.IN_PROGRESS),
    (S.WAITING, S.RESOLVED),
    (S.RESOLVED, S.IN_PROGRESS),
    (S.RESOLVED, S.CLOSED),
    (S.CLOSED, S.IN_PROGRESS),
}
EVERY_PAIR = [(a, b) for a in S for b in S]


def events(request: Any) -> list[ServiceRequestEvent]:
    query = (
        sa.select(ServiceRequestEvent)
        .where(ServiceRequestEvent.request_id == request.id)
        .order_by(ServiceRequestEvent.id)
    )
    return list(db.session.scalars(query))


def test_the_table_is_exactly_the_allowed_transitions() -> None:
    table = {(a, b) for a, targets in workflow.ALLOWED.items() for b in targets}
    assert table == ALLOWED
    assert set(workflow.ALLOWED) == set(S)


@pytest.mark.parametrize(("before", "after"), EVERY_PAIR)
def test_every_transition_is_allowed_or_refused_by_the_table(
    before: RequestStatus, after: RequestStatus, make_staff: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    request = factories.ServiceRequestFactory(status=before)
    moment = utcnow()

    if (before, after) in ALLOWED:
        assert workflow.can_change(request, after)
        workflow.change_status(request, after, agent, detail="why", now=moment)
        assert request.status is after
        [event] = events(request)
        assert (event.kind, event.actor_id) == (EventKind.STATUS, agent.id)
        assert (event.from_value, event.to_value) == (before.value, after.value)
        assert (event.detail, event.created_at) == ("why", moment)
    else:
        assert not workflow.can_change(request, after)
        with pytest.raises(TransitionNotAllowedError, match=f"cannot become {after.value}"):
            workflow.change_status(request, after, agent)
        assert request.status is before
        assert events(request) == []


def test_resolving_and_closing_stamp_the_time_and_reopening_clears_them() -> None:
    request = factories.ServiceRequestFactory(status=S.IN_PROGRESS)
    resolved, closed = utcnow() - dt.timedelta(days=15), utcnow()

    workflow.change_status(request, S.RESOLVED, None, now=resolved)
    request.resolution = Resolution.FIXED
    workflow.change_status(request, S.CLOSED, None, now=closed)
    assert (request.resolved_at, request.closed_at) == (resolved, closed)

    workflow.change_status(request, S.IN_PROGRESS, None)
    assert (request.resolution, request.resolved_at, request.closed_at) == (None, None, None)
    assert [(e.from_value, e.to_value) for e in events(request)] == [
        ("in progress", "resolved"),
        ("resolved", "closed"),
        ("closed", "in progress"),
    ]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (S.WAITING, S.IN_PROGRESS),
        (S.RESOLVED, S.IN_PROGRESS),
        (S.CLOSED, S.IN_PROGRESS),
        (S.NEW, S.NEW),
        (S.ASSIGNED, S.ASSIGNED),
        (S.IN_PROGRESS, S.IN_PROGRESS),
    ],
)
def test_record_customer_reply_resumes_or_reopens(
    before: RequestStatus, after: RequestStatus, resident: Any
) -> None:
    request = factories.ServiceRequestFactory(customer=resident, status=before)

    workflow.record_customer_reply(request, resident)

    assert request.status is after
    history = events(request)
    if before is after:
        assert history == []
    else:
        [event] = history
        assert event.actor_id == resident.id


def test_record_customer_reply_resumes_a_paused_clock(resident: Any) -> None:
    request = factories.ServiceRequestFactory(customer=resident, status=S.IN_PROGRESS)
    request.due_at = utcnow() + dt.timedelta(days=2)
    workflow.change_status(request, S.WAITING, None)
    assert request.clock_paused_at is not None

    workflow.record_customer_reply(request, resident)

    assert request.clock_paused_at is None
    assert request.due_at is not None


def test_close_resolved_closes_only_requests_resolved_over_14_days_ago(app: Flask) -> None:
    now = utcnow()
    old = factories.ServiceRequestFactory(
        status=S.RESOLVED, resolved_at=now - dt.timedelta(days=14, minutes=1)
    )
    recent = factories.ServiceRequestFactory(
        status=S.RESOLVED, resolved_at=now - dt.timedelta(days=13, hours=23)
    )
    open_ = factories.ServiceRequestFactory(status=S.IN_PROGRESS)

    assert workflow.close_resolved(now) == 1

    assert (old.status, old.closed_at) == (S.CLOSED, now)
    assert recent.status is S.RESOLVED
    assert open_.status is S.IN_PROGRESS
    [event] = events(old)
    assert event.actor_id is None
    assert (event.from_value, event.to_value) == ("resolved", "closed")
    assert workflow.close_resolved(now) == 0


def test_auto_close_and_escalation_are_scheduled(app: Flask) -> None:
    names = {task.__name__ for task in huey._registry._periodic_tasks}
    assert any("close_resolved_task" in name for name in names)
    assert any("escalate_overdue_task" in name for name in names)
