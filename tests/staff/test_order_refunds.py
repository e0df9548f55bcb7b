"""Finance refunds an order line from the console's order page, overriding the policy."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.store import ledger
from jasperrec.store.models import LedgerAccount
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import Refund
from jasperrec.store.models import RefundStatus
from tests import factories


def paid_order() -> Any:
    return factories.OrderFactory(status=OrderStatus.PAID, payment_intent_id="pi_staff")


def test_finance_refunds_a_line_to_credit_with_a_reason(
    client: FlaskClient, staff_log_in: Any, make_staff: Any
) -> None:
    finance = make_staff(Role.FINANCE)
    staff_log_in(finance)
    order = paid_order()
    page = client.get(f"/staff/orders/{order.id}").text
    assert "Refund a line" in page

    response = client.post(
        f"/staff/orders/{order.id}/refunds",
        data={
            "line": str(order.lines[0].id),
            "amount": "68.25",
            "destination": "household credit",
            "reason": "Pool closed that week",
        },
        follow_redirects=True,
    )

    assert "Refunded $68.25 (household credit)." in response.text
    assert "Pool closed that week" in response.text
    [refund] = db.session.scalars(sa.select(Refund)).all()
    assert refund.status is RefundStatus.SUCCEEDED
    assert refund.requested_by_id == finance.id
    assert ledger.balance(order.user, LedgerAccount.CREDIT) == 6_825


def test_refunding_more_than_is_left_is_refused_with_the_reason(
    client: FlaskClient, staff_log_in: Any, make_staff: Any
) -> None:
    staff_log_in(make_staff(Role.FINANCE))
    order = paid_order()
    data = {
        "line": str(order.lines[0].id),
        "amount": "70.00",
        "destination": "card",
        "reason": "Goodwill",
    }
    response = client.post(f"/staff/orders/{order.id}/refunds", data=data, follow_redirects=True)
    assert "Only $68.25 of Adult 30-day pass is left to refund" in response.text
    assert db.session.scalars(sa.select(Refund)).all() == []


def test_a_refund_without_a_reason_is_refused(
    client: FlaskClient, staff_log_in: Any, make_staff: Any
) -> None:
    staff_log_in(make_staff(Role.FINANCE))
    order = paid_order()
    data = {"line": str(order.lines[0].id), "amount": "5.00", "destination": "card"}
    response = client.post(f"/staff/orders/{order.id}/refunds", data=data, follow_redirects=True)
    assert "say why" in response.text
    assert db.session.scalars(sa.select(Refund)).all() == []


def test_a_missing_order_is_not_found(
    client: FlaskClient, staff_log_in: Any, make_staff: Any
) -> None:
    staff_log_in(make_staff(Role.FINANCE))
    assert client.post("/staff/orders/999999/refunds", data={}).status_code == 404
