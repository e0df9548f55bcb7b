"""The queues' overdue and due-soon filters, their badges, and the overdue quick link."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest

from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import Resolution
from jasperrec.staff import queues
from tests import factories

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def agent(make_staff: Any) -> Any:
    return make_staff(Role.HELPDESK_AGENT)


def due_in(
    department: Any, subject: str, now: dt.datetime, due: dt.timedelta, **fields: Any
) -> Any:
    """A request due `due` from now, due soon from four business hours before that."""
    return factories.ServiceRequestFactory(
        department=department,
        subject=subject,
        due_at=now + due,
        due_soon_at=now + due - 4 * HOUR,
        **fields,
    )


def listing(agent: Any, now: dt.datetime, **filters: Any) -> list[str]:
    page = queues.list_queue(agent, queues.QueueFilter(**filters), now=now)
    return sorted(r.subject for r in page.rows)


@pytest.fixture
def mixed_queue(department: Any) -> dt.datetime:
    """One request of each kind the deadline filters must tell apart; returns 'now'."""
    now = utcnow()
    due_in(department, "Late, unanswered", now, -HOUR)
    due_in(department, "Late, but answered", now, -HOUR, first_response_at=now - 2 * HOUR)
    due_in(
        department,
        "Late, waiting on resident",
        now,
        -HOUR,
        status=RequestStatus.WAITING,
        clock_paused_at=now - 3 * HOUR,
    )
    due_in(department, "Late, closed", now, -HOUR, status=RequestStatus.CLOSED, closed_at=now)
    due_in(
        department,
        "Late, resolved",
        now,
        -HOUR,
        status=RequestStatus.RESOLVED,
        resolution=Resolution.FIXED,
        resolved_at=now,
    )
    due_in(department, "Due in an hour", now, HOUR)
    due_in(department, "Due in three days", now, dt.timedelta(days=3))
    return now


def test_the_overdue_filter_finds_only_unanswered_running_requests_past_due(
    agent: Any, mixed_queue: dt.datetime
) -> None:
    found = listing(
        agent,
        mixed_queue,
        deadline=queues.QueueDeadline.OVERDUE,
        statuses=frozenset(RequestStatus),
    )

    assert found == ["Late, unanswered"]


def test_the_due_soon_filter_finds_only_requests_in_their_last_half_day(
    agent: Any, mixed_queue: dt.datetime
) -> None:
    found = listing(
        agent,
        mixed_queue,
        deadline=queues.QueueDeadline.DUE_SOON,
        statuses=frozenset(RequestStatus),
    )

    assert found == ["Due in an hour"]


def test_without_a_deadline_filter_the_queue_holds_every_request_not_closed(
    agent: Any, mixed_queue: dt.datetime
) -> None:
    assert len(listing(agent, mixed_queue)) == 6


def test_the_rows_carry_the_badges_judged_at_the_filters_moment(
    agent: Any, mixed_queue: dt.datetime
) -> None:
    page = queues.list_queue(agent, queues.QueueFilter(), now=mixed_queue)

    flags = {r.subject: (r.is_overdue, r.is_due_soon) for r in page.rows}
    assert flags == {
        "Late, unanswered": (True, False),
        "Late, but answered": (False, False),
        "Late, waiting on resident": (False, False),
        "Late, resolved": (False, False),
        "Due in an hour": (False, True),
        "Due in three days": (False, False),
    }


def test_the_page_counts_the_overdue_requests_whatever_the_filter(
    agent: Any, mixed_queue: dt.datetime
) -> None:
    page = queues.list_queue(
        agent, queues.QueueFilter(deadline=queues.QueueDeadline.DUE_SOON), now=mixed_queue
    )

    assert page.overdue == 1


def test_the_overdue_count_stays_within_the_staff_members_scope(
    agent: Any, department: Any, other_department: Any
) -> None:
    now = utcnow()
    due_in(department, "Ours, late", now, -HOUR)
    due_in(other_department, "Theirs, late", now, -HOUR)

    overdue = queues.QueueFilter(deadline=queues.QueueDeadline.OVERDUE)
    assert queues.count_queue(agent, overdue, now) == 1


def test_the_queues_page_filters_by_overdue_and_shows_the_badge(
    client: Any, agent: Any, staff_log_in: Any, department: Any
) -> None:
    now = utcnow()
    due_in(department, "Late, unanswered", now, -HOUR)
    due_in(department, "Due in three days", now, dt.timedelta(days=3))
    staff_log_in(agent)

    page = client.get("/staff/queues?deadline=overdue").get_data(as_text=True)

    assert "Late, unanswered" in page
    assert "Due in three days" not in page
    assert '<span class="badge badge-warning">Overdue</span>' in page
    assert re.search(r'<option selected value="overdue">|<option value="overdue" selected', page)


def test_the_queues_page_filters_by_due_soon_and_shows_the_badge(
    client: Any, agent: Any, staff_log_in: Any, department: Any
) -> None:
    now = utcnow()
    due_in(department, "Due in an hour", now, HOUR)
    due_in(department, "Late, unanswered", now, -HOUR)
    staff_log_in(agent)

    page = client.get("/staff/queues?deadline=due-soon").get_data(as_text=True)

    assert "Due in an hour" in page
    assert "Late, unanswered" not in page
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    assert '<span class="badge badge-warning">Due soon</span>' in body
    assert "Overdue</span>" not in body


def test_the_badge_sits_in_the_labelled_cell_for_narrow_screens(
    client: Any, agent: Any, staff_log_in: Any, department: Any
) -> None:
    due_in(department, "Late, unanswered", utcnow(), -HOUR)
    staff_log_in(agent)

    page = client.get("/staff/queues").get_data(as_text=True)

    assert re.search(
        r'<td><span class="cell-label">Answer due by: </span>[^<]*'
        r' <span class="badge badge-warning">Overdue</span></td>',
        page,
    )


def test_the_overdue_quick_link_counts_and_marks_itself_current(
    client: Any, agent: Any, staff_log_in: Any, department: Any
) -> None:
    now = utcnow()
    due_in(department, "Late one", now, -HOUR)
    due_in(department, "Late two", now, -2 * HOUR)
    due_in(department, "Far off", now, dt.timedelta(days=3))
    staff_log_in(agent)

    everything = client.get("/staff/queues").get_data(as_text=True)
    overdue = client.get("/staff/queues?deadline=overdue").get_data(as_text=True)

    link = '<a href="/staff/queues?deadline=overdue"'
    assert f"{link}>Overdue (2)</a>" in everything
    assert '<a href="/staff/queues" aria-current="page">All my queues' in everything
    assert f'{link} aria-current="page">Overdue (2)</a>' in overdue
    assert '<a href="/staff/queues" aria-current="page">All my queues' not in overdue


def test_pages_keep_the_deadline_filter(
    client: Any, agent: Any, staff_log_in: Any, department: Any
) -> None:
    now = utcnow()
    for n in range(51):
        due_in(department, f"Late {n}", now, -HOUR - n * dt.timedelta(minutes=1))
    due_in(department, "Far off", now, dt.timedelta(days=3))
    staff_log_in(agent)

    first = client.get("/staff/queues?deadline=overdue").get_data(as_text=True)
    second = client.get("/staff/queues?deadline=overdue&page=2").get_data(as_text=True)

    assert 'href="/staff/queues?deadline=overdue&amp;page=2" rel="next"' in first
    assert "51 requests, page 1 of 2" in first
    assert second.count("<tr>") == 1 + 1
    assert "Far off" not in second


def test_an_unknown_deadline_says_so_and_shows_the_open_queue(
    client: Any, agent: Any, staff_log_in: Any, department: Any
) -> None:
    due_in(department, "Far off", utcnow(), dt.timedelta(days=3))
    staff_log_in(agent)

    response = client.get("/staff/queues?deadline=yesterday")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The filter could not be read" in page
    assert "Far off" in page


def test_the_overdue_queue_runs_the_same_queries_for_two_or_a_full_page(
    client: Any,
    agent: Any,
    staff_log_in: Any,
    department: Any,
    count_queries: Callable[[Callable[[], Any]], int],
) -> None:
    now = utcnow()
    staff_log_in(agent)
    for n in range(2):
        due_in(department, f"Late {n}", now, -HOUR)
    few = count_queries(lambda: client.get("/staff/queues?deadline=overdue"))
    for n in range(60):
        due_in(department, f"Later {n}", now, -HOUR)

    many = count_queries(lambda: client.get("/staff/queues?deadline=overdue"))

    assert many == few
