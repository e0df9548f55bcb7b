"""The demo's simulated card payment: only with the fake gateway, only for one's own order."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.store.fake_payments import FakeGateway
from jasperrec.store.models import Order
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import ProcessedEvent
from jasperrec.store.payments import EXTENSION_KEY
from jasperrec.store.payments import StripeGateway
from tests import factories


def page(order: Order) -> str:
    return f"/store/demo-checkout/{order.checkout_session_id}"


def reloaded(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)  # type: ignore[no-any-return]


@pytest.fixture
def order(user: Any, log_in: Callable[..., Any], fake_gateway: FakeGateway) -> Order:
    log_in(user)
    return factories.OrderFactory(user=user)  # type: ignore[no-any-return]


def test_the_demo_page_shows_the_order_and_says_no_card_is_charged(
    client: Any, order: Order
) -> None:
    response = client.get(page(order))

    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert order.reference in text
    assert "Adult 30-day pass" in text
    assert "$3.25" in text  # GST
    assert "Pay $68.25 (simulated)" in text
    assert "Cancel payment" in text
    assert "simulated payment" in text
    assert "no card is charged" in text.lower()
    # Only the hold's countdown, a static file; nothing inline, and no card form.
    assert re.findall(r"<script[^>]*>", text) == ['<script src="/static/countdown.js" defer>']


def test_paying_on_the_demo_page_marks_the_order_paid_through_the_webhook_path(
    client: Any, order: Order, outbox: list[EmailMessage]
) -> None:
    response = client.post(page(order) + "/pay")

    assert response.status_code == 302
    assert response.location == (f"/store/checkout/complete?session_id={order.checkout_session_id}")
    paid = reloaded(order)
    assert paid.status is OrderStatus.PAID
    assert paid.payment_intent_id.startswith("pi_demo_")
    [event_id] = db.session.scalars(sa.select(ProcessedEvent.event_id))
    assert event_id.startswith("evt_demo_")
    assert len(outbox) == 1


def test_paying_an_order_no_longer_pending_changes_nothing(
    client: Any, user: Any, log_in: Callable[..., Any], fake_gateway: FakeGateway
) -> None:
    log_in(user)
    expired = factories.OrderFactory(user=user, status=OrderStatus.EXPIRED)

    response = client.post(page(expired) + "/pay", follow_redirects=True)

    assert f"{expired.reference} is expired; nothing was charged" in response.get_data(as_text=True)
    assert "Pay $" not in response.get_data(as_text=True)
    assert reloaded(expired).status is OrderStatus.EXPIRED
    assert db.session.scalars(sa.select(ProcessedEvent)).all() == []


def test_paying_after_the_time_ran_out_changes_nothing(
    client: Any, user: Any, log_in: Callable[..., Any], fake_gateway: FakeGateway
) -> None:
    log_in(user)
    late = factories.OrderFactory(user=user, expires_at=utcnow() - dt.timedelta(minutes=1))

    response = client.post(page(late) + "/pay", follow_redirects=True)

    assert "ran out; nothing was charged" in response.get_data(as_text=True)
    assert reloaded(late).status is OrderStatus.PENDING
    assert db.session.scalars(sa.select(ProcessedEvent)).all() == []


def test_cancelling_on_the_demo_page_returns_to_the_cancel_url(client: Any, order: Order) -> None:
    response = client.post(page(order) + "/cancel")

    assert response.status_code == 302
    assert response.location == (
        f"/store/checkout/cancelled?session_id={order.checkout_session_id}"
    )
    assert reloaded(order).status is OrderStatus.PENDING


@pytest.mark.parametrize("action", ["", "/pay", "/cancel"])
def test_another_residents_order_is_not_found(
    client: Any, log_in: Callable[..., Any], fake_gateway: FakeGateway, action: str
) -> None:
    someone_else = factories.OrderFactory()
    log_in(factories.UserFactory())

    method = client.get if not action else client.post
    response = method(page(someone_else) + action)

    assert response.status_code == 404
    assert reloaded(someone_else).status is OrderStatus.PENDING


def test_an_unknown_session_is_not_found(
    client: Any, user: Any, log_in: Callable[..., Any], fake_gateway: FakeGateway
) -> None:
    log_in(user)

    assert client.get("/store/demo-checkout/cs_demo_nothing").status_code == 404


@pytest.mark.parametrize("action", ["", "/pay", "/cancel"])
def test_there_is_no_demo_page_with_real_payments(
    client: Any, order: Order, stripe_backend: StripeGateway, action: str
) -> None:
    method = client.get if not action else client.post
    response = method(page(order) + action)

    assert response.status_code == 404
    assert reloaded(order).status is OrderStatus.PENDING


def test_the_demo_page_needs_a_signed_in_resident(client: Any, fake_gateway: FakeGateway) -> None:
    order = factories.OrderFactory()

    response = client.get(page(order))

    assert response.status_code == 302
    assert "/auth/login" in response.location


def test_the_demo_pay_button_needs_the_csrf_token(
    app: Flask, client: Any, order: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client.post(page(order) + "/pay")

    assert response.status_code == 400
    assert reloaded(order).status is OrderStatus.PENDING


def test_the_demo_page_survives_a_restart_of_the_gateway(
    app: Flask, client: Any, order: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, FakeGateway("whsec_restarted"))

    assert client.get(page(order)).status_code == 200
    assert client.post(page(order) + "/pay").status_code == 302
    assert reloaded(order).status is OrderStatus.PAID


def test_a_resident_checks_out_and_pays_on_the_demo_page(
    client: Any, user: Any, log_in: Callable[..., Any], fake_gateway: FakeGateway
) -> None:
    log_in(user)
    product = factories.ProductFactory(merchandise=True, price_cents=4_000)
    client.post(
        f"/store/passes-and-memberships/{product.slug}/add", data={f"p{product.id}-quantity": "2"}
    )

    to_payment = client.post("/store/checkout")
    [call] = fake_gateway.calls
    demo_page = client.get(to_payment.location)
    paid = client.post(to_payment.location + "/pay", follow_redirects=True)

    assert to_payment.location == f"/store/demo-checkout/{call.session_id}"
    assert "Pay $84.00 (simulated)" in demo_page.get_data(as_text=True)
    assert call.redirects["success_url"].endswith(
        f"/store/checkout/complete?session_id={call.session_id}"
    )
    assert "Paid on" in paid.get_data(as_text=True)
    order = db.session.scalars(sa.select(Order).where(Order.user_id == user.id)).one()
    assert (order.status, order.total_cents) == (OrderStatus.PAID, 8_400)
