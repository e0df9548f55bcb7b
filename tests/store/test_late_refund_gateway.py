"""Refunds through the gateway, as late payments use them: one per key, Stripe and fake."""

from __future__ import annotations

import pytest

from jasperrec.store.errors import PaymentError
from jasperrec.store.fake_payments import FakeGateway
from jasperrec.store.payments import RefundResult
from jasperrec.store.payments import StripeGateway
from tests.store.conftest import RecordingHTTPClient


def test_stripe_refund_posts_the_amount_with_our_key(
    stripe_gateway: StripeGateway, stripe_http: RecordingHTTPClient
) -> None:
    stripe_http.respond(200, {"id": "re_1", "object": "refund", "status": "pending"})

    refund = stripe_gateway.refund("pi_1", 8_400, "order-7-late-refund")

    assert refund == RefundResult("re_1", "pending")
    [sent] = stripe_http.requests
    assert (sent.method, sent.url) == ("post", "https://api.stripe.com/v1/refunds")
    assert sent.headers["Idempotency-Key"] == "order-7-late-refund"
    assert (sent.form["payment_intent"], sent.form["amount"]) == ("pi_1", "8400")


def test_a_refused_stripe_refund_is_a_payment_error(
    stripe_gateway: StripeGateway, stripe_http: RecordingHTTPClient
) -> None:
    stripe_http.respond(
        400, {"error": {"type": "invalid_request_error", "message": "already refunded"}}
    )
    with pytest.raises(PaymentError, match="could not make the refund"):
        stripe_gateway.refund("pi_1", 8_400, "order-7-late-refund")


def test_the_fake_refunds_once_per_key(fake_gateway: FakeGateway) -> None:
    first = fake_gateway.refund("pi_1", 100, "k")
    assert fake_gateway.refund("pi_1", 100, "k") == first
    assert fake_gateway.refund("pi_1", 100, "other") != first
