"""Two orders of one household spending its credit at once, on separate connections.

Like test_refund_race.py, it commits for real and deletes what it made afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.store import ledger
from jasperrec.store import tender
from jasperrec.store.models import LedgerAccount
from jasperrec.store.models import LedgerEntry
from jasperrec.store.models import LedgerKind
from jasperrec.store.models import Order
from jasperrec.store.models import OrderLine
from jasperrec.store.models import OrderStatusChange
from tests import factories
from tests.races import delete_committed
from tests.races import run_at_once

EMAIL = "tender-racer@example.ca"


@pytest.fixture
def cleanup(app: Flask) -> Iterator[None]:
    yield
    users = sa.select(User.id).where(User.email == EMAIL)
    orders = sa.select(Order.id).where(Order.user_id.in_(users))
    delete_committed(
        sa.delete(LedgerEntry).where(LedgerEntry.user_id.in_(users)),
        sa.delete(OrderStatusChange).where(OrderStatusChange.order_id.in_(orders)),
        sa.delete(OrderLine).where(OrderLine.order_id.in_(orders)),
        sa.delete(Order).where(Order.id.in_(orders)),
        sa.delete(User).where(User.email == EMAIL),
    )


@pytest.mark.commits
def test_two_orders_spending_one_credit_at_once_never_spend_it_twice(
    app: Flask, cleanup: None
) -> None:
    household = factories.UserFactory(email=EMAIL)
    ledger.add_entry(
        household, None, LedgerKind.CREDIT_ISSUED, LedgerAccount.CREDIT, 6_000,
        currency="CAD", reason="test",
    )  # fmt: skip
    orders = [factories.OrderFactory(user=household, total_cents=5_000) for _ in range(2)]
    db.session.commit()
    ids, user_id = [o.id for o in orders], household.id
    db.session.remove()

    def spend(order_id: int) -> int:
        spent = tender.apply_balance(db.session.get_one(Order, order_id))
        db.session.commit()
        return spent

    spent = run_at_once(app, spend, [(i,) for i in ids])

    assert sorted(spent) == [1_000, 5_000]
    household = db.session.get_one(User, user_id)
    assert ledger.balance(household, LedgerAccount.CREDIT) == 0
