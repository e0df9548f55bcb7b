"""Store fixtures: the fake payment gateway, Stripe-signed webhooks, and a Stripe stand-in."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import pytest
import sqlalchemy as sa
import stripe
from flask import Flask

from jasperrec.store.fake_payments import FakeGateway
from jasperrec.store.payments import EXTENSION_KEY
from jasperrec.store.payments import StripeGateway

STRIPE_WEBHOOK_SECRET = "whsec_test_stripe_backend"


@dataclass
class StripeRequest:
    """One request the Stripe library sent, as it went over the wire."""

    method: str
    url: str
    headers: dict[str, str]
    body: str | None

    @property
    def form(self) -> dict[str, str]:
        """The form-encoded parameters, one value each."""
        return {key: values[0] for key, values in parse_qs(self.body or "").items()}


class RecordingHTTPClient(stripe.HTTPClient):
    """Stand in for the network: record each request and answer with a canned response."""

    name = "recording"

    def __init__(self) -> None:
        super().__init__()
        self.responses: list[tuple[int, dict[str, Any]]] = []
        self.requests: list[StripeRequest] = []

    def respond(self, status: int, body: dict[str, Any]) -> None:
        """Queue the answer to the next request."""
        self.responses.append((status, body))

    def request(
        self, method: str, url: str, headers: Any, post_data: Any = None, **kwargs: Any
    ) -> tuple[str, int, dict[str, str]]:
        self.requests.append(StripeRequest(method, url, dict(headers or {}), post_data))
        status, body = self.responses.pop(0)
        return json.dumps(body), status, {"Request-Id": f"req_{len(self.requests)}"}

    def close(self) -> None:
        pass


@pytest.fixture
def fake_gateway(app: Flask) -> Iterator[FakeGateway]:
    """The suite's payment gateway, with no calls recorded and no failure queued."""
    gateway = app.extensions[EXTENSION_KEY]
    assert isinstance(gateway, FakeGateway)
    _reset(gateway)
    yield gateway
    _reset(gateway)


def _reset(gateway: FakeGateway) -> None:
    gateway.calls.clear()
    gateway.failing = False
    gateway.refund_status = "succeeded"
    gateway.refunds.clear()
    # Order ids come back after a rolled-back test, and with them the idempotency keys.
    gateway.sessions.clear()


@pytest.fixture
def stripe_http() -> RecordingHTTPClient:
    return RecordingHTTPClient()


@pytest.fixture
def stripe_gateway(stripe_http: RecordingHTTPClient) -> StripeGateway:
    """A real StripeGateway whose library talks to stripe_http instead of api.stripe.com."""
    return StripeGateway("sk_test_123", STRIPE_WEBHOOK_SECRET, http_client=stripe_http)


@pytest.fixture
def stripe_backend(app: Flask, stripe_gateway: StripeGateway) -> Iterator[StripeGateway]:
    """Run the suite's app on the Stripe backend for one test."""
    saved = app.extensions[EXTENSION_KEY], app.config["STORE_PAYMENT_BACKEND"]
    app.extensions[EXTENSION_KEY] = stripe_gateway
    app.config["STORE_PAYMENT_BACKEND"] = "stripe"
    yield stripe_gateway
    app.extensions[EXTENSION_KEY], app.config["STORE_PAYMENT_BACKEND"] = saved


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """Make a Stripe-Signature header as Stripe does: HMAC-SHA256 of "<t>.<payload>"."""
    stamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256)
    return f"t={stamp},v1={mac.hexdigest()}"


@pytest.fixture
def signed_webhook(fake_gateway: FakeGateway) -> Callable[..., tuple[bytes, dict[str, str]]]:
    """Turn an event into the body and headers of a webhook signed with the fake's secret."""

    def build(
        event: dict[str, Any] | bytes, *, timestamp: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        body = event if isinstance(event, bytes) else json.dumps(event).encode()
        signature = sign(body, fake_gateway.webhook_secret, timestamp)
        return body, {"Stripe-Signature": signature, "Content-Type": "application/json"}

    return build


def checkout_event(
    event_type: str,
    session_id: str,
    *,
    event_id: str = "evt_test_1",
    amount_total: int = 6_825,
    payment_status: str = "paid",
) -> dict[str, Any]:
    """Build a Checkout Session event shaped as Stripe sends it."""
    return {
        "id": event_id,
        "object": "event",
        "type": event_type,
        "api_version": "2025-01-27.acacia",
        "created": int(time.time()),
        "livemode": False,
        "data": {
            "object": {
                "id": session_id,
                "object": "checkout.session",
                "amount_total": amount_total,
                "client_reference_id": "JR-000001",
                "currency": "cad",
                "payment_intent": "pi_test_1",
                "payment_status": payment_status,
                "status": "complete",
            }
        },
    }


@pytest.fixture(autouse=True)
def reconciled(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every store test, every order, refund and balance still agrees with the ledger."""
    yield
    from jasperrec.extensions import db
    from jasperrec.store import reconcile

    if request.node.get_closest_marker("unreconciled"):
        return
    if request.node.get_closest_marker("commits"):
        db.session.remove()
    try:
        problems = reconcile.find_discrepancies()
    except sa.exc.InternalError:
        # The test left PostgreSQL's transaction aborted on purpose (a write the database
        # refused), so nothing it wrote stands to be checked.
        return
    assert problems == []
