"""The household's year-end statement: every payment of one local year, for taxes and budgets.

Parents claim children's activity costs and keep household accounts; the statement lists
each paid order with what it bought, for whom, the GST and the total, and sums the year.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import User
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db

from .models import Order
from .models import OrderLine
from .models import OrderStatus

# Cells a spreadsheet would run as a formula get a leading quote (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclasses.dataclass(frozen=True)
class StatementLine:
    """One item paid for in the year."""

    paid_at: dt.datetime
    order_id: int
    order_reference: str
    description: str
    participant: str | None
    quantity: int
    amount_cents: int
    gst_cents: int


@dataclasses.dataclass(frozen=True)
class Statement:
    """A year of the household's payments, line by line, with its totals."""

    year: int
    holder: str
    lines: list[StatementLine]

    @property
    def subtotal_cents(self) -> int:
        """What the year's items cost before GST."""
        return sum(line.amount_cents for line in self.lines)

    @property
    def gst_cents(self) -> int:
        """The GST paid in the year."""
        return sum(line.gst_cents for line in self.lines)

    @property
    def total_cents(self) -> int:
        """Everything paid in the year."""
        return self.subtotal_cents + self.gst_cents


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["MUNICIPALITY_TIMEZONE"])


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = _zone()
    start = dt.datetime(year, 1, 1, tzinfo=zone)
    return start.astimezone(dt.UTC), dt.datetime(year + 1, 1, 1, tzinfo=zone).astimezone(dt.UTC)


def statement_years(user: User) -> list[int]:
    """The local years in which the household paid for something, newest first."""
    paid = sa.select(Order.paid_at).where(
        Order.user_id == user.id, Order.status == OrderStatus.PAID, Order.paid_at.is_not(None)
    )
    zone = _zone()
    years = {moment.astimezone(zone).year for moment in db.session.scalars(paid) if moment}
    return sorted(years, reverse=True)


def build_statement(user: User, year: int) -> Statement:
    """Return the year's paid orders, line by line, oldest first.

    :raises NotFoundError: a year outside what a statement can cover.
    """
    if not 2000 <= year <= 2999:
        raise NotFoundError(year)
    start, end = _year_bounds(year)
    query = (
        sa.select(Order)
        .options(selectinload(Order.lines))
        .where(
            Order.user_id == user.id,
            Order.status == OrderStatus.PAID,
            Order.paid_at >= start,
            Order.paid_at < end,
        )
        .order_by(Order.paid_at, Order.id)
    )
    lines = [_line(order, line) for order in db.session.scalars(query) for line in order.lines]
    return Statement(year=year, holder=user.full_name, lines=lines)


def _line(order: Order, line: OrderLine) -> StatementLine:
    assert order.paid_at is not None  # noqa: S101 - the query keeps paid orders only
    return StatementLine(
        paid_at=order.paid_at,
        order_id=order.id,
        order_reference=order.reference,
        description=line.description,
        participant=line.participant_name,
        quantity=line.quantity,
        amount_cents=line.subtotal_cents,
        gst_cents=line.gst_cents,
    )


def statement_csv(statement: Statement) -> str:
    """The statement as a spreadsheet: one row a line, dollars with two decimals, a total."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Date paid", "Order", "Item", "For", "Quantity", "Amount", "GST", "Total"])
    zone = _zone()
    for line in statement.lines:
        writer.writerow(
            [
                line.paid_at.astimezone(zone).date().isoformat(),
                line.order_reference,
                _cell(line.description),
                _cell(line.participant or ""),
                line.quantity,
                _dollars(line.amount_cents),
                _dollars(line.gst_cents),
                _dollars(line.amount_cents + line.gst_cents),
            ]
        )
    writer.writerow(
        [
            "",
            "",
            f"Total for {statement.year}",
            "",
            "",
            _dollars(statement.subtotal_cents),
            _dollars(statement.gst_cents),
            _dollars(statement.total_cents),
        ]
    )
    return out.getvalue()


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _dollars(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"
