"""Helpers for the gift card tests: orders of gift cards, paid through the processor's event."""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

from jasperrec.extensions import db
from jasperrec.store import settlement
from jasperrec.store.models import Order
from jasperrec.store.models import OrderLine
from jasperrec.store.models import ProductKind
from tests import factories

# A code as printed: four groups of four from the unambiguous alphabet.
GROUP = "[2-9A-HJKMNP-Z]{4}"
PRINTED = re.compile(rf"\b{GROUP}-{GROUP}-{GROUP}-{GROUP}\b")


def gift_card_product(price_cents: int = 2_500) -> Any:
    """A gift card on sale, untaxed as the products page makes it."""
    return factories.ProductFactory(
        kind=ProductKind.GIFT_CARD,
        name=f"${price_cents // 100} gift card",
        price_cents=price_cents,
        valid_days=None,
        is_taxable=False,
    )


def gift_card_order(user: Any, quantity: int = 1, price_cents: int = 2_500) -> Order:
    """A pending order of gift cards, as checkout leaves it."""
    product = gift_card_product(price_cents)
    total = quantity * price_cents
    line = OrderLine(
        product=product,
        description=product.name,
        quantity=quantity,
        unit_price_cents=price_cents,
        gst_cents=0,
    )
    order: Order = factories.OrderFactory(
        user=user, subtotal_cents=total, gst_cents=0, total_cents=total, lines=[line]
    )
    db.session.flush()
    return order


def buy(user: Any, quantity: int = 1, price_cents: int = 2_500) -> Order:
    """Gift cards bought and paid online: the receipt email carries their codes."""
    order = gift_card_order(user, quantity, price_cents)
    settlement.record_payment(order.checkout_session_id, "pi_gift", order.total_cents)
    return order


def codes_in(message: EmailMessage) -> list[str]:
    """The printed codes in an email's plain-text part, in order."""
    body = message.get_body(("plain",))
    assert body is not None
    return PRINTED.findall(body.get_content())
