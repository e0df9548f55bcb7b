"""The fake payment backend can take as long as Stripe, so load benchmarks see its latency."""

from __future__ import annotations

import datetime as dt

from jasperrec.db import utcnow
from jasperrec.store import fake_payments
from jasperrec.store.payments import EXTENSION_KEY
from jasperrec.store.payments import CheckoutLine

URL = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"


def test_a_configured_latency_delays_each_session_and_refund(other_app, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(fake_payments.time, "sleep", slept.append)
    built = other_app(STORE_FAKE_PAYMENT_LATENCY_MS=300)
    gateway = built.extensions[EXTENSION_KEY]

    with built.test_request_context():
        gateway.create_checkout_session(
            reference="JR-000001", customer_email="a@example.ca", currency="CAD",
            lines=[CheckoutLine("Swim", 8_400, 1)], success_url=URL, cancel_url=URL,
            expires_at=utcnow() + dt.timedelta(minutes=30), idempotency_key="order-1-session",
        )  # fmt: skip
    gateway.refund("pi_1", 8_400, "refund-1")

    assert slept == [0.3, 0.3]


def test_by_default_the_fake_answers_at_once(other_app, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(fake_payments.time, "sleep", slept.append)
    gateway = other_app().extensions[EXTENSION_KEY]

    gateway.refund("pi_1", 8_400, "refund-1")

    assert slept == []
