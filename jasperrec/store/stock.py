"""Stock of merchandise: what is left, taken at checkout, and given back when an order closes.

Only products with a stock count are limited; passes and gift cards have none. Stock is
changed by conditional UPDATEs, so two checkouts at once can never take it below zero.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa

from jasperrec.extensions import db

from .errors import OutOfStockError
from .models import CartItem
from .models import OrderLine
from .models import Product


def stock_problem(product: Product, quantity: int) -> str | None:
    """Say why the quantity cannot be sold from what is left, or None when it can."""
    if product.stock is None or quantity <= product.stock:
        return None
    if product.stock == 0:
        return f"{product.name} is sold out."
    return f"Only {product.stock} of {product.name} {'is' if product.stock == 1 else 'are'} left."


def check_stock(product: Product, quantity: int) -> None:
    """Refuse a quantity larger than what is left.

    :raises OutOfStockError:
    """
    problem = stock_problem(product, quantity)
    if problem:
        raise OutOfStockError(problem)


def product_problem(item: CartItem, product: Product, today: dt.date) -> str | None:
    """Say why a product line cannot be checked out as it is, or None."""
    shortage = stock_problem(product, item.quantity)
    if shortage:
        return f"{shortage} Lower the quantity or remove it to check out."
    if item.starts_on is not None and item.starts_on < today:
        return "The start date you chose has passed. Remove it and add it again with a new date."
    return None


def _wanted(lines: Iterable[tuple[int | None, int]]) -> dict[int, int]:
    wanted: dict[int, int] = defaultdict(int)
    for product_id, quantity in lines:
        if product_id is not None:
            wanted[product_id] += quantity
    return wanted


def take_stock(items: Iterable[CartItem]) -> None:
    """Take the cart's stocked products off the shelf inside the checkout's transaction.

    Products are updated in id order, so two checkouts never wait on each other in a circle.

    :raises OutOfStockError: fewer are left than the cart holds; the caller rolls back.
    """
    wanted = _wanted((item.product_id, item.quantity) for item in items)
    for product_id in sorted(wanted):
        quantity = wanted[product_id]
        taken = db.session.execute(
            sa.update(Product)
            .where(Product.id == product_id, Product.stock >= quantity)
            .values(stock=Product.stock - quantity)
            .execution_options(synchronize_session=False)
        )
        product = db.session.get_one(Product, product_id)
        db.session.refresh(product)
        if taken.rowcount == 0 and product.stock is not None:  # type: ignore[attr-defined]
            raise OutOfStockError(stock_problem(product, quantity) or f"{product.name} ran out.")


def give_back(lines: Iterable[OrderLine]) -> None:
    """Put the stocked products of an order that closed unpaid back on the shelf."""
    _put_back(_wanted((line.product_id, line.quantity) for line in lines))


def take_late(lines: Iterable[OrderLine]) -> bool:
    """Take back the stock of an order paid after it closed, all of it or none.

    Returns False, with nothing taken, when any product has fewer left than the order
    holds: the order is then refunded, and stock never goes below zero.
    """
    wanted = _wanted((line.product_id, line.quantity) for line in lines)
    taken: list[int] = []
    for product_id in sorted(wanted):
        result = db.session.execute(
            sa.update(Product)
            .where(
                Product.id == product_id,
                sa.or_(Product.stock.is_(None), Product.stock >= wanted[product_id]),
            )
            .values(stock=Product.stock - wanted[product_id])
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            _put_back({p: wanted[p] for p in taken})
            return False
        taken.append(product_id)
    return True


def _put_back(wanted: dict[int, int]) -> None:
    for product_id in sorted(wanted):
        db.session.execute(
            sa.update(Product)
            .where(Product.id == product_id, Product.stock.is_not(None))
            .values(stock=Product.stock + wanted[product_id])
            .execution_options(synchronize_session=False)
        )
