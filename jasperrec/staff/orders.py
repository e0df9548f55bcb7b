"""Orders as finance reads them: found by reference, name or date, and opened one at a time.

Finance sees whose order it is because it reconciles payments and answers billing
questions; every list and every order opened is in the audit log like any staff read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import User
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.store.models import Order
from jasperrec.store.models import OrderStatus

from . import audit
from .models import AccessKind
from .models import AccessPurpose

PAGE_SIZE = 50
SEARCH_MAX = 100
# "JR-000123", "jr-123", "#123" or "123": an order's reference as a resident reads it out.
_REFERENCE = re.compile(r"(?:jr-|#)?0*(\d{1,9})", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class OrderFilter:
    """What finance narrowed the list to; the defaults are every order, newest first."""

    text: str = ""
    status: OrderStatus | None = None
    # Local calendar days, both included.
    placed_from: dt.date | None = None
    placed_to: dt.date | None = None
    page: int = 1


@dataclasses.dataclass(frozen=True)
class OrderRow:
    """One order as the list shows it, copied before the audit entry commits."""

    id: int
    reference: str
    created_at: dt.datetime
    customer_id: int
    customer_name: str
    customer_email: str | None
    status: OrderStatus
    total_cents: int
    paid_at: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class OrderPage:
    """One page of the filtered orders, and where it sits among the others."""

    rows: list[OrderRow]
    total: int
    page: int
    pages: int


def _text(text: str) -> str:
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(printable.split())[:SEARCH_MAX]


def _local_midnight(day: dt.date) -> dt.datetime:
    zone = ZoneInfo(current_app.config["MUNICIPALITY_TIMEZONE"])
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)


def _conditions(filters: OrderFilter) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if filters.status is not None:
        where.append(Order.status == filters.status)
    if filters.placed_from is not None:
        where.append(Order.created_at >= _local_midnight(filters.placed_from))
    if filters.placed_to is not None:
        next_day = filters.placed_to + dt.timedelta(days=1)
        where.append(Order.created_at < _local_midnight(next_day))
    text = _text(filters.text)
    if text:
        where.append(_matches(text))
    return where


def _matches(text: str) -> sa.ColumnElement[bool]:
    """Orders whose reference is the text, or whose customer's name or email holds it."""
    customer = sa.select(User.id).where(
        sa.or_(
            User.email.icontains(text, autoescape=True),
            (User.first_name + " " + User.last_name).icontains(text, autoescape=True),
        )
    )
    found = Order.user_id.in_(customer)
    number = _REFERENCE.fullmatch(text)
    return sa.or_(found, Order.id == int(number[1])) if number else found


def list_orders(staff: User, filters: OrderFilter) -> OrderPage:
    """Return one page of the filtered orders, auditing the customers it names.

    A page past the last shows the last.
    """
    where = _conditions(filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Order).where(*where)) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    query = (
        sa.select(Order)
        .options(joinedload(Order.user))
        .where(*where)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = [_row(order) for order in db.session.scalars(query)]
    text = _text(filters.text)
    audit.record_listing(
        staff,
        AccessKind.ORDER,
        AccessPurpose.FINANCE,
        [r.customer_id for r in rows],
        record_type="order list",
        detail=f"page {page} of {pages}{f', searched for {text!r}' if text else ''}"[:255],
    )
    db.session.commit()
    return OrderPage(rows=rows, total=total, page=page, pages=pages)


def _row(order: Order) -> OrderRow:
    return OrderRow(
        id=order.id,
        reference=order.reference,
        created_at=order.created_at,
        customer_id=order.user_id,
        customer_name=order.user.full_name,
        customer_email=order.user.email,
        status=order.status,
        total_cents=order.total_cents,
        paid_at=order.paid_at,
    )


def open_order(staff: User, order_id: int) -> Order:
    """Return one order with its lines and customer, and audit that finance opened it.

    :raises NotFoundError:
    """
    query = (
        sa.select(Order)
        .options(joinedload(Order.user), selectinload(Order.lines))
        .where(Order.id == order_id)
    )
    order = db.session.scalars(query).first()
    if order is None:
        raise NotFoundError()
    audit.record_access(
        staff,
        order.user,
        AccessKind.ORDER,
        AccessPurpose.FINANCE,
        record_type="order",
        record_id=order.id,
    )
    db.session.commit()
    return order


def status_choices() -> Sequence[OrderStatus]:
    """The payment states an order can be filtered by, in the order they happen."""
    return list(OrderStatus)
