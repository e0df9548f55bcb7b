"""Two residents checking out the last water bottle at the same moment, on separate
connections: one gets it, the other is told it is sold out, and stock never goes below zero.

Like test_concurrency.py, it commits for real and deletes what it made afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.store.models import CartItem
from jasperrec.store.models import LedgerEntry
from jasperrec.store.models import Order
from jasperrec.store.models import OrderLine
from jasperrec.store.models import Product
from tests import factories
from tests.races import delete_committed
from tests.store.test_concurrency import _race

SLUG = "race-for-the-last-bottle"


@pytest.fixture
def cleanup(app: Flask) -> Iterator[None]:
    yield
    users = sa.select(User.id).where(User.email.like("bottle-racer%@example.ca"))
    orders = sa.select(Order.id).where(Order.user_id.in_(users))
    delete_committed(
        sa.delete(LedgerEntry).where(LedgerEntry.order_id.in_(orders)),
        sa.delete(OrderLine).where(OrderLine.order_id.in_(orders)),
        sa.delete(Order).where(Order.id.in_(orders)),
        sa.delete(CartItem).where(CartItem.user_id.in_(users)),
        sa.delete(Product).where(Product.slug == SLUG),
        sa.delete(User).where(User.email.like("bottle-racer%@example.ca")),
    )


@pytest.mark.commits
def test_two_checkouts_at_once_cannot_both_take_the_last_one(app, cleanup, fake_gateway):
    bottle = factories.ProductFactory(merchandise=True, slug=SLUG, stock=1)
    racers = [factories.UserFactory(email=f"bottle-racer{n}@example.ca") for n in range(2)]
    for racer in racers:
        db.session.add(CartItem(user_id=racer.id, product=bottle, quantity=1))
    db.session.commit()
    ids = [racer.id for racer in racers]
    db.session.remove()

    outcomes = _race(app, fake_gateway, ids)

    assert outcomes == ["OutOfStockError", "placed"]
    assert db.session.scalar(sa.select(Product.stock).where(Product.slug == SLUG)) == 0
