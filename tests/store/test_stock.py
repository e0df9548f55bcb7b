"""Merchandise stock: taken at checkout, never below zero, given back when an order closes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from jasperrec.extensions import db
from jasperrec.store import checkout
from jasperrec.store import prices
from jasperrec.store import service
from jasperrec.store import settlement
from jasperrec.store.errors import OutOfStockError
from jasperrec.store.models import CartItem
from jasperrec.store.models import Order
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import Product
from tests import factories

URL = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"


def _stock(product):
    return db.session.scalar(sa.select(Product.stock).where(Product.id == product.id))


def _bottle(stock=5):
    return factories.ProductFactory(merchandise=True, name="Water bottle", stock=stock)


def test_checkout_takes_the_stock(user, fake_gateway):
    bottle = _bottle(5)
    service.add_product_to_cart(user, bottle.slug, 3)

    checkout.check_out(user, fake_gateway, URL, URL)

    assert _stock(bottle) == 2


def test_the_cart_cannot_hold_more_than_is_left(user):
    bottle = _bottle(2)
    with pytest.raises(OutOfStockError, match="Only 2 of Water bottle are left"):
        service.add_product_to_cart(user, bottle.slug, 3)
    item = service.add_product_to_cart(user, bottle.slug, 2)
    with pytest.raises(OutOfStockError):
        service.update_quantity(user, item.id, 3)
    assert item.quantity == 2


def test_a_sold_out_product_says_so(user):
    with pytest.raises(OutOfStockError, match="Water bottle is sold out"):
        service.add_product_to_cart(user, _bottle(0).slug, 1)


def test_stock_that_ran_out_while_in_the_cart_is_flagged_and_refused_at_checkout(
    user, fake_gateway
):
    bottle = _bottle(3)
    service.add_product_to_cart(user, bottle.slug, 3)
    bottle.stock = 1
    db.session.commit()

    (line,) = prices.price_cart(user).lines
    assert line.closed_reason == (
        "Only 1 of Water bottle is left. Lower the quantity or remove it to check out."
    )
    with pytest.raises(OutOfStockError):
        checkout.check_out(user, fake_gateway, URL, URL)
    assert _stock(bottle) == 1
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(CartItem.id))) == 1


def test_the_cart_page_shows_the_shortage(client, user, log_in):
    bottle = _bottle(3)
    service.add_product_to_cart(user, bottle.slug, 3)
    bottle.stock = 0
    db.session.commit()
    log_in(user)

    page = client.get("/store/cart").get_data(as_text=True)

    assert "Water bottle is sold out. Lower the quantity or remove it" in page


def test_an_expired_order_gives_its_stock_back(user, fake_gateway):
    bottle = _bottle(5)
    service.add_product_to_cart(user, bottle.slug, 3)
    order = checkout.check_out(user, fake_gateway, URL, URL).order

    settlement.expire_checkout(order.checkout_session_id)
    settlement.expire_checkout(order.checkout_session_id)

    assert _stock(bottle) == 5


def test_a_cancelled_order_gives_its_stock_back(user, fake_gateway):
    bottle = _bottle(5)
    service.add_product_to_cart(user, bottle.slug, 2)
    order = checkout.check_out(user, fake_gateway, URL, URL).order

    checkout.cancel_checkout(user, fake_gateway, order.checkout_session_id)

    assert _stock(bottle) == 5
    assert [i.quantity for i in db.session.scalars(sa.select(CartItem))] == [2]


def test_a_paid_order_keeps_its_stock_taken(user, fake_gateway):
    bottle = _bottle(5)
    service.add_product_to_cart(user, bottle.slug, 2)
    order = checkout.check_out(user, fake_gateway, URL, URL).order

    settlement.record_payment(order.checkout_session_id, "pi_1", order.total_cents)
    settlement.expire_checkout(order.checkout_session_id)

    assert _stock(bottle) == 3


def test_a_late_payment_for_stock_sold_meanwhile_takes_none_and_is_refunded(user, fake_gateway):
    bottle = _bottle(3)
    service.add_product_to_cart(user, bottle.slug, 3)
    order = checkout.check_out(user, fake_gateway, URL, URL).order
    settlement.expire_checkout(order.checkout_session_id)
    bottle.stock = 1  # another resident bought two meanwhile
    db.session.commit()

    settlement.record_payment(order.checkout_session_id, "pi_1", order.total_cents)

    assert _stock(bottle) == 1
    assert order.status is OrderStatus.REFUNDED_LATE


def test_unstocked_products_sell_without_limit(user, fake_gateway):
    product = factories.ProductFactory(merchandise=True)
    service.add_product_to_cart(user, product.slug, 10)
    checkout.check_out(user, fake_gateway, URL, URL)
    assert _stock(product) is None


def test_the_database_refuses_stock_below_zero():
    bottle = _bottle(1)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(Product).where(Product.id == bottle.id).values(stock=-1))
