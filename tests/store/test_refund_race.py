"""Two staff (or one double click) refunding the same line at once, on separate connections.

Like test_concurrency.py, it commits for real and deletes what it made afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.store import ledger
from jasperrec.store import reconcile
from jasperrec.store import refunds
from jasperrec.store.models import LedgerEntry
from jasperrec.store.models import Order
from jasperrec.store.models import OrderLine
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import Refund
from jasperrec.store.models import RefundDestination
from tests import factories
from tests.races import delete_committed
from tests.races import run_at_once

EMAILS = "refund-racer%@example.ca"


class SlowGateway:
    """The fake gateway, taking as long as Stripe to make a refund."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def refund(self, *args: Any) -> Any:
        time.sleep(0.3)
        return self.inner.refund(*args)


@pytest.fixture
def cleanup(app: Flask) -> Iterator[None]:
    yield
    users = sa.select(User.id).where(User.email.like(EMAILS))
    orders = sa.select(Order.id).where(Order.user_id.in_(users))
    delete_committed(
        sa.delete(LedgerEntry).where(LedgerEntry.order_id.in_(orders)),
        sa.delete(Refund).where(Refund.order_id.in_(orders)),
        sa.delete(OrderLine).where(OrderLine.order_id.in_(orders)),
        sa.delete(Order).where(Order.id.in_(orders)),
        sa.delete(User).where(User.email.like(EMAILS)),
    )


@pytest.mark.commits
@pytest.mark.parametrize("destination", list(RefundDestination))
def test_two_refunds_of_the_whole_line_at_once_refund_it_once(
    app: Flask, cleanup: None, fake_gateway: Any, destination: RefundDestination
) -> None:
    staff = [factories.UserFactory(email=f"refund-racer{n}@example.ca") for n in range(2)]
    order = factories.OrderFactory(
        user=staff[0], status=OrderStatus.PAID, payment_intent_id="pi_race"
    )
    db.session.commit()
    ids = [s.id for s in staff]
    line_id, order_id = order.lines[0].id, order.id
    db.session.remove()

    def refund(user_id: int) -> str:
        request = refunds.RefundRequest(line_id, 6_825, destination, "Withdrew")
        actor = db.session.get(User, user_id)
        refunds.refund_line(actor, request, SlowGateway(fake_gateway))
        return "refunded"

    outcomes = run_at_once(app, refund, [(i,) for i in ids])

    assert sorted(outcomes) == ["RefundTooLargeError", "refunded"]
    assert len([c for c in fake_gateway.calls if c.method == "refund"]) == (
        1 if destination is RefundDestination.CARD else 0
    )
    order = db.session.get(Order, order_id)
    assert ledger.net_paid(order) == 0
    assert reconcile.find_discrepancies() == []
