"""What a cart line costs now, and why a program in the cart can no longer be bought.

The cart compares today's price with the one the resident saw when adding the item, so a
price that changed while it sat in the cart is shown and accepted before paying, and a
program that closed is flagged on the cart rather than only refused at checkout.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from .models import CartItem
from .models import Product
from .models import Program
from .residency import Residency
from .residency import fee_for
from .rules import Window
from .rules import opens_notice
from .rules import window


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
