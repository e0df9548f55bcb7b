"""Where an order's status history is kept: checkout, the desk, and the data download."""

from __future__ import annotations

from typing import Any

import pytest

from jasperrec.store import desk_orders
from jasperrec.store import order_status
from jasperrec.store.desk_orders import DeskSale
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import PaymentMethod
from jasperrec.store.personal_data import StoreData
from tests import factories


def test_a_desk_order_starts_paid_and_says_who_took_it(user: Any) -> None:
    staff = factories.StaffFactory()
    program = factories.ProgramFactory(capacity=3, min_age=None, max_age=None)
    sale = DeskSale(program.id, user.id, None, PaymentMethod.CASH)

    order = desk_orders.place_desk_order(staff, sale)

    [change] = order_status.history(order)
    assert (change.from_status, change.to_status) == (None, OrderStatus.PAID)
    assert (change.changed_by_id, change.reason) == (staff.id, "paid at the desk: cash")


@pytest.mark.unreconciled
def test_the_data_download_tells_how_each_order_changed(user: Any) -> None:
    order = factories.OrderFactory(user=user)
    order_status.move(order, OrderStatus.EXPIRED, "the hold lapsed unpaid")
    order_status.move(order, OrderStatus.PAID, "paid after the hold lapsed")

    [kind] = [k for k in StoreData().export(user) if k.key == "order_status_changes"]

    assert [(r["order_reference"], r["from"], r["to"], r["why"]) for r in kind.rows] == [
        (order.reference, "awaiting payment", "expired", "the hold lapsed unpaid"),
        (order.reference, "expired", "paid", "paid after the hold lapsed"),
    ]
    assert "refunded" in kind.purpose
