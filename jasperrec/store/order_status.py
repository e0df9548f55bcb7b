"""The order status machine: the one place an order's status changes, and its history."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db

from .errors import OrderTransitionError
from .models import Order
from .models import OrderStatus
from .models import OrderStatusChange

S = OrderStatus
# Where an order may go from each status. A paid order never expires or is cancelled
# (refunds are the ledger's business); an expired or cancelled order is paid only when the
# money arrives late and its spaces are still free, and is otherwise refunded.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.PENDING: frozenset({S.PAID, S.CANCELLED, S.EXPIRED}),
    S.EXPIRED: frozenset({S.PAID, S.REFUNDED_LATE}),
    S.CANCELLED: frozenset({S.PAID, S.REFUNDED_LATE}),
    S.PAID: frozenset(),
    S.REFUNDED_LATE: frozenset(),
}
# The statuses an order is closed in: its spaces and stock are released.
CLOSED = frozenset({S.CANCELLED, S.EXPIRED, S.REFUNDED_LATE})


def can_move(order: Order, to: OrderStatus) -> bool:
    """Tell whether the order may move to that status from where it stands."""
    return to in TRANSITIONS[order.status]


def move(order: Order, to: OrderStatus, reason: str, by: User | None = None) -> OrderStatusChange:
    """Change the order's status, recording from where, when, by whom (None: the payment
    processor or a task) and why. Flushes only; the calling service commits.

    :raises OrderTransitionError: the move is not allowed; nothing changes.
    """
    current = order.status
    if not can_move(order, to):
        raise OrderTransitionError(
            f"Order {order.reference} is {current.value}; it cannot become {to.value}."
        )
    now = utcnow()
    order.status = to
    order.closed_at = now if to in CLOSED else None
    return _record(order, current, to, reason, by, now)


def start(order: Order, status: OrderStatus, reason: str, by: User | None = None) -> None:
    """Record the status a new order is created in; only a new order may use this."""
    order.status = status
    _record(order, None, status, reason, by, utcnow())


def _record(
    order: Order,
    current: OrderStatus | None,
    to: OrderStatus,
    reason: str,
    by: User | None,
    now: dt.datetime,
) -> OrderStatusChange:
    change = OrderStatusChange(
        order=order, from_status=current, to_status=to, changed_by=by, reason=reason,
        changed_at=now,
    )  # fmt: skip
    db.session.add(change)
    db.session.flush()
    return change


def history(order: Order) -> list[OrderStatusChange]:
    """Return the order's status changes, oldest first."""
    query = (
        sa.select(OrderStatusChange)
        .where(OrderStatusChange.order_id == order.id)
        .order_by(OrderStatusChange.changed_at, OrderStatusChange.id)
    )
    return list(db.session.scalars(query))
