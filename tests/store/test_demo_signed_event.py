"""The demo payment page sends its event signed, through the same check as Stripe's."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from jasperrec.extensions import db
from jasperrec.store import payments
from jasperrec.store.fake_payments import FakeGateway
from jasperrec.store.models import Order
from jasperrec.store.models import OrderStatus
from tests import factories


@pytest.fixture
def order(user: Any, log_in: Callable[..., Any], fake_gateway: FakeGateway) -> Order:
    log_in(user)
    return factories.OrderFactory(user=user)  # type: ignore[no-any-return]


def _pay(client: Any, order: Order) -> Any:
    return client.post(f"/store/demo-checkout/{order.checkout_session_id}/pay")


def _status(order: Order) -> OrderStatus:
    db.session.expire_all()
    return db.session.get_one(Order, order.id).status


def test_the_demo_event_is_checked_by_construct_event(
    client: Any, order: Order, fake_gateway: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[bytes] = []
    verify = payments.verified_event

    def spy(payload: bytes, signature: str, secret: str) -> dict[str, Any]:
        checked.append(payload)
        return verify(payload, signature, secret)

    monkeypatch.setattr(payments, "verified_event", spy)

    assert _pay(client, order).status_code == 302
    assert _status(order) is OrderStatus.PAID
    assert json.loads(checked[0])["data"]["object"]["id"] == order.checkout_session_id


def test_a_tampered_demo_event_is_refused_and_changes_nothing(
    client: Any, order: Order, fake_gateway: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign = fake_gateway.sign

    def tamper(event: dict[str, Any]) -> tuple[bytes, str]:
        payload, signature = sign(event)
        return payload.replace(b'"paid"', b'"PAID"'), signature

    monkeypatch.setattr(fake_gateway, "sign", tamper)

    assert _pay(client, order).status_code == 400
    assert _status(order) is OrderStatus.PENDING


def test_an_unsigned_demo_event_is_refused(
    client: Any, order: Order, fake_gateway: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fake_gateway, "sign", lambda event: (json.dumps(event).encode(), ""))

    assert _pay(client, order).status_code == 400
    assert _status(order) is OrderStatus.PENDING
