"""The helpdesk queues as the console lists them: filtered, searched, sorted, a page at a time,
each page view audited with the names it showed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from jasperrec.auth.models import Department
from jasperrec.auth.models import User
from jasperrec.auth.models import department_members
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.helpdesk import clock
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import ServiceRequest
from jasperrec.helpdesk.service import in_scope_of

from . import audit

PAGE_SIZE = 50
# As much of a search as the form takes and the audit trail keeps.
SEARCH_MAX = 100
OPEN_STATUSES = frozenset(s for s in RequestStatus if s is not RequestStatus.CLOSED)
# "#12", "12": a request number typed into the search box.
_NUMBER = re.compile(r"#?(\d{1,9})")


class QueueSort(enum.StrEnum):
    """The orders the queue can be read in."""

    DUE = "due"
    OLDEST = "oldest"
    NEWEST = "newest"


SORT_LABELS = {
    QueueSort.DUE: "Answer due soonest",
    QueueSort.OLDEST: "Oldest first",
    QueueSort.NEWEST: "Newest first",
}


class QueueDeadline(enum.StrEnum):
    """How close a request is to its answer-by time, as the clock rules it."""

    OVERDUE = "overdue"
    DUE_SOON = "due-soon"


DEADLINE_LABELS = {
    QueueDeadline.OVERDUE: "Overdue: no answer by the due time",
    QueueDeadline.DUE_SOON: "Due soon: within half a business day",
}


@dataclasses.dataclass(frozen=True)
class QueueFilter:
    """What the staff member narrowed the queue to; the defaults are every open request."""

    department_id: int | None = None
    statuses: frozenset[RequestStatus] = OPEN_STATUSES
    assignee_id: int | None = None
    unassigned: bool = False
    channel: Channel | None = None
    category_id: int | None = None
    uncategorised: bool = False
    deadline: QueueDeadline | None = None
    text: str = ""
    sort: QueueSort = QueueSort.DUE
    page: int = 1


@dataclasses.dataclass(frozen=True)
class QueueRow:
    """One request as the queues page lists it, read before the audit entry commits."""

    id: int
    reference: str
    subject: str
    customer_id: int
    customer_name: str
    department_name: str
    channel: Channel
    created_at: dt.datetime
    due_at: dt.datetime | None
    is_overdue: bool
    is_due_soon: bool
    status: RequestStatus
    assignee_id: int | None
    assignee_name: str | None

    @classmethod
    def of(cls, r: ServiceRequest, now: dt.datetime) -> QueueRow:
        """Copy what the page shows from a request with its people and department loaded.

        The badges are judged at the same moment as the filter, so a row the overdue
        filter found always says "Overdue".
        """
        return cls(
            r.id,
            r.reference,
            r.subject,
            r.customer_id,
            r.customer.full_name,
            r.department.name,
            r.channel,
            r.created_at,
            r.due_at,
            r.is_overdue_at(now),
            r.is_due_soon_at(now),
            r.status,
            r.assignee_id,
            r.assignee.full_name if r.assignee else None,
        )


@dataclasses.dataclass(frozen=True)
class QueuePage:
    """One page of the filtered queue, and where it sits among the others."""

    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    overdue: int


def _search_text(text: str) -> str:
    """Collapse whitespace and drop control characters, as the people search does."""
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(printable.split())[:SEARCH_MAX]


def _matches(text: str) -> sa.ColumnElement[bool]:
    """Requests whose reference, subject or description holds the text; % and _ match themselves."""
    found = sa.or_(
        ServiceRequest.reference.icontains(text, autoescape=True),
        ServiceRequest.subject.icontains(text, autoescape=True),
        ServiceRequest.description.icontains(text, autoescape=True),
    )
    number = _NUMBER.fullmatch(text)
    return sa.or_(found, ServiceRequest.id == int(number[1])) if number else found


def _conditions(
    staff: User, filters: QueueFilter, now: dt.datetime
) -> list[sa.ColumnElement[bool]]:
    where = [in_scope_of(staff), ServiceRequest.status.in_(sorted(filters.statuses))]
    if filters.department_id is not None:
        where.append(ServiceRequest.department_id == filters.department_id)
    if filters.unassigned:
        where.append(ServiceRequest.assignee_id.is_(None))
    elif filters.assignee_id is not None:
        where.append(ServiceRequest.assignee_id == filters.assignee_id)
    if filters.channel is not None:
        where.append(ServiceRequest.channel == filters.channel)
    if filters.uncategorised:
        where.append(ServiceRequest.category_id.is_(None))
    elif filters.category_id is not None:
        where.append(ServiceRequest.category_id == filters.category_id)
    if filters.deadline is QueueDeadline.OVERDUE:
        where.append(clock.overdue_clause(now))
    elif filters.deadline is QueueDeadline.DUE_SOON:
        where.append(clock.due_soon_clause(now))
    text = _search_text(filters.text)
    if text:
        where.append(_matches(text))
    return where


def _order(sort: QueueSort) -> list[Any]:
    if sort is QueueSort.NEWEST:
        return [ServiceRequest.created_at.desc(), ServiceRequest.id.desc()]
    if sort is QueueSort.OLDEST:
        return [ServiceRequest.created_at, ServiceRequest.id]
    # Requests without an answer-by time (none today) go last on both engines; on
    # PostgreSQL ix_service_requests_open_due_at holds the open ones in this order.
    return [ServiceRequest.due_at.asc().nulls_last(), ServiceRequest.id]


def count_queue(
    staff: User, filters: QueueFilter | None = None, now: dt.datetime | None = None
) -> int:
    """Count the requests the filtered queue holds, without reading any of them."""
    where = _conditions(staff, filters or QueueFilter(), now or utcnow())
    query = sa.select(sa.func.count()).select_from(ServiceRequest).where(*where)
    return db.session.scalar(query) or 0


def list_queue(staff: User, filters: QueueFilter, now: dt.datetime | None = None) -> QueuePage:
    """Return one page of the staff member's filtered queues, auditing the names shown.

    A page past the last shows the last. The rows are copied before the commit, so the
    page shows exactly what was audited and reads nothing more from the database. The
    page also counts every overdue request in the queues, whatever the filter, for the
    quick link.
    """
    now = now or utcnow()
    total = count_queue(staff, filters, now)
    overdue = count_queue(staff, QueueFilter(deadline=QueueDeadline.OVERDUE), now)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    query = _page_query(staff, filters, now, page)
    rows = [QueueRow.of(r, now) for r in db.session.scalars(query)]
    audit.record_queue_list(
        staff,
        [r.id for r in rows],
        [r.customer_id for r in rows],
        page=f"page {page} of {pages}",
        text=_search_text(filters.text),
    )
    db.session.commit()
    return QueuePage(rows=rows, total=total, page=page, pages=pages, overdue=overdue)


def _page_query(
    staff: User, filters: QueueFilter, now: dt.datetime, page: int
) -> sa.Select[ServiceRequest]:
    """Select one page of the filtered queue with its people and department loaded.

    The page's ids are chosen first, so people and department are joined to its rows only,
    not to every row a later page's offset skips.
    """
    page_ids = (
        sa.select(ServiceRequest.id)
        .where(*_conditions(staff, filters, now))
        .order_by(*_order(filters.sort))
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return (
        sa.select(ServiceRequest)
        .options(
            joinedload(ServiceRequest.customer),
            joinedload(ServiceRequest.department),
            joinedload(ServiceRequest.assignee),
        )
        .where(ServiceRequest.id.in_(page_ids.scalar_subquery()))
        .order_by(*_order(filters.sort))
    )


def list_colleagues(staff: User) -> list[User]:
    """Return the active staff of the staff member's departments, themselves included."""
    department_ids = [d.id for d in staff.departments]
    query = (
        sa.select(User)
        .join(department_members, department_members.c.user_id == User.id)
        .where(
            department_members.c.department_id.in_(department_ids),
            User.is_staff.is_(True),
            User.is_active.is_(True),
        )
        .distinct()
        .order_by(User.first_name, User.last_name, User.id)
    )
    return list(db.session.scalars(query))


def list_departments_of(staff: User) -> list[Department]:
    """Return the departments whose queues the staff member works, by name."""
    return list(staff.departments)
