"""What a cart line costs now, and why a program in the cart can no longer be bought.

The cart compares today's price with the one the resident saw when adding the item, so a
price that changed while it sat in the cart is shown and accepted before paying, and a
program that closed is flagged on the cart rather than only refused at checkout.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db

from . import stock
from .models import CartItem
from .models import Product
from .models import Program
from .residency import Residency
from .residency import fee_for
from .residency import residency_of
from .rules import Window
from .rules import opens_notice
from .rules import window
from .service import cart_items
from .service import gst_on
from .service import local_today
from .service import participant_name


@dataclasses.dataclass(frozen=True)
class CartLine:
    """One cart item priced for display and checkout."""

    item: CartItem
    description: str
    participant_name: str | None
    unit_price_cents: int
    quantity: int
    gst_cents: int
    # The price shown when it was added, when it differs from today's.
    previous_price_cents: int | None = None
    closed_reason: str | None = None

    @property
    def subtotal_cents(self) -> int:
        """The line's price before tax."""
        return self.unit_price_cents * self.quantity


@dataclasses.dataclass(frozen=True)
class Cart:
    """A resident's cart with its totals, and which program fee the household pays."""

    lines: list[CartLine]
    residency: Residency = Residency.RESIDENT

    @property
    def non_resident_fee_applies(self) -> bool:
        """Tell whether a program in the cart is priced at its non-resident fee."""
        return self.residency is not Residency.RESIDENT and any(
            line.item.program is not None and line.item.program.non_resident_price_cents is not None
            for line in self.lines
        )

    @property
    def has_price_changes(self) -> bool:
        """Tell whether a price changed since the resident last saw it."""
        return any(line.previous_price_cents is not None for line in self.lines)

    @property
    def closed_lines(self) -> list[CartLine]:
        """The lines whose program can no longer be bought."""
        return [line for line in self.lines if line.closed_reason]

    @property
    def subtotal_cents(self) -> int:
        """The cart's price before tax."""
        return sum(line.subtotal_cents for line in self.lines)

    @property
    def gst_cents(self) -> int:
        """The GST owed on the cart."""
        return sum(line.gst_cents for line in self.lines)

    @property
    def total_cents(self) -> int:
        """What the resident pays."""
        return self.subtotal_cents + self.gst_cents


def current_price(source: Program | Product, residency: Residency) -> int:
    """The unit price in cents today: a program at the household's fee, a product as listed."""
    return fee_for(source, residency) if isinstance(source, Program) else source.price_cents


def closed_reason(program: Program, now: dt.datetime) -> str | None:
    """Say why the program can no longer be bought, or None while registration is open."""
    if program.is_cancelled:
        return "This program has been cancelled. Remove it to check out."
    if not program.is_published:
        return "This program is no longer offered. Remove it to check out."
    state = window(program, now)
    if state is Window.NOT_YET:
        return f"{opens_notice(program)} Remove it to check out now."
    if state is Window.CLOSED:
        return "Registration has closed. Remove it to check out."
    return None


def price_cart(user: User) -> Cart:
    """Return the resident's cart, priced line by line with GST, programs at the household's fee.

    Each line says whether its price changed since it was added, and whether its program
    closed since.
    """
    residency, now = residency_of(user), utcnow()
    lines = []
    for item in cart_items(user):
        source = _source(item)
        unit = current_price(source, residency)
        who = participant_name(user, item.household_member) if _is_named(item) else None
        gst = gst_on(unit * item.quantity) if source.is_taxable else 0
        seen = item.unit_price_seen_cents
        previous = seen if seen is not None and seen != unit else None
        closed = _line_problem(item, now)
        lines.append(CartLine(item, source.name, who, unit, item.quantity, gst, previous, closed))
    return Cart(lines, residency)


def _is_named(item: CartItem) -> bool:
    """Tell whether the line is for one named person: a program, pass or membership."""
    return item.program is not None or (
        item.product is not None and item.product.kind.is_entitlement
    )


def _line_problem(item: CartItem, now: dt.datetime) -> str | None:
    """Say why a line cannot be checked out as it is, or None."""
    if item.program is not None:
        return closed_reason(item.program, now)
    if item.product is not None:
        return stock.product_problem(item, item.product, local_today())
    return None


def accept_prices(user: User) -> None:
    """Take today's prices as the ones the resident agreed to for everything in the cart."""
    residency = residency_of(user)
    for item in cart_items(user):
        item.unit_price_seen_cents = current_price(_source(item), residency)
    db.session.commit()


def _source(item: CartItem) -> Program | Product:
    source = item.program if item.program is not None else item.product
    if source is None:
        raise ValueError(f"cart item {item.id} names neither a program nor a product")
    return source
