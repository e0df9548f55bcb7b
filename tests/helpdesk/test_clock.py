"""The service-standard clock: start, first response, pause and resume, overdue, due soon."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from jasperrec.extensions import db
from jasperrec.helpdesk import clock
from jasperrec.helpdesk import workflow
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import ServiceRequest
from tests import factories

EDMONTON = ZoneInfo("America/Edmonton")
S = RequestStatus


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=EDMONTON)


def started(channel: Channel, received: dt.datetime, **fields: Any) -> ServiceRequest:
    request = factories.ServiceRequestFactory(channel=channel, created_at=received, **fields)
    clock.start(request, received, channel)
    db.session.flush()
    return request


def matching(clause: sa.ColumnElement[bool]) -> set[int]:
    return set(db.session.scalars(sa.select(ServiceRequest.id).where(clause)))


def test_start_sets_the_answer_by_time_and_the_last_half_day() -> None:
    request = started(Channel.PHONE, local(2026, 11, 5, 10, 0))

    assert request.due_at == local(2026, 11, 9, 16, 30)
    assert request.due_soon_at == local(2026, 11, 9, 12, 30)


def test_the_clock_pauses_across_a_weekend_and_a_holiday_and_resumes_on_the_reply(
    resident: Any,
) -> None:
    # A phone message on Thursday, November 5, 2026: two business days, due Monday 16:30.
    request = started(Channel.PHONE, local(2026, 11, 5, 10, 0), customer=resident)
    # Friday 14:30 the agent needs something from the resident and waits.
    workflow.change_status(request, S.WAITING, None, now=local(2026, 11, 6, 14, 30))
    assert request.clock_paused_at == local(2026, 11, 6, 14, 30)
    assert not request.is_overdue_at(local(2026, 11, 10, 9, 0))
    # They answer Thursday 9:30, after the weekend and Remembrance Day (Wednesday 11):
    # the clock stood still 2 h Friday + 8 h Monday + 8 h Tuesday + 1 h Thursday = 19 h.
    workflow.change_status(request, S.IN_PROGRESS, resident, now=local(2026, 11, 12, 9, 30))

    # 19 business hours after Monday 16:30: Tuesday 8 h, Thursday 8 h, Friday 8:30 + 3 h.
    assert request.clock_paused_at is None
    assert request.due_at == local(2026, 11, 13, 11, 30)
    # The last half-day: Friday 8:30-11:30 and Thursday from 15:30.
    assert request.due_soon_at == local(2026, 11, 12, 15, 30)
    assert not request.is_due_soon_at(local(2026, 11, 12, 15, 0))
    assert request.is_due_soon_at(local(2026, 11, 13, 9, 0))
    assert not request.is_overdue_at(local(2026, 11, 13, 11, 29))
    assert request.is_overdue_at(local(2026, 11, 13, 11, 30))


def test_the_first_public_reply_stops_the_clock_for_good() -> None:
    request = started(Channel.WEB, local(2026, 11, 5, 10, 0))
    clock.record_first_response(request, local(2026, 11, 6, 9, 0))
    clock.record_first_response(request, local(2026, 11, 7, 9, 0))

    assert request.first_response_at == local(2026, 11, 6, 9, 0)
    assert not request.is_overdue_at(local(2027, 1, 1))
    # Waiting after the answer does not pause anything: there is no clock left.
    clock.pause(request, local(2026, 11, 8))
    assert request.clock_paused_at is None


def test_a_transfer_keeps_the_clock_running(department: Any, other_department: Any) -> None:
    request = started(Channel.WEB, local(2026, 11, 5, 10, 0), department=department)
    due = request.due_at
    request.department = other_department
    db.session.flush()

    assert request.due_at == due


NOW = local(2026, 11, 9, 14, 0)


@pytest.mark.parametrize(
    ("fields", "overdue", "due_soon"),
    [
        ({"due_at": NOW - dt.timedelta(minutes=1)}, True, False),
        ({"due_at": NOW}, True, False),
        ({"due_at": NOW + dt.timedelta(hours=1), "due_soon_at": NOW}, False, True),
        (
            {"due_at": NOW + dt.timedelta(hours=1), "due_soon_at": NOW + dt.timedelta(minutes=1)},
            False,
            False,
        ),
        ({"due_at": NOW - dt.timedelta(hours=1), "first_response_at": NOW}, False, False),
        ({"due_at": NOW - dt.timedelta(hours=1), "clock_paused_at": NOW}, False, False),
        ({"due_at": NOW - dt.timedelta(hours=1), "status": S.WAITING}, False, False),
        ({"due_at": NOW - dt.timedelta(hours=1), "status": S.RESOLVED}, False, False),
        ({"due_at": NOW - dt.timedelta(hours=1), "status": S.CLOSED}, False, False),
        ({"due_at": NOW - dt.timedelta(hours=1), "status": S.ASSIGNED}, True, False),
        ({"due_at": NOW - dt.timedelta(hours=1), "status": S.IN_PROGRESS}, True, False),
        ({"due_at": None}, False, False),
    ],
)
def test_the_sql_clauses_agree_with_the_model(
    fields: dict[str, Any], overdue: bool, due_soon: bool
) -> None:
    request = factories.ServiceRequestFactory(**fields)

    assert request.is_overdue_at(NOW) is overdue
    assert request.is_due_soon_at(NOW) is due_soon
    assert (request.id in matching(clock.overdue_clause(NOW))) is overdue
    assert (request.id in matching(clock.due_soon_clause(NOW))) is due_soon


def test_resume_without_a_pause_changes_nothing() -> None:
    request = started(Channel.WEB, local(2026, 11, 5, 10, 0))
    due = request.due_at

    clock.resume(request, local(2026, 11, 6, 10, 0))

    assert request.due_at == due
