"""One gift card code entered by several households at once, and a redemption racing the
refund that would cancel it, on separate connections.

Like test_refund_race.py, it commits for real and deletes what it made afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import Role
from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.store import giftcards
from jasperrec.store import ledger
from jasperrec.store import reconcile
from jasperrec.store import refunds
from jasperrec.store.models import GiftCard
from jasperrec.store.models import LedgerAccount
from jasperrec.store.models import LedgerEntry
from jasperrec.store.models import Order
from jasperrec.store.models import OrderLine
from jasperrec.store.models import OrderStatusChange
from jasperrec.store.models import Product
from jasperrec.store.models import Refund
from jasperrec.store.models import RefundDestination
from tests import factories
from tests.races import delete_committed
from tests.races import run_all_at_once
from tests.races import run_at_once
from tests.store.gift_cards import buy
from tests.store.gift_cards import codes_in

EMAILS = "gift-racer%@example.ca"


@pytest.fixture
def cleanup(app: Flask) -> Iterator[None]:
    yield
    db.session.remove()
    users = sa.select(User.id).where(User.email.like(EMAILS))
    orders = sa.select(Order.id).where(Order.user_id.in_(users))
    products = sa.select(OrderLine.product_id).where(OrderLine.order_id.in_(orders))
    product_ids = list(db.session.scalars(products))
    delete_committed(
        sa.delete(LedgerEntry).where(LedgerEntry.user_id.in_(users)),
        sa.delete(GiftCard).where(GiftCard.order_id.in_(orders)),
        sa.delete(Refund).where(Refund.order_id.in_(orders)),
        sa.delete(OrderStatusChange).where(OrderStatusChange.order_id.in_(orders)),
        sa.delete(OrderLine).where(OrderLine.order_id.in_(orders)),
        sa.delete(Order).where(Order.id.in_(orders)),
        sa.delete(Product).where(Product.id.in_(product_ids)),
        sa.delete(User).where(User.email.like(EMAILS)),
    )


def _bought(outbox: list[EmailMessage]) -> tuple[int, str]:
    buyer = factories.UserFactory(email="gift-racer-buyer@example.ca")
    order = buy(buyer)
    order.payment_intent_id = "pi_gift_race"
    db.session.commit()
    [code] = codes_in(outbox[-1])
    return order.id, code


@pytest.mark.commits
def test_one_code_entered_by_eight_households_at_once_redeems_once(
    app: Flask, cleanup: None, outbox: list[EmailMessage]
) -> None:
    _, code = _bought(outbox)
    ids = [factories.UserFactory(email=f"gift-racer{n}@example.ca").id for n in range(8)]
    db.session.commit()
    db.session.remove()

    def redeem(user_id: int) -> str:
        giftcards.redeem(db.session.get(User, user_id), code)
        return "redeemed"

    outcomes = run_at_once(app, redeem, [(i,) for i in ids])

    assert sorted(outcomes) == ["GiftCardRedeemedError"] * 7 + ["redeemed"]
    gifts = [ledger.balance(db.session.get(User, i), LedgerAccount.GIFT) for i in ids]
    assert sorted(gifts) == [0] * 7 + [2_500]
    assert reconcile.find_discrepancies() == []


@pytest.mark.commits
def test_a_redemption_racing_the_refund_of_its_card_lets_exactly_one_win(
    app: Flask, cleanup: None, outbox: list[EmailMessage], fake_gateway: Any
) -> None:
    order_id, code = _bought(outbox)
    friend_id = factories.UserFactory(email="gift-racer-friend@example.ca").id
    staff_id = factories.StaffFactory(email="gift-racer-staff@example.ca", roles=[Role.FINANCE]).id
    line_id = db.session.get(Order, order_id).lines[0].id
    db.session.commit()
    db.session.remove()

    def redeem() -> str:
        giftcards.redeem(db.session.get(User, friend_id), code)
        return "redeemed"

    def refund() -> str:
        request = refunds.RefundRequest(line_id, 2_500, RefundDestination.CREDIT, "Mistake")
        refunds.refund_line(db.session.get(User, staff_id), request, fake_gateway)
        return "refunded"

    outcomes = run_all_at_once(app, [redeem, refund])

    assert sorted(outcomes) in (
        ["GiftCardCancelledError", "refunded"],
        ["RefundError", "redeemed"],
    )
    [card] = db.session.scalars(sa.select(GiftCard).where(GiftCard.order_id == order_id)).all()
    assert card.is_redeemed != card.is_voided
    assert reconcile.find_discrepancies() == []
