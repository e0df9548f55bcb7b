"""The service-standard clock: it runs from arrival to the first public reply.

It pauses while the request waits on the resident and resumes, with the answer-by time
moved on by the business time it stood still, when they answer. A transfer does not touch
it. The clauses below are the SQL twins of ServiceRequest.is_overdue_at / is_due_soon_at.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from . import standards
from .models import Channel
from .models import RequestStatus
from .models import ServiceRequest


def running_clause() -> sa.ColumnElement[bool]:
    """Requests whose clock runs: open, not waiting on the resident, unanswered, not paused,
    with an answer-by time."""
    return sa.and_(
        ServiceRequest.status.not_in(
            [RequestStatus.WAITING, RequestStatus.RESOLVED, RequestStatus.CLOSED]
        ),
        ServiceRequest.first_response_at.is_(None),
        ServiceRequest.clock_paused_at.is_(None),
        ServiceRequest.due_at.is_not(None),
    )


def overdue_clause(now: dt.datetime) -> sa.ColumnElement[bool]:
    """Requests with no first response by their answer-by time; never an answered one."""
    return sa.and_(running_clause(), ServiceRequest.due_at <= now)


def due_soon_clause(now: dt.datetime) -> sa.ColumnElement[bool]:
    """Requests not yet overdue whose answer-by time is within the last business half-day."""
    return sa.and_(running_clause(), ServiceRequest.due_at > now, ServiceRequest.due_soon_at <= now)


def start(
    service_request: ServiceRequest,
    received: dt.datetime,
    channel: Channel,
    calendar: standards.BusinessCalendar | None = None,
) -> None:
    """Set a new request's answer-by time, and when it becomes due soon, from its arrival."""
    calendar = calendar or standards.current_calendar()
    days = standards.days_for(channel, current_app.config)
    _set_due(service_request, calendar.due_after(received, days), calendar)


def _set_due(
    service_request: ServiceRequest, due: dt.datetime, calendar: standards.BusinessCalendar
) -> None:
    service_request.due_at = due
    service_request.due_soon_at = calendar.subtract_business_time(due, calendar.half_day)


def pause(service_request: ServiceRequest, now: dt.datetime) -> None:
    """Stop the clock while we wait on the resident (no-op once answered or paused)."""
    if service_request.clock_paused_at is None and service_request.first_response_at is None:
        service_request.clock_paused_at = now


def resume(
    service_request: ServiceRequest,
    now: dt.datetime,
    calendar: standards.BusinessCalendar | None = None,
) -> None:
    """Restart a paused clock, moving the answer-by time on by the business time paused."""
    paused = service_request.clock_paused_at
    if paused is None:
        return
    service_request.clock_paused_at = None
    if service_request.due_at is None or service_request.first_response_at is not None:
        return
    calendar = calendar or standards.current_calendar()
    stood_still = calendar.business_time_between(paused, now)
    if stood_still > dt.timedelta():
        _set_due(
            service_request,
            calendar.add_business_time(service_request.due_at, stood_still),
            calendar,
        )


def record_first_response(service_request: ServiceRequest, now: dt.datetime) -> None:
    """Stop the clock for good at the first public reply."""
    if service_request.first_response_at is None:
        service_request.first_response_at = now
