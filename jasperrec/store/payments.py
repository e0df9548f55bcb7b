"""The payment gateway: Stripe Checkout in production, a fake for tests and the demo."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import Protocol

import stripe
from flask import Flask
from flask import current_app

from jasperrec.config import ConfigError
from jasperrec.config import demo_webhook_secret
from jasperrec.db import utcnow

from .errors import InvalidWebhookError
from .errors import PaymentError

EXTENSION_KEY = "jasperrec.payments"
BACKENDS = ("fake", "stripe")
# Stripe replaces this in success_url and cancel_url with the session's id.
SESSION_ID_PLACEHOLDER = "{CHECKOUT_SESSION_ID}"
# Stripe Checkout accepts an expiry from 30 minutes to 24 hours after the session starts.
MIN_EXPIRY = dt.timedelta(minutes=30)
MAX_EXPIRY = dt.timedelta(hours=24)
# Stripe counts from when it creates the session, a moment after we ask, so an expiry
# exactly 30 minutes ahead would be refused; the order's own hold still governs.
STRIPE_MIN_EXPIRY = MIN_EXPIRY + dt.timedelta(minutes=1)
START_FAILED = (
    "The payment service could not start your payment. Nothing was charged; please try again."
)
CANCEL_FAILED = "The payment service could not cancel your payment. Please try again."
REFUND_FAILED = "The payment service could not make the refund. Nothing was refunded."


@dataclass(frozen=True)
class CheckoutLine:
    """One line of what the resident pays for, priced in minor units."""

    name: str
    unit_amount_cents: int
    quantity: int


@dataclass(frozen=True)
class CheckoutSession:
    """A started payment: its processor id and the page the resident pays on."""

    id: str
    url: str


@dataclass(frozen=True)
class RefundResult:
    """A refund the processor accepted: its id, and succeeded, pending or failed."""

    id: str
    status: str
    failure_reason: str | None = None


class PaymentGateway(Protocol):
    """What the store needs from a payment processor."""

    def create_checkout_session(
        self,
        *,
        reference: str,
        customer_email: str,
        currency: str,
        lines: Sequence[CheckoutLine],
        success_url: str,
        cancel_url: str,
        expires_at: dt.datetime,
        idempotency_key: str,
    ) -> CheckoutSession:
        """Start a hosted payment page for an order; the same key never starts a second.

        :raises PaymentError:
        """

    def expire_checkout_session(self, session_id: str) -> None:
        """Close a payment page so it can no longer be paid; a closed one is left alone.

        :raises PaymentError:
        """

    def refund(
        self, payment_intent_id: str, amount_cents: int, idempotency_key: str
    ) -> RefundResult:
        """Give part or all of a payment back to the card it came from; a retry with the
        same key makes no second refund.

        :raises PaymentError:
        """

    def construct_event(self, payload: bytes, signature: str) -> dict[str, Any]:
        """Verify a webhook's signature and return its event.

        :raises InvalidWebhookError:
        """


class StripeGateway:
    """Take payments through Stripe Checkout."""

    def __init__(
        self, secret_key: str, webhook_secret: str, *, http_client: stripe.HTTPClient | None = None
    ) -> None:
        self.webhook_secret = webhook_secret
        # POSTs carry a generated idempotency key, so these retries cannot charge twice.
        self.client = stripe.StripeClient(
            secret_key, max_network_retries=2, http_client=http_client
        )

    def create_checkout_session(
        self,
        *,
        reference: str,
        customer_email: str,
        currency: str,
        lines: Sequence[CheckoutLine],
        success_url: str,
        cancel_url: str,
        expires_at: dt.datetime,
        idempotency_key: str,
    ) -> CheckoutSession:
        """Start a Stripe Checkout payment for an order.

        :raises PaymentError:
        """
        params: Any = {
            "mode": "payment",
            "client_reference_id": reference,
            "metadata": {"reference": reference},
            "payment_intent_data": {"metadata": {"reference": reference}},
            "customer_email": customer_email,
            "line_items": [_line_item(line, currency) for line in lines],
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": int(max(_aware(expires_at), utcnow() + STRIPE_MIN_EXPIRY).timestamp()),
        }
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as exc:
            raise PaymentError(START_FAILED) from exc
        if not session.url:
            raise PaymentError(START_FAILED)
        return CheckoutSession(id=session.id, url=session.url)

    def expire_checkout_session(self, session_id: str) -> None:
        """Expire an open Checkout Session; one already expired or paid is left as it is.

        :raises PaymentError:
        """
        sessions = self.client.v1.checkout.sessions
        try:
            sessions.expire(session_id)
        except stripe.InvalidRequestError as exc:
            # Stripe refuses to expire a session that is no longer open: nothing to undo.
            try:
                status = sessions.retrieve(session_id).status
            except stripe.StripeError:
                raise PaymentError(CANCEL_FAILED) from exc
            if status == "open":
                raise PaymentError(CANCEL_FAILED) from exc
        except stripe.StripeError as exc:
            raise PaymentError(CANCEL_FAILED) from exc

    def refund(
        self, payment_intent_id: str, amount_cents: int, idempotency_key: str
    ) -> RefundResult:
        """Refund through Stripe's Refunds API; the key makes a retry return the same refund.

        :raises PaymentError:
        """
        params: Any = {
            "payment_intent": payment_intent_id,
            "amount": amount_cents,
            "metadata": {"idempotency_key": idempotency_key},
        }
        try:
            refund = self.client.v1.refunds.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as exc:
            raise PaymentError(REFUND_FAILED) from exc
        # Stripe leaves failure_reason out of refunds that have not failed.
        answer = refund.to_dict()
        return RefundResult(
            refund.id, answer.get("status") or "pending", answer.get("failure_reason")
        )

    def construct_event(self, payload: bytes, signature: str) -> dict[str, Any]:
        """Verify the Stripe-Signature header and return the event.

        :raises InvalidWebhookError:
        """
        return verified_event(payload, signature, self.webhook_secret)


def verified_event(payload: bytes, signature: str, secret: str) -> dict[str, Any]:
    """Check a payload against its Stripe-Signature header and parse the event.

    :raises InvalidWebhookError:
    """
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, secret, stripe.Webhook.DEFAULT_TOLERANCE
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        # ValueError covers a body that is not UTF-8 or not JSON.
        raise InvalidWebhookError("The webhook's payload or signature is not valid.") from exc
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(event.get("data"), dict)
    ):
        raise InvalidWebhookError("The webhook's payload is not a Stripe event.")
    return event


def init_app(app: Flask) -> None:
    """Set up the gateway STORE_PAYMENT_BACKEND names: Stripe in production, else the fake."""
    backend = app.config.get("STORE_PAYMENT_BACKEND")
    production = app.config["ENV"] == "production"
    if backend is None:
        backend = "stripe" if production else "fake"
    if backend not in BACKENDS:
        raise ValueError(f"Unknown STORE_PAYMENT_BACKEND {backend!r}; use fake or stripe.")
    gateway: PaymentGateway
    if backend == "stripe":
        secret_key, webhook_secret = _stripe_keys(app)
        gateway = StripeGateway(secret_key, webhook_secret)
    elif production:
        raise ConfigError("Production cannot use the fake payment backend: nothing is charged.")
    else:
        # No money moves, but a known secret would let anyone who reaches the demo mark
        # orders paid, so an unconfigured one is random per instance.
        secret = app.config.get("STRIPE_WEBHOOK_SECRET")
        from .fake_payments import FakeGateway  # the fake builds on this module's types

        latency = float(app.config.get("STORE_FAKE_PAYMENT_LATENCY_MS", 0)) / 1000
        gateway = FakeGateway(secret or demo_webhook_secret(Path(app.instance_path)), latency)
    # Kept normalised so the security headers and the demo pages can read it.
    app.config["STORE_PAYMENT_BACKEND"] = backend
    app.extensions[EXTENSION_KEY] = gateway


def gateway() -> PaymentGateway:
    """Return the current app's payment gateway."""
    return current_app.extensions[EXTENSION_KEY]  # type: ignore[no-any-return]


def _stripe_keys(app: Flask) -> tuple[str, str]:
    secret_key = app.config.get("STRIPE_SECRET_KEY")
    webhook_secret = app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret_key or not webhook_secret:
        raise ConfigError(
            "The stripe payment backend needs JASPERREC_STRIPE_SECRET_KEY and "
            "JASPERREC_STRIPE_WEBHOOK_SECRET."
        )
    return str(secret_key), str(webhook_secret)


def _line_item(line: CheckoutLine, currency: str) -> dict[str, Any]:
    return {
        "quantity": line.quantity,
        "price_data": {
            "currency": currency.lower(),
            "unit_amount": line.unit_amount_cents,
            "product_data": {"name": line.name},
        },
    }


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("expires_at must be timezone-aware")
    return moment


def _check_request(
    lines: Sequence[CheckoutLine], success_url: str, cancel_url: str, expires_at: dt.datetime
) -> None:
    """Refuse what Stripe would refuse, so the demo and tests catch it before production."""
    if not lines or any(line.quantity < 1 or line.unit_amount_cents < 0 for line in lines):
        raise ValueError("a checkout needs lines with a quantity and a price")
    if SESSION_ID_PLACEHOLDER not in success_url or SESSION_ID_PLACEHOLDER not in cancel_url:
        raise ValueError(f"success_url and cancel_url need {SESSION_ID_PLACEHOLDER}")
    # A minute's grace covers the time between computing expires_at and calling.
    ahead = _aware(expires_at) - utcnow()
    if not MIN_EXPIRY - dt.timedelta(minutes=1) <= ahead <= MAX_EXPIRY:
        raise ValueError("expires_at must be 30 minutes to 24 hours from now")
