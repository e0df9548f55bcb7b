"""The order status machine: every (from, to) pair, the history it keeps, and no bypass."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

import jasperrec
from jasperrec.extensions import db
from jasperrec.store import order_status
from jasperrec.store.errors import OrderTransitionError
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import OrderStatusChange
from tests import factories

S = OrderStatus
ALLOWED = {
    (S.PENDING, S.PAID),
    (S.PENDING, S.CANCELLED),
    (S.PENDING, S.EXPIRED),
    (S.EXPIRED, S.PAID),
    (S.EXPIRED, S.REFUNDED_LATE),
    (S.CANCELLED, S.PAID),
    (S.CANCELLED, S.REFUNDED_LATE),
}
PAIRS = list(itertools.product(OrderStatus, repeat=2))


def _changes() -> list[OrderStatusChange]:
    return list(db.session.scalars(sa.select(OrderStatusChange)))


def test_the_table_is_the_one_the_tests_walk() -> None:
    table = {(a, b) for a, targets in order_status.TRANSITIONS.items() for b in targets}
    assert table == ALLOWED
    assert set(order_status.TRANSITIONS) == set(OrderStatus)


@pytest.mark.unreconciled
@pytest.mark.parametrize(("start", "to"), [p for p in PAIRS if p in ALLOWED])
def test_an_allowed_move_changes_the_status_and_records_who_when_and_why(start, to) -> None:
    staff = factories.StaffFactory()
    order = factories.OrderFactory(status=start)

    change = order_status.move(order, to, "because a test said so", staff)

    assert order.status is to
    assert (order.closed_at is not None) == (to in order_status.CLOSED)
    assert _changes() == [change]
    assert (change.order_id, change.from_status, change.to_status) == (order.id, start, to)
    assert (change.changed_by_id, change.reason) == (staff.id, "because a test said so")
    assert change.changed_at is not None


# Orders made straight into a status have none of the ledger rows a real one would.
@pytest.mark.unreconciled
@pytest.mark.parametrize(("start", "to"), [p for p in PAIRS if p not in ALLOWED])
def test_a_move_not_in_the_table_raises_and_changes_nothing(start, to) -> None:
    order = factories.OrderFactory(status=start)
    closed_at = order.closed_at

    with pytest.raises(OrderTransitionError, match=f"is {start.value}; it cannot become"):
        order_status.move(order, to, "not allowed")

    assert (order.status, order.closed_at) == (start, closed_at)
    assert _changes() == []


@pytest.mark.unreconciled
def test_a_paid_order_cannot_be_expired_and_an_expired_one_is_never_paid_silently() -> None:
    assert not order_status.can_move(factories.OrderFactory(status=S.PAID), S.EXPIRED)
    expired = factories.OrderFactory(status=S.EXPIRED)
    change = order_status.move(expired, S.PAID, "paid late; a space was free")
    assert change.from_status is S.EXPIRED
    assert order_status.history(expired) == [change]


def test_the_processor_or_a_task_moves_an_order_as_nobody() -> None:
    order = factories.OrderFactory()
    assert order_status.move(order, S.EXPIRED, "the hold lapsed").changed_by_id is None


# Matches `something.status = ...` where something names an order.
ASSIGNMENT = re.compile(r"\b\w*order\w*\.status\s*=[^=]", re.IGNORECASE)


def test_no_module_but_the_status_machine_assigns_an_order_status() -> None:
    root = Path(jasperrec.__file__).parent
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        if path.name != "order_status.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ASSIGNMENT.search(line)
    ]
    assert offenders == []
