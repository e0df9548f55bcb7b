"""The resident's order page for a payment on its way from the bank, and one refunded late."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jasperrec.db import utcnow
from jasperrec.store.models import OrderStatus
from tests import factories


def _page(client: Any, order: Any) -> str:
    return client.get(f"/store/orders/{order.id}").get_data(as_text=True)  # type: ignore[no-any-return]


def test_an_order_awaiting_a_bank_payment_says_the_spaces_stay_held(
    client: Any, user: Any, log_in: Callable[..., Any]
) -> None:
    log_in(user)
    order = factories.OrderFactory(user=user, is_payment_delayed=True)

    page = _page(client, order)

    assert "Your bank payment is on its way" in page
    assert "Cancel the order" not in page
    assert "countdown.js" not in page


@pytest.mark.unreconciled
def test_an_order_refunded_late_says_so_and_not_that_nothing_was_charged(
    client: Any, user: Any, log_in: Callable[..., Any]
) -> None:
    log_in(user)
    order = factories.OrderFactory(user=user, status=OrderStatus.REFUNDED_LATE, closed_at=utcnow())

    page = _page(client, order)

    assert "no space was left" in page
    assert "the full $68.25 is refunded" in page
    assert "Nothing was charged" not in page
