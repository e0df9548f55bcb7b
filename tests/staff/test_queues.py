"""The queues page: scope, filters, search, sort, 50 a page, audited, readable on a phone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.staff import queues
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AuditEntry
from tests import factories


@pytest.fixture
def agent(make_staff: Any) -> Any:
    return make_staff(Role.HELPDESK_AGENT)


def subjects(page: queues.QueuePage) -> list[str]:
    return [r.subject for r in page.rows]


def listing(agent: Any, **filters: Any) -> list[str]:
    return subjects(queues.list_queue(agent, queues.QueueFilter(**filters)))


def request_in(department: Any, subject: str, **fields: Any) -> Any:
    return factories.ServiceRequestFactory(department=department, subject=subject, **fields)


def queue_entries() -> list[AuditEntry]:
    query = sa.select(AuditEntry).where(AuditEntry.kind == AccessKind.QUEUE_LIST)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def test_the_queue_holds_the_departments_requests_and_those_assigned_to_me_only(
    agent: Any, department: Any, other_department: Any
) -> None:
    request_in(department, "Ours")
    request_in(other_department, "Assigned to me", assignee_id=agent.id)
    request_in(other_department, "Not ours")

    assert sorted(listing(agent)) == ["Assigned to me", "Ours"]


def test_filters_narrow_by_department_assignee_and_channel(
    make_staff: Any, department: Any, other_department: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT, departments=[department, other_department])
    colleague = make_staff(Role.HELPDESK_AGENT)
    request_in(department, "Web, unassigned", channel=Channel.WEB)
    request_in(department, "Phone, mine", channel=Channel.PHONE, assignee_id=agent.id)
    request_in(other_department, "Phone, colleague", channel=Channel.PHONE, assignee=colleague)

    assert sorted(listing(agent, department_id=other_department.id)) == ["Phone, colleague"]
    assert listing(agent, assignee_id=agent.id) == ["Phone, mine"]
    assert listing(agent, assignee_id=colleague.id) == ["Phone, colleague"]
    assert listing(agent, unassigned=True) == ["Web, unassigned"]
    assert sorted(listing(agent, channel=Channel.PHONE)) == ["Phone, colleague", "Phone, mine"]


def test_closed_requests_are_left_out_by_default_and_found_when_asked_for(
    agent: Any, department: Any, other_department: Any
) -> None:
    request_in(department, "Open one")
    request_in(department, "Closed one", status=RequestStatus.CLOSED, closed_at=utcnow())
    request_in(other_department, "Closed elsewhere", status=RequestStatus.CLOSED)

    assert listing(agent) == ["Open one"]
    assert listing(agent, statuses=frozenset({RequestStatus.CLOSED})) == ["Closed one"]
    assert sorted(listing(agent, statuses=frozenset(RequestStatus))) == ["Closed one", "Open one"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("POOL", ["Pool too cold"]),
        ("locker", ["Lost key"]),
        ("100%", ["Refund of 100%"]),
        ("1_0", []),
        ("%", ["Refund of 100%"]),
        ("  pool \t ", ["Pool too cold"]),
    ],
)
def test_search_matches_subject_and_description_with_wildcards_taken_literally(
    agent: Any, department: Any, text: str, found: list[str]
) -> None:
    request_in(department, "Pool too cold", description="The water was 20 degrees.")
    request_in(department, "Lost key", description="I left it in locker 10.")
    request_in(department, "Refund of 100%", description="Please refund me.")

    assert listing(agent, text=text) == found


def test_search_finds_a_request_by_its_number(agent: Any, department: Any) -> None:
    wanted = request_in(department, "Wanted")
    request_in(department, "Other")

    assert listing(agent, text=f"#{wanted.id}") == ["Wanted"]
    assert listing(agent, text=str(wanted.id)) == ["Wanted"]


def test_search_never_reaches_outside_the_scope(
    agent: Any, department: Any, other_department: Any
) -> None:
    outside = request_in(other_department, "Pool elsewhere", status=RequestStatus.CLOSED)

    assert listing(agent, text="pool", statuses=frozenset(RequestStatus)) == []
    assert listing(agent, text=f"#{outside.id}", statuses=frozenset(RequestStatus)) == []


def test_sort_by_answer_by_time_or_age(agent: Any, department: Any) -> None:
    now = utcnow()
    request_in(
        department,
        "Old, due late",
        created_at=now - dt.timedelta(days=3),
        due_at=now + dt.timedelta(days=3),
    )
    request_in(
        department,
        "New, due soon",
        created_at=now - dt.timedelta(hours=1),
        due_at=now + dt.timedelta(hours=2),
    )
    request_in(
        department,
        "Middle",
        created_at=now - dt.timedelta(days=1),
        due_at=now + dt.timedelta(days=1),
    )

    assert listing(agent, sort=queues.QueueSort.DUE) == ["New, due soon", "Middle", "Old, due late"]
    assert listing(agent, sort=queues.QueueSort.OLDEST) == [
        "Old, due late",
        "Middle",
        "New, due soon",
    ]
    assert listing(agent, sort=queues.QueueSort.NEWEST) == [
        "New, due soon",
        "Middle",
        "Old, due late",
    ]


def test_the_queue_shows_fifty_a_page_and_a_page_past_the_end_shows_the_last(
    agent: Any, department: Any
) -> None:
    now = utcnow()
    for n in range(51):
        request_in(department, f"Request {n:02d}", created_at=now - dt.timedelta(minutes=100 - n))

    first = queues.list_queue(agent, queues.QueueFilter(sort=queues.QueueSort.OLDEST))
    last = queues.list_queue(agent, queues.QueueFilter(sort=queues.QueueSort.OLDEST, page=9))

    assert (first.total, first.pages, len(first.rows)) == (51, 2, 50)
    assert (last.page, subjects(last)) == (2, ["Request 50"])


def test_each_page_view_is_audited_with_its_page_its_search_and_the_names_shown(
    agent: Any, department: Any
) -> None:
    priya = factories.UserFactory(first_name="Priya")
    request_in(department, "Pool too cold", customer=priya)
    request_in(department, "Lost key")

    queues.list_queue(agent, queues.QueueFilter(text="pool"))

    (entry,) = queue_entries()
    assert [s.resident_id for s in entry.shown] == [priya.id]
    assert entry.detail is not None
    assert 'page 1 of 1, searched for "pool": 1 requests from 1 residents shown' in entry.detail


def test_the_queues_page_is_a_get_form_with_the_filters_in_the_url(
    client: Any, agent: Any, staff_log_in: Any, department: Any
) -> None:
    request_in(department, "Pool too cold", channel=Channel.WEB)
    request_in(department, "Lost key", channel=Channel.PHONE)
    staff_log_in(agent)

    page = client.get("/staff/queues?channel=web&q=pool&sort=newest").get_data(as_text=True)

    assert re.search(r'<form method="get" action="/staff/queues"', page)
    assert "Pool too cold" in page
    assert "Lost key" not in page
    assert 'value="pool"' in page


@pytest.mark.parametrize(
    "query",
    [
        "status=bogus",
        "page=-3",
        "page=abc",
        "page=99999999999",
        "assignee=12abc",
        "sort=x",
        "department=0",
        "channel=fax",
        "q=" + "x" * 500,
    ],
)
def test_an_unreadable_filter_says_so_and_shows_the_open_queue(
    client: Any, agent: Any, staff_log_in: Any, department: Any, query: str
) -> None:
    request_in(department, "Pool too cold")
    staff_log_in(agent)

    response = client.get(f"/staff/queues?{query}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The filter could not be read" in page
    assert "Pool too cold" in page


def test_pages_link_to_each_other_keeping_the_filters(
    client: Any, agent: Any, staff_log_in: Any, department: Any
) -> None:
    factories.ServiceRequestFactory.create_batch(51, department=department, channel=Channel.WEB)
    staff_log_in(agent)

    first = client.get("/staff/queues?channel=web").get_data(as_text=True)
    second = client.get("/staff/queues?channel=web&page=2").get_data(as_text=True)

    assert "page 1 of 2" in first
    assert 'href="/staff/queues?channel=web&amp;page=2" rel="next"' in first
    assert 'rel="prev"' in second
    assert second.count("<tr>") == 1 + 1


def test_every_value_in_the_table_carries_its_label_for_narrow_screens(
    client: Any, agent: Any, staff_log_in: Any, department: Any
) -> None:
    factories.ServiceRequestFactory.create_batch(2, department=department)
    staff_log_in(agent)

    page = client.get("/staff/queues").get_data(as_text=True)

    body = page[page.index("<tbody>") : page.index("</tbody>")]
    cells = re.findall(r"<td>(.*?)</td>", body, re.S)
    headers = re.findall(r'<th scope="col">(.*?)</th>', page)
    assert len(cells) == 2 * len(headers)
    for n, cell in enumerate(cells):
        assert cell.startswith(f'<span class="cell-label">{headers[n % len(headers)]}: </span>')


def test_the_queue_page_runs_the_same_queries_for_two_or_a_full_page_of_requests(
    client: Any,
    make_staff: Any,
    staff_log_in: Any,
    department: Any,
    count_queries: Callable[[Callable[[], Any]], int],
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    colleague = make_staff(Role.HELPDESK_AGENT)
    staff_log_in(agent)
    factories.ServiceRequestFactory.create_batch(2, department=department, assignee=colleague)
    few = count_queries(lambda: client.get("/staff/queues?q=swim&sort=oldest"))
    factories.ServiceRequestFactory.create_batch(70, department=department, assignee=colleague)

    many = count_queries(lambda: client.get("/staff/queues?q=swim&sort=oldest"))

    assert many == few
    assert len(queue_entries()[-1].shown) == 50


def test_a_closed_request_opens_read_only_for_staff_in_scope(
    client: Any, agent: Any, staff_log_in: Any, department: Any
) -> None:
    closed = request_in(department, "Old question", status=RequestStatus.CLOSED)
    staff_log_in(agent)

    page = client.get(f"/staff/requests/{closed.id}").get_data(as_text=True)
    reply = client.post(f"/staff/requests/{closed.id}/reply", data={"body": "Hello"})

    assert "This request is closed. You can read it and reopen it, but not reply to it." in page
    assert "Send reply" not in page
    assert reply.status_code == 404
