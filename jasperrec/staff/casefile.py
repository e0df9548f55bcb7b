"""The staff request page's reads: the request under need-to-know, audited once per page view,
with the customer's support history beside it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.helpdesk import replies
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import Resolution
from jasperrec.helpdesk.models import ServiceRequest
from jasperrec.store import tender
from jasperrec.store.models import Order
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus

# How many of each kind the page lists; the counts above each list cover them all.
EARLIER_REQUESTS_SHOWN = 20
RECENT_SHOWN = 5
# A resolution code as staff read it in a customer's history.
RESOLUTION_WORDS = {
    Resolution.FIXED: "fixed",
    Resolution.ANSWERED: "question answered",
    Resolution.NOT_OUR_JURISDICTION: "not our jurisdiction",
    Resolution.DUPLICATE: "duplicate of another request",
    Resolution.COULD_NOT_REPRODUCE: "could not reproduce the problem",
}


@dataclasses.dataclass(frozen=True)
class EarlierRequest:
    """One of the customer's other requests, with how it ended if it has."""

    id: int
    subject: str
    department_name: str
    status: RequestStatus
    created_at: dt.datetime
    closed_at: dt.datetime | None
    # Whether this staff member may open it; others are listed, not linked.
    in_scope: bool
    resolution: Resolution | None
    resolved_at: dt.datetime | None

    @property
    def outcome(self) -> str | None:
        """Say why it was resolved, in words, once it has been resolved or closed."""
        return RESOLUTION_WORDS[self.resolution] if self.resolution else None

    @property
    def ended_at(self) -> dt.datetime | None:
        """When it was closed, or resolved if not yet closed; None while it is open."""
        if self.status is RequestStatus.CLOSED:
            return self.closed_at
        return self.resolved_at if self.status is RequestStatus.RESOLVED else None


@dataclasses.dataclass(frozen=True)
class RecentRegistration:
    """A program the customer (or a household member) registered for."""

    program_name: str
    starts_on: dt.date
    participant: str
    status: RegistrationStatus


@dataclasses.dataclass(frozen=True)
class RecentOrder:
    """An order the customer placed, by the reference they would quote."""

    reference: str
    created_at: dt.datetime
    status: OrderStatus
    total_cents: int


@dataclasses.dataclass(frozen=True)
class CustomerHistory:
    """The customer's support history, a summary of their registrations and orders, and
    the credit and gift balance their household may spend."""

    requests: list[EarlierRequest]
    request_count: int
    open_request_count: int
    registrations: list[RecentRegistration]
    registration_counts: dict[RegistrationStatus, int]
    orders: list[RecentOrder]
    order_counts: dict[OrderStatus, int]
    paid_total_cents: int
    balance: tender.Spendable


@dataclasses.dataclass(frozen=True)
class RequestPage:
    """What the staff request page shows: the request and its customer's history."""

    service_request: ServiceRequest
    history: CustomerHistory


def open_request_page(staff: User, request_id: int, *, record_view: bool = True) -> RequestPage:
    """Show staff a request in their scope, open or closed, with the customer's history.

    One page view is one audit entry naming the request that justifies it, which covers
    the history shown with it; record_view=False only when the same page view was already
    recorded (the page shown again after one of its own forms).

    :raises NotFoundError: also for requests outside the scope, so none can be probed for.
    """
    service_request = replies.open_request_for_staff(staff, request_id, record_view=record_view)
    return RequestPage(service_request, customer_history(staff, service_request))


def customer_history(staff: User, service_request: ServiceRequest) -> CustomerHistory:
    """Read the customer's other requests, registrations, orders and balance in a fixed few
    queries; the balance goes with the orders, to whoever may open the request."""
    customer_id = service_request.customer_id
    others = sa.and_(
        ServiceRequest.customer_id == customer_id, ServiceRequest.id != service_request.id
    )
    counts = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(ServiceRequest.status != RequestStatus.CLOSED),
        ).where(others)
    ).one()
    order_counts, paid_total_cents = _order_summary(customer_id)
    return CustomerHistory(
        requests=_earlier_requests(staff, others),
        request_count=counts[0],
        open_request_count=counts[1],
        registrations=_recent_registrations(customer_id),
        registration_counts=_registration_counts(customer_id),
        orders=_recent_orders(customer_id),
        order_counts=order_counts,
        paid_total_cents=paid_total_cents,
        balance=tender.spendable(service_request.customer),
    )


def _earlier_requests(staff: User, others: sa.ColumnElement[bool]) -> list[EarlierRequest]:
    department_ids = {d.id for d in staff.departments}
    query = (
        sa.select(ServiceRequest)
        .options(joinedload(ServiceRequest.department))
        .where(others)
        .order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc())
        .limit(EARLIER_REQUESTS_SHOWN)
    )
    return [
        EarlierRequest(
            id=r.id,
            subject=r.subject,
            department_name=r.department.name,
            status=r.status,
            created_at=r.created_at,
            closed_at=r.closed_at,
            in_scope=r.department_id in department_ids or r.assignee_id == staff.id,
            resolution=r.resolution,
            resolved_at=r.resolved_at,
        )
        for r in db.session.scalars(query)
    ]


def _recent_registrations(customer_id: int) -> list[RecentRegistration]:
    query = (
        sa.select(Registration)
        .options(joinedload(Registration.program), joinedload(Registration.household_member))
        .where(Registration.user_id == customer_id)
        .order_by(Registration.created_at.desc(), Registration.id.desc())
        .limit(RECENT_SHOWN)
    )
    return [
        RecentRegistration(
            program_name=r.program.name,
            starts_on=r.program.starts_on,
            participant=r.household_member.first_name if r.household_member else "Themselves",
            status=r.status,
        )
        for r in db.session.scalars(query)
    ]


def _recent_orders(customer_id: int) -> list[RecentOrder]:
    query = (
        sa.select(Order)
        .where(Order.user_id == customer_id)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(RECENT_SHOWN)
    )
    return [
        RecentOrder(o.reference, o.created_at, o.status, o.total_cents)
        for o in db.session.scalars(query)
    ]


def _registration_counts(customer_id: int) -> dict[RegistrationStatus, int]:
    query = (
        sa.select(Registration.status, sa.func.count())
        .where(Registration.user_id == customer_id)
        .group_by(Registration.status)
    )
    return {status: count for status, count in db.session.execute(query)}


def _order_summary(customer_id: int) -> tuple[dict[OrderStatus, int], int]:
    """Count the orders by status, and add up what the paid ones cost."""
    query = (
        sa.select(Order.status, sa.func.count(), sa.func.sum(Order.total_cents))
        .where(Order.user_id == customer_id)
        .group_by(Order.status)
    )
    rows = db.session.execute(query).all()
    paid = sum(int(total or 0) for status, _, total in rows if status is OrderStatus.PAID)
    return {status: count for status, count, _ in rows}, paid
